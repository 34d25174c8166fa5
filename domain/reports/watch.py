"""Early warnings: a project that turns late, a customer that turns "at risk". Each watched
subject's last state is kept (report_watch); a turn from ok to bad is a warning, numbered by
how many times the subject turned (`episode`), so each turn is warned once across processes
and restarts (its claim key carries the number). Turning back to ok is only recorded."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.reports.customers import CustomerRisk, at_risk
from domain.reports.delivery import late_on
from domain.reports.money import dues_on
from domain.reports.rules import ReportRules
from domain.store.models.reports import ReportWatch
from domain.store.uow import Tx

LATE, AT_RISK, OK = "late", "at_risk", "ok"


@dataclass(frozen=True)
class Seen:
    subject: str                  # "project:12" | "customer:5"
    state: str                    # late | at_risk | ok
    name: str
    detail: tuple[str, ...] = ()  # late milestones, or risk reasons
    risk: CustomerRisk | None = None


@dataclass(frozen=True)
class Turn:
    seen: Seen
    episode: int                  # 1 for the first turn to the bad state, then 2, …

    @property
    def bad(self) -> bool:
        return self.seen.state != OK

    @property
    def key(self) -> str:
        return f"report-warn:{self.seen.subject}:{self.seen.state}:{self.episode}"


async def seen_now(tx: Tx, rules: ReportRules, now: datetime, tz: ZoneInfo) -> list[Seen]:
    """Every active project (late or ok) and every customer (at risk or ok), now."""
    repo, today = tx.reports, now.astimezone(tz).date()
    projects = [p for p in await repo.projects(None) if p.status == "active"]
    milestones = await repo.milestones(None)
    late_ones: dict[int, list[str]] = {}
    for m in milestones:
        if late_on(m, today):
            late_ones.setdefault(m.project_id, []).append(m.name)
    out = []
    for project in projects:
        late = tuple(late_ones.get(project.id, ()))
        out.append(Seen(f"project:{project.id}", LATE if late else OK, f"{project.code} {project.name}", late))
    customers = await repo.customers(None)
    since = now - timedelta(days=rules.risk_days)
    receivables, payments = await repo.receivables(None), await repo.payments(None, today)
    risks = {r.customer_id: r for r in at_risk(
        customers, await repo.projects(None), await repo.surveys(None, since, now),
        await repo.nps(None, since, now), await repo.complaints(None, now, now + timedelta(microseconds=1)),
        dues_on(receivables, payments, {m.id: m for m in milestones}, today), now, rules)}
    for customer_id, name in customers.items():
        risk = risks.get(customer_id)
        out.append(Seen(f"customer:{customer_id}", AT_RISK if risk else OK, name,
                        risk.reasons if risk else (), risk))
    return out


def turns(seen: list[Seen], watched: dict[str, ReportWatch]) -> list[Turn]:
    """What changed since last looked: bad states not warned yet, and recoveries."""
    out = []
    for item in seen:
        before = watched.get(item.subject)
        if item.state != OK and (before is None or before.state == OK):
            out.append(Turn(item, (before.episodes if before else 0) + 1))
        elif item.state == OK and before is not None and before.state != OK:
            out.append(Turn(item, before.episodes))
    return out


async def record(tx: Tx, turn: Turn, now: datetime) -> None:
    """Keep the new state (inside the claimed effect that warns about it)."""
    watch = await tx.reports.state.watch(turn.seen.subject)
    if watch is None:
        watch = ReportWatch(subject=turn.seen.subject, state=turn.seen.state, episodes=0, changed_at=now)
        tx.add(watch)
    watch.state, watch.changed_at = turn.seen.state, now
    watch.episodes = turn.episode
    await tx.flush()
