"""A small company set up from an empty database through the console, as its people would
(roles, customers, projects, groups, members, plan, contract, schedule), and the steps the
report tests use to make activity at chosen local times."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot import keys
from domain.reports.periods import Period
from domain.reports.report import Report, build_report
from domain.reports.rules import ReportRules
from domain.reports.scope import narrowed, scope_of
from handlers.tickets.jobs import scan as scan_tickets
from tests.console_driver import ConsoleDriver
from tests.setup.conftest import ADMIN

TZ = ZoneInfo("Asia/Shanghai")
DM = "dm"
SITE1, OWNER1, SITE2 = "site-1", "owner-1", "site-2"


def local(text: str) -> datetime:
    """"2026-10-12 09:00" (Shanghai) as an aware UTC datetime."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ).astimezone(timezone.utc)


def at(clock, text: str) -> None:  # noqa: ANN001
    clock.now = local(text)


async def say(console: ConsoleDriver, user: str, text: str, chat: str = DM) -> str:
    await console.say(user, chat, text)
    return await console.last_text(chat, user)


async def press(console: ConsoleDriver, user: str, action: str, value: dict, chat: str = DM) -> dict:
    """Press a button as `user` (on the newest bot message of the chat, as the page would)."""
    message = await console.last_bot(chat, user)
    return await console.click(user, chat, message["id"], action, value)


async def ticket_step(console: ConsoleDriver, user: str, action: str, ticket: int, **extra: object) -> dict:
    return await press(console, user, f"ticket.{action}", {"ticket": ticket, **extra})


async def scan(console: ConsoleDriver) -> int:
    performed = await scan_tickets(console.app[keys.JOBS])
    await console.deliver()
    return performed


async def set_up(console: ConsoleDriver, clock) -> None:  # noqa: ANN001
    """Two customers, two projects (P-001 for 陈经理, P-002 for 林经理), their groups and teams."""
    at(clock, "2026-09-01 09:00")
    for name, role in [("周主管", "部门主管"), ("吴客服", "总部客服"), ("钱会计", "财务"), ("郑销售", "销售")]:
        await say(console, ADMIN, f"角色 添加 @{name} {role}")
    await say(console, "郑销售", "客户 新建 星河置业 开发商 A")
    await say(console, "郑销售", "客户 新建 临江教育局 政府 B")
    await say(console, "周主管", "项目 新建 滨江花园 客户 星河置业 经理 @陈经理 开工 2026-09-01 竣工 2027-06-30")
    await say(console, "周主管", "项目 新建 三中教学楼 客户 临江教育局 经理 @林经理 开工 2026-09-01 竣工 2027-03-31")
    assert "已绑定到 P-001" in await say(console, "陈经理", "绑定 P-001", SITE1)
    assert "已绑定到 P-001" in await say(console, "陈经理", "绑定 P-001 客户", OWNER1)
    assert "已绑定到 P-002" in await say(console, "林经理", "绑定 P-002", SITE2)
    for name, role in [("李工长", "施工员"), ("赵质检", "质检员"), ("孙安全", "安全员"), ("刘总", "业主")]:
        assert f"已把 {name} 加入 P-001" in await say(console, "陈经理", f"成员 添加 @{name} {role}", SITE1)
    for name, role in [("王工", "工程师"), ("何监理", "监理")]:
        assert f"已把 {name} 加入 P-002" in await say(console, "林经理", f"成员 添加 @{name} {role}", SITE2)


async def report_of(console: ConsoleDriver, who: str, period: Period, code: str | None = None,
                    rules: ReportRules = ReportRules()) -> Report:
    """The report `who` gets for the period (as the chat and the cockpit compute it)."""
    app = console.app
    async with app[keys.STORE].transaction() as tx:
        identity = await tx.people.identity("console", who)
        person = await tx.people.get(identity.person_id)
        scope = await scope_of(tx, person)
        if code:
            scope = narrowed(scope, await tx.projects.by_code(code))
        return await build_report(tx, scope, period, rules, app[keys.CLOCK]())
