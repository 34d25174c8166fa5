"""One crash run: sitebot with every edge, set up through user paths; then, for each of ROUNDS,
the load and kill -9; the restarts on the same database; and the figures per edge.

Set-up as a contractor's would, from an empty database (company.py): the first admin by
`sitebot admin add`, the customer, projects, console groups and team typed in the console; a
site TOML names each platform's admin (`[access] admins`), who binds their groups by chat. Each
edge's events go out at its own rate in one open loop (each at its planned time, whatever
happened before), and the whole process group is killed mid-load (see KILL_*).
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import json
import time
from dataclasses import dataclass
from pathlib import Path

from bench.load.fake import FakeFeishu
from bench.load.machine import Processes
from bench.load.sitebot import Sitebot
from bench.load.traffic import Result, open_loop, percentile
from tests.runtime.crash import company
from tests.runtime.crash.console import ConsoleReports
from tests.runtime.crash.dingtalk import DingTalkReports
from tests.runtime.crash.feishu import FeishuPresses, FeishuReports
from tests.runtime.crash.figures import Figures, count, wait_for_replies
from tests.runtime.crash.shots import Edge, Shot
from tests.runtime.crash.wecom import WeComReports

# Each edge sends for LOAD_SECONDS at its rate (events/s) in each round; presses: one per
# ticket carded before the load, PRESSES a round. What is acknowledged is handled after the
# restarts: the rates keep that to a few hundred events, so the run fits CI's time on a busy
# machine. DingTalk's groups and WeCom's members are enough for all the rounds to stay under
# 20 messages a minute in each.
LOAD_SECONDS = 2.0
RATES = {"feishu": 50.0, "feishu presses": 10.0, "wecom": 12.0, "dingtalk": 12.0, "console": 8.0}
PRESSES = 20
# sitebot is killed KILL_EARLIEST s into the load once every edge has had KILL_WHEN_ACKED
# requests answered 200, else as soon as they have (at the latest at KILL_LATEST): mid-load on
# a fast machine, and still with work in hand on a busy one.
KILL_EARLIEST, KILL_WHEN_ACKED, KILL_LATEST = 1.5, 3, 10.0
# A claim on an outbox row runs out after this; the rows a killed process had claimed wait for it.
CLAIM_SECONDS = 10
# After the restart: how long sitebot may take to work through what it had acknowledged.
DRAIN_LIMIT = 120.0
# What is killed under load, in turn, each restart taking over what the one before left.
ROUNDS = ("one-process", "worker-process")


class Phases:
    """Seconds each phase took (printed, for keeping the run within CI's time)."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.kills: list[str] = []
        self._last = time.monotonic()

    def kill(self, mode: str) -> None:
        self.kills.append(mode)
        self.mark(f"load, kill -9 of {mode}")

    def mark(self, name: str) -> None:
        while name in self.times:
            name += " again"
        now = time.monotonic()
        self.times[name], self._last = round(now - self._last, 1), now

    def __str__(self) -> str:
        return json.dumps(self.times, ensure_ascii=False)


def site_env(workdir: Path, edges: list[Edge]) -> dict[str, str]:
    """sitebot's settings: a site file naming each platform's admins, the console on (the
    company is set up there), and each edge's platform."""
    admins = sorted({identity for edge in edges for identity in edge.admins()})
    config = workdir / "site.toml"
    config.write_text(f"[access]\nadmins = {json.dumps(admins)}\n\n"
                      f"[delivery]\nclaim_seconds = {CLAIM_SECONDS}\n", encoding="utf-8")
    env = {"SITEBOT_CONFIG": str(config), "SITEBOT_LINK_SECRET": "crash-test-link-secret", **company.ENV}
    for edge in edges:
        env.update(edge.env())
    return env


async def set_up(site: Sitebot, edges: list[Edge]) -> None:
    """The company (company.py), every edge's groups at once once its projects are there."""
    await company.set_up_company(site, meanwhile=[functools.partial(edge.setup, site) for edge in edges])


@dataclass
class Outcome:
    edges: dict[str, Figures]
    unfinished: str      # what sitebot still had in hand when the wait ran out, if it did


async def crash_run(db_url: str, workdir: Path) -> Outcome:
    """Two kills: `sitebot serve` under load; then, restarted as `serve --worker-process` (web
    and worker), under load again while it still works through what the first one left, and
    killed with its worker; then `sitebot serve` once more, to work through it all."""
    fake = FakeFeishu()
    await fake.start()
    feishu = FeishuReports(fake)
    presses = FeishuPresses(feishu)
    presses.count = PRESSES * len(ROUNDS)
    edges: list[Edge] = [feishu, presses, WeComReports(), DingTalkReports(), ConsoleReports()]
    procs = Processes()
    phases = Phases()
    try:
        for edge in edges:
            await edge.start()
        site = Sitebot(procs, workdir, db_url, fake.url, env=site_env(workdir, edges), pin=False)
        company.first_admin(site)
        acked: dict[str, list[Shot]] = collections.defaultdict(list)
        for mode in (*ROUNDS, "one-process"):
            site.serve_args = ["--worker-process"] if mode == "worker-process" else []
            await site.start()
            for edge in edges:
                await edge.restarted(site)
            phases.mark(f"{mode} started")
            if not acked:
                await set_up(site, edges)
                phases.mark("set up")
            if len(phases.kills) < len(ROUNDS):
                for name, shots in (await _load_and_kill(site, _stream(site, edges))).items():
                    acked[name] += shots
                phases.kill(mode)
        unfinished = await wait_for_replies(db_url, edges, acked, DRAIN_LIMIT)
        phases.mark("replies")
        figures = await count(db_url, edges, acked)
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
