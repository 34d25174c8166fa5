"""An approved change that moves dates or amounts, told to the customer group at once in
customer wording: its kind and what moved (milestones' planned finish, the planned completion,
the contract amount, when payments are now expected). Not its title (often the reason as typed),
the reason, the approvers or anything internal: those stay on the change's card in the
project's internal groups."""
from __future__ import annotations

from typing import Any

from domain.enums import Audience
from domain.store.models import ChangeRequest, Project
from handlers.chat.context import Ctx, Deps
from handlers.chat.contract import Target, Text


def moves_customer_facts(effect: dict[str, Any] | None) -> bool:
    return bool(effect and (effect.get("schedule") or effect.get("contract")))


def customer_text(deps: Deps, locale: str, project: Project, change: ChangeRequest) -> str:
    def t(key: str, **params: Any) -> str:
        return deps.t(locale, f"change.customer.{key}", **params)

    effect = change.effect or {}
    lines = [t("title", code=project.code, project=project.name,
               kind=deps.t(locale, f"change.kind.{change.kind}"))]
    schedule = effect.get("schedule") or {}
    for item in schedule.get("milestones", []):
        if "planned_end" in item:
            lines.append(t("milestone", name=item["name"], before=item["planned_end"][0],
                           after=item["planned_end"][1]))
    if schedule.get("project_end"):
        lines.append(t("project_end", before=schedule["project_end"][0], after=schedule["project_end"][1]))
    if effect.get("contract"):
        # That it moved, not the figures: the contract value is never shown to the customer
        # (the project page leaves it out too, docs/progress.md).
        lines.append(t("contract"))
    for payment in schedule.get("payments", []):
        lines.append(t("payment", name=payment["name"], before=payment["due"][0] or "-",
                       after=payment["due"][1]))
    return "\n".join(lines)


async def tell_customers(ctx: Ctx, change: ChangeRequest) -> int:
    """Posts to every customer group of the change's project but this chat; returns how many."""
    if change.status != "approved" or not moves_customer_facts(change.effect):
        return 0
    project = await ctx.tx.projects.get(change.project_id)
    here = (ctx.platform, ctx.event.conversation.chat_id)
    told = 0
    for binding in await ctx.tx.projects.bindings(project_id=change.project_id):
        if binding.audience != Audience.CUSTOMER.value or (binding.platform, binding.chat_id) == here:
            continue
        locale = ctx.deps.default_locale
        ctx.post(Target(binding.platform, "chat", binding.chat_id),
                 Text(customer_text(ctx.deps, locale, project, change)),
                 f"customer:{change.id}:{binding.id}", locale)
        told += 1
    return told
