"""One crash run: sitebot with every edge, set up through user paths, the load, kill -9, the
restart on the same database, and the figures per edge.

Set-up as a site would: `sitebot serve --demo` (the demo's people, projects and console groups)
with a site TOML naming each platform's admin (`[access] admins`); the admins bind their groups
by chat. Each edge's events go out at its own rate in one open loop (each at its planned time,
whatever happened before), and the whole process group is killed KILL_AFTER seconds in.
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from bench.load.fake import FakeFeishu
from bench.load.machine import Processes
from bench.load.sitebot import Sitebot
from bench.load.traffic import Result, open_loop, percentile
from domain.store.engine import make_engine
from domain.store.inbox import Inbox
from domain.store.models import InboundEvent, InboxEvent, OutboxMessage, Ticket, TicketEvent
from domain.store.repos.outbox import PENDING, SENDING
from tests.runtime.crash.console import ConsoleReports
from tests.runtime.crash.dingtalk import DingTalkReports
from tests.runtime.crash.feishu import FeishuPresses, FeishuReports
from tests.runtime.crash.shots import Edge, Shot
from tests.runtime.crash.wecom import WeComReports

# Each edge sends for LOAD_SECONDS at its rate (events/s); presses: one per ticket carded
# before the load. DingTalk's groups and WeCom's members are enough for those rates to stay
# under 20 messages a minute in each.
LOAD_SECONDS = 2.5
RATES = {"feishu": 100.0, "feishu presses": 10.0, "wecom": 12.0, "dingtalk": 12.0, "console": 8.0}
PRESSES = int(RATES["feishu presses"] * LOAD_SECONDS)
# sitebot is killed KILL_EARLIEST s into the load once every edge has had KILL_WHEN_ACKED
# requests answered 200, else as soon as they have (at the latest at KILL_LATEST): mid-load on
# a fast machine, and still with work in hand on a busy one.
KILL_EARLIEST, KILL_WHEN_ACKED, KILL_LATEST = 1.5, 5, 10.0
# A claim on an outbox row runs out after this; the rows a killed process had claimed wait for it.
CLAIM_SECONDS = 10
# After the restart: how long sitebot may take to work through what it had acknowledged.
DRAIN_LIMIT = 120.0


@dataclass
class Figures:
    acknowledged: int = 0
    resent: int = 0              # sends repeated after the restart that the platform absorbed
    without_effect: list[str] = field(default_factory=list)
    without_reply: list[str] = field(default_factory=list)
    effect_twice: list[str] = field(default_factory=list)
    sent_twice: list[str] = field(default_factory=list)

    def line(self) -> dict[str, int]:
        return {"acknowledged": self.acknowledged, "without_effect": len(self.without_effect),
                "without_reply": len(self.without_reply), "effect_twice": len(self.effect_twice),
                "sent_twice": len(self.sent_twice), "resent_absorbed": self.resent}


class Phases:
    """Seconds each phase took (printed, for keeping the run within CI's time)."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._last = time.monotonic()

    def mark(self, name: str) -> None:
        now = time.monotonic()
        self.times[name], self._last = round(now - self._last, 1), now

    def __str__(self) -> str:
        return json.dumps(self.times, ensure_ascii=False)


def site_config(path: Path, edges: list[Edge]) -> Path:
    admins = sorted({identity for edge in edges for identity in edge.admins()})
    path.write_text(f"[access]\nadmins = {json.dumps(admins)}\n\n"
                    f"[delivery]\nclaim_seconds = {CLAIM_SECONDS}\n", encoding="utf-8")
    return path


@dataclass
class Outcome:
    edges: dict[str, Figures]
    unfinished: str      # what sitebot still had in hand when the wait ran out, if it did


async def crash_run(db_url: str, workdir: Path, worker_process: bool) -> Outcome:
    fake = FakeFeishu()
    await fake.start()
    feishu = FeishuReports(fake)
    presses = FeishuPresses(feishu)
    presses.count = PRESSES
    edges: list[Edge] = [feishu, presses, WeComReports(), DingTalkReports(), ConsoleReports()]
    procs = Processes()
    phases = Phases()
    try:
        for edge in edges:
            await edge.start()
        env = {"SITEBOT_CONFIG": str(site_config(workdir / "site.toml", edges)),
               "SITEBOT_LINK_SECRET": "crash-test-link-secret"}
        for edge in edges:
            env.update(edge.env())
        site = Sitebot(procs, workdir, db_url, fake.url, env=env, pin=False,
                       serve_args=["--demo", *(["--worker-process"] if worker_process else [])])
        await site.start()
        phases.mark("started")
        await asyncio.gather(*(edge.setup(site) for edge in edges))
        phases.mark("set up")
        stream = _stream(site, edges)
        acked = await _load_and_kill(site, stream)
        phases.mark("load and kill")
        await site.start()
        for edge in edges:
            await edge.restarted(site)
        phases.mark("restarted")
        unfinished = await _wait_for_replies(db_url, edges, acked)
        phases.mark("replies")
        figures = await _count(db_url, edges, acked)
        site.kill()   # its shutdown is not what is tested
        print("phases (s):", phases)
        return Outcome(figures, unfinished)
    finally:
        procs.stop_all()
        for edge in edges:
            await edge.stop()
        await fake.stop()


async def _load_and_kill(site: Sitebot, stream: list[tuple[Edge, Shot, float]]) -> dict[str, list[Shot]]:
    """The open loop, and kill -9 once every edge has KILL_WHEN_ACKED answers (see above).
    Returns each edge's shots answered 200; each edge notes its answers."""
    counts = collections.Counter()
    enough = asyncio.Event()
    names = {edge.name for edge, _, _ in stream}

    def answered(i: int, result: Result) -> None:
        edge, shot, _ = stream[i]
        if result.status == 200:
            counts[edge.name] += 1
            if all(counts[name] >= KILL_WHEN_ACKED for name in names):
                enough.set()

    loading = asyncio.create_task(open_loop(site.url, [s.prepared for _, s, _ in stream],
                                            [at for _, _, at in stream], connections=512, timeout=10,
                                            on_result=answered))
    await asyncio.sleep(KILL_EARLIEST + 0.2)   # the loop starts 0.2 s in
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(enough.wait(), KILL_LATEST - KILL_EARLIEST)
    site.kill()
    results, _ = await loading
    acked: dict[str, list[Shot]] = collections.defaultdict(list)
    latencies: dict[str, list[float]] = collections.defaultdict(list)
    for (edge, shot, _), result in zip(stream, results):
        if result.status == 200:
            acked[edge.name].append(shot)
            latencies[edge.name].append(result.latency)
            edge.note(shot, result)
    print("answers:", dict(collections.Counter(str(r.status) for r in results)))
    print("acks (n, p50 s, max s):", json.dumps({
        name: (len(values), round(percentile(values, 50), 2), round(max(values), 2))
        for name, values in latencies.items()}))
    return acked


def _stream(site: Sitebot, edges: list[Edge]) -> list[tuple[Edge, Shot, float]]:
    """Every edge's shots at its own rate, merged in planned-time order."""
    stream = []
    for edge in edges:
        rate = RATES[edge.name]
        for n, shot in enumerate(edge.shots(site, int(rate * LOAD_SECONDS))):
            stream.append((edge, shot, n / rate))
    return sorted(stream, key=lambda item: item[2])


async def _wait_for_replies(db_url: str, edges: list[Edge], acked: dict[str, list[Shot]]) -> str:
    """Until every acknowledged shot has its reply, or sitebot has nothing left to do (no
    inbox row, no outbox row waiting or being sent) for two looks in a row. Returns what was
    still in hand if DRAIN_LIMIT ran out first ("" when it did not)."""
    started, waiting, idle = time.monotonic(), None, 0
    while True:
        left = {edge.name: sum(not edge.replies()[s.key] for s in acked[edge.name]) for edge in edges}
        if left != waiting:
            print(f"{time.monotonic() - started:5.1f} s after the restart, still without a reply:", left)
            waiting = left
        if not any(left.values()):
            await asyncio.sleep(1.0)   # a second copy would come right after the first
            return ""
        in_hand = await _in_hand(db_url)
        idle = idle + 1 if not any(in_hand.values()) else 0
        if idle >= 2:
            return ""
        if time.monotonic() > started + DRAIN_LIMIT:
            return f"still in hand after {DRAIN_LIMIT:.0f} s: {in_hand}"
        await asyncio.sleep(0.5)


async def _in_hand(db_url: str) -> dict[str, int]:
    """Events sitebot stored but has not handled, and messages it has not sent yet."""
    engine = make_engine(db_url)
    inbox = await Inbox.open(engine, db_url)
    try:
        async with inbox.engine.connect() as conn:
            events = await conn.scalar(select(func.count()).select_from(InboxEvent))
        async with engine.connect() as conn:
            messages = await conn.scalar(select(func.count()).select_from(OutboxMessage)
                                         .where(OutboxMessage.status.in_((PENDING, SENDING))))
    finally:
        await inbox.close()
        await engine.dispose()
    return {"inbox": events, "outbox": messages}


async def _count(db_url: str, edges: list[Edge], acked: dict[str, list[Shot]]) -> dict[str, Figures]:
    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            recorded = {tuple(row) for row in await conn.execute(
                select(InboundEvent.platform, InboundEvent.event_id))}
            descriptions = list(await conn.scalars(select(Ticket.description)))
            accepted = collections.Counter(dict((await conn.execute(
                select(TicketEvent.ticket_id, func.count()).where(TicketEvent.kind == "accepted")
                .group_by(TicketEvent.ticket_id))).all()))
    finally:
        await engine.dispose()
    figures = {}
    for edge in edges:
        replies = edge.replies()
        mine = Figures(acknowledged=len(acked[edge.name]), resent=edge.resent())
        for shot in acked[edge.name]:
            if shot.marker is not None:
                effects = sum(shot.marker in text for text in descriptions)
            else:
                effects = accepted[shot.ticket]
            if (edge.platform, shot.key) not in recorded or effects == 0:
                mine.without_effect.append(shot.key)
            if effects > 1:
                mine.effect_twice.append(shot.key)
            if not replies[shot.key]:
                mine.without_reply.append(shot.key)
            if replies[shot.key] > 1:
                mine.sent_twice.append(shot.key)
        figures[edge.name] = mine
    return figures
