"""Tx.insert (a report's ticket written with one INSERT … RETURNING instead of a flush): the
entity is in the session as if loaded, with its columns' defaults, its version for the
optimistic lock, and gone with a savepoint that is undone — on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from domain.errors import Conflict
from domain.store.models import Person, Project, Ticket

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)


async def _project_and_person(store) -> tuple[int, int]:
    async with store.transaction() as tx:
        project = Project(code="P-100", name="一号楼", assignment_rules={}, calendar={}, created_at=NOW)
        person = Person(name="王质检", created_at=NOW)
        tx.add(project)
        tx.add(person)
        await tx.flush()
        return project.id, person.id


def _ticket(project_id: int, person_id: int) -> Ticket:
    return Ticket(project_id=project_id, title="三楼卫生间渗水", description="三楼卫生间渗水",
                  category="quality", severity="medium", status="open", reporter_id=person_id,
                  assignee_id=person_id, confirmer_id=person_id, visibility="internal",
                  source_platform="feishu", source_chat_id="oc_1", location=None,
                  created_at=NOW, updated_at=NOW)


async def test_an_inserted_ticket_is_loaded_with_its_defaults_and_version(store):
    project_id, person_id = await _project_and_person(store)
    async with store.transaction() as tx:
        ticket = _ticket(project_id, person_id)
        await tx.insert(ticket)
        assert ticket.id is not None
        assert await tx.tickets.get(ticket.id) is ticket   # the session holds it, no read
        assert (ticket.escalation_level, ticket.version, ticket.reopen_count) == (1, 1, 0)
        ticket.status = "in_progress"   # a change after the insert is written as an update
        await tx.flush()
    async with store.transaction() as tx:
        again = await tx.tickets.get(ticket.id)
        assert (again.status, again.version, again.escalation_level, again.source_chat_id) == (
            "in_progress", 2, 1, "oc_1")


async def test_a_stale_copy_of_an_inserted_ticket_loses_the_race(store):
    project_id, person_id = await _project_and_person(store)
    async with store.transaction() as tx:
        ticket = _ticket(project_id, person_id)
        await tx.insert(ticket)
    with pytest.raises(Conflict):
        async with store.transaction() as tx:
            tx.session.add(ticket)          # the copy from the insert's transaction: version 1
            async with store.transaction() as other:
                (await other.tickets.get(ticket.id)).status = "resolved"   # version 2 first
            ticket.status = "in_progress"
            await tx.flush()


async def test_an_undone_savepoint_takes_the_inserted_ticket_along(store):
    project_id, person_id = await _project_and_person(store)
    async with store.transaction() as tx:
        with pytest.raises(RuntimeError):
            async with tx.savepoint():
                ticket = _ticket(project_id, person_id)
                await tx.insert(ticket)
                raise RuntimeError("refused")
    async with store.transaction() as tx:
        assert await tx.tickets.get(ticket.id) is None
