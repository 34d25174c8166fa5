"""The project card: what is set up and what is still missing, with the exact command for each
missing step and buttons to go on. A live view (`project:{id}`), so 转为项目 in the customers
area can show it without importing this area."""
from __future__ import annotations

from datetime import date

from domain.enums import Audience
from domain.finance.money import format_money
from domain.projects.service import managers
from domain.store.models import Project
from domain.store.repos.setup import setup_repo
from domain.store.uow import Tx
from handlers.chat.cards import Button, Card, Field, Fields, Markdown, Note
from handlers.chat.context import Deps


def project_key(project_id: int) -> str:
    return f"project:{project_id}"


def day(value: date | None) -> str:
    return value.isoformat() if value else "-"


async def project_card(tx: Tx, deps: Deps, ident: str, locale: str) -> Card | None:
    project = await tx.projects.get(int(ident)) if ident.isdigit() else None
    return await build_project_card(tx, deps, project, locale) if project else None


async def build_project_card(tx: Tx, deps: Deps, project: Project, locale: str) -> Card:
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    customer = await tx.customers.get(project.customer_id) if project.customer_id else None
    pms = await managers(tx, project)
    owner = await tx.people.get(project.owner_id) if project.owner_id else None
    milestones = await tx.projects.milestones(project.id)
    contracts = await tx.finance.contracts_of(project.id)
    schedule = [m for c in contracts for m in await setup_repo(tx).schedule(c.id)]
    bindings = await tx.projects.bindings(project_id=project.id)
    audiences = {b.audience for b in bindings}
    calendar = project.calendar or {}
    weights = sum(m.weight for m in milestones)
    items = [
        Field(t("setup.card.customer"), customer.name if customer else "-"),
        Field(t("setup.card.manager"), t("list.join", items=[p.name for p in pms]) or "-"),
        Field(t("setup.card.start"), day(project.start_date)),
        Field(t("setup.card.end"), day(project.planned_end_date)),
        Field(t("setup.card.address"), project.address or "-", short=False),
        Field(t("setup.card.plan"), t("setup.card.plan_value", count=len(milestones), weights=weights)
              if milestones else "-"),
        Field(t("setup.card.contract"), t("list.join", items=[f"{c.number} {format_money(c.value)}" for c in contracts])
              or (t("setup.card.expected", amount=format_money(project.amount)) if project.amount else "-")),
        Field(t("setup.card.schedule"), t("setup.card.schedule_value", count=len(schedule))
              if schedule else "-"),
        Field(t("setup.card.groups"), t("list.join", items=[t(f"audience.{a}") for a in sorted(audiences)]) or "-"),
        Field(t("setup.card.digest"), project.digest_time or t("setup.card.digest_default",
                                                               time=deps.progress.digest_time.strftime("%H:%M"))),
        Field(t("setup.card.calendar"), t("setup.card.business_hours") if calendar.get("business_hours")
              else t("setup.card.wall_clock")),
    ]
    if owner is not None:
        items.append(Field(t("setup.card.owner"), owner.name))
    if calendar.get("stoppage_days"):
        items.append(Field(t("setup.card.stoppages"), t("setup.card.stoppage_days",
                                                         count=len(calendar["stoppage_days"]))))
    code = project.code
    missing = []
    if not pms:
        missing.append(t("setup.todo.manager", code=code))
    if project.start_date is None or project.planned_end_date is None:
        missing.append(t("setup.todo.dates", code=code))
    if not milestones:
        missing.append(t("setup.todo.plan", code=code))
    elif weights != 100:
        missing.append(t("setup.todo.weights", code=code, weights=weights))
    if not contracts:
        missing.append(t("setup.todo.contract", code=code))
    elif not schedule:
        missing.append(t("setup.todo.schedule", code=code))
    if Audience.INTERNAL.value not in audiences:
        missing.append(t("setup.todo.internal_group", code=code))
    if Audience.CUSTOMER.value not in audiences:
        missing.append(t("setup.todo.customer_group", code=code))
    closed = project.status == "closed"
    blocks: list = [Fields(tuple(items))]
    if closed:
        blocks.append(Markdown(t("setup.card.closed", when=deps.local(project.closed_at, "%Y-%m-%d"))))
    elif missing:
        blocks.append(Markdown(t("setup.card.missing") + "\n" + "\n".join(missing)))
    else:
        blocks.append(Markdown(t("setup.card.ready")))
    blocks.append(Note(t("setup.card.note", code=code)))
    value = {"p": project.id}
    actions = () if closed else (
        Button(t("setup.btn.plan"), "project.guide", {**value, "step": "plan"}, "primary"),
        Button(t("setup.btn.contract"), "project.guide", {**value, "step": "contract"}),
        Button(t("setup.btn.groups"), "project.guide", {**value, "step": "groups"}),
        Button(t("setup.btn.show_plan"), "project.plan", value),
    )
    title = t("setup.card.title", code=code, name=project.name)
    return Card(title + (t("setup.card.closed_tag") if closed else ""), "grey" if closed else "blue",
                tuple(blocks), actions, card_key=project_key(project.id))
