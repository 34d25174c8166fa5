"""停工 P-001 12-05 至 12-07 原因：… (also one day: 停工 P-001 12-05 原因：…); 停工 P-001 lists them.
A stoppage that moves the project's planned end asks first (issue 16): the card shows the end
before → after with 确认 / 取消, worked out by the same service run and undone (a savepoint)."""
from __future__ import annotations

import re
from datetime import date

from domain import confirmations
from domain.errors import InvalidInput
from domain.people import project_by_code
from domain.projects.stoppage import Stoppage, add_stoppage
from domain.store.models import Project
from domain.store.models.confirmations import ChatConfirmation
from domain.tickets.records import Policy
from handlers.chat.cards import Button, Card, Markdown
from handlers.chat.context import Ctx
from handlers.setup.cards import project_key
from handlers.setup.people import staff_here
from handlers.setup.words import clean, parse_date, project_code

_REASON = re.compile(r"(?:原因|理由|reason)\s*[:：]?\s*", re.IGNORECASE)
KIND = "stoppage"   # the question asked when a stoppage would move the project's end date
_RANGE = re.compile(r"^(?P<start>\S+?)\s*(?:至|到|~|～|—|to)\s*(?P<end>\S+)$", re.IGNORECASE)


async def stoppage(ctx: Ctx, args: str) -> None:
    if not await staff_here(ctx):
        return
    words = args.split()
    code = project_code(words[0]) if words else None
    project = await project_by_code(ctx.tx, code) if code else ctx.project
    text = " ".join(words[1:] if code else words)
    if project is None:
        ctx.say(ctx.t("setup.stop.usage"))
        return
    if not text:
        _list(ctx, project)
        return
    found = _REASON.search(text)
    if found is None:
        raise InvalidInput("setup.stop.no_reason", limit=200)
    when, reason = clean(text[:found.start()]), text[found.end():]
    today = ctx.now.astimezone(ctx.deps.timezone).date()
    span = _RANGE.match(when)
    if span:
        start, end = parse_date(span["start"], today), parse_date(span["end"], today)
    elif when and " " not in when:
        start = end = parse_date(when, today)
    else:
        raise InvalidInput("setup.stop.usage")
    preview = await _dry_run(ctx, project, start, end, reason)   # refuses what add_stoppage would
    if preview.project_end:   # the project's end date moves: asked first (issue 16)
        await _ask(ctx, project, start, end, reason, preview)
        return
    await _record(ctx, project, start, end, reason)


class _Undo(Exception):
    def __init__(self, result: Stoppage) -> None:
        super().__init__("dry run")
        self.result = result


async def _dry_run(ctx: Ctx, project: Project, start: date, end: date, reason: str) -> Stoppage:
    """What the stoppage would do, every check included, undone (a savepoint)."""
    try:
        async with ctx.tx.savepoint():
            raise _Undo(await add_stoppage(ctx.tx, ctx.person, project, start, end, reason,
                                           Policy(ctx.deps.rules, ctx.deps.timezone), ctx.now))
    except _Undo as undone:
        await ctx.tx.refresh(project)   # its columns were expired with the savepoint
        return undone.result


async def _ask(ctx: Ctx, project: Project, start: date, end: date, reason: str, preview: Stoppage) -> None:
    conv = ctx.event.conversation
    row = await confirmations.ask(ctx.tx, ctx.person.id, conv.platform, conv.chat_id, KIND,
                                  {"subject": project.code, "project": project.id, "start": start.isoformat(),
                                   "end": end.isoformat(), "reason": reason,
                                   "project_end": list(preview.project_end)}, ctx.now)
    value = {"ask": row.id}
    body = ctx.t("setup.stop.ask.body", code=project.code, start=start.isoformat(), end=end.isoformat(),
                 days=len(preview.days), before=preview.project_end[0], after=preview.project_end[1],
                 milestones=len(preview.moved))
    ctx.show(Card(ctx.t("setup.stop.ask.title", code=project.code), "orange", (Markdown(body),),
                  (Button(ctx.t("setup.stop.ask.yes"), "project.stoppage_sure", value, "primary"),
                   Button(ctx.t("setup.stop.ask.no"), "project.stoppage_cancel", value))))


async def on_sure(ctx: Ctx, value: dict) -> None:
    row = await _question(ctx, value)
    project = await ctx.tx.projects.get(int(row.value["project"]))
    start, end = date.fromisoformat(row.value["start"]), date.fromisoformat(row.value["end"])
    preview = await _dry_run(ctx, project, start, end, row.value["reason"])
    if list(preview.project_end or ()) != row.value["project_end"]:
        # The plan moved meanwhile (another stoppage, a change): asked again with today's dates.
        await confirmations.settle(ctx.tx, row.id, "replaced", ctx.now)
        if preview.project_end:
            await _ask(ctx, project, start, end, row.value["reason"], preview)
            ctx.toast(ctx.t("setup.stop.ask.moved_meanwhile"), "warning")
            return
    elif not await confirmations.settle(ctx.tx, row.id, "confirmed", ctx.now):
        raise InvalidInput("setup.stop.ask.already")
    await _record(ctx, project, start, end, row.value["reason"])
    ctx.toast(ctx.t("setup.stop.ask.done"), "success")


async def on_cancel(ctx: Ctx, value: dict) -> None:
    row = await _question(ctx, value)
    await confirmations.settle(ctx.tx, row.id, "cancelled", ctx.now)
    ctx.toast(ctx.t("setup.stop.ask.cancelled"))


async def _question(ctx: Ctx, value: dict) -> ChatConfirmation:
    return await confirmations.pressed(ctx.tx, value, KIND, ctx.person.id,
                                       not_yours="setup.stop.ask.not_yours", already="setup.stop.ask.already")


async def _record(ctx: Ctx, project: Project, start: date, end: date, reason: str) -> None:
    result = await add_stoppage(ctx.tx, ctx.person, project, start, end, reason,
                                Policy(ctx.deps.rules, ctx.deps.timezone), ctx.now)
    lines = [ctx.t("setup.stop.done", code=project.code, start=start.isoformat(), end=end.isoformat(),
                   days=len(result.days), reason=reason.strip())]
    lines += [ctx.t("setup.stop.moved", name=n, before=b, after=a) for n, b, a in result.moved]
    if result.project_end:
        lines.append(ctx.t("setup.stop.project_end", before=result.project_end[0], after=result.project_end[1]))
    lines.append(ctx.t("setup.stop.sla", tickets=len(result.tickets)))
    ctx.say("\n".join(lines))
    ctx.changed(project_key(project.id))
    for ticket_id in result.tickets:
        ctx.changed(f"ticket:{ticket_id}")   # the tickets area's live cards show new deadlines


def _list(ctx: Ctx, project) -> None:  # noqa: ANN001
    rows = (project.calendar or {}).get("stoppages", [])
    lines = [ctx.t("setup.stop.line", start=r["from"], end=r["to"], days=r.get("days", 0), reason=r["reason"],
                   by=r.get("by", "-")) for r in rows]
    ctx.show(Card(ctx.t("setup.stop.title", code=project.code, name=project.name), "blue",
                  (Markdown("\n".join(lines) or ctx.t("setup.stop.none", code=project.code)),)))
