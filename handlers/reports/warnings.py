"""The early-warning card: a project turned late, a customer turned at risk. It goes to the
department head — the project manager's superior where one is set, else every company-wide
部门主管 — with the reasons and a link to the cockpit."""
from __future__ import annotations

from datetime import datetime

from domain.enums import Role
from domain.reports.watch import LATE, Turn
from domain.store.models import Person
from domain.store.uow import Tx
from handlers.chat.cards import Card, LinkButton, Markdown, Note
from handlers.chat.context import Deps


async def warned_people(tx: Tx, turn: Turn) -> list[Person]:
    kind, _, ident = turn.seen.subject.partition(":")
    heads: dict[int, Person] = {}
    if kind == "project":
        for person, role in await tx.projects.members(int(ident)):
            if role is Role.PROJECT_MANAGER and person.superior_id:
                superior = await tx.people.get(person.superior_id)
                if superior is not None and superior.active:
                    heads[superior.id] = superior
    if not heads:
        heads = {p.id: p for p in await tx.finance.people_with_org_role(Role.DEPT_HEAD.value)}
    return list(heads.values())


def warning_card(deps: Deps, locale: str, turn: Turn, person: Person, now: datetime) -> Card:
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    seen = turn.seen
    if seen.state == LATE:
        title = t("reports.warn.late_title", name=seen.name)
        body = t("reports.warn.late_body", milestones="、".join(seen.detail))
    else:
        title = t("reports.warn.risk_title", name=seen.name)
        body = t("reports.warn.risk_body", reasons="、".join(t(f"reports.risk.{r}") for r in seen.detail))
    actions = ((LinkButton(t("reports.cockpit"), deps.cockpit_link(person, now)),)
               if deps.cockpit_link is not None else ())
    return Card(title, "orange", (Markdown(body), Note(t("reports.warn.note"))), actions)
