"""The contract card: each contract of a project with its payment schedule — amount (and share),
when it falls due (a day, or days after a project milestone), paid or not — and how much of
the value the schedule covers."""
from __future__ import annotations

from decimal import Decimal

from domain.finance.money import format_money
from domain.store.models import Project
from domain.store.repos.setup import setup_repo
from domain.store.uow import Tx
from handlers.chat.cards import Card, Markdown, Note
from handlers.chat.context import Deps


async def contract_card(tx: Tx, deps: Deps, project: Project, locale: str) -> Card:
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    repo = setup_repo(tx)
    blocks: list = []
    contracts = await tx.finance.contracts_of(project.id)
    for contract in contracts:
        schedule = await repo.schedule(contract.id)
        lines = [t("setup.contract.head", number=contract.number, value=format_money(contract.value),
                   signed=contract.signed_on.isoformat() if contract.signed_on else "-")]
        for i, m in enumerate(schedule, 1):
            trigger = await repo.milestone(m.trigger_milestone_id) if m.trigger_milestone_id else None
            when = (t("setup.pay.when_after", milestone=trigger.name, days=m.trigger_offset_days,
                      planned=m.due_date.isoformat() if m.due_date else "-") if trigger
                    else m.due_date.isoformat() if m.due_date else "-")
            share = f"{m.percent.normalize():f}%" if m.percent is not None else ""
            lines.append(t("setup.pay.line", seq=i, name=m.name, amount=format_money(m.amount), share=share,
                           when=when, status=t(f"setup.pay.status.{m.status}")))
        total = sum((m.amount for m in schedule), Decimal(0))
        lines.append(t("setup.pay.total", total=format_money(total), value=format_money(contract.value),
                       rest=format_money(contract.value - total)))
        blocks.append(Markdown("\n".join(lines)))
    if not contracts:
        blocks.append(Markdown(t("setup.contract.none", code=project.code)))
    blocks.append(Note(t("setup.contract.note", code=project.code)))
    return Card(t("setup.contract.title", code=project.code, name=project.name), "blue", tuple(blocks))
