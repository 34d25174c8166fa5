"""A small company set up from an empty database through the console, as its people would
(roles, customers, projects, groups, members, plan, contract, schedule), and the steps the
report tests use to make activity at chosen local times."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot import keys
from domain.reports.periods import Period
from domain.reports.report import Report, build_report, report_and_trend
from domain.reports.rules import ReportRules
from domain.reports.scope import narrowed, scope_of
from domain.reports.trends import Point
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
    out = await press(console, user, f"ticket.{action}", {"ticket": ticket, **extra})
    if action == "resolve":   # asked what was done (issue 16): skipped, so the confirmer is asked
        await console.say(user, DM, "跳过")
    return out


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


async def trend_of(console: ConsoleDriver, who: str, period: Period) -> list[Point]:
    """The trend points `who` gets with the report of the period (the chart, the cockpit)."""
    app = console.app
    async with app[keys.STORE].transaction() as tx:
        identity = await tx.people.identity("console", who)
        scope = await scope_of(tx, await tx.people.get(identity.person_id))
        _, points = await report_and_trend(tx, scope, period, ReportRules(), app[keys.CLOCK]())
    return points


async def press_labelled(console: ConsoleDriver, user: str, label: str, chat: str = DM) -> dict:
    """Press the button whose label contains `label` on the newest card that has one."""
    for message in reversed(await console.bot_messages(chat, user)):
        body = message["body"]
        for action in body.get("actions", []) if body["type"] == "card" else []:
            if action["type"] == "button" and label in action["label"]:
                return await console.click(user, chat, message["id"], action["action"], action["value"])
    raise AssertionError(f"no button {label!r} in {chat} for {user}")


async def money_story(console: ConsoleDriver, clock) -> None:  # noqa: ANN001
    """Contracts and schedules of both projects, a milestone reached, payments on time, late and
    in part (the expectations are worked out in test_money_figures.py)."""
    at(clock, "2026-09-01 10:00")
    await say(console, "陈经理", "节点 添加 P-001 基础完成 计划 2026-10-15 权重 20")
    for line in ["合同 P-001 HT-001 金额 100万 签订 2026-09-01",
                 "付款节点 P-001 预付款 10% 于 2026-09-10",
                 "付款节点 P-001 进度款一 30% 于 2026-10-05",
                 "付款节点 P-001 进度款二 20% 于 基础完成 后 10天",
                 "付款节点 P-001 结算款 40% 于 2027-06-30",
                 "合同 P-002 HT-002 金额 50万 签订 2026-08-01",
                 "付款节点 P-002 预付款 20% 于 2026-08-20",
                 "付款节点 P-002 进度款 30% 于 2026-10-20"]:
        answer = await say(console, "钱会计", line)
        assert "¥" in answer, (line, answer)
    at(clock, "2026-09-12 10:00")
    await say(console, "钱会计", "回款 P-001 10万")                     # 预付款, two days late
    at(clock, "2026-10-10 17:00")
    await say(console, "陈经理", "完成 基础完成", SITE1)                  # 进度款二 due 10-20
    at(clock, "2026-10-20 10:00")
    await say(console, "钱会计", "回款 P-001 30万")                     # 进度款一, 15 days late
    at(clock, "2026-10-25 10:00")
    await say(console, "钱会计", "回款 P-002 5万")                      # half of P-002's 预付款
    await press_labelled(console, "钱会计", "预付款")


async def delivery_story(console: ConsoleDriver, clock) -> None:  # noqa: ANN001
    """Plans of both projects, milestones reached early, on time and late, one not reached,
    two approved changes and three site logs (expectations in test_delivery_figures.py)."""
    at(clock, "2026-09-01 10:00")
    for line in ["P-001 基础完成 计划 2026-09-20 权重 20", "P-001 主体封顶 计划 2026-10-10 权重 30",
                 "P-001 二次结构 计划 2026-10-25 权重 20", "P-001 竣工验收 计划 2027-06-30 权重 30"]:
        await say(console, "陈经理", f"节点 添加 {line}")
    for line in ["P-002 基础 计划 2026-10-20 权重 20", "P-002 主体 计划 2026-12-31 权重 80"]:
        await say(console, "林经理", f"节点 添加 {line}")
    await say(console, "钱会计", "合同 P-001 HT-001 金额 100万 签订 2026-09-01")   # a cost change needs one
    at(clock, "2026-09-25 17:00")
    await say(console, "陈经理", "完成 基础完成", SITE1)                 # 5 days late
    at(clock, "2026-09-28 18:00")
    await say(console, "王工", "日志 今日完成基础验槽，天气 晴，人数 12", SITE2)
    at(clock, "2026-10-01 17:00")
    await say(console, "王工", "进度 主体 10%", SITE2)
    at(clock, "2026-10-08 17:00")
    await say(console, "陈经理", "完成 主体封顶", SITE1)                 # 2 days early
    for day in ("2026-10-09", "2026-10-10"):
        at(clock, f"{day} 18:00")
        await say(console, "李工长", "日志 今日完成5层顶板钢筋绑扎，天气 晴，人数 35", SITE1)
    at(clock, "2026-10-12 10:00")
    await say(console, "陈经理", "变更 设计变更 +3万 原因：甲方要求增加地下室防水", SITE1)
    at(clock, "2026-10-13 10:00")
    assert "已同意" in await say(console, "周主管", "同意 C-1")
    at(clock, "2026-10-20 17:00")
    await say(console, "王工", "完成 基础", SITE2)                       # on the day
    at(clock, "2026-10-21 10:00")
    await say(console, "林经理", "变更 工期调整 +15天 原因：图纸变更", SITE2)
    at(clock, "2026-10-22 10:00")
    assert "确认同意 C-2" in await say(console, "周主管", "同意 C-2")   # it moves the end date: asked first
    out = await console.press("周主管", DM, await console.last_bot(DM, "周主管"), "确认同意")
    assert out["toast"]["text"] == "已同意 C-2"
