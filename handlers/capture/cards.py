"""The proposal card — "要登记为工单吗？ 安全 · 高 · 5号楼电梯口有钢筋没人管" with 登记 / 不用了 —
and its later states (filed as T-n, or not filed), redrawn in place on every copy."""
from __future__ import annotations

from domain.enums import Category, Severity
from domain.store.models import Project, ReportDraft
from domain.store.uow import Tx
from handlers.capture.voice import VOICE
from handlers.chat.cards import Button, Card, Markdown, Note
from handlers.chat.context import Deps

_COLOUR = {Severity.HIGH: "red", Severity.MEDIUM: "orange", Severity.LOW: "blue"}


def proposal_key(draft_id: int) -> str:
    return f"capture:{draft_id}"


def proposal_card(deps: Deps, locale: str, draft: ReportDraft, category: Category, severity: Severity,
                  project: Project | None) -> Card:
    t = deps.t
    notes = []
    if any(a.get("kind") == VOICE for a in draft.attachments):   # the text is what was heard
        notes.append(t(locale, "capture.voice.transcript"))
    if project is not None:
        notes.append(t(locale, "capture.project", code=project.code, name=project.name))
    images = sum(a.get("kind") == "image" for a in draft.attachments)
    located = any(a.get("kind") == "location" for a in draft.attachments)
    if images or located:
        notes.append(t(locale, "capture.attached", images=images, location=located))
    notes.append(t(locale, "capture.hint"))
    value = {"draft": draft.id, "category": category.value, "severity": severity.value}
    return Card(t(locale, "capture.title"), _COLOUR[severity],
                (Markdown(_summary(deps, locale, category, severity, draft.text)), Note("\n".join(notes))),
                (Button(t(locale, "capture.btn.file"), "capture.file", value, "primary"),
                 Button(t(locale, "capture.btn.dismiss"), "capture.dismiss", {"draft": draft.id})),
                card_key=proposal_key(draft.id))


async def proposal_view(tx: Tx, deps: Deps, ident: str, locale: str) -> Card | None:
    """The card once answered: filed (with the ticket's number, category and severity) or
    not (the draft was deleted). A proposal still waiting is never redrawn."""
    draft = await tx.get(ReportDraft, int(ident))
    key = proposal_key(int(ident))
    if draft is None:
        return Card(deps.t(locale, "capture.dismissed_title"), "grey",
                    (Note(deps.t(locale, "capture.dismissed_note")),), card_key=key)
    if draft.ticket_id is None:
        return None
    ticket = await tx.tickets.get(draft.ticket_id)
    summary = _summary(deps, locale, Category(ticket.category), Severity(ticket.severity), draft.text)
    return Card(deps.t(locale, "capture.filed_title", number=ticket.number), "green",
                (Markdown(summary),), card_key=key)


def _summary(deps: Deps, locale: str, category: Category, severity: Severity, text: str) -> str:
    return deps.t(locale, "capture.summary", category=deps.t(locale, f"category.{category.value}"),
                  severity=deps.t(locale, f"severity.{severity.value}"), text=text[:200])
