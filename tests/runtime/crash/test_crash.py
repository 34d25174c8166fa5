"""kill -9 under load, then a restart on the same database: on every edge (Feishu messages and
card presses, WeCom, DingTalk, the console) each request answered 200 has its effect once (its
ticket, or its press's 接单) and its reply, and nothing reaches a chat twice.

Killed twice in one run: `sitebot serve` under load, then `serve --worker-process` (the web
process and its worker, killed at once) under load again while it still works through what the
first left. The figures are printed per edge (-s shows them); the asserts are on losses and
repeats, never on timing.
"""
from __future__ import annotations

import json

from tests.conftest import backend_name
from tests.runtime.crash.run import crash_run


async def test_kill_9_under_load_loses_no_acknowledged_event_and_does_nothing_twice(db_url, tmp_path):
    outcome = await crash_run(db_url, tmp_path)
    figures = outcome.edges
    for name, counted in figures.items():
        print(json.dumps({"edge": name, "database": backend_name(), **counted.line()}, ensure_ascii=False))
    for name, counted in figures.items():   # (how many depends on the machine's speed)
        assert counted.acknowledged, f"{name}: nothing was acknowledged before the kill"
    assert not outcome.unfinished, outcome.unfinished
    problems = {name: {k: v for k, v in counted.line().items()
                       if k not in ("acknowledged", "resent_absorbed") and v}
                for name, counted in figures.items()}
    examples = {name: (c.without_effect + c.without_reply + c.effect_twice + c.sent_twice)[:3]
                for name, c in figures.items()}
    assert not any(problems.values()), f"{problems}; e.g. {examples}"
