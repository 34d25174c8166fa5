"""Customers, contacts and the sales funnel (商机) with the opportunity card's buttons."""
from __future__ import annotations

from handlers.chat.area import Area, command
from handlers.customers import buttons, commands
from handlers.customers.cards import opportunity_card
from handlers.customers.jobs import customer_jobs


def area() -> Area:
    return Area(
        name="customers",
        commands=(
            command("customer", ("客户",), ("customer",), commands.customers),
            command("opportunity", ("商机",), ("opportunity", "deal"), commands.opportunities),
        ),
        actions={
            "opportunity.next": buttons.on_next,
            "opportunity.won": buttons.on_won,
            "opportunity.lost": buttons.on_lost,
            "opportunity.to_project": buttons.on_to_project,
        },
        card_views={"opportunity": opportunity_card},
        jobs=customer_jobs,
    )
