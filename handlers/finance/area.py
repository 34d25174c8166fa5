"""Money: 回款 with its picker and confirm buttons, 应收, the payment cards, the dunning scan."""
from __future__ import annotations

from handlers.chat.area import Area, command
from handlers.finance import buttons, commands
from handlers.finance.cards import customer_due_card, payment_card
from handlers.finance.jobs import finance_jobs


def area() -> Area:
    return Area(
        name="finance",
        commands=(
            command("payment", ("回款", "收款"), ("payment", "paid"), commands.record),
            command("receivables", ("应收", "应收款"), ("receivables", "ar"), commands.show_receivables),
        ),
        actions={
            "payment.pick": buttons.on_pick,
            "payment.confirm": buttons.on_confirm,
            "payment.cancel": buttons.on_cancel,
        },
        card_views={"payment": payment_card, "due": customer_due_card},
        jobs=finance_jobs,
    )
