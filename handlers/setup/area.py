"""Setting up a company from chat: 角色 (org-wide roles), 项目, 节点 (the plan), 合同 and 付款节点,
停工 — and the project card's buttons to go on from one step to the next."""
from __future__ import annotations

from handlers.chat.area import Area, command
from handlers.setup import roles


def area() -> Area:
    return Area(
        name="setup",
        commands=(
            command("roles", ("角色",), ("roles", "role"), roles.roles),
        ),
    )
