"""停工 P-001 12-05 至 12-07 原因：… (also one day: 停工 P-001 12-05 原因：…); 停工 P-001 lists them."""
from __future__ import annotations

import re

from domain.errors import InvalidInput
from domain.people import project_by_code
from domain.projects.stoppage import add_stoppage
from domain.tickets.records import Policy
from handlers.chat.cards import Card, Markdown
from handlers.chat.context import Ctx
from handlers.setup.cards import project_key
from handlers.setup.people import staff_here
from handlers.setup.words import clean, parse_date, project_code

_REASON = re.compile(r"(?:原因|理由|reason)\s*[:：]?\s*", re.IGNORECASE)
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
