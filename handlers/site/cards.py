"""Cards of the site area: an inspection as it stands (its items ✅/❌ with their tickets), the
list of a period's inspections, and an acceptance record (with 通过 / 不通过 for its deciders
while it waits; redrawn in place once decided)."""
from __future__ import annotations

from typing import Sequence

from domain.site.acceptance import PASSED, PENDING
from domain.store.models import Person, Project
from domain.store.models.site import AcceptanceRecord, SiteInspection
from domain.store.uow import Tx
from handlers.chat.cards import Button, Card, Field, Fields, Image, Markdown, Note
from handlers.chat.context import Deps

MAX_ITEMS = 30      # lines on a card; the rest counted
MAX_IMAGES = 3


def acceptance_key(record_id: int) -> str:
    return f"acceptance:{record_id}"


def inspection_card(deps: Deps, locale: str, inspection: SiteInspection, project: Project,
                    inspector: str) -> Card:
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    state = "closed" if inspection.closed_at else "open"
    fields = [Field(t("site.inspect.field.project"), f"{project.code} {project.name}"),
              Field(t("site.inspect.field.inspector"), inspector),
              Field(t("site.inspect.field.at"), deps.local(inspection.at))]
    if inspection.checked:
        fields.append(Field(t("site.inspect.field.checked"), inspection.checked, short=False))
    if inspection.location:
        where = inspection.location.get("name") or inspection.location.get("address") or ""
        fields.append(Field(t("site.inspect.field.where"), where or t("site.inspect.located")))
    blocks: list = [Fields(tuple(fields))]
    items = inspection.items or []
    if items:
        lines = [_item_line(t, item) for item in items[:MAX_ITEMS]]
        if len(items) > MAX_ITEMS:
            lines.append(t("site.inspect.more", count=len(items) - MAX_ITEMS))
        blocks.append(Markdown("\n".join(lines)))
    failed = sum(not i.get("ok") for i in items)
    blocks.append(Note(t(f"site.inspect.summary_{state}", items=len(items), failed=failed,
                         photos=len(inspection.attachments or []))))
    colour = "grey" if state == "closed" else ("orange" if failed else "blue")
    return Card(t(f"site.inspect.title_{state}", number=inspection.number), colour, tuple(blocks))


def _item_line(t, item: dict) -> str:  # noqa: ANN001
    mark = "✅" if item.get("ok") else "❌"
    ticket = f" → T-{item['ticket_id']}" if item.get("ticket_id") else ""
    photos = f" 📷{item['photos']}" if item.get("photos") else ""
    return f"{mark} {item.get('text', '')}{ticket}{photos}"


def inspection_list_card(deps: Deps, locale: str, project: Project, span: str,
                         found: Sequence[SiteInspection], names: dict[int, str]) -> Card:
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    if not found:
        return Card(t("site.inspect.list_title", code=project.code, span=span), "grey",
                    (Note(t("site.inspect.list_empty")),))
    lines = []
    for inspection in found[:MAX_ITEMS]:
        items = inspection.items or []
        lines.append(t("site.inspect.list_line", number=inspection.number, at=deps.local(inspection.at),
                       who=names.get(inspection.inspector_id, "?"), checked=inspection.checked or "—",
                       items=len(items), failed=sum(not i.get("ok") for i in items),
                       photos=len(inspection.attachments or [])))
    return Card(t("site.inspect.list_title", code=project.code, span=span), "blue",
                (Markdown("\n".join(lines)), Note(t("site.inspect.list_total", count=len(found)))))


def acceptance_card(deps: Deps, locale: str, record: AcceptanceRecord, project: Project,
                    requester: Person | None, decider: Person | None) -> Card:
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    fields = [Field(t("site.accept.field.project"), f"{project.code} {project.name}"),
              Field(t("site.accept.field.kind"), record.kind)]
    fields += [Field(label, value or "—", short=False) for label, value in record.fields.items()]
    fields.append(Field(t("site.accept.field.requester"),
                        f"{requester.name if requester else '?'} · {deps.local(record.created_at)}"))
    blocks: list = [Fields(tuple(fields))]
    blocks += [Image(a["ref"], record.subject) for a in record.attachments[:MAX_IMAGES] if a.get("ref")]
    title = t("site.accept.title", number=record.number, kind=record.kind, subject=record.subject)
    if record.status == PENDING:
        blocks.append(Note(t("site.accept.pending_note", number=record.number)))
        value = {"record": record.id}
        return Card(title, "orange", tuple(blocks),
                    (Button(t("site.accept.btn.pass"), "site.accept_pass", value, "primary"),
                     Button(t("site.accept.btn.fail"), "site.accept_fail", value, "danger")),
                    card_key=acceptance_key(record.id))
    verdict = t(f"site.accept.{record.status}", who=decider.name if decider else "?",
                at=deps.local(record.decided_at), reason=record.reason or "")
    blocks.append(Markdown(verdict))
    return Card(title, "green" if record.status == PASSED else "red", tuple(blocks),
                card_key=acceptance_key(record.id))


async def acceptance_view(tx: Tx, deps: Deps, ident: str, locale: str) -> Card | None:
    record = await tx.site.acceptance(int(ident))
    if record is None:
        return None
    project = await tx.projects.get(record.project_id)
    requester = await tx.people.get(record.requester_id)
    decider = await tx.people.get(record.decided_by_id) if record.decided_by_id else None
    return acceptance_card(deps, locale, record, project, requester, decider)
