"""Setting up a company from chat: 角色 (org-wide roles), 项目, 节点 (the plan), 合同 and 付款节点,
停工 — and the project card's buttons to go on from one step to the next."""
from __future__ import annotations

from handlers.chat.area import Area, command
from handlers.setup import buttons, contracts, plan, projects, roles, stoppage
from handlers.setup.cards import project_card


def area() -> Area:
    return Area(
        name="setup",
        commands=(
            command("roles", ("角色",), ("roles", "role"), roles.roles),
            command("projects", ("项目",), ("project", "projects"), projects.projects),
            command("plan", ("节点", "计划节点"), ("milestone", "milestones"), plan.plan),
            command("contract", ("合同",), ("contract",), contracts.contract),
            command("schedule", ("付款节点", "付款计划"), ("payment milestone", "schedule"),
                    contracts.payments),
            command("stoppage", ("停工",), ("stoppage",), stoppage.stoppage),
        ),
        actions={
            "project.guide": buttons.on_guide,
            "project.plan": buttons.on_plan,
            "project.stoppage_sure": stoppage.on_sure,       # 停工 that moves the end, asked first
            "project.stoppage_cancel": stoppage.on_cancel,
            "project.edit_sure": projects.on_edit_sure,      # 修改 竣工, asked first
            "project.edit_cancel": projects.on_edit_cancel,
        },
        card_views={"project": project_card},
    )
