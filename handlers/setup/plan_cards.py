"""The plan card: a project's milestones in order with dates, weights and progress, and the
weight total said out loud when it is not 100."""
from __future__ import annotations

from domain.progress.plan_edit import weight_total
from domain.store.models import Project
from domain.store.uow import Tx
from handlers.chat.cards import Card, Markdown, Note
from handlers.chat.context import Deps


def day(value: object) -> str:
    return value.isoformat() if value is not None else "-"  # type: ignore[attr-defined]


async def plan_card(tx: Tx, deps: Deps, project: Project, locale: str) -> Card:
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    milestones = await tx.projects.milestones(project.id)
    end = project.planned_end_date
    lines = [t("setup.plan.line", seq=i, name=m.name, start=day(m.planned_start), end=day(m.planned_end),
               weight=m.weight, progress=m.progress,
               late=t("setup.plan.after_end") if end and m.planned_end and m.planned_end > end else "")
             for i, m in enumerate(milestones, 1)]
    total = weight_total(milestones)
    blocks: list = [Markdown("\n".join(lines) or t("setup.plan.empty", code=project.code))]
    if milestones:
        key = "setup.plan.total_ok" if total == 100 else "setup.plan.total_off"
        blocks.append(Markdown(t(key, total=total, code=project.code)))
    blocks.append(Note(t("setup.plan.note", code=project.code)))
    colour = "blue" if total == 100 or not milestones else "orange"
    return Card(t("setup.plan.title", code=project.code, name=project.name, count=len(milestones)),
                colour, tuple(blocks))
