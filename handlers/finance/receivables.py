"""The 应收 card: receivables by ageing bucket, then the open milestones most overdue first."""
from __future__ import annotations

from domain.finance.ledger import BUCKETS, Ageing
from domain.finance.money import format_money
from handlers.chat.cards import Card, Field, Fields, Markdown, Note
from handlers.chat.context import Deps
from handlers.finance.cards import due_text

MAX_LINES = 15


def receivables_card(deps: Deps, locale: str, report: Ageing, scope: str) -> Card:
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    if not report.rows:
        return Card(t("finance.ar.title", scope=scope), "green", (Markdown(t("finance.ar.empty")),))
    fields = [Field(t(f"finance.ar.bucket.{b}"), format_money(report.totals[b])) for b in BUCKETS]
    fields.append(Field(t("finance.ar.total"), format_money(report.total)))
    lines = []
    for row, days in report.rows[:MAX_LINES]:
        when = (t("finance.ar.overdue", days=days) if days > 0
                else t("finance.ar.due", due=due_text(deps, locale, row)))
        lines.append(t("finance.ar.line", code=row.project.code, name=row.milestone.name,
                       outstanding=format_money(row.outstanding), when=when))
    blocks: list = [Fields(tuple(fields)), Markdown("\n".join(lines))]
    if len(report.rows) > MAX_LINES:
        blocks.append(Note(t("finance.ar.more", count=len(report.rows) - MAX_LINES)))
    colour = "red" if report.totals["over_90"] or report.totals["d31_90"] else "orange"
    return Card(t("finance.ar.title", scope=scope), colour, tuple(blocks))
