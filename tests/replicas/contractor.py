"""A contractor's set-up and evening, played against replicas behind nginx: the admin made on the
command line, then in each customer chat on Feishu `项目 新建 …` and `绑定 P-… 客户` (signed,
encrypted callbacks through nginx, answered at the fake Feishu), then the daily digest run with
`sitebot jobs run progress.digest --at …` and counted at the fake: each chat's digests, the
fake's refusals (limits) and the sends repeated under a used uuid."""
from __future__ import annotations

import asyncio
import json
import re
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp

from tests.platforms.feishu.driver import APP_ID, APP_SECRET, BOT, ENCRYPT_KEY, VTOKEN, message_event
from tests.platforms.feishu.fake_open_platform import FakeFeishu
from tests.platforms.feishu.signing import wrap
from tests.replicas.cluster import ROOT

ADMIN = "ou_admin"
TZ = ZoneInfo("Asia/Shanghai")
CREATED = re.compile(r"已新建项目 (P-\d+)")
CONCURRENT = 8   # commands in flight at once, as busy chats would
FAILED = ("处理时出错了", "刚刚有人同时操作")   # error.internal, error.conflict: the set-up went wrong


def customer_chat(i: int) -> str:
    return f"oc_cust{i:04d}"


def feishu_env(fake: FakeFeishu) -> dict[str, str]:
    return {"SITEBOT_FEISHU_APP_ID": APP_ID, "SITEBOT_FEISHU_APP_SECRET": APP_SECRET,
            "SITEBOT_FEISHU_VERIFICATION_TOKEN": VTOKEN, "SITEBOT_FEISHU_ENCRYPT_KEY": ENCRYPT_KEY,
            "SITEBOT_FEISHU_BASE_URL": fake.base_url}


def site_config(claim_seconds: int = 15) -> str:
    """The site file: a digest even on a quiet day (these projects are new), at a time 12 hours
    away so the replicas' own schedulers leave it to `jobs run`; claims a killed sender held
    are taken again after `claim_seconds`."""
    at = (datetime.now(TZ) + timedelta(hours=12)).strftime("%H:%M")
    return (f'[progress]\nsend_when_idle = true\ndigest_time = "{at}"\n\n'
            f"[delivery]\nclaim_seconds = {claim_seconds}\n")


async def sitebot(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    """`sitebot ARGS` without blocking this loop (the fake answers from it)."""
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *args, cwd=ROOT, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"sitebot {' '.join(args)} failed ({proc.returncode}):\n{out.decode()}")
    return out.decode().strip()


def command(fake: FakeFeishu, chat: str, text: str, message_id: str | None = None) -> dict:
    """The admin @-mentions the bot in `chat`; the fake knows the message (so it can be replied to)."""
    event = message_event(ADMIN, chat, {"text": f"@_user_1 {text}"}, message_id=message_id,
                          mentions=[("@_user_1", BOT, "sitebot")])
    fake.chats.add(chat)
    fake.receive(event["event"]["message"]["message_id"], chat, ADMIN)
    return event


async def post(http: aiohttp.ClientSession, url: str, event: dict) -> tuple[int, str]:
    """Signed and encrypted as Feishu does, now; (status, the replica nginx chose)."""
    body, headers = wrap(event, ENCRYPT_KEY, int(time.time()), nonce=uuid.uuid4().hex)
    async with http.post(f"{url}/webhooks/feishu", data=body, headers=headers) as answer:
        await answer.read()
        return answer.status, answer.headers.get("X-Sitebot-Upstream", "")


def answers(fake: FakeFeishu, chat: str) -> list[str]:
    """What the bot said in `chat`; an error answer fails the caller at once."""
    said = [json.dumps(m.body, ensure_ascii=False) for m in fake.sent(chat)]
    wrong = [text for text in said if any(marker in text for marker in FAILED)]
    assert not wrong, f"{chat}: {wrong[0]}"
    return said


async def say_everywhere(http: aiohttp.ClientSession, url: str, events: list[dict]) -> Counter:
    gate = asyncio.Semaphore(CONCURRENT)

    async def one(event: dict) -> int:
        async with gate:
            status, _ = await post(http, url, event)
            return status
    return Counter(await asyncio.gather(*(one(e) for e in events)))


async def wait_for(check, what: str, timeout: float) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def set_up_projects(url: str, fake: FakeFeishu, count: int, timeout: float = 300) -> dict[str, str]:
    """In each of `count` customer chats: 项目 新建 <name>, then 绑定 <its code> 客户. {chat: code}."""
    chats = [customer_chat(i) for i in range(count)]
    async with aiohttp.ClientSession() as http:
        statuses = await say_everywhere(http, url, [command(fake, c, f"项目 新建 滨江花园{c[-4:]}号楼") for c in chats])
        assert statuses == Counter({200: count}), statuses
        codes: dict[str, str] = {}

        def created() -> bool:
            for chat in chats:
                found = [m.group(1) for text in answers(fake, chat) for m in [CREATED.search(text)] if m]
                if found:
                    codes[chat] = found[0]
            return len(codes) == count
        await wait_for(created, "every project created", timeout)
        statuses = await say_everywhere(http, url, [command(fake, c, f"绑定 {codes[c]} 客户") for c in chats])
        assert statuses == Counter({200: count}), statuses
        await wait_for(lambda: all(any("本群已绑定到" in t for t in answers(fake, c)) for c in chats),
                       "every chat bound", timeout)
    return codes


@dataclass
class Evening:
    """What reached the fake for one digest run."""
    per_chat: Counter           # chat -> messages the bot sent it during the run
    refused: int                # sends the fake refused for a limit
    repeated: int               # sends repeated under a uuid already used (Feishu keeps one)
    seconds: float              # from the run's start to the last digest's arrival

    def missing(self, chats: list[str]) -> list[str]:
        return [c for c in chats if self.per_chat[c] == 0]

    def duplicated(self) -> list[str]:
        return [c for c, n in self.per_chat.items() if n > 1]


class DigestRun:
    """`sitebot jobs run progress.digest --at <day> <digest time>`, counted at the fake from its start."""

    def __init__(self, fake: FakeFeishu, chats: list[str], env: dict[str, str], days_ago: int) -> None:
        self.fake, self.chats, self.env = fake, set(chats), env
        self.before = set(fake.messages)
        self.refused_before, self.repeated_before = len(fake.limited), len(fake.repeated_uuids)
        day = datetime.now(TZ).date() - timedelta(days=days_ago)
        digest_at = re.search(r'digest_time = "(\d\d:\d\d)"', open(env["SITEBOT_CONFIG"]).read()).group(1)
        self.at = f"{day.isoformat()}T{digest_at}"
        self.started = time.monotonic()
        self.last_arrival = self.started

    async def queue(self) -> str:
        """The command's result line ("progress.digest at …: N performed")."""
        self.started = time.monotonic()
        out = await sitebot("jobs", "run", "progress.digest", "--at", self.at, env=self.env)
        return next(line for line in out.splitlines() if line.startswith("progress.digest at "))

    def delivered(self) -> Counter:
        counts = Counter(m.receive_id for key, m in self.fake.messages.items()
                         if key not in self.before and m.sender == "bot" and m.receive_id in self.chats)
        if sum(counts.values()) != getattr(self, "_seen", -1):
            self._seen, self.last_arrival = sum(counts.values()), time.monotonic()
        return counts

    def result(self) -> Evening:
        return Evening(self.delivered(), len(self.fake.limited) - self.refused_before,
                       len(self.fake.repeated_uuids) - self.repeated_before, self.last_arrival - self.started)
