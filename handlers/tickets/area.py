"""Tickets (工单): reporting, the live ticket card and its buttons, the SLA scan."""
from __future__ import annotations

from handlers.chat.area import Area, command
from handlers.tickets import buttons, commands, customer_chat, resolution, sharing
from handlers.tickets.cards import customer_ticket_card, survey_card, ticket_card
from handlers.tickets.jobs import ticket_jobs


def area() -> Area:
    return Area(
        name="tickets",
        commands=(
            command("report", ("报修", "报事", "上报"), ("report",), commands.report, glued=True),
            # Typos of 报修; not glued, so "保修期还有多久" in group chatter stays chatter.
            command("report_typo", ("保修", "报个修"), (), commands.report, listed=False),
            command("mine", ("我的工单",), ("my tickets", "mine"), customer_chat.my_tickets),
            command("ticket", ("工单", "查工单"), ("ticket",), customer_chat.show_ticket),
            command("overdue", ("超时工单",), ("overdue",), commands.overdue),
            command("resolve", ("解决",), ("resolve",), resolution.command),
            command("rate", ("评价",), ("rate", "feedback"), commands.comment),
            command("share", ("共享",), ("share",), sharing.share),
            command("unshare", ("取消共享",), ("unshare",), sharing.unshare),
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
        card_views={"ticket": ticket_card, "ticket.customer": customer_ticket_card, "survey": survey_card},
        jobs=lambda: ticket_jobs() + resolution.resolution_jobs(),
        fallback=commands.other_message,
    )
