"""Progress cards: the progress card (进度), the customer's daily digest, the internal weekly
report and the "please confirm" card. Customer-facing cards are built from customer-safe data
(domain/progress/digest.py) and carry a 查看详情 link to the signed project page."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from weakref import WeakKeyDictionary

from domain.progress.digest import ChangeNews, CustomerDigest, PaymentDue, WeeklyReport
from domain.progress.plan import MilestoneView, State
from domain.store.models import Milestone, Project
from handlers.chat.cards import Button, Card, Field, Fields, LinkButton, Markdown, Note, Progress
from handlers.chat.context import Deps
from handlers.chat.i18n import Catalog

# Wordings without parameters read the same every time: filled once per catalogue and locale
# (a digest pass draws thousands of cards).
_FIXED: WeakKeyDictionary[Catalog, dict[tuple[str, str], str]] = WeakKeyDictionary()
WEEK_LINES = 15     # inspections, then failed items, on the weekly card; the rest counted


def _t(deps: Deps, locale: str, key: str, **params: object) -> str:
    if params:
        return deps.t(locale, key, **params)
    fixed = _FIXED.setdefault(deps.catalog, {})
    text = fixed.get((locale, key))
    if text is None:
        text = fixed[(locale, key)] = deps.t(locale, key)
    return text


def page_link(deps: Deps, locale: str, project: Project, now: datetime) -> tuple[LinkButton, ...]:
    """The 查看详情 button, when the runtime can sign page links."""
    if deps.page_link is None:
        return ()
    return (LinkButton(_t(deps, locale, "progress.view_page"), deps.page_link(project, now)),)


def _md(day: date | None) -> str:
    return day.strftime("%m-%d") if day else "-"


def milestone_line(deps: Deps, locale: str, m: MilestoneView) -> str:
    return _t(deps, locale, f"progress.line.{m.state.value}", icon=_t(deps, locale, f"progress.state.{m.state.value}"),
                  name=m.name, progress=m.progress, planned=_md(m.planned_end), start=_md(m.planned_start),
                  actual=_md(m.actual_end), projected=_md(m.projected_end), days=m.days_late)


def flag_line(deps: Deps, locale: str, m: MilestoneView) -> str:
    key = "progress.flag_late" if m.state is State.LATE else "progress.flag_at_risk"
    return _t(deps, locale, key, name=m.name, days=m.days_late, day=_md(m.projected_end))


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def payment_text(deps: Deps, locale: str, due: PaymentDue | None) -> str:
    if due is None:
        return _t(deps, locale, "progress.no_payment")
    if due.days_overdue > 0:
        return _t(deps, locale, "progress.payment_overdue", name=due.name, amount=_money(due.amount),
                      days=due.days_overdue)
    when = due.due.isoformat() if due.due else _t(deps, locale, "progress.payment_no_date")
    return _t(deps, locale, "progress.payment_line", name=due.name, amount=_money(due.amount), due=when)


def tickets_text(deps: Deps, locale: str, counts: dict[str, int]) -> str:
    if not any(counts.values()):
        return _t(deps, locale, "progress.no_open_tickets")
    return _t(deps, locale, "progress.tickets_by_severity", high=counts.get("high", 0),
                  medium=counts.get("medium", 0), low=counts.get("low", 0))


def _colour(milestones: list[MilestoneView]) -> str:
    if any(m.state is State.LATE for m in milestones):
        return "red"
    return "orange" if any(m.flagged for m in milestones) else "blue"


def _milestone_block(deps: Deps, locale: str, milestones: list[MilestoneView]) -> Markdown:
    if not milestones:
        return Markdown(_t(deps, locale, "progress.no_milestones"))
    lines = [f"**{_t(deps, locale, 'progress.milestones')}**"]
    lines += [milestone_line(deps, locale, m) for m in milestones]
    return Markdown("\n".join(lines))


def progress_card(deps: Deps, locale: str, data: CustomerDigest, links: tuple[LinkButton, ...],
                  now: datetime) -> Card:
    """进度: the same customer-safe view for the site team and the customer."""
    def t(key: str, **params: object) -> str:
        return _t(deps, locale, key, **params)

    blocks: list = [Progress(t("progress.overall"), data.percent), _milestone_block(deps, locale, data.milestones)]
    blocks.append(Fields((Field(t("progress.open_tickets"), tickets_text(deps, locale, data.open_tickets)),
                          Field(t("progress.next_payment"), payment_text(deps, locale, data.next_payment)))))
    blocks.append(Note(t("progress.as_of", time=deps.local(now))))
    return Card(t("progress.title", code=data.code, name=data.name), _colour(data.milestones),
                tuple(blocks), links)


def digest_card(deps: Deps, locale: str, data: CustomerDigest, links: tuple[LinkButton, ...]) -> Card:
    """The daily digest for customer groups and contacts who asked for it."""
    def t(key: str, **params: object) -> str:
        return _t(deps, locale, key, **params)

    blocks: list = [Progress(t("progress.overall"), data.percent)]
    if data.moved:
        blocks.append(Markdown(f"**{t('digest.moved')}**\n" + "\n".join(
            t("digest.moved_line", name=m.name, old=m.old, new=m.new) for m in data.moved)))
    if data.flagged:
        blocks.append(Markdown(f"**{t('digest.attention')}**\n" + "\n".join(
            flag_line(deps, locale, m) for m in data.flagged)))
    if data.changes:
        blocks.append(Markdown(f"**{t('digest.changes')}**\n" + "\n".join(
            change_line(deps, locale, c) for c in data.changes)))
    if data.inspections:
        blocks.append(Markdown(f"**{t('digest.inspections')}**\n" + "\n".join(
            t("digest.inspection_line", time=deps.local(i.at, "%m-%d %H:%M"), where=i.where,
              who=i.inspector, passed=i.passed, failed=i.failed, photos=i.photos)
            for i in data.inspections)))
    blocks.append(_milestone_block(deps, locale, data.milestones))
    if data.log is None:
        blocks.append(Markdown(t("digest.no_log")))
    else:
        log = data.log
        blocks.append(Markdown(f"**{t('digest.log')}**\n" + "\n".join(f"• {line}" for line in log.lines)))
        fields = [Field(t("digest.weather"), log.weather or "-"),
                  Field(t("digest.crew"), t("digest.crew_count", n=log.crew)),
                  Field(t("digest.photos"), t("digest.photo_count", n=log.photos))]
        if log.issues:
            fields.append(Field(t("digest.issues"), "；".join(log.issues), short=False))
        blocks.append(Fields(tuple(fields)))
    blocks.append(Fields((Field(t("progress.open_tickets"), tickets_text(deps, locale, data.open_tickets)),
                          Field(t("progress.next_payment"), payment_text(deps, locale, data.next_payment)))))
    blocks.append(Note(t("digest.footer", time=deps.progress.digest_time.strftime("%H:%M"))))
    return Card(t("digest.title", code=data.code, name=data.name, day=_md(data.day)),
                _colour(data.milestones), tuple(blocks), links)


def change_line(deps: Deps, locale: str, change: ChangeNews) -> str:
    """One approved change in customer wording: its title and what moved."""
    end = change.project_end or ("", "")
    return _t(deps, locale, "digest.change_line", title=_t(deps, locale, f"change.kind.{change.kind}"),
              days=change.days, end_before=end[0], end_after=end[1],
              contract=change.contract is not None)   # that it moved: the value is never shown


def weekly_card(deps: Deps, locale: str, data: WeeklyReport, links: tuple[LinkButton, ...]) -> Card:
    """Internal: for the project's internal group and managers (costs and notes included)."""
    def t(key: str, **params: object) -> str:
        return _t(deps, locale, key, **params)

    moved = "\n".join(t("digest.moved_line", name=m.name, old=m.old, new=m.new) for m in data.moved)
    blocks: list = [Progress(t("progress.overall"), data.percent),
                    Markdown(f"**{t('weekly.moved')}**\n" + (moved or t("weekly.none_moved")))]
    if data.flagged:
        blocks.append(Markdown(f"**{t('digest.attention')}**\n" + "\n".join(
            flag_line(deps, locale, m) for m in data.flagged)))
    blocks.append(Fields((
        Field(t("weekly.logs"), t("weekly.log_days", days=data.log_days, crew=data.crew_days)),
        Field(t("weekly.cost"), f"¥{_money(data.cost)}"),
        Field(t("weekly.tickets"), t("weekly.tickets_line", opened=data.opened, closed=data.closed)),
        Field(t("progress.open_tickets"), tickets_text(deps, locale, data.open_tickets)))))
    blocks.append(_week_inspections(deps, locale, data))
    if data.internal_notes:
        blocks.append(Markdown(f"**{t('weekly.notes')}**\n" + "\n".join(f"• {n}" for n in data.internal_notes)))
    blocks.append(Note(t("weekly.footer")))
    return Card(t("weekly.title", code=data.code, name=data.name, first=_md(data.first), last=_md(data.last)),
                _colour(data.milestones), tuple(blocks), links)


def _week_inspections(deps: Deps, locale: str, data: WeeklyReport) -> Markdown:
    """现场巡检 on the internal weekly card: one line per inspection (as in the digest), then
    the failed items with their tickets (the site team's card, so their words are shown)."""
    def t(key: str, **params: object) -> str:
        return _t(deps, locale, key, **params)

    if not data.inspections:
        return Markdown(f"**{t('digest.inspections')}**\n" + t("weekly.no_inspections"))
    lines = [t("digest.inspection_line", time=deps.local(i.at, "%m-%d %H:%M"), where=i.where, who=i.inspector,
               passed=i.passed, failed=i.failed, photos=i.photos) for i in data.inspections[:WEEK_LINES]]
    if len(data.inspections) > WEEK_LINES:
        lines.append(t("weekly.more", count=len(data.inspections) - WEEK_LINES))
    if data.findings:
        lines.append(t("weekly.findings", count=len(data.findings)))
        lines += [t("weekly.finding_line", number=f.inspection, text=f.text, ticket=f.ticket_id)
                  for f in data.findings[:WEEK_LINES]]
        if len(data.findings) > WEEK_LINES:
            lines.append(t("weekly.more", count=len(data.findings) - WEEK_LINES))
    return Markdown(f"**{t('digest.inspections')}**\n" + "\n".join(lines))


def confirm_card(deps: Deps, locale: str, reason: str, milestone: Milestone, percent: int) -> Card:
    def t(key: str, **params: object) -> str:
        return _t(deps, locale, key, **params)

    value = {"milestone": milestone.id, "percent": min(percent, 100), "from": milestone.progress}
    yes = t("progress.confirm.yes_above") if reason == "above" else t("progress.confirm.yes_lower", percent=percent)
    body = t(f"progress.confirm.{reason}", name=milestone.name, percent=percent, old=milestone.progress)
    return Card(t("progress.confirm.title"), "orange", (Markdown(body),),
                (Button(yes, "progress.confirm", value, "primary"),
                 Button(t("progress.confirm.no"), "progress.cancel", value)))


def reach_card(deps: Deps, locale: str, milestone: Milestone, typed: str) -> Card:
    """完成 with a name that only partly matched: 确认 / 取消 before due dates are set."""
    def t(key: str, **params: object) -> str:
        return _t(deps, locale, key, **params)

    value = {"milestone": milestone.id}
    return Card(t("progress.reach.title"), "orange", (Markdown(t("progress.reach.body", typed=typed,
                                                                  name=milestone.name)),),
                (Button(t("progress.reach.yes"), "progress.reach", value, "primary"),
                 Button(t("progress.confirm.no"), "progress.cancel", value)))
