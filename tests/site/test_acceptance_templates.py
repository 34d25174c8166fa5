"""Acceptance record templates (验收单 kinds and their fields' labels) come from the settings
file ([site.acceptance], config/default.toml; a site file given as SITEBOT_CONFIG adds kinds,
relabels them or drops one with []): records made through the console use them, on the record,
its card to the supervisor side and the usage answer; a bad template stops start-up with a
one-line error naming the key."""
from __future__ import annotations

import os
import tempfile

import pytest

from bot import keys
from bot.app import create_app
from bot.config_error import ConfigError
from bot.settings import load_settings
from domain.store.models.site import AcceptanceRecord
from sqlalchemy import select
from tests.console_driver import ConsoleDriver, field
from tests.progress.helpers import SITE

SITE_FILE = """
[site.acceptance]
"防水工程" = ["防水部位", "做法"]
"材料进场" = ["材料", "进场数量"]
"分项工程" = []
"""


def _settings(db_url: str, path: str):  # noqa: ANN202
    return load_settings(env={"SITEBOT_CONFIG": path}, overrides={
        "server": {"console": True}, "database": {"url": db_url},
        "media": {"dir": os.path.join(tempfile.gettempdir(), "sitebot-test-media")}})


async def _records(console: ConsoleDriver) -> list[AcceptanceRecord]:
    async with console.app[keys.STORE].transaction() as tx:
        return list(await tx.session.scalars(select(AcceptanceRecord).order_by(AcceptanceRecord.id)))


async def test_kinds_and_labels_from_the_site_file(db_url, clock, aiohttp_client, tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(SITE_FILE, encoding="utf-8")
    app = create_app(_settings(db_url, str(path)), clock=clock, demo=True, run_worker=False)
    console = ConsoleDriver(await aiohttp_client(app))
    await console.say("u-li", SITE, "验收 防水工程 地下室底板 两布三涂，搭接100")
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "验收 材料进场 HRB400钢筋 Φ25 12吨")
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "验收 隐蔽工程 5层顶板钢筋 绑扎间距150")     # a default kind, kept
    records = await _records(console)
    assert [(r.kind, r.fields) for r in records] == [
        ("防水工程", {"防水部位": "地下室底板", "做法": "两布三涂，搭接100"}),
        ("材料进场", {"材料": "HRB400钢筋", "进场数量": "Φ25 12吨"}),
        ("隐蔽工程", {"隐蔽部位": "5层顶板钢筋", "验收内容": "绑扎间距150"})]
    await console.deliver()
    card = next(m["body"] for m in await console.bot_messages("dm", user="u-liu")
                if m["body"].get("title", "").startswith("验收单 YS-1"))
    assert field(card, "防水部位") == "地下室底板" and field(card, "做法") == "两布三涂，搭接100"

    clock.advance(seconds=5)
    await console.say("u-li", SITE, "验收 分项工程 二层砌体 灰缝饱满")            # dropped by the file
    assert await console.last_text(SITE, "u-li") == (
        "请写：验收 <类型> <部位/名称> <内容>，类型：隐蔽工程 / 材料进场 / 防水工程。"
        "例如：验收 隐蔽工程 5层顶板钢筋 绑扎间距150")
    assert len(await _records(console)) == 3


async def test_the_defaults_are_todays_kinds(settings):
    assert dict(settings.site.acceptance) == {"隐蔽工程": ("隐蔽部位", "验收内容"),
                                              "分项工程": ("分项名称", "验收内容"),
                                              "材料进场": ("材料名称", "规格数量")}


@pytest.mark.parametrize("body, named", [
    ('"防水工程" = ["防水部位"]', "site.acceptance.防水工程"),
    ('"防水 工程" = ["防水部位", "做法"]', "site.acceptance.防水 工程"),
    ('"防水工程" = ["做法", "做法"]', "site.acceptance.防水工程"),
    ('"隐蔽工程" = []\n"分项工程" = []\n"材料进场" = []', "site.acceptance"),
])
def test_a_bad_template_is_refused_naming_the_key(db_url, tmp_path, body, named):
    path = tmp_path / "site.toml"
    path.write_text(f"[site.acceptance]\n{body}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        _settings(db_url, str(path))
    assert str(refused.value).startswith(named + ":"), str(refused.value)


def _entry(text: str, start: str) -> str:
    """One command's entry in 帮助: its line and the example under it."""
    lines = text.splitlines()
    at = next(i for i, x in enumerate(lines) if x.startswith(start))
    return "\n".join(lines[at:at + 2])


async def test_help_names_the_configured_kinds(db_url, clock, aiohttp_client, tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(SITE_FILE, encoding="utf-8")
    app = create_app(_settings(db_url, str(path)), clock=clock, demo=True, run_worker=False)
    console = ConsoleDriver(await aiohttp_client(app))
    await console.say("u-li", SITE, "帮助")
    line = _entry(await console.last_text(SITE, "u-li"), "• 验收")
    assert "验收单（隐蔽工程 / 材料进场 / 防水工程）" in line and "分项工程" not in line
    assert "验收 隐蔽工程 5层顶板钢筋" in line                     # the usual example, still a kind
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "help")                             # in English too
    line = _entry(await console.last_text(SITE, "u-li"), "• acceptance")
    assert "(隐蔽工程 / 材料进场 / 防水工程)" in line
    # A file that drops 隐蔽工程 too: the example uses a kind that is there, with its labels.
    path.write_text(SITE_FILE + '"隐蔽工程" = []\n', encoding="utf-8")
    other = create_app(_settings(db_url, str(path)), clock=clock, demo=False, run_worker=False)
    console = ConsoleDriver(await aiohttp_client(other))
    await console.say("u-li", SITE, "帮助 全部")
    line = _entry(await console.last_text(SITE, "u-li"), "• 验收")
    assert "验收单（材料进场 / 防水工程）" in line and "隐蔽工程" not in line
    assert "验收 材料进场 <材料> <进场数量>" in line

