"""The reads behind reports (domain/reports): plain rows over a time range and a set of
projects (None: every project), with the columns the figures need and nothing else — a
report over a year of 50,000 tickets must not load them as ORM objects. Each range is served
by an index of revision 0012."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, NamedTuple

from sqlalchemy import Select, func, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine

from domain.store.models import (AuditEntry, ChangeRequest, Contract, Customer, DailyLog, Milestone,
                                 Opportunity, Payment, PaymentMilestone, Person, Project, Ticket,
                                 TicketEvent, TicketSurvey)
from domain.store.models.reports import NpsSurvey
from domain.store.repos.report_state import ReportStateRepo

OPEN = ("open", "in_progress")


class TicketRow(NamedTuple):
    id: int
    project_id: int
    title: str
    category: str
    severity: str
    status: str
    assignee_id: int | None
    created_at: datetime
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    accept_due_at: datetime | None
    resolve_due_at: datetime | None
    reopen_count: int


class EscalationRow(NamedTuple):
    ticket_id: int
    project_id: int
    at: datetime
    data: dict[str, Any]


class SurveyRow(NamedTuple):
    project_id: int | None
    customer_id: int | None
    score: int | None
    sent_at: datetime
    answered_at: datetime | None


class ReceivableRow(NamedTuple):
    milestone_id: int
    project_id: int
    customer_id: int | None
    name: str
    amount: Decimal
    due_date: date | None
    trigger_milestone_id: int | None
    trigger_offset_days: int


class PaymentRow(NamedTuple):
    milestone_id: int
    amount: Decimal
    paid_on: date


class MilestoneRow(NamedTuple):
    id: int
    project_id: int
    name: str
    planned_end: date | None
    actual_end: date | None
    progress: int
    weight: int
    planned_start: date | None
    actual_start: date | None
    seq: int


class ChangeRow(NamedTuple):
    project_id: int
    decided_at: datetime
    days_delta: int | None
    cost_delta: Decimal | None


class OpportunityRow(NamedTuple):
    id: int
    customer_id: int
    stage: str
    amount: Decimal | None
    created_at: datetime
    closed_at: datetime | None


class MoveRow(NamedTuple):
    opportunity_id: str
    at: datetime
    data: dict[str, Any]


class ProjectRow(NamedTuple):
    id: int
    code: str
    name: str
    customer_id: int | None
    status: str


class _Utc(TypeEngine):
    """Reads a stored moment as an aware UTC datetime in one C call per value. The columns'
    own type (domain/store/base.py UTCDateTime) takes several Python calls per value, which
    on a year of tickets was most of a report's time. PostgreSQL (asyncpg) already hands
    timestamptz values as aware datetimes; SQLite hands the text SQLAlchemy stored."""

    cache_ok = True

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        if dialect.name != "sqlite":
            return None
        parse = datetime.fromisoformat

        def process(value: str | None) -> datetime | None:
            return None if value is None else parse(value + "+00:00")
        return process


def _utc(column: Any) -> Any:
    return type_coerce(column, _Utc()).label(column.key)


def _in(query: Select, column: Any, ids: Iterable[int] | None) -> Select:
    return query if ids is None else query.where(column.in_(sorted(ids) or [-1]))


def _during(column: Any, since: Any, until: Any) -> Any:
    """since <= column < until (half open, so periods side by side never share a row)."""
    return (column >= since) & (column < until)


_TICKET_COLUMNS = (Ticket.id, Ticket.project_id, Ticket.title, Ticket.category, Ticket.severity,
                   Ticket.status, Ticket.assignee_id, _utc(Ticket.created_at), _utc(Ticket.accepted_at),
                   _utc(Ticket.resolved_at), _utc(Ticket.closed_at), _utc(Ticket.accept_due_at),
                   _utc(Ticket.resolve_due_at), Ticket.reopen_count)


class ReportsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.state = ReportStateRepo(session)   # what reports write: NPS cards, watched states

    async def _rows(self, query: Select, kind: type) -> list:
        """Core rows on the session's connection: through `session.execute` every row also went
        through the ORM's loading machinery, a third of the time on a year of tickets."""
        connection = await self.session.connection()
        return [kind(*row) for row in await connection.execute(query)]

    async def projects(self, ids: Iterable[int] | None) -> list[ProjectRow]:
        query = select(Project.id, Project.code, Project.name, Project.customer_id, Project.status)
        return await self._rows(_in(query, Project.id, ids).order_by(Project.code), ProjectRow)

    async def tickets(self, ids: Iterable[int] | None, since: datetime, until: datetime) -> list[TicketRow]:
        """Tickets reported, resolved or closed in [since, until), and open ones whose resolve
        deadline passed before `until`. One statement whose terms each have an index (SQLite
        reads it as a MULTI-INDEX OR, PostgreSQL as a BitmapOr): a UNION of four selects cost
        three times as much, sorting every row to drop repeats."""
        in_range = [_during(column, since, until) for column in
                    (Ticket.created_at, Ticket.resolved_at, Ticket.closed_at)]
        overdue = Ticket.next_due_at.is_not(None) & Ticket.status.in_(OPEN) & (Ticket.resolve_due_at < until)
        query = select(*_TICKET_COLUMNS).where(or_(*in_range, overdue))
        return await self._rows(_in(query, Ticket.project_id, ids), TicketRow)

    async def escalations(self, ids: Iterable[int] | None, since: datetime,
                          until: datetime) -> list[EscalationRow]:
        query = (select(TicketEvent.ticket_id, Ticket.project_id, _utc(TicketEvent.at), TicketEvent.data)
                 .join(Ticket, Ticket.id == TicketEvent.ticket_id)
                 .where(TicketEvent.kind == "escalated", _during(TicketEvent.at, since, until)))
        return await self._rows(_in(query, Ticket.project_id, ids), EscalationRow)

    async def surveys(self, ids: Iterable[int] | None, since: datetime, until: datetime) -> list[SurveyRow]:
        """Ticket satisfaction surveys sent or answered in the range, with their project's
        customer (looked up here from the few projects, not joined row by row)."""
        customer_of = {p: c for p, c in await (await self.session.connection()).execute(
            _in(select(Project.id, Project.customer_id), Project.id, ids))}
        query = (select(TicketSurvey.project_id, TicketSurvey.score, _utc(TicketSurvey.sent_at),
                        _utc(TicketSurvey.answered_at))
                 .where(or_(_during(TicketSurvey.sent_at, since, until),
                            _during(TicketSurvey.answered_at, since, until))))
        connection = await self.session.connection()
        return [SurveyRow(project_id, customer_of.get(project_id), score, sent, answered)
                for project_id, score, sent, answered in await connection.execute(
                    _in(query, TicketSurvey.project_id, ids))]

    async def nps(self, customer_ids: Iterable[int] | None, since: datetime,
                  until: datetime) -> list[SurveyRow]:
        query = (select(NpsSurvey.project_id, NpsSurvey.customer_id, NpsSurvey.score,
                        _utc(NpsSurvey.sent_at), _utc(NpsSurvey.answered_at))
                 .where(or_(_during(NpsSurvey.sent_at, since, until),
                            _during(NpsSurvey.answered_at, since, until))))
        return await self._rows(_in(query, NpsSurvey.customer_id, customer_ids), SurveyRow)

    async def complaints(self, ids: Iterable[int] | None, since: datetime, until: datetime) -> list[TicketRow]:
        """Complaints open at some moment of [since, until): reported before `until` and not
        closed before `since` (few beside the table: read by category, not by date)."""
        query = select(*_TICKET_COLUMNS).where(
            Ticket.category == "complaint", Ticket.created_at < until,
            or_(Ticket.closed_at.is_(None), Ticket.closed_at >= since))
        return await self._rows(_in(query, Ticket.project_id, ids), TicketRow)

    async def receivables(self, ids: Iterable[int] | None) -> list[ReceivableRow]:
        query = (select(PaymentMilestone.id, Contract.project_id, Project.customer_id,
                        PaymentMilestone.name, PaymentMilestone.amount, PaymentMilestone.due_date,
                        PaymentMilestone.trigger_milestone_id, PaymentMilestone.trigger_offset_days)
                 .join(Contract, Contract.id == PaymentMilestone.contract_id)
                 .join(Project, Project.id == Contract.project_id))
        return await self._rows(_in(query, Contract.project_id, ids), ReceivableRow)

    async def payments(self, ids: Iterable[int] | None, until: date) -> list[PaymentRow]:
        """Every payment received on or before `until`."""
        query = (select(Payment.payment_milestone_id, Payment.amount, Payment.paid_on)
                 .join(PaymentMilestone, PaymentMilestone.id == Payment.payment_milestone_id)
                 .join(Contract, Contract.id == PaymentMilestone.contract_id)
                 .where(Payment.paid_on <= until))
        return await self._rows(_in(query, Contract.project_id, ids), PaymentRow)

    async def contract_values(self, ids: Iterable[int] | None) -> dict[int, Decimal]:
        """Contract value per project."""
        query = select(Contract.project_id, func.sum(Contract.value)).group_by(Contract.project_id)
        rows = await self.session.execute(_in(query, Contract.project_id, ids))
        return {project_id: Decimal(total) for project_id, total in rows}

    async def milestones(self, ids: Iterable[int] | None) -> list[MilestoneRow]:
        query = select(Milestone.id, Milestone.project_id, Milestone.name, Milestone.planned_end,
                       Milestone.actual_end, Milestone.progress, Milestone.weight,
                       Milestone.planned_start, Milestone.actual_start, Milestone.seq)
        return await self._rows(_in(query, Milestone.project_id, ids), MilestoneRow)

    async def reached(self, first: date, last: date) -> list[MilestoneRow]:
        """Milestones reached first..last (the NPS card after a milestone)."""
        query = select(Milestone.id, Milestone.project_id, Milestone.name, Milestone.planned_end,
                       Milestone.actual_end, Milestone.progress, Milestone.weight,
                       Milestone.planned_start, Milestone.actual_start, Milestone.seq)
        return await self._rows(query.where(Milestone.actual_end >= first, Milestone.actual_end <= last)
                                .order_by(Milestone.actual_end, Milestone.id), MilestoneRow)

    async def approved_changes(self, ids: Iterable[int] | None, since: datetime,
                               until: datetime) -> list[ChangeRow]:
        query = (select(ChangeRequest.project_id, _utc(ChangeRequest.decided_at), ChangeRequest.days_delta,
                        ChangeRequest.cost_delta)
                 .where(ChangeRequest.status == "approved", _during(ChangeRequest.decided_at, since, until)))
        return await self._rows(_in(query, ChangeRequest.project_id, ids), ChangeRow)

    async def log_days(self, ids: Iterable[int] | None, first: date, last: date) -> list[date]:
        """The date of every site log written first..last."""
        query = select(DailyLog.log_date).where(DailyLog.log_date >= first, DailyLog.log_date <= last)
        return list(await self.session.scalars(_in(query, DailyLog.project_id, ids)))

    async def opportunities(self) -> list[OpportunityRow]:
        query = select(Opportunity.id, Opportunity.customer_id, Opportunity.stage, Opportunity.amount,
                       _utc(Opportunity.created_at), _utc(Opportunity.closed_at))
        return await self._rows(query, OpportunityRow)

    async def stage_moves(self, until: datetime) -> list[MoveRow]:
        """Every funnel move (the audit log keeps them) before `until`, oldest first."""
        query = (select(AuditEntry.subject_id, _utc(AuditEntry.at), AuditEntry.data)
                 .where(AuditEntry.action == "opportunity.move", AuditEntry.at < until)
                 .order_by(AuditEntry.at, AuditEntry.id))
        return await self._rows(query, MoveRow)

    async def customers(self, ids: Iterable[int] | None) -> dict[int, str]:
        query = _in(select(Customer.id, Customer.name), Customer.id, ids)
        return {i: name for i, name in await self.session.execute(query)}

    async def names(self, person_ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(person_ids))
        if not wanted:
            return {}
        rows = await self.session.execute(select(Person.id, Person.name).where(Person.id.in_(wanted)))
        return {i: name for i, name in rows}
