"""Ticket commands (报修, 我的工单, 工单 T-12) and card buttons (接单, 转派, 已解决)."""
from __future__ import annotations

import re

from domain.errors import InvalidInput
from domain.people import project_by_code
from domain.store.models import Project
from domain.tickets import service
from domain.tickets.service import NewAttachment
from handlers.cards import Button, Card, Markdown
from handlers.context import Ctx
from handlers.ticket_cards import ticket_card, ticket_key, ticket_list_card

_PROJECT_CODE = re.compile(r"^(P-\d+)\s*", re.IGNORECASE)
_TICKET_NO = re.compile(r"^\s*(?:T-?)?(\d+)\s*$", re.IGNORECASE)


async def report(ctx: Ctx, args: str) -> None:
    """报修 [P-001] <what is wrong> — opens a ticket on the chat's project."""
    project, text = await _report_project(ctx, args)
    attachments = [NewAttachment(a.kind, a.ref, _attachment_meta(a))
                   for a in ctx.message.attachments]
    if not text and not attachments:
        ctx.say(ctx.t("report.usage"))
        return
    ticket = await service.report(ctx.tx, ctx.deps.rules, ctx.person, project, text, ctx.now,
                                  ctx.origin, attachments)
    card = await ticket_card(ctx.tx, ctx.deps, str(ticket.id), ctx.locale)
    ctx.show(card)
    if ticket.assignee_id and ticket.assignee_id != ctx.person.id:
        assignee = await ctx.tx.people.get(ticket.assignee_id)
        dm = await ticket_card(ctx.tx, ctx.deps, str(ticket.id), assignee.locale)
        if not await ctx.notify(assignee, dm, key="assignee"):
            ctx.say(ctx.t("report.assignee_unreachable", name=assignee.name))


async def _report_project(ctx: Ctx, args: str) -> tuple[Project, str]:
    """The project named in the text, else the chat's, else the sender's only project."""
    explicit = _PROJECT_CODE.match(args)
    if explicit:
        return await project_by_code(ctx.tx, explicit.group(1)), args[explicit.end():].strip()
    if ctx.project is not None:
        return ctx.project, args
    projects = {p.id: p for p, _ in await ctx.tx.projects.memberships_of(ctx.person.id)}
    if len(projects) == 1:
        return next(iter(projects.values())), args
    codes = " / ".join(p.code for p in projects.values())
    raise InvalidInput("report.which_project", codes=codes or "-")


def _attachment_meta(attachment) -> dict:  # noqa: ANN001
    meta = {"name": attachment.name, "latitude": attachment.latitude,
            "longitude": attachment.longitude, "address": attachment.address}
    return {k: v for k, v in meta.items() if v is not None}


async def my_tickets(ctx: Ctx, args: str) -> None:
    tickets = await ctx.tx.tickets.open_for(ctx.person.id)
    ctx.show(ticket_list_card(ctx.deps, ctx.locale, tickets, ctx.person))


async def show_ticket(ctx: Ctx, args: str) -> None:
    number = _TICKET_NO.match(args)
    if not number:
        ctx.say(ctx.t("ticket.usage"))
        return
    ticket = await service.visible_ticket(ctx.tx, ctx.person, int(number.group(1)))
    ctx.show(await ticket_card(ctx.tx, ctx.deps, str(ticket.id), ctx.locale))
    lines = []
    for event in await ctx.tx.tickets.events(ticket.id):
        actor = await ctx.tx.people.get(event.actor_id) if event.actor_id else None
        lines.append(ctx.t("timeline.line", time=ctx.deps.local(event.at),
                           who=actor.name if actor else "sitebot", what=ctx.t(f"timeline.{event.kind}")))
    ctx.say(ctx.t("timeline.title", number=ticket.number) + "\n" + "\n".join(lines))


def _ticket_id(value: dict) -> int:
    try:
        return int(value["ticket"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("error.stale_button") from None


async def on_accept(ctx: Ctx, value: dict) -> None:
    ticket_id = _ticket_id(value)
    if await service.accept(ctx.tx, ctx.person, ticket_id, ctx.now, ctx.origin):
        ctx.toast(ctx.t("ticket.toast.accepted"), "success")
        ctx.changed(ticket_key(ticket_id))
    else:
        ctx.toast(ctx.t("ticket.toast.already_accepted"))


async def on_resolve(ctx: Ctx, value: dict) -> None:
    ticket_id = _ticket_id(value)
    if await service.resolve(ctx.tx, ctx.person, ticket_id, ctx.now, ctx.origin):
        ctx.toast(ctx.t("ticket.toast.resolved"), "success")
        ctx.changed(ticket_key(ticket_id))
    else:
        ctx.toast(ctx.t("ticket.toast.already_resolved"))


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
    try:
        target_id = int(value["to"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("error.stale_button") from None
    ticket = await service.reassign(ctx.tx, ctx.person, _ticket_id(value), target_id, ctx.now,
                                    ctx.origin, ctx.deps.rules)
    target = await ctx.tx.people.get(target_id)
    ctx.toast(ctx.t("ticket.toast.reassigned", name=target.name), "success")
    ctx.changed(ticket_key(ticket.id))
    dm = await ticket_card(ctx.tx, ctx.deps, str(ticket.id), target.locale)
    await ctx.notify(target, dm, key=f"assign:{target.id}")

