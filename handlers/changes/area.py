"""Change requests (变更) and their approval chain: commands, the live approval card, reminders."""
from __future__ import annotations

from handlers.changes import buttons, commands, end_date
from handlers.changes.cards import change_card
from handlers.changes.jobs import change_jobs
from handlers.chat.area import Area, command


def area() -> Area:
    return Area(
        name="changes",
        commands=(
            command("change", ("变更",), ("change",), commands.change),
            command("approvals", ("审批",), ("approvals", "approval"), commands.approvals),
            command("approve", ("同意",), ("approve",), commands.approve_cmd),
            command("reject", ("驳回",), ("reject",), commands.reject_cmd),
            command("withdraw", ("撤回",), ("withdraw",), commands.withdraw_cmd),
        ),
        actions={
            "change.approve": buttons.on_approve,
            "change.reject": buttons.on_reject,
            "change.withdraw": buttons.on_withdraw,
            "change.approve_sure": end_date.on_sure,        # 同意 that moves the end date, asked first
            "change.approve_cancel": end_date.on_cancel,
        },
        card_views={"change": change_card},
        jobs=change_jobs,
    )
