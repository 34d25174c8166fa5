"""项目: 新建, 查看, 列表, 修改, 关闭, 重开. 修改 竣工 that moves the planned end asks first
(issue 16): the end before → after, 确认 / 取消; every check is made before asking."""
from __future__ import annotations

import re
from datetime import date

from domain import confirmations
from domain.errors import InvalidInput
from domain.people import project_by_code
from domain.projects import closing
from domain.projects.edit import ProjectEdit, edit_project
from domain.projects.service import NewProject, create_project, set_manager
from domain.store.models import Project
from domain.store.models.confirmations import ChatConfirmation
from domain.store.repos.setup import setup_repo
from domain.tickets.records import Policy
from handlers.chat.cards import Button, Card, Markdown
from handlers.chat.context import Ctx
from handlers.setup.cards import build_project_card, project_key
from handlers.setup.people import named, staff_here
from handlers.setup.words import EDIT, NEW, clean, pairs, parse_date, project_code

KEYS = {"客户": "customer", "业主": "customer", "经理": "manager", "项目经理": "manager",
        "开工": "start", "开工日期": "start", "竣工": "end", "竣工日期": "end", "完工": "end",
        "地址": "address", "名称": "name", "名字": "name", "日报": "digest_time",
        "日报时间": "digest_time", "日历": "calendar", "计时": "calendar", "工作时段": "hours",
        "工作日": "workdays", "customer": "customer", "manager": "manager", "pm": "manager",
        "start": "start", "end": "end", "address": "address", "name": "name", "digest": "digest_time",
        "calendar": "calendar", "hours": "hours", "workdays": "workdays"}
_BUSINESS = {"工作时间": True, "上班时间": True, "business": True, "全天": False, "24小时": False,
             "wall": False, "always": False}
_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
END_KIND = "project_end"   # the question asked before 修改 竣工 moves the planned end
CLOSE, REOPEN, ALL = {"关闭", "完结", "close"}, {"重开", "恢复", "reopen"}, {"全部", "all"}


async def projects(ctx: Ctx, args: str) -> None:
    if not await staff_here(ctx):
        return
    words = args.split()
    verb = words[0].lower() if words else ""
    if verb in NEW:
        await _create(ctx, words[1:])
        return
    if verb in CLOSE | REOPEN | EDIT:
        words = words[1:]
    elif not words or verb in ALL:
        await _list(ctx, include_closed=bool(words))
        return
    code = project_code(words[0]) if words else None
    if code is None:
        ctx.say(ctx.t("setup.project.usage"))
        return
    project = await project_by_code(ctx.tx, code)
    rest = words[1:]
    if rest and rest[0].lower() in EDIT:
        rest = rest[1:]
    if verb in CLOSE:
        await _close(ctx, project)
    elif verb in REOPEN:
        await _reopen(ctx, project)
    elif rest:
        await _edit(ctx, project, rest)
    else:
        await show(ctx, project)


async def show(ctx: Ctx, project: Project) -> None:
    ctx.show(await build_project_card(ctx.tx, ctx.deps, project, ctx.locale))


async def _create(ctx: Ctx, words: list[str]) -> None:
    found, lead = pairs(words, KEYS)
    if not lead:
        raise InvalidInput("setup.project.usage")
    unknown = set(found) - {"customer", "manager", "start", "end", "address"}
    if unknown:
        raise InvalidInput("setup.project.new_only", word=next(w for w, k in KEYS.items() if k in unknown))
    today = ctx.now.astimezone(ctx.deps.timezone).date()
    new = NewProject(
        name=" ".join(lead), customer=found.get("customer"),
        manager=await named(ctx, found["manager"], "setup.project.usage") if "manager" in found else None,
        start=parse_date(found["start"], today) if "start" in found else None,
        end=parse_date(found["end"], today) if "end" in found else None,
        address=found.get("address"))
    project = await create_project(ctx.tx, ctx.person, new, ctx.now)
    await ctx.tx.flush()
    ctx.say(ctx.t("setup.project.created", code=project.code, name=project.name))
    await show(ctx, project)


async def _edit(ctx: Ctx, project: Project, words: list[str], confirmed: bool = False) -> None:
    """`confirmed`: a new planned end was asked about first (end_date_ask) and 确认ed."""
    found, lead = pairs(words, KEYS)
    if lead or not found:
        raise InvalidInput("setup.project.edit_usage", code=project.code)
    today = ctx.now.astimezone(ctx.deps.timezone).date()
    edit = ProjectEdit(
        name=found.get("name"), address=found.get("address"), customer=found.get("customer"),
        start=parse_date(found["start"], today) if "start" in found else None,
        end=parse_date(found["end"], today) if "end" in found else None,
        digest_time=clean(found["digest_time"]) if "digest_time" in found else None,
        business_hours=_business(found["calendar"]) if "calendar" in found else None,
        hours=tuple(p for p in re.split(r"[,，、\s]+", clean(found["hours"])) if p) if "hours" in found else None,
        workdays=_workdays(found["workdays"]) if "workdays" in found else None)
    moves_end = (edit.end is not None and project.planned_end_date is not None
                 and edit.end != project.planned_end_date)
    if moves_end and not confirmed:   # the planned end moves: asked first (issue 16)
        await _dry_run(ctx, project, edit)
        await _ask_end(ctx, project, words, edit.end)
        return
    changed = {}
    if edit.given():
        changed = await edit_project(ctx.tx, ctx.person, project, edit, ctx.now, ctx.deps.timezone)
    if "manager" in found:
        person = await named(ctx, found["manager"], "setup.project.usage")
        await set_manager(ctx.tx, ctx.person, project, person, ctx.now)
        changed["manager"] = [None, person.name]
    ctx.say(ctx.t("setup.project.edited" if changed else "setup.project.unchanged", code=project.code))
    ctx.changed(project_key(project.id))
    await show(ctx, project)


class _Undo(Exception):
    pass


async def _dry_run(ctx: Ctx, project: Project, edit: ProjectEdit) -> None:
    """Every check of the edit (rights, dates, words), undone: refused now, not after 确认."""
    try:
        async with ctx.tx.savepoint():
            await edit_project(ctx.tx, ctx.person, project, edit, ctx.now, ctx.deps.timezone)
            raise _Undo()
    except _Undo:
        await ctx.tx.refresh(project)   # its columns were expired with the savepoint


async def _ask_end(ctx: Ctx, project: Project, words: list[str], end: date) -> None:
    conv = ctx.event.conversation
    before = project.planned_end_date.isoformat()
    row = await confirmations.ask(ctx.tx, ctx.person.id, conv.platform, conv.chat_id, END_KIND,
                                  {"subject": project.code, "project": project.id, "words": words,
                                   "before": before}, ctx.now)
    value = {"ask": row.id}
    ctx.show(Card(ctx.t("setup.edit.end_ask.title", code=project.code), "orange",
                  (Markdown(ctx.t("setup.edit.end_ask.body", code=project.code, before=before,
                                  after=end.isoformat())),),
                  (Button(ctx.t("setup.stop.ask.yes"), "project.edit_sure", value, "primary"),
                   Button(ctx.t("setup.stop.ask.no"), "project.edit_cancel", value))))


async def on_edit_sure(ctx: Ctx, value: dict) -> None:
    row = await _end_question(ctx, value)
    project = await ctx.tx.projects.get(int(row.value["project"]))
    current = project.planned_end_date.isoformat() if project.planned_end_date else None
    await confirmations.settle(ctx.tx, row.id, "confirmed" if current == row.value["before"] else "replaced",
                               ctx.now)
    if current != row.value["before"]:   # moved meanwhile: asked again with today's dates
        await _edit(ctx, project, list(row.value["words"]))
        ctx.toast(ctx.t("setup.stop.ask.moved_meanwhile"), "warning")
        return
    await _edit(ctx, project, list(row.value["words"]), confirmed=True)
    ctx.toast(ctx.t("setup.edit.end_ask.done"), "success")


async def on_edit_cancel(ctx: Ctx, value: dict) -> None:
    row = await _end_question(ctx, value)
    await confirmations.settle(ctx.tx, row.id, "cancelled", ctx.now)
    ctx.toast(ctx.t("setup.edit.end_ask.cancelled"))


async def _end_question(ctx: Ctx, value: dict) -> ChatConfirmation:
    return await confirmations.pressed(ctx.tx, value, END_KIND, ctx.person.id,
                                       not_yours="setup.edit.end_ask.not_yours", already="setup.stop.ask.already")


def _business(word: str) -> bool:
    value = _BUSINESS.get(clean(word).lower())
    if value is None:
        raise InvalidInput("setup.edit.calendar_word", word=word)
    return value


def _workdays(text: str) -> tuple[int, ...]:
    """"1-6", "1,2,3,4,5", "周一至周六", "周一到周五"."""
    text = clean(text).replace("周", "").replace("星期", "")
    for name, number in _WEEKDAYS.items():
        text = text.replace(name, str(number))
    days: list[int] = []
    for part in re.split(r"[,，、\s]+", text):
        span = re.split(r"[-~至到]", part)
        if not part or not all(s.isdigit() for s in span) or len(span) > 2:
            raise InvalidInput("setup.edit.bad_workdays", word=text)
        low, high = int(span[0]), int(span[-1])
        if not 1 <= low <= high <= 7:
            raise InvalidInput("setup.edit.bad_workdays", word=text)
        days += range(low, high + 1)
    return tuple(days)


async def _close(ctx: Ctx, project: Project) -> None:
    stopped = await closing.close_project(ctx.tx, ctx.person, project, _policy(ctx), ctx.now, ctx.origin)
    ctx.say(ctx.t("setup.close.done", code=project.code, name=project.name, tickets=len(stopped)))
    _refresh(ctx, project, stopped)


async def _reopen(ctx: Ctx, project: Project) -> None:
    resumed = await closing.reopen_project(ctx.tx, ctx.person, project, _policy(ctx), ctx.now, ctx.origin)
    ctx.say(ctx.t("setup.reopen.done", code=project.code, name=project.name, tickets=len(resumed)))
    _refresh(ctx, project, resumed)


def _refresh(ctx: Ctx, project: Project, ticket_ids: list[int]) -> None:
    ctx.changed(project_key(project.id))
    for ticket_id in ticket_ids:   # the tickets area's live cards ("ticket:{id}") show the pause
        ctx.changed(f"ticket:{ticket_id}")


def _policy(ctx: Ctx) -> Policy:
    return Policy(ctx.deps.rules, ctx.deps.timezone)


async def _list(ctx: Ctx, include_closed: bool) -> None:
    rows = await setup_repo(ctx.tx).projects(include_closed)
    lines = [ctx.t("setup.list.line", code=p.code, name=p.name,
                   closed=ctx.t("setup.card.closed_tag") if p.status == "closed" else "") for p in rows]
    ctx.show(Card(ctx.t("setup.list.title", count=len(rows)), "blue",
                  (Markdown("\n".join(lines) or ctx.t("setup.list.none")),)))
