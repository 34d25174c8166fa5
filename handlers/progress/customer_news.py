"""What the customer group is told at once, in customer wording: a milestone reached (the
project's name, the milestone, the day, the overall percentage — no internal notes, no costs).
The chat the news was made in is not told twice."""
from __future__ import annotations

from datetime import date

from domain.enums import Audience
from domain.store.models import Milestone, Project
from handlers.chat.context import Ctx
from handlers.chat.contract import Target, Text


async def tell_customers_reached(ctx: Ctx, project: Project, milestone: Milestone, day: date,
                                 percent: int) -> int:
    """Posts to every customer group of the project but this chat; returns how many."""
    here = (ctx.platform, ctx.event.conversation.chat_id)
    told = 0
    for binding in await ctx.tx.projects.bindings(project_id=project.id):
        if binding.audience != Audience.CUSTOMER.value or (binding.platform, binding.chat_id) == here:
            continue
        locale = ctx.deps.default_locale
        text = ctx.deps.t(locale, "progress.customer.reached", code=project.code, project=project.name,
                          name=milestone.name, day=day.isoformat(), percent=percent)
        ctx.post(Target(binding.platform, "chat", binding.chat_id), Text(text),
                 f"reached:{milestone.id}:{binding.id}", locale)
        told += 1
    return told
