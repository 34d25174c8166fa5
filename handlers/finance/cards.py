"""Payment cards. Two live views of one payment milestone, redrawn in place when money comes in:
`payment:{id}[:{days}]` for staff (paid, outstanding, escalation) and `due:{id}:{days}` for
the customer (only their own amount, the contract and how to pay). `days` is the reminder
step the copy was sent for (negative: days before the due date)."""
from __future__ import annotations

from datetime import date

from domain.finance.ledger import Receivable, receivable
from domain.finance.money import format_money
from domain.store.uow import Tx
from handlers.chat.cards import Card, Field, Fields, Markdown, Note
from handlers.chat.context import Deps


def payment_key(milestone_id: int, days: int | None = None) -> str:
    return f"payment:{milestone_id}" if days is None else f"payment:{milestone_id}:{days}"


def due_key(milestone_id: int, days: int) -> str:
    return f"due:{milestone_id}:{days}"


def every_key(deps: Deps, milestone_id: int) -> list[str]:
    """Every live-card key a milestone's copies may have been posted under."""
    steps = [-d for d in range(1, deps.finance.remind_days_before + 1)] + [
        s.days for s in deps.finance.ladder]
    return ([payment_key(milestone_id)] + [payment_key(milestone_id, d) for d in steps]
            + [due_key(milestone_id, d) for d in steps])


def _ident(ident: str) -> tuple[int, int | None] | None:
    head, _, tail = ident.partition(":")
    try:
        return int(head), (int(tail) if tail else None)
    except ValueError:
        return None


def day(value: date | None) -> str:
    return value.isoformat() if value else "-"


async def payment_card(tx: Tx, deps: Deps, ident: str, locale: str) -> Card | None:
    parsed = _ident(ident)
    row = await receivable(tx, parsed[0]) if parsed else None
    return build_payment_card(deps, locale, row, parsed[1]) if row else None


def due_text(deps: Deps, locale: str, row: Receivable) -> str:
    if row.due is not None:
        return day(row.due)
    return deps.t(locale, "finance.card.due_on_trigger", days=row.milestone.trigger_offset_days,
                  planned=day(row.planned))


def build_payment_card(deps: Deps, locale: str, row: Receivable, days: int | None) -> Card:
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    m = row.milestone
    fields = (
        Field(t("finance.card.project"), f"{row.project.code} {row.project.name}", short=False),
        Field(t("finance.card.contract"), f"{row.contract.number} {row.contract.title}", short=False),
        Field(t("finance.card.milestone"), f"{m.name}（{t('finance.kind.' + m.kind)}）"),
        Field(t("finance.card.amount"), format_money(m.amount)),
        Field(t("finance.card.paid"), format_money(row.paid)),
        Field(t("finance.card.outstanding"), format_money(row.outstanding)),
        Field(t("finance.card.due"), due_text(deps, locale, row)),
    )
    if row.settled:
        line, colour = t("finance.card.settled", on=day(m.settled_on)), "green"
    elif days is None:
        line = t("finance.card.status." + m.status)
        colour = "orange" if m.status == "partial" else "blue"
    elif days < 0:
        line, colour = t("finance.card.remind_line", days=-days), "orange"
    else:
        step = deps.finance.step_for(days)
        told = "、".join(t(f"role.{r.value}") for r in step.recipients()) if step else "-"
        line = t("finance.card.overdue_line", days=days, told=told)
        colour = "red"
    return Card(t("finance.card.title", code=row.project.code, name=m.name), colour,
                (Fields(fields), Note(line)), (), payment_key(m.id, days))


async def customer_due_card(tx: Tx, deps: Deps, ident: str, locale: str) -> Card | None:
    parsed = _ident(ident)
    row = await receivable(tx, parsed[0]) if parsed else None
    return build_customer_due_card(deps, locale, row, parsed[1] or 0) if row else None


def build_customer_due_card(deps: Deps, locale: str, row: Receivable, days: int) -> Card:
    """What the customer sees: polite, their own amount only, how to pay; a thank-you once paid."""
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    m, payee = row.milestone, deps.finance.payee
    key = due_key(m.id, days)
    if row.settled:
        return Card(t("finance.due.thanks_title", name=row.project.name), "green",
                    (Markdown(t("finance.due.thanks", milestone=m.name)),), (), key)
    fields = [Field(t("finance.card.project"), row.project.name, short=False),
              Field(t("finance.card.contract"), row.contract.number),
              Field(t("finance.card.milestone"), m.name),
              Field(t("finance.due.amount"), format_money(row.outstanding)),
              Field(t("finance.card.due"), day(row.due))]
    if payee.account:
        fields.append(Field(t("finance.due.how"), t("finance.due.payee", name=payee.name,
                                                       bank=payee.bank, account=payee.account),
                            short=False))
    body = t("finance.due.today") if days <= 0 else t("finance.due.overdue", days=days)
    return Card(t("finance.due.title", name=row.project.name), "orange" if days <= 3 else "red",
                (Markdown(body), Fields(tuple(fields)), Note(t("finance.due.footer"))), (), key)
