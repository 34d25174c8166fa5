"""Demo data that makes the product feel real: two customers, three projects, people in every
role, console chats bound to the projects, a contract with payment milestones.

Seeded only into an empty database, so `sitebot serve --demo` can be run again safely.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.changes.demo import seed_change_approvers
from domain.enums import Audience, CustomerType, PaymentKind, Role
from domain.finance.demo import seed_finance_demo
from domain.progress.demo import seed_progress_demo
from domain.store.models import (ChatBinding, Contact, Contract, Customer, Identity, Milestone,
                                 PaymentMilestone, Person, Project, ProjectMember)
from domain.store.uow import Tx

# console user id, name, org-wide roles, admin
PEOPLE = [
    ("u-admin", "管理员", [], True),
    ("u-li", "李工长", [], False),
    ("u-wang", "王工", [], False),
    ("u-zhao", "赵质检", [], False),
    ("u-sun", "孙安全", [], False),
    ("u-chen", "陈经理", [], False),
    ("u-lin", "林经理", [], False),
    ("u-zhou", "周主管", [Role.DEPT_HEAD.value], False),
    ("u-wu", "吴客服", [Role.HQ_SERVICE.value], False),
    ("u-qian", "钱会计", [Role.FINANCE.value], False),
    ("u-zheng", "郑销售", [Role.SALES.value], False),
    ("u-liu", "刘总（业主）", [], False),
    ("u-he", "何监理", [], False),
]

# code, name, customer index, project manager, start offset (days from today), months
PROJECTS = [
    ("P-001", "滨江花园 5 号楼", 0, "u-chen", -200, 18),
    ("P-002", "临江三中教学楼改扩建", 1, "u-lin", -90, 12),
    ("P-003", "星河广场商业综合体", 0, "u-chen", -20, 24),
]

STAFF = {  # project -> (console user, role)
    "P-001": [("u-li", Role.FOREMAN), ("u-wang", Role.ENGINEER), ("u-zhao", Role.QUALITY_OFFICER),
              ("u-sun", Role.SAFETY_OFFICER), ("u-liu", Role.CUSTOMER_CONTACT),
              ("u-he", Role.CUSTOMER_CONTACT)],
    "P-002": [("u-li", Role.FOREMAN), ("u-wang", Role.ENGINEER), ("u-sun", Role.SAFETY_OFFICER),
              ("u-he", Role.CUSTOMER_CONTACT)],
    "P-003": [("u-wang", Role.ENGINEER), ("u-zhao", Role.QUALITY_OFFICER),
              ("u-liu", Role.CUSTOMER_CONTACT)],
}

MILESTONES = [("基础完成", 20), ("主体结构封顶", 35), ("二次结构与机电安装", 20),
              ("装饰装修", 15), ("竣工验收", 10)]


async def seed_demo(tx: Tx, now: datetime, tz: ZoneInfo) -> bool:
    """Fill an empty database; False (and nothing written) if it already has people."""
    if await tx.people.count() > 0:
        return False
    today = now.astimezone(tz).date()
    people = await _people(tx, now)
    await seed_change_approvers(tx, now, people)
    customers = await _customers(tx, now, people)
    for code, name, cust, pm, offset, months in PROJECTS:
        project = Project(code=code, name=name, customer_id=customers[cust].id,
                          start_date=today + timedelta(days=offset),
                          planned_end_date=today + timedelta(days=offset + months * 30),
                          address="临江市滨江大道 88 号" if code == "P-001" else None,
                          assignment_rules={}, calendar={}, created_at=now)
        tx.add(project)
        await tx.flush()
        tx.add(ProjectMember(project_id=project.id, person_id=people[pm].id,
                             role=Role.PROJECT_MANAGER.value, created_at=now))
        for user, role in STAFF[code]:
            tx.add(ProjectMember(project_id=project.id, person_id=people[user].id, role=role.value,
                                 created_at=now))
        milestones = _milestones(tx, project, today, offset, months)
        _chats(tx, project, now)
        if code == "P-001":
            await tx.flush()
            await _contract(tx, project, milestones, now)
    await seed_finance_demo(tx, now, today)
    await seed_progress_demo(tx, now, tz)
    return True


async def _people(tx: Tx, now: datetime) -> dict[str, Person]:
    people = {}
    for user, name, org_roles, admin in PEOPLE:
        person = Person(name=name, org_roles=org_roles, is_admin=admin, created_at=now)
        tx.add(person)
        await tx.flush()
        tx.add(Identity(person_id=person.id, platform="console", external_id=user,
                        display_name=name, alt_ids={}, created_at=now))
        people[user] = person
    for user in ("u-chen", "u-lin"):
        people[user].superior_id = people["u-zhou"].id
    return people


async def _customers(tx: Tx, now: datetime, people: dict[str, Person]) -> list[Customer]:
    developer = Customer(name="星河置业有限公司", type=CustomerType.DEVELOPER.value, grade="A",
                         tags=["VIP", "重点跟进"], budget_min=Decimal("10000000"),
                         budget_max=Decimal("50000000"), created_at=now)
    government = Customer(name="临江市教育局", type=CustomerType.GOVERNMENT.value, grade="A",
                          tags=["政府项目"], budget_min=Decimal("5000000"),
                          budget_max=Decimal("20000000"), created_at=now)
    tx.add(developer)
    tx.add(government)
    await tx.flush()
    tx.add(Contact(customer_id=developer.id, person_id=people["u-liu"].id, name="刘总",
                   title="业主代表", phone="138-0000-0001", preferred_channel="console",
                   wants_digest=True))
    tx.add(Contact(customer_id=government.id, person_id=people["u-he"].id, name="何监理",
                   title="监理工程师", phone="139-0000-0002", preferred_channel="console",
                   wants_digest=True))
    return [developer, government]


def _milestones(tx: Tx, project: Project, today: date, offset: int, months: int) -> list[Milestone]:
    span = months * 30
    start = today + timedelta(days=offset)
    elapsed, out = 0, []
    for seq, (name, weight) in enumerate(MILESTONES, 1):
        planned_start = start + timedelta(days=elapsed * span // 100)
        elapsed += weight
        planned_end = start + timedelta(days=elapsed * span // 100)
        done = planned_end < today
        started = planned_start <= today
        milestone = Milestone(project_id=project.id, name=name, seq=seq, weight=weight,
                              planned_start=planned_start, planned_end=planned_end,
                              actual_start=planned_start if started else None,
                              actual_end=planned_end + timedelta(days=3) if done else None,
                              progress=100 if done else (40 if started else 0))
        tx.add(milestone)
        out.append(milestone)
    return out


def _chats(tx: Tx, project: Project, now: datetime) -> None:
    slug = project.code.lower().replace("-", "")
    tx.add(ChatBinding(platform="console", chat_id=f"{slug}-site", project_id=project.id,
                       audience=Audience.INTERNAL.value, title=f"{project.code} 项目部群", created_at=now))
    if project.code != "P-003":
        tx.add(ChatBinding(platform="console", chat_id=f"{slug}-owner", project_id=project.id,
                           audience=Audience.CUSTOMER.value, title=f"{project.code} 业主沟通群",
                           created_at=now))


async def _contract(tx: Tx, project: Project, milestones: list[Milestone], now: datetime) -> None:
    value = Decimal("12800000.00")
    contract = Contract(project_id=project.id, number="HT-2026-001", title=f"{project.name} 施工总承包合同",
                        value=value, signed_on=project.start_date, created_at=now)
    tx.add(contract)
    await tx.flush()
    plan = [(PaymentKind.ADVANCE, "预付款", "0.10", None, 0),
            (PaymentKind.PROGRESS, "进度款（基础完成）", "0.20", milestones[0], 30),
            (PaymentKind.PROGRESS, "进度款（主体封顶）", "0.30", milestones[1], 30),
            (PaymentKind.SETTLEMENT, "结算款", "0.35", milestones[4], 60),
            (PaymentKind.RETENTION, "质保金", "0.05", milestones[4], 730)]
    for seq, (kind, name, share, trigger, days) in enumerate(plan, 1):
        due = project.start_date + timedelta(days=7) if trigger is None else (
            trigger.planned_end + timedelta(days=days))
        tx.add(PaymentMilestone(contract_id=contract.id, seq=seq, kind=kind.value, name=name,
                                amount=(value * Decimal(share)).quantize(Decimal("0.01")),
                                due_date=due, trigger_milestone_id=trigger.id if trigger else None,
                                trigger_offset_days=days,
                                status="paid" if seq == 1 else "pending"))
