"""Closing a finished project and reopening it.

A closed project keeps everything it has (tickets, logs, payments, the audit trail) and is
left out of the daily digest, the weekly report and payment reminders (both read only active
projects); its open tickets' SLA clocks are stopped, so nothing escalates; reopening starts
them again. A change still waiting for approval must be decided or withdrawn first: closing
cannot decide it for the approvers."""
from __future__ import annotations

from datetime import datetime

from domain.access import SetupAction, require_on_setup
from domain.errors import InvalidInput, InvalidTransition
from domain.store.models import Person, Project
from domain.store.repos.setup import setup_repo
from domain.store.uow import Tx
from domain.tickets import sla
from domain.tickets.records import Origin, Policy, record

CLOSED = "closed"
PAUSE_REASON = "closed"   # the ticket card shows pause.closed


async def close_project(tx: Tx, actor: Person, project: Project, policy: Policy, now: datetime,
                        origin: Origin) -> list[int]:
    """Returns the ids of the open tickets whose clock was stopped."""
    await require_on_setup(tx, actor, SetupAction.CLOSE_PROJECT)
    if project.status == CLOSED:
        raise InvalidTransition("setup.close.already", code=project.code)
    repo = setup_repo(tx)
    pending = await repo.pending_changes(project.id)
    if pending:
        raise InvalidInput("setup.close.pending_changes", code=project.code,
                           numbers="、".join(f"C-{c.id}" for c in pending))
    stopped = []
    for ticket in await repo.open_tickets(project.id):
        if ticket.sla_since is None:
            continue
        sla.pause(ticket, await policy.calendar(tx, ticket), now, PAUSE_REASON)
        record(tx, ticket, actor, "paused", now, origin,
               {"reason": PAUSE_REASON, "used_seconds": ticket.sla_banked_seconds})
        await policy.refresh(tx, ticket)
        stopped.append(ticket.id)
    project.status, project.closed_at = CLOSED, now
    tx.audit.append(at=now, actor_id=actor.id, platform=origin.platform, action="project.close",
                    subject_type="project", subject_id=project.code, data={"tickets_stopped": len(stopped)})
    await tx.flush()
    return stopped


async def reopen_project(tx: Tx, actor: Person, project: Project, policy: Policy, now: datetime,
                         origin: Origin) -> list[int]:
    """Returns the ids of the tickets whose clock was started again."""
    await require_on_setup(tx, actor, SetupAction.CLOSE_PROJECT)
    if project.status != CLOSED:
        raise InvalidTransition("setup.reopen.not_closed", code=project.code)
    resumed = []
    for ticket in await setup_repo(tx).paused_tickets(project.id, PAUSE_REASON):
        sla.resume(ticket, now)
        record(tx, ticket, actor, "resumed", now, origin, {"reason": PAUSE_REASON})
        await policy.refresh(tx, ticket)
        resumed.append(ticket.id)
    project.status, project.closed_at = "active", None
    tx.audit.append(at=now, actor_id=actor.id, platform=origin.platform, action="project.reopen",
                    subject_type="project", subject_id=project.code, data={"tickets_resumed": len(resumed)})
    await tx.flush()
    return resumed
