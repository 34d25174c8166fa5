"""The payment reminders and the dunning ladder, run by calling the job with a fixed clock."""
from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from bot import keys
from domain.store.engine import make_engine
from domain.store.models import Contract, OutboxMessage, PaymentMilestone
from domain.store.uow import Store
from handlers.finance.jobs import scan_payments
from handlers.chat.jobs import JobRunner
from tests.console_driver import card_text

TODAY = date(2026, 11, 23)   # the clock fixture's day in Shanghai
SCHOOL = "临江三中教学楼改扩建"


async def add_milestone(app, due: date, amount: str = "1000000.00") -> int:
    async with app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code("P-002")
        contract = Contract(project_id=project.id, number="HT-2026-002", title="教学楼施工合同",
                            value=Decimal(amount), signed_on=TODAY, created_at=app[keys.CLOCK]())
        tx.add(contract)
        await tx.flush()
        milestone = PaymentMilestone(contract_id=contract.id, seq=1, kind="progress",
                                     name="进度款（主体）", amount=Decimal(amount), due_date=due,
                                     status="pending")
        tx.add(milestone)
        await tx.flush()
        return milestone.id


async def cards(console, user: str, needle: str) -> list[str]:
    """Texts of the cards a person got directly that mention `needle`."""
    return [card_text(m["body"]) for m in await console.bot_messages("dm", user=user)
            if m["body"]["type"] == "card" and needle in card_text(m["body"])]


async def scan(console) -> None:
    await scan_payments(console.app[keys.JOBS])
    await console.deliver()


async def test_the_ladder_from_reminder_to_finance_director_and_it_stops_on_payment(console, clock):
    await add_milestone(console.app, TODAY + timedelta(days=3))
    await scan(console)
    for user in ("u-qian", "u-lin"):       # finance and the PM, three days ahead
        got = await cards(console, user, "P-002")
        assert len(got) == 1 and "3 天后到期" in got[0], user
    assert await cards(console, "u-he", SCHOOL) == []          # the customer is not chased early
    await scan(console)
    assert len(await cards(console, "u-lin", "P-002")) == 1     # never twice

    clock.advance(days=3)                                      # the due day
    await scan(console)
    customer = await cards(console, "u-he", SCHOOL)
    assert len(customer) == 1 and "以下款项今天到期" in customer[0]
    assert "本期应付: ¥1,000,000.00" in customer[0] and "账号" in customer[0]
    assert "P-001" not in customer[0] and "滨江" not in customer[0]   # only their own amount
    assert "今天到期 · 已通知：项目经理" in (await cards(console, "u-lin", "P-002"))[-1]
    assert await cards(console, "u-zhou", "P-002") == []

    clock.advance(days=3)                                      # +3
    await scan(console)
    assert "已过约定付款日 3 天" in (await cards(console, "u-he", SCHOOL))[-1]
    assert await cards(console, "u-zhou", "P-002") == []

    clock.advance(days=7)                                      # +10: the department head
    await scan(console)
    assert "已逾期 10 天 · 已通知：项目经理、部门主管" in (await cards(console, "u-zhou", "P-002"))[-1]
    assert await cards(console, "u-feng", "P-002") == []

    await console.say("u-qian", "p002-site", "回款 P-002 40万")   # partial: the rest is still chased
    clock.advance(days=20)                                     # +30: the finance director
    await scan(console)
    assert "已逾期 30 天" in (await cards(console, "u-feng", "P-002"))[-1]
    last = (await cards(console, "u-he", SCHOOL))[-1]
    assert "已过约定付款日 30 天" in last and "本期应付: ¥600,000.00" in last

    await console.say("u-qian", "p002-site", "回款 P-002 60万")
    sent_before = len(await console.bot_messages("dm", user="u-he"))
    clock.advance(days=60)
    await scan(console)
    assert len(await console.bot_messages("dm", user="u-he")) == sent_before   # stopped
    # The customer's payment cards now say thank you, in place.
    latest = [card_text(m["body"]) for m in await console.bot_messages("dm", user="u-he")]
    assert all("已全部收到" in text for text in latest if SCHOOL in text)
    assert "已全部收回" in (await cards(console, "u-lin", "P-002"))[-1]


async def test_a_late_first_scan_sends_only_the_step_reached(console):
    await add_milestone(console.app, TODAY - timedelta(days=40))
    await scan(console)
    customer = await cards(console, "u-he", SCHOOL)
    # One card, at the +30 step's wording, with the real due date (not +0, +3, +10 and +30).
    assert len(customer) == 1 and "已过约定付款日 30 天" in customer[0]
    assert "到期日: 2026-10-14" in customer[0]
    assert len(await cards(console, "u-feng", "P-002")) == 1


async def test_payment_recorded_between_scan_and_send_stops_the_step(console):
    """The step re-reads the milestone in its own transaction."""
    await add_milestone(console.app, TODAY)
    await console.say("u-qian", "p002-site", "回款 P-002 100万")
    await scan(console)
    assert await cards(console, "u-he", SCHOOL) == []


async def test_two_processes_send_each_step_once(console, db_url):
    milestone_id = await add_milestone(console.app, TODAY)
    first = console.app[keys.JOBS]
    other_store = Store(make_engine(db_url))
    other = JobRunner(other_store, first.deps, first.clock, name="second")
    try:
        await asyncio.gather(scan_payments(first), scan_payments(other),
                             scan_payments(first), scan_payments(other))
    finally:
        await other_store.close()
    async with console.app[keys.STORE].transaction() as tx:
        rows = await tx.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.idempotency_key.like(f"dun:{milestone_id}:+0:%")))
    # 钱会计 + 林经理 internally, 何监理 as the customer contact: three messages, once each.
    assert rows == 3
