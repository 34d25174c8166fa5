"""Ticket card buttons: 接单, 转派, 已解决, 等待客户 / 等待材料 / 恢复计时, 更正, 接管,
确认解决 / 未解决, and the satisfaction score. Each change redraws every copy of the card."""
from __future__ import annotations

from domain.errors import InvalidInput
from domain.tickets import drafts, lifecycle, service, survey
from handlers.chat.cards import Button, Card, Markdown
from handlers.chat.context import Ctx
from handlers.chat.contract import Text
from handlers.tickets.cards import correction_card, survey_card, survey_key, ticket_card, ticket_key
from handlers.tickets.commands import policy
from handlers.tickets import resolution
from handlers.tickets.filing import file_report


def _int(value: dict, key: str) -> int:
    try:
        return int(value[key])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("error.stale_button") from None


def _ticket_id(value: dict) -> int:
    return _int(value, "ticket")


async def on_accept(ctx: Ctx, value: dict) -> None:
    ticket_id = _ticket_id(value)
    if await service.accept(ctx.tx, policy(ctx), ctx.person, ticket_id, ctx.now, ctx.origin):
        ctx.toast(ctx.t("ticket.toast.accepted"), "success")
        ctx.changed(ticket_key(ticket_id))
    else:
        ctx.toast(ctx.t("ticket.toast.already_accepted"))


async def on_resolve(ctx: Ctx, value: dict) -> None:
    """已解决: the resolver is asked what was done; the confirmer is asked (确认解决 / 未解决)
    once that is said or skipped (handlers/tickets/resolution.py)."""
    ticket_id = _ticket_id(value)
    if not await service.resolve(ctx.tx, policy(ctx), ctx.person, ticket_id, ctx.now, ctx.origin):
        ctx.toast(ctx.t("ticket.toast.already_resolved"))
        return
    ctx.toast(ctx.t("ticket.toast.resolved"), "success")
    ctx.changed(ticket_key(ticket_id))
    await resolution.resolved(ctx, ticket_id)


async def on_reassign(ctx: Ctx, value: dict) -> None:
    """转派: answer with a picker of project staff; the pick comes back as ticket.assign."""
    ticket, people = await service.reassign_candidates(ctx.tx, ctx.person, _ticket_id(value))
    if not people:
        ctx.toast(ctx.t("reassign.nobody"), "warning")
        return
    buttons = tuple(Button(p.name, "ticket.assign", {"ticket": ticket.id, "to": p.id}) for p in people)
    ctx.show(Card(ctx.t("reassign.title", number=ticket.number), "blue",
                  (Markdown(ctx.t("reassign.body", title=ticket.title)),), buttons))
    ctx.toast(ctx.t("reassign.toast"))


async def on_assign(ctx: Ctx, value: dict) -> None:
    target_id = _int(value, "to")
    ticket = await service.reassign(ctx.tx, policy(ctx), ctx.person, _ticket_id(value), target_id,
                                    ctx.now, ctx.origin)
    target = await ctx.tx.people.get(target_id)
    ctx.toast(ctx.t("ticket.toast.reassigned", name=target.name), "success")
    ctx.changed(ticket_key(ticket.id))
    dm = await ticket_card(ctx.tx, ctx.deps, str(ticket.id), target.locale)
    await ctx.notify(target, dm, key=f"assign:{target.id}")


async def on_pause(ctx: Ctx, value: dict) -> None:
    ticket_id, reason = _ticket_id(value), str(value.get("reason", ""))
    if await lifecycle.pause(ctx.tx, policy(ctx), ctx.person, ticket_id, reason, ctx.now, ctx.origin):
        ctx.toast(ctx.t("ticket.toast.paused", reason=ctx.t(f"pause.{reason}")), "success")
        ctx.changed(ticket_key(ticket_id))
    else:
        ctx.toast(ctx.t("ticket.toast.already_paused"))


async def on_resume(ctx: Ctx, value: dict) -> None:
    ticket_id = _ticket_id(value)
    if await lifecycle.resume(ctx.tx, policy(ctx), ctx.person, ticket_id, ctx.now, ctx.origin):
        ctx.toast(ctx.t("ticket.toast.resumed"), "success")
        ctx.changed(ticket_key(ticket_id))
    else:
        ctx.toast(ctx.t("ticket.toast.already_running"))


async def on_correct(ctx: Ctx, value: dict) -> None:
    """更正: the picker (only for whoever may correct; checked again on the pick)."""
    ticket = await service.visible_ticket(ctx.tx, ctx.person, _ticket_id(value))
    await service.correct(ctx.tx, policy(ctx), ctx.person, ticket.id, ctx.now, ctx.origin)
    ctx.show(correction_card(ctx.deps, ctx.locale, ticket))
    ctx.toast(ctx.t("correct.toast"))


async def on_set(ctx: Ctx, value: dict) -> None:
    ticket, assignee = await service.correct(
        ctx.tx, policy(ctx), ctx.person, _ticket_id(value), ctx.now, ctx.origin,
        category=value.get("category"), severity=value.get("severity"))
    what = (ctx.t(f"category.{ticket.category}") if value.get("category")
            else ctx.t(f"severity.{ticket.severity}"))
    ctx.toast(ctx.t("correct.done", what=what), "success")
    ctx.changed(ticket_key(ticket.id))
    if assignee is not None and assignee.id != ctx.person.id:
        await ctx.notify(assignee, await ticket_card(ctx.tx, ctx.deps, str(ticket.id), assignee.locale),
                         key=f"assign:{assignee.id}")


async def on_take_over(ctx: Ctx, value: dict) -> None:
    ticket_id = _ticket_id(value)
    if await lifecycle.take_over(ctx.tx, policy(ctx), ctx.person, ticket_id, ctx.now, ctx.origin):
        ctx.toast(ctx.t("ticket.toast.taken_over"), "success")
        ctx.changed(ticket_key(ticket_id))
    else:
        ctx.toast(ctx.t("ticket.toast.already_yours"))


async def _confirm(ctx: Ctx, value: dict, solved: bool) -> None:
    ticket, opened = await lifecycle.confirm(ctx.tx, policy(ctx), ctx.person, _ticket_id(value),
                                             solved, ctx.now, ctx.origin)
    ctx.changed(ticket_key(ticket.id))
    if opened is not None:
        ctx.toast(ctx.t("ticket.toast.confirmed"), "success")
        await send_survey_here(ctx, ticket.id)
        return
    ctx.toast(ctx.t("ticket.toast.reopened"), "warning")
    assignee = await ctx.tx.people.get(ticket.assignee_id) if ticket.assignee_id else None
    if assignee is not None and assignee.id != ctx.person.id:
        locale = assignee.locale or ctx.deps.default_locale
        await ctx.notify(assignee, Text(ctx.deps.t(locale, "confirm.reopened", number=ticket.number,
                                                   title=ticket.title, name=ctx.person.name)),
                         key="reopened")


async def send_survey_here(ctx: Ctx, ticket_id: int) -> None:
    """The satisfaction card goes to the reporter, directly."""
    ticket = await ctx.tx.tickets.get(ticket_id)
    reporter = await ctx.tx.people.get(ticket.reporter_id)
    card = await survey_card(ctx.tx, ctx.deps, str(ticket_id), reporter.locale or ctx.deps.default_locale)
    if card is not None:
        await ctx.notify(reporter, card, key="survey")


async def on_confirm(ctx: Ctx, value: dict) -> None:
    await _confirm(ctx, value, True)


async def on_reopen(ctx: Ctx, value: dict) -> None:
    await _confirm(ctx, value, False)


async def on_rate(ctx: Ctx, value: dict) -> None:
    ticket_id, score = _ticket_id(value), _int(value, "score")
    if await survey.rate(ctx.tx, ctx.person, ticket_id, score, ctx.now, ctx.origin):
        ctx.toast(ctx.t("survey.toast", score=score), "success")
        ctx.changed(survey_key(ticket_id))
    else:
        ctx.toast(ctx.t("survey.same"))


async def on_report_in(ctx: Ctx, value: dict) -> None:
    """The project picked on the card `picker.ask` showed: file the waiting draft there."""
    try:
        draft_id, project_id = int(value["draft"]), int(value["project"])
    except (KeyError, TypeError, ValueError):
        ctx.toast(ctx.t("error.stale_button"), "warning")
        return
    draft = await drafts.take(ctx.tx, ctx.person, draft_id)
    if draft.ticket_id is not None:  # a second press, or the other device
        ctx.toast(ctx.t("report.pick_done", number=f"T-{draft.ticket_id}"))
        return
    project = await ctx.tx.projects.get(project_id)
    if project is None:
        ctx.toast(ctx.t("error.stale_button"), "warning")
        return
    ticket = await file_report(ctx, project, draft.text, drafts.attachments_of(draft))
    draft.ticket_id = ticket.id
    ctx.toast(ctx.t("report.pick_done", number=ticket.number), "success")
