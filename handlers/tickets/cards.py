"""Ticket cards: the live ticket card (redrawn wherever it was posted) in two forms — the site
team's, with its buttons, and the customer's (`customer_ticket_card`, posted wherever the customer
reads: handlers/chat/audience.py) with only 确认解决 / 未解决 — the lists, the correction picker
and the satisfaction card (also live: it shows the answer once given)."""
from __future__ import annotations

from datetime import datetime

from domain.enums import Category, Severity, TicketStatus, TicketVisibility
from domain.store.models import Person, Ticket, TicketSurvey
from domain.store.uow import Tx
from domain.tickets.visibility import customer_may_see
from handlers.chat.audience import customer_form
from handlers.chat.cards import Button, Card, Field, Fields, Markdown, Note
from handlers.chat.context import Deps
from handlers.tickets import resolution

_COLOUR = {Severity.HIGH: "red", Severity.MEDIUM: "orange", Severity.LOW: "blue"}


def ticket_key(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


def survey_key(ticket_id: int) -> str:
    return f"survey:{ticket_id}"


def level_label(deps: Deps, locale: str, level: int) -> str:
    """项目部 / 总部 for configured level names, else "第 n 级"."""
    levels = deps.rules.escalation.levels
    name = levels[level - 2].name if 2 <= level <= len(levels) + 1 else ""
    key = f"escalation.level.{name}"
    return deps.t(locale, key) if deps.catalog.has(key) else deps.t(locale, "escalation.level_n", n=level)


async def ticket_card(tx: Tx, deps: Deps, ident: str, locale: str, *, images: int | None = None) -> Card | None:
    """`images`: how many photos the ticket has, when the caller knows (a report just filed
    has the report's own: no need to read them back)."""
    return await _ticket_card(tx, deps, ident, locale, customer=False, images=images)


async def customer_ticket_card(tx: Tx, deps: Deps, ident: str, locale: str) -> Card | None:
    """The card as the customer sees it: no site-team buttons, no escalation. A ticket the
    customer may not see (any more: 取消共享) shows only that it is not shown."""
    return await _ticket_card(tx, deps, ident, locale, customer=True)


async def _ticket_card(tx: Tx, deps: Deps, ident: str, locale: str, customer: bool,
                       images: int | None = None) -> Card | None:
    ticket = await tx.tickets.get(int(ident))
    if ticket is None:
        return None
    if customer and not customer_may_see(ticket):
        return Card(deps.t(locale, "share.withheld_title", number=ticket.number), "grey",
                    (Markdown(deps.t(locale, "share.withheld")),), card_key=customer_ticket_key(ticket.id))
    project = await tx.projects.get(ticket.project_id)
    assignee = await tx.people.get(ticket.assignee_id) if ticket.assignee_id else None
    reporter = await tx.people.get(ticket.reporter_id)
    if images is None:
        images = sum(a.kind == "image" for a in await tx.tickets.attachments(ticket.id))
    done = await resolution.card_block(tx, deps, locale, ticket)   # what was done (issue 16)
    return build_ticket_card(deps, locale, ticket, f"{project.code} {project.name}", assignee,
                             reporter, images, customer=customer, done=done)


def customer_ticket_key(ticket_id: int) -> str:
    return customer_form(ticket_key(ticket_id))


def build_ticket_card(deps: Deps, locale: str, ticket: Ticket, project_label: str,
                      assignee: Person | None, reporter: Person | None, images: int = 0, *,
                      customer: bool = False, done: Markdown | None = None) -> Card:
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    status = TicketStatus(ticket.status)
    nobody = t("ticket.nobody")
    fields = [
        Field(t("ticket.project"), project_label, short=False),
        Field(t("ticket.category"), t(f"category.{ticket.category}")),
        Field(t("ticket.severity"), t(f"severity.{ticket.severity}")),
        Field(t("ticket.assignee"), assignee.name if assignee else nobody),
        Field(t("ticket.reporter"), reporter.name if reporter else nobody),
    ]
    if status in (TicketStatus.OPEN, TicketStatus.IN_PROGRESS):
        due_label, due_at = ((t("ticket.accept_due"), ticket.accept_due_at) if status == TicketStatus.OPEN
                             else (t("ticket.resolve_due"), ticket.resolve_due_at))
        shown = t("ticket.paused_due") if ticket.sla_since is None else deps.local(due_at)
        fields.append(Field(due_label, shown))
    fields.append(Field(t("ticket.status"), t(f"status.{ticket.status}")))
    if images:
        fields.append(Field(t("ticket.photos"), t("ticket.photo_count", count=images)))
    if ticket.location:
        where = ticket.location.get("address") or ticket.location.get("name") or t(
            "ticket.coordinates", lat=ticket.location.get("latitude"), lng=ticket.location.get("longitude"))
        fields.append(Field(t("ticket.location"), str(where), short=False))
    blocks: list = [Fields(tuple(fields))]
    if ticket.source_recalled_at is not None:   # the report's message was withdrawn (domain/site/recalls.py)
        blocks.append(Markdown(t("site.recall.withdrawn" if ticket.closed_reason == "withdrawn"
                                 else "site.recall.kept")))
    if ticket.description and ticket.description != ticket.title:
        blocks.append(Markdown(ticket.description))
    if status == TicketStatus.IN_PROGRESS and ticket.sla_since is None:
        blocks.append(Markdown(t("ticket.paused", reason=t(f"pause.{ticket.paused_reason}"))))
    escalated = status in (TicketStatus.OPEN, TicketStatus.IN_PROGRESS) and ticket.escalation_level >= 2
    if escalated and not customer:   # how the site team escalates is theirs
        blocks.append(Markdown(t("ticket.escalated", level=level_label(deps, locale, ticket.escalation_level))))
    if done is not None:
        blocks.append(done)
    if status == TicketStatus.RESOLVED:
        blocks.append(Markdown(t("ticket.confirm_hint", days=deps.rules.auto_close_days)))
    if not customer and customer_may_see(ticket):   # the site team knows what the customer sees
        blocks.append(Markdown(t(f"share.line.{TicketVisibility(ticket.visibility).value}")))
    blocks.append(Note(status_line(deps, locale, ticket, assignee)))
    colour = {TicketStatus.RESOLVED: "green", TicketStatus.CLOSED: "grey"}.get(
        status, _COLOUR[Severity(ticket.severity)])
    if customer:
        return Card(title=t("ticket.title", number=ticket.number, title=ticket.title), colour=colour,
                    blocks=tuple(blocks), actions=_customer_buttons(t, ticket, status),
                    card_key=customer_ticket_key(ticket.id))
    return Card(title=t("ticket.title", number=ticket.number, title=ticket.title), colour=colour,
                blocks=tuple(blocks), actions=_buttons(t, ticket, status),
                card_key=ticket_key(ticket.id))


def status_line(deps: Deps, locale: str, ticket: Ticket, assignee: Person | None) -> str:
    """"处理中 · 王工 · 14:02" — who holds it now and since when."""
    name = assignee.name if assignee else deps.t(locale, "ticket.nobody")
    since = {TicketStatus.IN_PROGRESS: ticket.accepted_at, TicketStatus.RESOLVED: ticket.resolved_at,
             TicketStatus.CLOSED: ticket.closed_at}.get(TicketStatus(ticket.status), ticket.updated_at)
    line = deps.t(locale, f"ticket.line.{ticket.status}", name=name, time=deps.local(since, "%H:%M"))
    if ticket.status == TicketStatus.IN_PROGRESS and ticket.sla_since is None:
        # Where the card cannot be redrawn the change is told by this line alone (DingTalk,
        # WeCom groups): a pause must show in it.
        line += " · " + deps.t(locale, "ticket.paused", reason=deps.t(locale, f"pause.{ticket.paused_reason}"))
    return line


def _customer_buttons(t, ticket: Ticket, status: TicketStatus) -> tuple[Button, ...]:  # noqa: ANN001
    """The customer's buttons only: confirming the fix (the satisfaction card has its own)."""
    if status != TicketStatus.RESOLVED:
        return ()
    value = {"ticket": ticket.id}
    return (Button(t("ticket.btn.confirm"), "ticket.confirm", value, "primary"),
            Button(t("ticket.btn.reopen"), "ticket.reopen", value, "danger"))


def _buttons(t, ticket: Ticket, status: TicketStatus) -> tuple[Button, ...]:  # noqa: ANN001
    value = {"ticket": ticket.id}
    if status == TicketStatus.RESOLVED:
        return _customer_buttons(t, ticket, status)
    if status not in (TicketStatus.OPEN, TicketStatus.IN_PROGRESS):
        return ()
    reassign = Button(t("ticket.btn.reassign"), "ticket.reassign", value)
    resolve = Button(t("ticket.btn.resolve"), "ticket.resolve", value)
    correct = Button(t("ticket.btn.correct"), "ticket.correct", value)
    if ticket.escalation_level >= 2:
        # Escalated: the card now speaks to whoever it was escalated to, and what they can do
        # is 接管 (接单 is the assignee's, and answers them 无权限); issue 16.
        take_over = Button(t("ticket.btn.take_over"), "ticket.take_over", value, "primary")
        accept = Button(t("ticket.btn.accept"), "ticket.accept", value)
        resume = Button(t("ticket.btn.resume"), "ticket.resume", value)
        first = ((take_over, accept) if status == TicketStatus.OPEN else
                 (take_over, resume) if ticket.sla_since is None else (take_over,))
        return (*first, reassign, resolve, correct)
    if status == TicketStatus.OPEN:
        return (Button(t("ticket.btn.accept"), "ticket.accept", value, "primary"), reassign,
                resolve, correct)
    if ticket.sla_since is None:
        return (Button(t("ticket.btn.resume"), "ticket.resume", value, "primary"), reassign, resolve)
    return (reassign, Button(t("ticket.btn.wait_customer"), "ticket.pause", {**value, "reason": "customer"}),
            Button(t("ticket.btn.wait_material"), "ticket.pause", {**value, "reason": "material"}),
            resolve, correct)


def correction_card(deps: Deps, locale: str, ticket: Ticket) -> Card:
    """Pick the right category or severity (the current one is marked)."""
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    def mark(label: str, current: bool) -> str:
        return f"✓ {label}" if current else label

    value = {"ticket": ticket.id}
    buttons = [Button(mark(t(f"category.{c}"), c == ticket.category), "ticket.set",
                      {**value, "category": c.value}) for c in Category]
    buttons += [Button(mark(t(f"severity.{s}"), s == ticket.severity), "ticket.set",
                       {**value, "severity": s.value}, "primary" if s == Severity.HIGH else "default")
                for s in Severity]
    return Card(t("correct.title", number=ticket.number), "blue",
                (Markdown(t("correct.body", title=ticket.title)),), tuple(buttons))


async def survey_card(tx: Tx, deps: Deps, ident: str, locale: str) -> Card | None:
    ticket = await tx.tickets.get(int(ident))
    survey = await tx.tickets.survey(int(ident)) if ticket else None
    if survey is None:
        return None
    assignee = await tx.people.get(ticket.assignee_id) if ticket.assignee_id else None
    return build_survey_card(deps, locale, ticket, survey, assignee)


def build_survey_card(deps: Deps, locale: str, ticket: Ticket, survey: TicketSurvey,
                      assignee: Person | None) -> Card:
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    body = t("survey.body", title=ticket.title, name=assignee.name if assignee else t("ticket.nobody"))
    blocks: list = [Markdown(body)]
    if survey.score is not None:
        blocks.append(Note(t("survey.answered", score=survey.score, label=t(f"survey.score.{survey.score}"),
                             number=ticket.number)))
    if survey.comment:
        blocks.append(Markdown(t("survey.comment", text=survey.comment)))
    buttons = tuple(Button(t(f"survey.score.{n}"), "ticket.rate", {"ticket": ticket.id, "score": n},
                           "primary" if n == survey.score else "default") for n in range(1, 6))
    return Card(t("survey.title", number=ticket.number), "green" if survey.score else "blue",
                tuple(blocks), buttons, card_key=survey_key(ticket.id))


def ticket_list_card(deps: Deps, locale: str, tickets: list[Ticket], me: Person) -> Card:
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    if not tickets:
        return Card(t("mine.title"), "green", (Markdown(t("mine.empty")),))
    lines = []
    for ticket in tickets:
        role = t("mine.assigned") if ticket.assignee_id == me.id else t("mine.reported")
        due = ticket.accept_due_at if ticket.status == TicketStatus.OPEN else ticket.resolve_due_at
        lines.append(t("mine.line", number=ticket.number, title=ticket.title, role=role,
                       status=t(f"status.{ticket.status}"),
                       due=deps.local(due) if ticket.sla_since else t("ticket.paused_due")))
    return Card(t("mine.title_count", count=len(tickets)), "blue", (Markdown("\n".join(lines)),
                Note(t("mine.hint"))))


def overdue_card(deps: Deps, locale: str, rows: list[tuple[Ticket, str, str]], now: datetime) -> Card:
    """rows: (ticket, project code, assignee name)."""
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    if not rows:
        return Card(t("overdue.title"), "green", (Markdown(t("overdue.empty")),))
    lines = []
    for ticket, code, name in rows:
        late_accept = ticket.status == TicketStatus.OPEN and ticket.accept_due_at and ticket.accept_due_at < now
        due = ticket.accept_due_at if late_accept else ticket.resolve_due_at
        minutes = int((now - due).total_seconds() // 60)
        lines.append(t("overdue.line", number=ticket.number, title=ticket.title, project=code,
                       name=name, what=t("overdue.accept" if late_accept else "overdue.resolve"),
                       late=_duration(t, minutes), level=ticket.escalation_level))
    return Card(t("overdue.title_count", count=len(rows)), "red", (Markdown("\n".join(lines)),
                Note(t("overdue.hint"))))


def _duration(t, minutes: int) -> str:  # noqa: ANN001
    if minutes < 60:
        return t("duration.minutes", n=minutes)
    if minutes < 48 * 60:
        return t("duration.hours", h=minutes // 60, m=minutes % 60)
    return t("duration.days", d=minutes // 1440, h=minutes % 1440 // 60)
