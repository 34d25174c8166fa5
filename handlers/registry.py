"""Every command, button and live card in one table: the handler side of the composition root."""
from __future__ import annotations

from handlers import admin, customers, payments, tickets
from handlers import changes
from handlers.change_cards import change_card
from handlers.change_jobs import change_jobs
from handlers.context import CardView
from handlers.customer_cards import opportunity_card
from handlers.dispatch import ActionHandler
from handlers.finance_jobs import finance_jobs
from handlers.jobs import JobDef
from handlers.help import make_help
from handlers.payment_cards import customer_due_card, payment_card
from handlers.router import Router
from handlers import progress
from handlers.progress_jobs import progress_jobs
from handlers import report_picker, ticket_actions
from handlers.ticket_cards import survey_card, ticket_card
from handlers.ticket_jobs import ticket_jobs


def build_router() -> Router:
    router = Router()
    router.add("report", ("报修", "报事", "上报"), ("report",), tickets.report, glued=True)
    router.add("mine", ("我的工单",), ("my tickets", "mine"), tickets.my_tickets)
    router.add("ticket", ("工单", "查工单"), ("ticket",), tickets.show_ticket)
    router.add("overdue", ("超时工单",), ("overdue",), tickets.overdue)
    router.add("rate", ("评价",), ("rate", "feedback"), tickets.comment)
    router.fallback = tickets.other_message
    router.add("bind", ("绑定",), ("bind",), admin.bind)
    router.add("members", ("成员",), ("members", "member"), admin.members)
    router.add("whoami", ("我是谁",), ("whoami",), admin.whoami)
    router.add("payment", ("回款", "收款"), ("payment", "paid"), payments.record)
    router.add("receivables", ("应收", "应收款"), ("receivables", "ar"), payments.show_receivables)
    router.add("customer", ("客户",), ("customer",), customers.customers)
    router.add("opportunity", ("商机",), ("opportunity", "deal"), customers.opportunities)
    router.add("change", ("变更",), ("change",), changes.change)
    router.add("approvals", ("审批",), ("approvals", "approval"), changes.approvals)
    router.add("approve", ("同意",), ("approve",), changes.approve_cmd)
    router.add("reject", ("驳回",), ("reject",), changes.reject_cmd)
    router.add("withdraw", ("撤回",), ("withdraw",), changes.withdraw_cmd)
    router.add("progress", ("进度",), ("progress",), progress.progress)
    router.add("complete", ("完成",), ("done", "complete"), progress.complete)
    router.add("log", ("日志", "施工日志"), ("log",), progress.daily_log)
    router.add("help", ("帮助", "？", "?"), ("help",), make_help(router))
    router.on_joined = admin.welcome
    return router


def build_actions() -> dict[str, ActionHandler]:
    return {
        "ticket.accept": ticket_actions.on_accept,
        "ticket.report_in": report_picker.on_pick,
        "ticket.reassign": ticket_actions.on_reassign,
        "ticket.assign": ticket_actions.on_assign,
        "ticket.resolve": ticket_actions.on_resolve,
        "ticket.pause": ticket_actions.on_pause,
        "ticket.resume": ticket_actions.on_resume,
        "ticket.correct": ticket_actions.on_correct,
        "ticket.set": ticket_actions.on_set,
        "ticket.take_over": ticket_actions.on_take_over,
        "ticket.confirm": ticket_actions.on_confirm,
        "ticket.reopen": ticket_actions.on_reopen,
        "ticket.rate": ticket_actions.on_rate,
        "change.approve": changes.on_approve,
        "change.reject": changes.on_reject,
        "change.withdraw": changes.on_withdraw,
        "progress.confirm": progress.on_confirm,
        "progress.cancel": progress.on_cancel,
        "payment.pick": payments.on_pick,
        "payment.confirm": payments.on_confirm,
        "payment.cancel": payments.on_cancel,
        "opportunity.next": customers.on_next,
        "opportunity.won": customers.on_won,
        "opportunity.lost": customers.on_lost,
        "opportunity.to_project": customers.on_to_project,
    }


def build_card_views() -> dict[str, CardView]:
    return {"ticket": ticket_card, "survey": survey_card, "payment": payment_card, "due": customer_due_card,
            "opportunity": opportunity_card, "change": change_card}


def build_jobs() -> list[JobDef]:
    """Recurring scans (SLA escalations, digests, reminders …), run by the scheduler."""
    return [*ticket_jobs(), *finance_jobs(), *progress_jobs(), *change_jobs()]
