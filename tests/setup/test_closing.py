"""A closed project gets no escalations, digests or payment reminders, and keeps its history;
reopened, its tickets' clocks run again."""
from __future__ import annotations

from sqlalchemy import func, select

from bot import keys
from domain.store.models import OutboxMessage, Ticket
from handlers.finance.jobs import scan_payments
from handlers.progress.jobs import scan_digests
from handlers.tickets.jobs import scan as scan_tickets
from tests.setup.test_company_day import DM, SITE, set_up_the_company


async def sent(console) -> int:
    async with console.app[keys.STORE].transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(OutboxMessage))


async def test_a_closed_project_is_quiet_and_keeps_its_history(blank, clock):
    await set_up_the_company(blank)
    jobs = blank.app[keys.JOBS]
    await blank.say("李工长", SITE, "报修 5号楼3层卫生间渗水，比较急")
    await blank.say("周主管", DM, "项目 关闭 P-001")
    assert "1 张未完成工单已停止计时、不再升级" in await blank.last_text(DM, "周主管")
    before = await sent(blank)
    clock.advance(hours=5)                     # past the escalation, the digest time, 09:00
    assert await scan_tickets(jobs) == 0
    assert await scan_digests(jobs) == 0
    await scan_payments(jobs)                  # the advance is 13 days overdue: not chased
    assert await sent(blank) == before
    await blank.say("李工长", SITE, "工单 T-1")
    assert "暂停计时（项目已关闭）" in await blank.last_text(SITE, "李工长")   # history kept

    await blank.say("周主管", DM, "项目 重开 P-001")
    assert await blank.last_text(DM, "周主管") == "已重开 P-001 滨江花园5号楼，1 张工单恢复计时。"
    async with blank.app[keys.STORE].transaction() as tx:
        ticket = await tx.session.scalar(select(Ticket))
        assert ticket.sla_since is not None and ticket.next_due_at is not None
