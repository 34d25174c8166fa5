"""English throughout (issue 16): every wording key in templates/i18n/zh-CN has its twin in
en and the other way round, file by file; and a company whose people prefer English (and whose
chats default to it) reads no Chinese in the main cards and replies — the ticket's life with
its buttons and the resolution note, the lists and the timeline, 帮助, 我是谁, a change asking to
confirm the new end date, 停工's question, 绑定's question. The demo's own data (people's and
projects' names …) is renamed to Latin first, so what is found is ours, not the data's."""
from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest
from sqlalchemy import JSON, String, select

from bot import keys
from bot.app import create_app
from bot.paths import TEMPLATES_DIR
from domain.store.base import Base
from domain.store.models import Person
from tests.conftest import make_settings
from tests.console_driver import ConsoleDriver, card_text

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
SITE, OWNER = "p001-site", "p001-owner"
# Input words that exist only in Chinese so far: the acceptance record's kinds (验收, issue 17,
# domain/site/acceptance.py) are typed as they are named; the English help shows them as such.
TYPED_AS_IS = ("隐蔽工程", "分项工程", "材料进场")


def _flatten(prefix: str, table: dict[str, Any], out: set[str]) -> set[str]:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out.add(name)
    return out


def _keys(locale: str, file: str) -> set[str]:
    path = TEMPLATES_DIR / "i18n" / locale / file
    return _flatten("", tomllib.loads(path.read_text(encoding="utf-8")), set()) if path.exists() else set()


@pytest.mark.parametrize("file", sorted(p.name for p in (TEMPLATES_DIR / "i18n" / "zh-CN").glob("*.toml")))
def test_every_wording_has_its_english_twin_and_back(file: str):
    zh, en = _keys("zh-CN", file), _keys("en", file)
    assert sorted(zh - en) == [], f"en/{file} lacks these zh-CN keys"
    assert sorted(en - zh) == [], f"zh-CN/{file} lacks these en keys"


def test_no_english_file_without_its_reference():
    english = {p.name for p in (TEMPLATES_DIR / "i18n" / "en").glob("*.toml")}
    assert english == {p.name for p in (TEMPLATES_DIR / "i18n" / "zh-CN").glob("*.toml")}


def _latin(value: Any, tag: str) -> Any:
    if isinstance(value, str):
        return CJK.sub("x", value) if CJK.search(value) else value
    if isinstance(value, list):
        return [_latin(v, tag) for v in value]
    if isinstance(value, dict):
        return {k: _latin(v, tag) for k, v in value.items()}
    return value


@pytest.fixture
async def english(db_url, clock, aiohttp_client) -> ConsoleDriver:
    """The demo company, its data in Latin letters, its people preferring English."""
    app = create_app(make_settings(db_url, i18n={"default_locale": "en"}), clock=clock, demo=True,
                     run_worker=False)
    client = await aiohttp_client(app)
    async with app[keys.STORE].transaction() as tx:
        for mapper in Base.registry.mappers:
            columns = [c.key for c in mapper.columns if isinstance(c.type, (String, JSON))]
            if not columns:
                continue
            for row in (await tx.session.scalars(select(mapper.class_))).all():
                for column in columns:
                    value = getattr(row, column)
                    latin = _latin(value, column)
                    if latin != value:
                        setattr(row, column, latin)
        for n, person in enumerate((await tx.session.scalars(select(Person).order_by(Person.id))).all()):
            person.locale = "en"
            if CJK.search(person.name) or "x" in person.name:
                person.name = f"Person{n}"
    return ConsoleDriver(client)


def _without(text: str, words: tuple[str, ...]) -> str:
    for word in words:
        text = text.replace(word, "")
    return text


async def _all_bot_text(console: ConsoleDriver, chats: list[tuple[str, str]]) -> list[str]:
    found = []
    for chat, user in chats:
        for message in await console.bot_messages(chat, user):
            body = message["body"]
            text = body["text"] if body["type"] == "text" else card_text(body)
            found.append(f"[{chat}/{user}] {text}")
    return found


async def test_an_english_company_reads_no_chinese(english):
    console = english
    await console.say("u-li", SITE, "help")
    await console.say("u-li", SITE, "whoami")
    await console.say("u-li", SITE, "report water leaking in the bathroom on 3F, urgent")
    card = await console.last_bot(SITE)
    labels = [a["label"] for a in card["body"]["actions"]]
    assert labels and not any(CJK.search(label) for label in labels), labels

    await console.press("u-zhao", SITE, card, labels[0])                       # accept
    card = next(m for m in await console.bot_messages(SITE) if m["id"] == card["id"])
    resolve = next(a["label"] for a in card["body"]["actions"] if a["action"] == "ticket.resolve")
    await console.press("u-zhao", SITE, card, resolve)
    await console.say("u-zhao", SITE, "replaced the waterproof membrane")
    ask = [m for m in await console.bot_messages("dm", "u-li") if m["body"]["type"] == "card"][-1]
    solved = next(a["label"] for a in ask["body"]["actions"] if a["action"] == "ticket.confirm")
    await console.press("u-li", "dm", ask, solved)
    survey = [m for m in await console.bot_messages("dm", "u-li") if m["body"]["type"] == "card"][-1]
    await console.press("u-li", "dm", survey, survey["body"]["actions"][4]["label"])
    await console.say("u-li", SITE, "my tickets")
    await console.say("u-li", SITE, "ticket T-1")
    await console.say("u-chen", SITE, "overdue")
    await console.say("u-chen", SITE, "bind P-003")                               # asked first
    await console.say("u-chen", SITE, "change schedule +15d reason: the client asked for more waterproofing")
    await console.say("u-zhou", "dm", "approve C-1")                              # asked first
    ask = await console.last_bot("dm", "u-zhou")
    await console.press("u-zhou", "dm", ask, ask["body"]["actions"][0]["label"])
    await console.say("u-chen", SITE, "stoppage P-001 12-05 to 12-06 reason: storm warning")
    for command in ("progress", "project P-001", "milestone P-001", "contract P-001", "stoppage P-001",
                    "approvals", "help all", "roles", "project", "receivables"):
        await console.say("u-chen", "dm", command)
    seen = await _all_bot_text(console, [(SITE, "u-admin"), (OWNER, "u-admin"), ("dm", "u-li"),
                                         ("dm", "u-zhao"), ("dm", "u-chen"), ("dm", "u-zhou")])
    assert len(seen) > 15
    chinese = [line for text in seen for line in text.splitlines()
               if CJK.search(_without(line, TYPED_AS_IS))]
    assert chinese == [], "\n".join(chinese)


async def test_chinese_buttons_carry_no_english(console):
    await console.say("u-li", SITE, "报修 5号楼3层卫生间渗水，比较急")
    card = await console.last_bot(SITE)
    await console.press("u-zhao", SITE, card, "接单")
    card = next(m for m in await console.bot_messages(SITE) if m["id"] == card["id"])
    labels = [a["label"] for a in card["body"]["actions"]]
    assert labels == ["转派", "等待客户", "等待材料", "已解决", "更正"]
    out = await console.press("u-li", SITE, card, "已解决")
    assert not re.search(r"[A-Za-z]", out["toast"]["text"]), out["toast"]["text"]
