"""kill -9 under load, then a restart on the same database: on every edge (Feishu messages and
card presses, WeCom, DingTalk, the console) each request answered 200 has its effect once (its
ticket, or its press's 接单) and its reply, and nothing reaches a chat twice.

One process, and the web process beside its worker process (both killed at once). The figures
are printed per edge (-s shows them); the asserts are on losses and repeats, never on timing.
"""
from __future__ import annotations

import json

import pytest

from tests.conftest import backend_name
from tests.runtime.crash.run import crash_run


@pytest.mark.parametrize("worker_process", [False, True], ids=["one-process", "worker-process"])
async def test_kill_9_under_load_loses_no_acknowledged_event_and_does_nothing_twice(db_url, tmp_path,
                                                                                   worker_process):
    outcome = await crash_run(db_url, tmp_path, worker_process)
    figures = outcome.edges
    mode = "worker-process" if worker_process else "one-process"
    for name, counted in figures.items():
        print(json.dumps({"edge": name, "database": backend_name(), "mode": mode, **counted.line()},
                         ensure_ascii=False))
    for name, counted in figures.items():   # (how many depends on the machine's speed)
        assert counted.acknowledged, f"{name}: nothing was acknowledged before the kill"
    assert not outcome.unfinished, outcome.unfinished
    problems = {name: {k: v for k, v in counted.line().items()
                       if k not in ("acknowledged", "resent_absorbed") and v}
                for name, counted in figures.items()}
    examples = {name: (c.without_effect + c.without_reply + c.effect_twice + c.sent_twice)[:3]
                for name, c in figures.items()}
    assert not any(problems.values()), f"{problems}; e.g. {examples}"
