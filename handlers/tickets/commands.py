"""Ticket commands: 报修, 我的工单, 工单 T-12 (with its timeline), 超时工单, 评价 T-12 …, and
photos / a location sent after a report (the router's fallback)."""
from __future__ import annotations

import re
from datetime import timedelta

from domain.access import Action, require
from domain.enums import Role
from domain.errors import InvalidInput, NotFound
from domain.inputs import record_id
from domain.store.models import Project, TicketEvent
from domain.tickets import service, survey
from domain.tickets.records import NewAttachment, Policy
from handlers.capture import offer, voice
from handlers.site.photos import photos_after
from handlers.tickets import picker, resolution
from handlers.tickets.filing import file_report
from handlers.chat.context import Ctx
from handlers.chat.scope import project_for
from handlers.tickets.cards import level_label, overdue_card, survey_key, ticket_card, ticket_key, ticket_list_card

_TICKET_NO = re.compile(r"^\s*(?:T-?)?(\d+)\s*$", re.IGNORECASE)
_COMMENT = re.compile(r"^\s*(?:T-?)?(\d+)\s*(?:([1-5])(?:\s+|$))?(.*)$", re.IGNORECASE | re.DOTALL)


def ticket_id(digits: str) -> int:
    """The ticket a typed number (T-12, 12) names; a number beyond any ticket id
    (T-99999999999999999999999) is answered as an unknown ticket, not sent to the database."""
    found = record_id(digits)
    if found is None:
        raise NotFound("error.ticket_not_found", number=f"T-{digits[:30]}")
    return found


def policy(ctx: Ctx) -> Policy:
    return Policy(ctx.deps.rules, ctx.deps.timezone)


def _attachments(ctx: Ctx) -> list[NewAttachment]:
    out = []
    for a in ctx.message.attachments:
        meta = {"name": a.name, "latitude": a.latitude, "longitude": a.longitude, "address": a.address}
        out.append(NewAttachment(a.kind, a.ref, {k: v for k, v in meta.items() if v is not None}))
    return out


async def report(ctx: Ctx, args: str) -> None:
    """报修 [P-001] <what is wrong> — opens a ticket on the chat's project."""
    project, text = await _report_project(ctx, args)
    attachments = _attachments(ctx)
    if not text and not attachments:
        ctx.say(ctx.t("report.usage"))
        return
    if project is None:  # one-to-one from someone on several projects: ask with a card
        await picker.ask(ctx, text, attachments)
        return
    await file_report(ctx, project, text, attachments)


async def _report_project(ctx: Ctx, args: str) -> tuple[Project | None, str]:
    """None when the sender is on several projects (the caller asks which with a card)."""
    project, rest, choices = await project_for(ctx, args)
    if project is None and not choices:
        raise InvalidInput("report.no_project")
    return project, rest


async def other_message(ctx: Ctx, text: str) -> None:
    """Photos or a location right after a report join that ticket; a sentence that reads
    like a problem report gets the one-tap offer (handlers/capture); anything else addressed
    to the bot gets the short help, as before."""
    if await voice.unheard(ctx):   # a voice message nobody could make out: asked again
        return
    if await resolution.take_note(ctx, text):   # what was done, asked for by 已解决
        return
    attachments = _attachments(ctx) if not text else []
    if attachments and await photos_after(ctx, attachments):   # right after 巡检 or 验收
        return
    if attachments:
        since = ctx.now - timedelta(minutes=ctx.deps.rules.attach_window_minutes)
        conv = ctx.event.conversation
        ticket = await ctx.tx.tickets.latest_reported_in(ctx.person.id, ctx.platform, conv.chat_id, since)
        if ticket is not None:
            await service.attach(ctx.tx, ctx.person, ticket, attachments, ctx.now, ctx.origin)
            ctx.say(ctx.t("photos.added", number=ticket.number,
                          images=sum(a.kind == "image" for a in attachments),
                          location=any(a.kind == "location" for a in attachments)))
            ctx.changed(ticket_key(ticket.id))
            return
        if await offer.consider(ctx, text, attachments):   # kept for a report in the making
            return
        if ctx.message.addressed:
            ctx.say(ctx.t("photos.no_ticket", minutes=ctx.deps.rules.attach_window_minutes))
        return
    if await offer.consider(ctx, text, _attachments(ctx)):   # reads like a report: one-tap offer
        return
    if ctx.message.addressed:
        ctx.say(ctx.t("help.unknown", text=text[:20]) if text else ctx.t("help.empty"))


async def my_tickets(ctx: Ctx, args: str) -> None:
    tickets = await ctx.tx.tickets.open_for(ctx.person.id)
    ctx.show(ticket_list_card(ctx.deps, ctx.locale, tickets, ctx.person))


async def overdue(ctx: Ctx, args: str) -> None:
    """超时工单: for project managers (their projects) and 部门主管 / 总部客服 (all)."""
    await require(ctx.tx, ctx.person, Action.VIEW_OVERDUE)
    org = set(ctx.person.org_roles or ())
    everything = ctx.person.is_admin or bool(org & {Role.DEPT_HEAD.value, Role.HQ_SERVICE.value})
    project_ids = None if everything else [
        p.id for p, role in await ctx.tx.projects.memberships_of(ctx.person.id)
        if role is Role.PROJECT_MANAGER]
    rows = []
    for ticket in await ctx.tx.tickets.overdue(ctx.now, project_ids):
        project = await ctx.tx.projects.get(ticket.project_id)
        assignee = await ctx.tx.people.get(ticket.assignee_id) if ticket.assignee_id else None
        rows.append((ticket, project.code, assignee.name if assignee else ctx.t("ticket.nobody")))
    ctx.show(overdue_card(ctx.deps, ctx.locale, rows, ctx.now))


async def show_ticket(ctx: Ctx, args: str) -> None:
    number = _TICKET_NO.match(args)
    if not number:
        ctx.say(ctx.t("ticket.usage"))
        return
    ticket = await service.visible_ticket(ctx.tx, ctx.person, ticket_id(number.group(1)))
    ctx.show(await ticket_card(ctx.tx, ctx.deps, str(ticket.id), ctx.locale))
    lines = []
    for event in await ctx.tx.tickets.events(ticket.id):
        actor = await ctx.tx.people.get(event.actor_id) if event.actor_id else None
        lines.append(ctx.t("timeline.line", time=ctx.deps.local(event.at),
                           who=actor.name if actor else "sitebot",
                           what=await _timeline_what(ctx, event)))
    ctx.say(ctx.t("timeline.title", number=ticket.number) + "\n" + "\n".join(lines))


async def _timeline_what(ctx: Ctx, event: TicketEvent) -> str:
    data = event.data or {}
    names = []
    for key in ("to", "from"):
        ids = data.get(key) if isinstance(data.get(key), list) else [data.get(key)]
        people = [await ctx.tx.people.get(i) for i in ids if isinstance(i, int)]
        names.append(ctx.t("list.join", items=[p.name for p in people if p]))
    return ctx.t(f"timeline.{event.kind}", to=names[0], frm=names[1],
                 level=level_label(ctx.deps, ctx.locale, int(data.get("level") or 0)),
                 reason=ctx.t(f"escalation.reason.{data.get('reason') or 'not_resolved'}"),
                 window=ctx.t(f"timeline.window.{data.get('window') or 'resolve'}"),
                 pause=ctx.t(f"pause.{data.get('reason') or 'customer'}"),
                 score=data.get("score", ""), repeat=data.get("repeat", 0),
                 changes=_changes(ctx, data), note=data.get("note", ""), photos=data.get("photos", 0))


def _changes(ctx: Ctx, data: dict) -> str:
    parts = []
    for kind in ("category", "severity"):
        if isinstance(data.get(kind), list):
            parts.append(ctx.t(f"{kind}.{data[kind][1]}"))
    return ctx.t("list.join", items=parts)


async def comment(ctx: Ctx, args: str) -> None:
    """评价 T-12 [1-5] 意见 — the optional comment (and score) of the satisfaction survey."""
    match = _COMMENT.match(args)
    if not match or not (match.group(2) or match.group(3).strip()):
        ctx.say(ctx.t("survey.usage"))
        return
    number = ticket_id(match.group(1))
    if match.group(2):
        await survey.rate(ctx.tx, ctx.person, number, int(match.group(2)), ctx.now, ctx.origin)
    if match.group(3).strip():
        await survey.comment(ctx.tx, ctx.person, number, match.group(3), ctx.now, ctx.origin)
    ctx.say(ctx.t("survey.thanks", number=f"T-{number}"))
    ctx.changed(survey_key(number))
