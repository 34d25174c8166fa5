"""Change cards: the live approval card (`change:7`, redrawn wherever it was posted: the
approvers' DMs, the requester's chat, the project group) and the 审批 待办 list."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.changes.service import current_step, number
from domain.enums import ApprovalStatus
from domain.store.models import ApprovalStep, ChangeRequest, Person
from domain.store.uow import Tx
from handlers.chat.cards import Button, Card, Field, Fields, Image, Markdown, Note
from handlers.chat.context import Deps

_COLOUR = {ApprovalStatus.PENDING: "orange", ApprovalStatus.APPROVED: "green",
           ApprovalStatus.REJECTED: "red", ApprovalStatus.WITHDRAWN: "grey"}


def change_key(change_id: int) -> str:
    return f"change:{change_id}"


def money(amount: Decimal | None) -> str:
    if amount is None:
        return "-"
    return f"{'+' if amount > 0 else '-'}¥{abs(amount):,.2f}"


def days_text(deps: Deps, locale: str, days: int | None) -> str:
    return deps.t(locale, "change.days", days=days) if days else "-"


async def change_card(tx: Tx, deps: Deps, ident: str, locale: str) -> Card | None:
    change = await tx.changes.get(int(ident))
    if change is None:
        return None
    steps = await tx.changes.steps(change.id)
    people = {p.id: p for p in [await tx.people.get(i) for i in
                                {change.requester_id, *(s.approver_id for s in steps)}] if p}
    project = await tx.projects.get(change.project_id)
    return build_change_card(deps, locale, change, steps, people, f"{project.code} {project.name}")


def build_change_card(deps: Deps, locale: str, change: ChangeRequest, steps: list[ApprovalStep],
                      people: dict[int, Person], project_label: str) -> Card:
    def t(key: str, **params: Any) -> str:
        return deps.t(locale, key, **params)

    def name(person_id: int | None) -> str:
        return people[person_id].name if person_id in people else "-"

    status = ApprovalStatus(change.status)
    current = current_step(change, steps)
    fields = [Field(t("change.f.project"), project_label, short=False),
              Field(t("change.f.kind"), t(f"change.kind.{change.kind}")),
              Field(t("change.f.status"), t(f"change.status.{change.status}")),
              Field(t("change.f.cost"), money(change.cost_delta)),
              Field(t("change.f.days"), days_text(deps, locale, change.days_delta)),
              Field(t("change.f.requester"), name(change.requester_id)),
              Field(t("change.f.created"), deps.local(change.created_at))]
    if current is not None:
        fields.append(Field(t("change.f.current"), t("change.step_who", name=name(current.approver_id),
                                                      role=t(f"role.{current.role}"))))
    blocks: list = [Fields(tuple(fields)), Markdown(t("change.reason", reason=change.reason))]
    blocks += _attachments(t, change.attachments or [])
    blocks.append(Markdown("\n".join(_chain_lines(deps, locale, change, steps, name))))
    if change.effect:
        blocks.append(Markdown(effect_text(deps, locale, change.effect)))
    blocks.append(Note(status_line(deps, locale, change, steps, name)))
    actions: tuple[Button, ...] = ()
    if current is not None:
        value = {"change": change.id, "step": current.seq}
        actions = (Button(t("change.btn.approve"), "change.approve", value, "primary"),
                   Button(t("change.btn.reject"), "change.reject", value, "danger"),
                   Button(t("change.btn.withdraw"), "change.withdraw", {"change": change.id}))
    return Card(t("change.card_title", number=number(change.id), kind=t(f"change.kind.{change.kind}"),
                  title=change.title), _COLOUR[status], tuple(blocks), actions, change_key(change.id))


def _attachments(t, items: list[dict[str, Any]]) -> list:  # noqa: ANN001
    if not items:
        return []
    names = [i.get("name") or t(f"change.attachment.{i.get('kind', 'file')}") for i in items]
    out: list = [Markdown(t("change.attachments", count=len(items), names=t("list.join", items=names)))]
    out += [Image(i["ref"], i.get("name") or "") for i in items if i.get("kind") == "image" and i.get("ref")]
    return out


def _chain_lines(deps: Deps, locale: str, change: ChangeRequest, steps: list[ApprovalStep],
                 name) -> list[str]:  # noqa: ANN001
    lines = [deps.t(locale, "change.chain_title")]
    for step in steps:
        state = step.status
        if state == ApprovalStatus.PENDING:   # not reached yet, or never will be (closed early)
            state = ("skipped" if change.status != ApprovalStatus.PENDING
                     else "pending" if step.activated_at else "waiting")
        lines.append(deps.t(locale, "change.chain_line", seq=step.seq,
                            role=deps.t(locale, f"role.{step.role}"),
                            name=name(step.approver_id), state=deps.t(locale, f"change.step.{state}"),
                            time=deps.local(step.decided_at) if step.decided_at else "",
                            reason=step.reason or ""))
    return lines


def status_line(deps: Deps, locale: str, change: ChangeRequest, steps: list[ApprovalStep],
                name) -> str:  # noqa: ANN001
    """"已同意 · 郭总监 · 11-23 14:05" — the decision, who made it and when."""
    current = current_step(change, steps)
    if current is not None:
        return deps.t(locale, "change.line.pending", name=name(current.approver_id), seq=current.seq,
                      total=len(steps))
    decided = [s for s in steps if s.decided_at is not None]
    last = decided[-1] if decided and change.status != "withdrawn" else None
    who = name(last.decided_by) if last else name(change.requester_id)
    return deps.t(locale, f"change.line.{change.status}", name=who,
                  time=deps.local(change.decided_at), reason=(last.reason if last else "") or "")


def effect_text(deps: Deps, locale: str, effect: dict[str, Any]) -> str:
    lines = []
    schedule = effect.get("schedule")
    if schedule:
        lines.append(deps.t(locale, "change.effect.schedule", days=schedule["days"]))
        for item in schedule.get("milestones", []):
            if "planned_end" in item:
                lines.append(deps.t(locale, "change.effect.milestone", name=item["name"],
                                    before=item["planned_end"][0], after=item["planned_end"][1]))
        if schedule.get("project_end"):
            before, after = schedule["project_end"]
            lines.append(deps.t(locale, "change.effect.project_end", before=before, after=after))
        for item in schedule.get("payments", []):
            lines.append(deps.t(locale, "change.effect.payment", name=item["name"],
                                before=item["due"][0] or "-", after=item["due"][1]))
    contract = effect.get("contract")
    if contract:
        lines.append(deps.t(locale, "change.effect.contract", number=contract["number"],
                            before=f"¥{Decimal(contract['before']):,.2f}",
                            after=f"¥{Decimal(contract['after']):,.2f}"))
    return "\n".join(lines)


def change_list_card(deps: Deps, locale: str, awaiting: list[ChangeRequest],
                     mine: list[ChangeRequest]) -> Card:
    def t(key: str, **params: Any) -> str:
        return deps.t(locale, key, **params)

    def line(change: ChangeRequest) -> str:
        return t("change.list_line", number=number(change.id), kind=t(f"change.kind.{change.kind}"),
                 title=change.title, cost=money(change.cost_delta),
                 days=days_text(deps, locale, change.days_delta), since=deps.local(change.created_at))

    blocks: list = [Markdown(t("change.list_awaiting", count=len(awaiting)) + "\n" +
                             ("\n".join(line(c) for c in awaiting) or t("change.list_none")))]
    if mine:
        blocks.append(Markdown(t("change.list_mine", count=len(mine)) + "\n" +
                               "\n".join(line(c) for c in mine)))
    blocks.append(Note(t("change.list_hint")))
    return Card(t("change.list_title"), "orange" if awaiting else "green", tuple(blocks))
