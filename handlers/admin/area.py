"""Access from chat: binding chats to projects, project members, 我是谁, the welcome card."""
from __future__ import annotations

from handlers.admin import commands, groups, rebind
from handlers.chat.area import Area, command


def area() -> Area:
    return Area(
        name="admin",
        commands=(
            command("bind", ("绑定",), ("bind",), commands.bind),
            command("members", ("成员",), ("members", "member"), commands.members),
            command("whoami", ("我是谁",), ("whoami",), commands.whoami),
            # The answer to a question asked before a big effect (绑定 of a bound chat).
            command("confirm", ("确认",), ("confirm",), rebind.typed_confirm, listed=False),
            # Only where the platform can create groups (WeCom); not listed in 帮助.
            command("create_group", ("建群",), ("create group",), groups.create_group,
                    listed=False),
        ),
        actions={"admin.rebind": rebind.on_confirm, "admin.rebind_cancel": rebind.on_cancel},
        on_joined=commands.welcome,
    )
