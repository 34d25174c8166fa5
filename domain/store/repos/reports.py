"""The reads behind reports (domain/reports): plain rows over a time range and a set of
projects (None: every project), with the columns the figures need and nothing else — a
report over a year of 50,000 tickets must not load them as ORM objects. Each range is served
by an index of revision 0012."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, NamedTuple, Sequence

from sqlalchemy import Boolean, Select, and_, case, func, literal_column, or_, select, type_coerce
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
    sla_met: bool | None        # met_sla() below; None while unresolved


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


class TrendCounts(NamedTuple):
    """One trend period's service counts, added up by the database (ReportsRepo.service_trend)."""
    opened: int = 0
    resolved: int = 0
    sla_met: int = 0
    sla_counted: int = 0
    csat_total: int = 0
    csat_answers: int = 0


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


def met_sla(ticket: Any = Ticket) -> Any:
    """THE definition of a ticket meeting its SLA (docs/reports.md), as SQL so that the rows a
    report reads (TicketRow.sla_met) and the counts a trend adds up in the database agree by
    construction: resolved, its first response (accepted, or resolved without being accepted)
    by its accept deadline, and resolved by its resolve deadline — the ticket's own deadlines,
    as pauses and reassignment moved them (domain/tickets/sla.py). Stored moments compare in
    order on both databases (SQLite keeps one fixed ISO format)."""
    response = func.coalesce(ticket.accepted_at, ticket.resolved_at)
    return and_(ticket.resolved_at.is_not(None),
                or_(ticket.accept_due_at.is_(None), response <= ticket.accept_due_at),
                or_(ticket.resolve_due_at.is_(None), ticket.resolved_at <= ticket.resolve_due_at))


def unresolved_missed(until: Any) -> Any:
    """Still open and unresolved with its resolve deadline passed before `until`: it counts as
    missed in the period its deadline fell in (domain/reports/service.py sla_counted). Served
    by the resolved_at index (IS NULL: unresolved tickets are few)."""
    return Ticket.resolved_at.is_(None) & Ticket.status.in_(OPEN) & (Ticket.resolve_due_at < until)


_TICKET_COLUMNS = (Ticket.id, Ticket.project_id, Ticket.title, Ticket.category, Ticket.severity,
                   Ticket.status, Ticket.assignee_id, _utc(Ticket.created_at), _utc(Ticket.accepted_at),
                   _utc(Ticket.resolved_at), _utc(Ticket.closed_at), _utc(Ticket.accept_due_at),
                   _utc(Ticket.resolve_due_at), Ticket.reopen_count,
                   case((Ticket.resolved_at.is_(None), None),
                        else_=type_coerce(met_sla(), Boolean)).label("sla_met"))


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
        """Tickets reported, resolved or closed in [since, until), and open unresolved ones whose
        resolve deadline passed before `until`. One statement whose terms each have an index
        (SQLite reads it as a MULTI-INDEX OR, PostgreSQL as a BitmapOr): a UNION of four selects
        cost three times as much, sorting every row to drop repeats."""
        in_range = [_during(column, since, until) for column in
                    (Ticket.created_at, Ticket.resolved_at, Ticket.closed_at)]
        query = select(*_TICKET_COLUMNS).where(or_(*in_range, unresolved_missed(until)))
        return await self._rows(_in(query, Ticket.project_id, ids), TicketRow)

    async def service_trend(self, ids: Iterable[int] | None, starts: Sequence[datetime],
                            until: datetime) -> list[TrendCounts]:
        """The trend's service counts for periods side by side (starts[i] up to the next start,
        the last up to `until`), each added up in the database (GROUP BY the period a moment
        falls in) instead of reading a year of tickets: tickets reported; resolved and how many
        of those met their SLA (met_sla); unresolved ones whose deadline fell in the period
        (missed); and the CSAT answers given (their sum and count). The same rules as
        domain/reports/service.py applies to the rows of a report's own periods."""
        ids = None if ids is None else sorted(ids)
        counts: list[dict[str, int]] = [{} for _ in starts]

        async def add(column: Any, names: tuple[str, ...], values: tuple, where: Any, table: Any) -> None:
            index = case(*((column >= start, literal_column(str(i))) for i, start in reversed(list(enumerate(starts)))))
            query = (select(index.label("period"), *values).where(_during(column, starts[0], until), where)
                     .group_by(literal_column("period")))
            for period, *numbers in await (await self.session.connection()).execute(
                    _in(query, table.project_id, ids)):
                counts[period].update(zip(names, (int(n or 0) for n in numbers)))

        every = Ticket.id.is_not(None)
        await add(Ticket.created_at, ("opened",), (func.count(),), every, Ticket)
        await add(Ticket.resolved_at, ("resolved", "sla_met"),
                  (func.count(), func.sum(case((met_sla(), 1), else_=0))), every, Ticket)
        await add(Ticket.resolve_due_at, ("missed",), (func.count(),), unresolved_missed(until), Ticket)
        await add(TicketSurvey.answered_at, ("csat_total", "csat_answers"),
                  (func.sum(TicketSurvey.score), func.count(TicketSurvey.score)),
                  TicketSurvey.score.is_not(None), TicketSurvey)
        return [TrendCounts(c.get("opened", 0), c.get("resolved", 0), c.get("sla_met", 0),
                            c.get("resolved", 0) + c.get("missed", 0), c.get("csat_total", 0),
                            c.get("csat_answers", 0)) for c in counts]

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
