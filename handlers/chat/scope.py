"""Which project a command is about, the same way for every area: the code written first
("P-001 …"), else the project the chat is bound to, else the sender's only project."""
from __future__ import annotations

import re

from domain.people import project_by_code
from domain.store.models import Project
from handlers.chat.context import Ctx

PROJECT_CODE = re.compile(r"^(P-\d+)(?:\s+|$)", re.IGNORECASE)


async def project_for(ctx: Ctx, args: str, *, sender_projects: bool = True
                      ) -> tuple[Project | None, str, list[Project]]:
    """(project, the rest of the text, the sender's projects). The project is None when it is
    not clear; the caller then asks in its own words (or with a card) which of the list.
    `sender_projects=False` skips the "only project" guess (e.g. in an unbound group)."""
    explicit = PROJECT_CODE.match(args)
    if explicit:
        return await project_by_code(ctx.tx, explicit.group(1)), args[explicit.end():].strip(), []
    if ctx.project is not None:
        return ctx.project, args, []
    if not sender_projects:
        return None, args, []
    projects = list({p.id: p for p, _ in await ctx.tx.projects.memberships_of(ctx.person.id)}.values())
    return (projects[0] if len(projects) == 1 else None), args, projects
