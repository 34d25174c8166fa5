"""Command matching: aliases in both languages, longest first, and no false alarms from group
chatter that was not addressed to the bot."""
from __future__ import annotations

from handlers.registry import build_router

ROUTER = build_router()


def name(text: str, strict: bool = False) -> str | None:
    match = ROUTER.match(text, strict=strict)
    return match.route.name if match else None


def test_aliases_in_both_languages_and_longest_first():
    assert name("我的工单") == "mine" and name("工单 T-3") == "ticket"
    assert name("My Tickets") == "mine" and name("ticket T-3") == "ticket"
    assert ROUTER.match("report crack").locale == "en" and ROUTER.match("报修 裂缝").locale is None
    assert name("reporting is fun") is None          # English words need a space after them


def test_addressed_messages_may_run_text_on():
    assert ROUTER.match("报修卫生间漏水").args == "卫生间漏水"
    assert ROUTER.match("工单：T-3").args == "T-3"


def test_unaddressed_chatter_needs_a_break_after_the_command_word():
    assert name("成员们今天都到齐了", strict=True) is None
    assert name("工单太多了", strict=True) is None
    assert name("工单 T-3", strict=True) == "ticket"
    assert name("工单T-3", strict=True) == "ticket"
    assert name("报修卫生间漏水", strict=True) == "report"   # reports are typed run-on
    assert name("done", strict=True) is None and name("paid yesterday", strict=True) is None
    assert name("done") == "complete"                       # when addressed to the bot
