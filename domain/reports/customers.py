"""Customer figures (客户): NPS from the 0–10 card customer contacts answer, the customer
ranking (客户贡献度: contract value, money received, satisfaction) and customers at risk."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Iterable, Sequence, TypeVar

from domain.reports.money import Due
from domain.reports.periods import Period
from domain.reports.rules import ReportRules
from domain.reports.stats import mean, money, percent
from domain.store.repos.reports import PaymentRow, ProjectRow, SurveyRow, TicketRow

T = TypeVar("T")
PROMOTER, DETRACTOR = 9, 6    # 9–10 promote, 0–6 detract, 7–8 are passive


def net_promoter_score(scores: Sequence[int]) -> int | None:
    """% promoters − % detractors, a whole number from −100 to 100; None without answers."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= PROMOTER)
    detractors = sum(1 for s in scores if s <= DETRACTOR)
    return round(100 * (promoters - detractors) / len(scores))


@dataclass(frozen=True)
class CustomerRank:
    customer_id: int
    name: str
    contract_value: Decimal
    collected: Decimal           # received in the period
    csat: float | None           # their projects' ticket surveys answered in the period
    nps: int | None              # their contacts' NPS answers in the period


@dataclass(frozen=True)
class CustomerRisk:
    customer_id: int
    name: str
    reasons: tuple[str, ...]     # low_csat | low_nps | complaint | overdue
    csat: float | None = None
    lowest_nps: int | None = None
    complaints: int = 0
    overdue: Decimal = Decimal("0.00")
    overdue_days: int = 0


@dataclass(frozen=True)
class CustomerFigures:
    nps: int | None
    promoters: int
    passives: int
    detractors: int
    nps_answers: int
    nps_sent: int
    nps_answer_rate: float | None
    ranking: list[CustomerRank] = field(default_factory=list)
    at_risk: list[CustomerRisk] = field(default_factory=list)


def at_risk(customers: dict[int, str], projects: Sequence[ProjectRow], surveys: Sequence[SurveyRow],
            nps: Sequence[SurveyRow], complaints: Sequence[TicketRow], dues: Sequence[Due],
            moment: datetime, rules: ReportRules) -> list[CustomerRisk]:
    """Customers at risk at `moment`: in the `risk_days` before it a low average satisfaction
    or a low NPS answer; a complaint open at it; a payment more than `risk_overdue_days`
    overdue at the end of its day."""
    since, day = moment - timedelta(days=rules.risk_days), (moment - timedelta(microseconds=1)).date()
    customer_of = {p.id: p.customer_id for p in projects}

    def recent(rows: Sequence[SurveyRow]) -> dict[int | None, list[int]]:
        return _by_customer((s.customer_id, s.score) for s in rows if s.score is not None
                            and s.answered_at is not None and since <= s.answered_at < moment)
    scores, answers = recent(surveys), recent(nps)
    open_now = _by_customer((customer_of.get(t.project_id), t) for t in complaints
                            if t.created_at < moment and (t.closed_at is None or t.closed_at >= moment))
    late = _by_customer((d.row.customer_id, (d, d.days_overdue(day))) for d in dues
                        if d.days_overdue(day) > rules.risk_overdue_days)
    found = []
    for customer_id, name in customers.items():
        csat, lowest = mean(scores.get(customer_id, [])), min(answers.get(customer_id, []), default=None)
        complaints_open, overdue = open_now.get(customer_id, []), late.get(customer_id, [])
        reasons = [reason for reason, hit in (
            ("low_csat", csat is not None and csat < rules.risk_csat_below),
            ("low_nps", lowest is not None and lowest <= rules.risk_nps_at_most),
            ("complaint", bool(complaints_open)), ("overdue", bool(overdue))) if hit]
        if reasons:
            found.append(CustomerRisk(customer_id, name, tuple(reasons), csat, lowest, len(complaints_open),
                                      money(d.outstanding for d, _ in overdue),
                                      max((days for _, days in overdue), default=0)))
    return sorted(found, key=lambda r: (-len(r.reasons), -r.overdue, r.name))


def _by_customer(pairs: Iterable[tuple[int | None, T]]) -> dict[int | None, list[T]]:
    grouped: dict[int | None, list[T]] = {}
    for customer_id, item in pairs:
        grouped.setdefault(customer_id, []).append(item)
    return grouped


def customer_figures(customers: dict[int, str], projects: Sequence[ProjectRow],
                     values: dict[int, Decimal], payments: Sequence[PaymentRow], dues: Sequence[Due],
                     surveys: Sequence[SurveyRow], nps: Sequence[SurveyRow],
                     complaints: Sequence[TicketRow], period: Period, rules: ReportRules) -> CustomerFigures:
    answered = [s for s in nps if s.score is not None and period.holds(s.answered_at)]
    scores = [s.score for s in answered]
    sent = [s for s in nps if period.holds(s.sent_at)]
    customer_of = {p.id: p.customer_id for p in projects}
    customer_of_milestone = {d.row.milestone_id: d.row.customer_id for d in dues}
    csat = _by_customer((s.customer_id, s.score) for s in surveys
                        if s.score is not None and period.holds(s.answered_at))
    promoted = _by_customer((s.customer_id, s.score) for s in answered)
    value = _by_customer((customer_of.get(pid), v) for pid, v in values.items())
    collected = _by_customer((customer_of_milestone.get(p.milestone_id), p.amount) for p in payments
                             if period.holds_day(p.paid_on))
    ranking = [CustomerRank(customer_id, name, money(value.get(customer_id, [])),
                            money(collected.get(customer_id, [])), mean(csat.get(customer_id, [])),
                            net_promoter_score(promoted.get(customer_id, [])))
               for customer_id, name in customers.items()]
    ranking.sort(key=lambda r: (-r.contract_value, -r.collected, r.name))
    return CustomerFigures(
        nps=net_promoter_score(scores), promoters=sum(1 for s in scores if s >= PROMOTER),
        passives=sum(1 for s in scores if DETRACTOR < s < PROMOTER),
        detractors=sum(1 for s in scores if s <= DETRACTOR), nps_answers=len(scores),
        nps_sent=len(sent), nps_answer_rate=percent(sum(1 for s in sent if s.score is not None), len(sent)),
        ranking=ranking,
        at_risk=at_risk(customers, projects, surveys, nps, complaints, dues, period.end, rules))
