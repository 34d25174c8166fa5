"""施工日志: read the labelled parts of a log message (天气, 人数, 问题, 费用, 内部) and keep one
log per author per project per day (a second message the same day adds to it)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from domain.access import Action, require_on_progress
from domain.errors import InvalidInput
from domain.finance.money import MAX_AMOUNT
from domain.store.models import DailyLog, Person, Project
from domain.store.uow import Tx

_END = r"(?=[\s，,；;。]|$)"
_WEATHER = re.compile(r"(?:天气|weather)\s*[:：]?\s*([^\s，,；;。]{1,20})" + _END, re.I)
_CREW = re.compile(r"(?:人数|出勤|工人|crew)\s*[:：]?\s*(\d{1,4})\s*(?:人|people)?" + _END
                   + r"|(\d{1,4})\s*(?:人|people)" + _END, re.I)
_ISSUES = re.compile(r"(?:问题|issues?)\s*[:：]\s*([^；;\n]{1,500})", re.I)
_COST = re.compile(r"(?:费用|成本|cost)\s*[:：]?\s*(?:¥|￥)?\s*([\d,]+(?:\.\d{1,2})?)\s*(?:元)?" + _END, re.I)
# Internal notes run to the end of the line: they are for the team, never for the customer.
_INTERNAL = re.compile(r"(?:内部|internal)\s*[:：]\s*([^\n]{1,500})", re.I)
_SEPARATORS = " ，,；;。\n"
# Labelled weather or crew written inside the 问题 part: taken out of it (an unlabelled "3人受伤"
# stays in the issue, it is not the day's crew).
_LABELLED_WEATHER = re.compile(r"(?:天气|weather)\s*[:：]?\s*([^\s，,；;。]{1,20})" + _END, re.I)
_LABELLED_CREW = re.compile(r"(?:人数|出勤|crew)\s*[:：]?\s*(\d{1,4})\s*(?:人|people)?" + _END, re.I)
# A run of separators with only blanks between them ("， ，") is what taking a part out leaves.
_EMPTY_FRAGMENTS = re.compile(r"\s*([，,；;。])[\s，,；;。]*")


@dataclass(frozen=True)
class LogInput:
    work_done: str
    weather: str | None = None
    crew_count: int | None = None
    issues: str | None = None
    cost: Decimal | None = None
    internal_note: str | None = None
    photos: tuple[str, ...] = field(default_factory=tuple)


def parse_log(text: str, photos: tuple[str, ...] = ()) -> LogInput:
    rest = text
    found: dict[str, str] = {}
    for name, pattern in (("internal", _INTERNAL), ("cost", _COST), ("issues", _ISSUES),
                          ("weather", _WEATHER), ("crew", _CREW)):
        match = pattern.search(rest)
        if match:
            found[name] = next(g for g in match.groups() if g is not None).strip()
            rest = rest[:match.start()] + " " + rest[match.end():]
    if "issues" in found:
        found["issues"] = _take_labelled(found["issues"], found)
    cost = None
    if "cost" in found:
        try:
            cost = Decimal(found["cost"].replace(",", "")).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise InvalidInput("log.bad_cost", value=found["cost"]) from None
        if cost > MAX_AMOUNT:   # beyond the money column (PostgreSQL numeric overflow)
            raise InvalidInput("finance.money.too_large", text=found["cost"][:30])
    return LogInput(work_done=tidy(rest), weather=found.get("weather"),
                    crew_count=int(found["crew"]) if "crew" in found else None,
                    issues=tidy(found.get("issues", "")) or None, cost=cost,
                    internal_note=found.get("internal"), photos=tuple(photos))


def _take_labelled(issues: str, found: dict[str, str]) -> str:
    """The 问题 part runs to the end of the line, so "问题：停工2小时，天气：晴，人数：30" carried the
    weather and crew in it: they are taken out (and kept, unless given before the issue)."""
    for name, pattern in (("weather", _LABELLED_WEATHER), ("crew", _LABELLED_CREW)):
        match = pattern.search(issues)
        if match:
            found.setdefault(name, match.group(1).strip())
            issues = issues[:match.start()] + " " + issues[match.end():]
    return issues


def tidy(text: str) -> str:
    """No empty fragments: "塔吊检修停工2小时， ，" -> "塔吊检修停工2小时" (what taking the cost or
    an internal note out of a sentence leaves behind); runs of blanks become one."""
    text = _EMPTY_FRAGMENTS.sub(lambda m: m.group(1), text)
    return re.sub(r"[ \t]{2,}", " ", text).strip(_SEPARATORS)


def merged_weather(before: str | None, after: str | None) -> str | None:
    """One weather for a day: the later one, or both as "晴转雨" when it turned ("晴" then "雨";
    "晴转雨" then "阴" -> "晴转阴"). Said again, or already written as a turn, the later wins."""
    if not before or not after:
        return after or before
    first = before.split("转")[0]
    if "转" in after or first == after:
        return after
    return f"{first}转{after}"


async def write_log(tx: Tx, actor: Person, project: Project, entry: LogInput, day: date,
                    now: datetime) -> tuple[DailyLog, bool]:
    """Returns (the day's log, whether it was new)."""
    await require_on_progress(tx, actor, Action.WRITE_LOG, project.id)
    if not entry.work_done and not entry.photos:
        raise InvalidInput("log.empty")
    log = await tx.progress.log_of(project.id, day, actor.id)
    created = log is None
    if log is None:
        log = DailyLog(project_id=project.id, log_date=day, author_id=actor.id, work_done="",
                       photos=[], created_at=now)
        tx.add(log)
    if entry.work_done:
        log.work_done = (f"{log.work_done}\n{entry.work_done}" if log.work_done else entry.work_done)[:4000]
    log.weather = merged_weather(log.weather, entry.weather)
    log.crew_count = entry.crew_count if entry.crew_count is not None else log.crew_count
    if entry.issues:
        log.issues = (f"{log.issues}；{entry.issues}" if log.issues else entry.issues)[:2000]
    if entry.cost is not None:
        log.cost = (log.cost or Decimal("0.00")) + entry.cost
    if entry.internal_note:
        note = entry.internal_note
        log.internal_note = (f"{log.internal_note}\n{note}" if log.internal_note else note)[:2000]
    log.photos = [*(log.photos or []), *entry.photos]
    log.updated_at = now
    await tx.flush()
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="progress.log",
                    subject_type="daily_log", subject_id=log.id,
                    data={"date": day.isoformat(), "photos": len(entry.photos)})
    return log, created
