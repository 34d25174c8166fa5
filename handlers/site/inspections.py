"""巡检 (移动巡检, issue 17), one command with a verb after it:

- `巡检 [P-001] 5号楼外架、临边防护` starts an inspection in this chat (a location or photos
  sent with it go on it);
- `巡检 合格 …` / `巡检 不合格 …` records an item (photos with it go on the inspection); a failed
  item opens a ticket as 报修 would;
- `巡检 发现 a；b；c` opens a ticket for each finding in one go (starting an inspection if none
  is open);
- `巡检 结束` closes it with its summary; `巡检 记录 [P-001] [今天|本周|本月]` lists them."""
from __future__ import annotations

from datetime import datetime, timedelta

from domain.access import Action, require
from domain.errors import InvalidInput
from domain.site import inspections
from domain.store.models import Project
from domain.store.models.site import SiteInspection
from domain.tickets.records import NewAttachment
from handlers.chat.context import Ctx
from handlers.chat.scope import project_for
from handlers.site.cards import inspection_card, inspection_list_card

PASS_WORDS, FAIL_WORDS = ("合格", "通过", "pass", "ok"), ("不合格", "fail")
FIND_WORDS, CLOSE_WORDS, LIST_WORDS = ("发现", "find"), ("结束", "完成", "close", "end"), ("记录", "list")


def _attachments(ctx: Ctx) -> list[NewAttachment]:
    out = []
    for a in ctx.message.attachments:
        meta = {"name": a.name, "latitude": a.latitude, "longitude": a.longitude, "address": a.address}
        if a.kind in ("image", "location"):
            out.append(NewAttachment(a.kind, a.ref, {k: v for k, v in meta.items() if v is not None}))
    return out


def _verb(args: str, words: tuple[str, ...]) -> str | None:
    """The rest after one of `words` leading `args` (Chinese words may run on: 合格钢筋间距)."""
    text = args.strip()
    for word in words:
        if text.lower().startswith(word):
            rest = text[len(word):]
            if word.isascii() and rest and not rest[0].isspace():
                continue   # an English word that only starts like one ("listing …")
            return rest.strip()
    return None


async def inspect(ctx: Ctx, args: str) -> None:
    for words, step in ((LIST_WORDS, _list), (CLOSE_WORDS, _close), (FIND_WORDS, _find),
                        (FAIL_WORDS, _fail), (PASS_WORDS, _pass)):
        rest = _verb(args, words)
        if rest is not None:
            await step(ctx, rest)
            return
    await _start(ctx, args)


async def _project(ctx: Ctx, args: str) -> tuple[Project, str]:
    project, rest, choices = await project_for(ctx, args)
    if project is None:
        raise InvalidInput("site.inspect.which_project", codes=" / ".join(p.code for p in choices) or "P-001")
    await require(ctx.tx, ctx.person, Action.REPORT_TICKET, project_id=project.id)
    return project, rest


async def _start(ctx: Ctx, args: str) -> None:
    project, rest = await _project(ctx, args)
    if not rest and not ctx.message.attachments:
        ctx.say(ctx.t("site.inspect.usage"))
        return
    previous = await inspections.open_one(ctx.tx, ctx.person, ctx.origin, ctx.now)
    if previous is not None:   # a new walk closes the one left open here
        inspections.close(previous, ctx.now)
    inspection = inspections.start(ctx.tx, ctx.person, project, rest, _attachments(ctx), ctx.origin, ctx.now)
    await ctx.tx.flush()
    await _show(ctx, inspection)


async def _open(ctx: Ctx) -> SiteInspection:
    inspection = await inspections.open_one(ctx.tx, ctx.person, ctx.origin, ctx.now)
    if inspection is None:
        raise InvalidInput("site.inspect.none_open")
    return inspection


async def _pass(ctx: Ctx, text: str) -> None:
    inspection = await _open(ctx)
    inspections.add_item(inspection, text, True, _attachments(ctx), ctx.now)
    await _show(ctx, inspection)


async def _fail(ctx: Ctx, text: str) -> None:
    inspection = await _open(ctx)
    await _file_findings(ctx, inspection, [text])


async def _find(ctx: Ctx, text: str) -> None:
    found = inspections.findings(text)
    if not found:
        raise InvalidInput("site.inspect.item_usage")
    inspection = await inspections.open_one(ctx.tx, ctx.person, ctx.origin, ctx.now)
    if inspection is None:
        project, _ = await _project(ctx, "")
        inspection = inspections.start(ctx.tx, ctx.person, project, "", [], ctx.origin, ctx.now)
        await ctx.tx.flush()
    await _file_findings(ctx, inspection, found)


async def _file_findings(ctx: Ctx, inspection: SiteInspection, found: list[str]) -> None:
    """Each finding a ticket, filed as 报修 files one (card here, assignee told); the photos
    sent with the message go on the first."""
    if not "".join(found).strip():
        raise InvalidInput("site.inspect.item_usage")
    if ctx.deps.filer is None:
        raise RuntimeError("Deps.filer is not wired (handlers/registry.py builds it)")
    project = await ctx.tx.projects.get(inspection.project_id)
    photos = _attachments(ctx)
    for index, text in enumerate(found):
        ticket = await ctx.deps.filer.file(ctx, project, ctx.t("site.inspect.ticket_text", number=inspection.number,
                                                                text=text),
                                           photos if index == 0 else [], ctx.origin)
        inspections.add_item(inspection, text, False, photos if index == 0 else [], ctx.now, ticket.id)
    await _show(ctx, inspection)


async def _close(ctx: Ctx, _: str) -> None:
    inspection = await _open(ctx)
    inspections.close(inspection, ctx.now)
    await _show(ctx, inspection)


async def _show(ctx: Ctx, inspection: SiteInspection) -> None:
    project = await ctx.tx.projects.get(inspection.project_id)
    ctx.show(inspection_card(ctx.deps, ctx.locale, inspection, project, ctx.person.name))


async def _list(ctx: Ctx, args: str) -> None:
    project, rest = await _project(ctx, args)
    span = rest.strip() or "本周"
    since, until = _period(ctx, span)
    found = await ctx.tx.site.inspections([project.id], since, until)
    names = {p.id: p.name for p, _ in await ctx.tx.projects.members(project.id)}
    for inspection in found:
        if inspection.inspector_id not in names:
            person = await ctx.tx.people.get(inspection.inspector_id)
            names[inspection.inspector_id] = person.name if person else "?"
    ctx.show(inspection_list_card(ctx.deps, ctx.locale, project, span, found, names))


def _period(ctx: Ctx, span: str) -> tuple[datetime, datetime]:
    local = ctx.now.astimezone(ctx.deps.timezone)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if span in ("今天", "today"):
        return day, day + timedelta(days=1)
    if span in ("本周", "this week", "week"):
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    if span in ("本月", "this month", "month"):
        start = day.replace(day=1)
        return start, (start + timedelta(days=32)).replace(day=1)
    raise InvalidInput("site.inspect.list_usage")


async def photos_after(ctx: Ctx, attachments: list[NewAttachment]) -> bool:
    """Photos or a location sent on their own right after starting an inspection or after an
    item that passed join the inspection (True: taken care of). After a failed item they are
    left to the ticket it opened (the tickets fallback adds them there, as after 报修)."""
    inspection = await inspections.open_one(ctx.tx, ctx.person, ctx.origin, ctx.now)
    if inspection is None or not attachments:
        return False
    items = inspection.items or []
    if items and not items[-1].get("ok"):
        return False
    last = datetime.fromisoformat(items[-1]["at"]) if items else inspection.at
    if ctx.now - last > timedelta(minutes=ctx.deps.rules.attach_window_minutes):
        return False
    conv = ctx.event.conversation
    if await ctx.tx.tickets.latest_reported_in(ctx.person.id, ctx.platform, conv.chat_id, last) is not None:
        return False   # a report made since: the photos are for it
    inspections.add_photos(inspection, attachments)
    ctx.say(ctx.t("site.inspect.photos_added", number=inspection.number,
                  images=sum(a.kind == "image" for a in attachments),
                  location=any(a.kind == "location" for a in attachments)))
    return True
