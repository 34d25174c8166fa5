"""Project progress: 进度 / 完成 / 日志, the confirm buttons, the daily digest and weekly report."""
from __future__ import annotations

from handlers.chat.area import Area, command
from handlers.progress import buttons, commands
from handlers.progress.jobs import progress_jobs


def area() -> Area:
    return Area(
        name="progress",
        commands=(
            command("progress", ("进度",), ("progress",), commands.progress),
            command("complete", ("完成",), ("done", "complete"), commands.complete),
            command("log", ("日志", "施工日志"), ("log",), commands.daily_log),
        ),
        actions={"progress.confirm": buttons.on_confirm, "progress.cancel": buttons.on_cancel,
                 "progress.reach": buttons.on_reach},
        jobs=progress_jobs,
    )
