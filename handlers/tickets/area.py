"""Tickets (工单): reporting, the live ticket card and its buttons, the SLA scan."""
from __future__ import annotations

from handlers.chat.area import Area, command
from handlers.tickets import buttons, commands
from handlers.tickets.cards import survey_card, ticket_card
from handlers.tickets.jobs import ticket_jobs


def area() -> Area:
    return Area(
        name="tickets",
        commands=(
            command("report", ("报修", "报事", "上报"), ("report",), commands.report, glued=True),
            command("mine", ("我的工单",), ("my tickets", "mine"), commands.my_tickets),
            command("ticket", ("工单", "查工单"), ("ticket",), commands.show_ticket),
            command("overdue", ("超时工单",), ("overdue",), commands.overdue),
            command("rate", ("评价",), ("rate", "feedback"), commands.comment),
        ),
        actions={
            "ticket.accept": buttons.on_accept,
            "ticket.report_in": buttons.on_report_in,
            "ticket.reassign": buttons.on_reassign,
            "ticket.assign": buttons.on_assign,
            "ticket.resolve": buttons.on_resolve,
            "ticket.pause": buttons.on_pause,
            "ticket.resume": buttons.on_resume,
            "ticket.correct": buttons.on_correct,
            "ticket.set": buttons.on_set,
            "ticket.take_over": buttons.on_take_over,
            "ticket.confirm": buttons.on_confirm,
            "ticket.reopen": buttons.on_reopen,
            "ticket.rate": buttons.on_rate,
        },
        card_views={"ticket": ticket_card, "survey": survey_card},
        jobs=ticket_jobs,
        fallback=commands.other_message,
    )
