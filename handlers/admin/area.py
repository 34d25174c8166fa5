"""Access from chat: binding chats to projects, project members, 我是谁, the welcome card."""
from __future__ import annotations

from handlers.admin import commands
from handlers.chat.area import Area, command


def area() -> Area:
    return Area(
        name="admin",
        commands=(
            command("bind", ("绑定",), ("bind",), commands.bind),
            command("members", ("成员",), ("members", "member"), commands.members),
            command("whoami", ("我是谁",), ("whoami",), commands.whoami),
        ),
        on_joined=commands.welcome,
    )
