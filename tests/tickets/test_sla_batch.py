"""The SLA pass performs a chunk of tickets in one transaction: a step that fails is undone
alone (its claim, its timeline entry, its messages) and performed at the next pass, while the
other tickets' steps go ahead; a ticket owing several steps stops at the one that failed and
goes on from there next time."""
from __future__ import annotations

from collections import Counter

import handlers.tickets.jobs as ticket_jobs
from bot import keys
from tests.tickets.helpers import claims, event_kinds, report, run_scan, texts


def fail_first_pass(monkeypatch, when) -> Counter:  # noqa: ANN001
    """Make telling people about a step fail while `when(outcome)` and the first pass lasts
    (the pass tries a chunk twice: straight through, then one step at a time)."""
    real, failures = ticket_jobs._tell, Counter()

    async def tell(effect, outcome):  # noqa: ANN001
        if when(outcome) and failures["n"] < 2:
            failures["n"] += 1
            raise RuntimeError("the chat service said no")
        await real(effect, outcome)
    monkeypatch.setattr(ticket_jobs, "_tell", tell)
    return failures


async def test_a_failing_step_is_retried_at_the_next_pass_and_the_others_go_ahead(console, clock, monkeypatch):
    for n in range(3):
        await report(console, f"报修 {n + 1}号楼卫生间渗水，比较急")
    failures = fail_first_pass(monkeypatch, lambda outcome: outcome.ticket.id == 2)
    clock.advance(minutes=22, seconds=30)
    assert await run_scan(console) == 2                    # T-1 and T-3 warned
    assert failures["n"] == 2
    assert [await event_kinds(console, n) for n in (1, 2, 3)] == [
        ["created", "warned"], ["created"], ["created", "warned"]]
    assert await claims(console.app[keys.STORE]) == 2
    warnings = await texts(console, "dm", "u-zhao")
    assert [w for w in warnings if "T-2" in w] == []
    assert await run_scan(console) == 1                    # T-2, at the next pass
    assert await run_scan(console) == 0
    warnings = await texts(console, "dm", "u-zhao")
    assert Counter(n for w in warnings for n in ("T-1", "T-2", "T-3") if n in w) == \
        Counter({"T-1": 1, "T-2": 1, "T-3": 1})


async def test_after_downtime_a_failing_level_stops_its_ticket_until_the_next_pass(console, clock, monkeypatch):
    await report(console)
    fail_first_pass(monkeypatch, lambda outcome: outcome.step.kind == "escalate" and outcome.step.level == 3)
    clock.advance(hours=3, minutes=30)
    assert await run_scan(console) == 2                    # 75 % accept, 项目部; 总部 failed
    assert [k for k in await event_kinds(console) if k != "created"] == ["warned", "escalated"]
    assert await run_scan(console) == 3                    # 总部, the reminder, 75 % resolve
    assert await run_scan(console) == 0
    kinds = await event_kinds(console)
    assert kinds.count("warned") == 2 and kinds.count("escalated") == 2
    assert kinds.count("escalation_repeated") == 1
