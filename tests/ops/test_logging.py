"""The log: one line per event handled and per message sent (what, who, how long), JSON lines
when SITEBOT_LOG_FORMAT=json, scheduler jobs by their names and no per-tick INFO."""
from __future__ import annotations

import json
import logging

import pytest

from bot.jobs import JobSpec, start_scheduler
from bot.logging_setup import JsonFormatter, configure_logging
from tests.platforms.feishu.conftest import SITE


async def test_an_event_and_its_reply_are_one_line_each(feishu, caplog):
    caplog.set_level(logging.INFO, logger="sitebot.events")
    await feishu.say("ou_li", SITE, "帮助")
    lines = [r for r in caplog.records if r.name == "sitebot.events"]
    handled = [r for r in lines if r.getMessage().startswith("feishu message from ou_li")]
    assert len(handled) == 1 and f"in {SITE}: done in" in handled[0].getMessage()
    sent = [r for r in lines if r.getMessage().startswith(f"feishu send to chat {SITE}: ok")]
    assert len(sent) == 1

    fields = json.loads(JsonFormatter().format(handled[0]))
    assert fields["level"] == "INFO" and fields["logger"] == "sitebot.events"
    assert {k: fields[k] for k in ("platform", "kind", "user", "chat", "outcome")} == {
        "platform": "feishu", "kind": "message", "user": "ou_li", "chat": SITE, "outcome": "done"}
    assert isinstance(fields["ms"], float) and fields["time"].endswith("+00:00")


@pytest.fixture
def root_logging():
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging.getLogger("apscheduler").level)
    yield root
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])
    logging.getLogger("apscheduler").setLevel(saved[2])


def test_json_lines_when_asked(root_logging, capsys):
    configure_logging({"SITEBOT_LOG_FORMAT": "json"})
    logging.getLogger("sitebot.test").warning("表单 %s 未找到", "F-1", extra={"project": "P-001"})
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert json.loads(line) | {"time": None} == {"time": None, "level": "WARNING", "logger": "sitebot.test",
                                                 "message": "表单 F-1 未找到", "project": "P-001"}


def test_plain_lines_otherwise(root_logging, capsys):
    configure_logging({})
    logging.getLogger("sitebot.test").info("hello")
    assert capsys.readouterr().err.strip().endswith("INFO sitebot.test: hello")


async def test_jobs_are_named_and_ticks_are_not_info(root_logging):
    configure_logging({})
    assert logging.getLogger("apscheduler.executors.default").getEffectiveLevel() == logging.WARNING

    async def scan() -> None:
        pass
    scheduler = start_scheduler([JobSpec("tickets.sla", scan, 60)], "Asia/Shanghai")
    try:
        [job] = scheduler.get_jobs()
        assert (job.id, job.name) == ("tickets.sla", "tickets.sla")
    finally:
        scheduler.shutdown(wait=False)
