"""验收 (acceptance records, issue 17):

- `验收 [P-001] 隐蔽工程 5层顶板钢筋 绑扎间距…` (photos with it) creates record YS-n and sends its
  card, with 通过 / 不通过, to the project's customer contacts (监理, the owner's contact) directly;
- 通过 decides it at once; 不通过 needs a reason: `验收 不通过 YS-n <原因>` (the button says so);
  `验收 通过 YS-n` works as text too;
- once decided, every copy of the card says who decided and when; the record follows as a PDF
  file into the chat it was asked in (handlers/site/jobs.py)."""
from __future__ import annotations

import re

from domain.access import Action, require
from domain.errors import InvalidInput, NotAllowed, NotFound
from domain.inputs import record_id
from domain.site import acceptance
from domain.store.models.site import AcceptanceRecord
from domain.tickets.records import NewAttachment
from handlers.chat.context import Ctx, Deps
from handlers.chat.scope import project_for
from handlers.site.cards import acceptance_card, acceptance_key

_DECISION = re.compile(r"^\s*(通过|不通过|pass|fail)\s+(?:YS-?)?(\d+)\s*(.*)$", re.IGNORECASE | re.DOTALL)


async def accept(ctx: Ctx, args: str) -> None:
    decision = _DECISION.match(args)
    if decision:
        record = await _record(ctx, decision.group(2))
        passed = decision.group(1).lower() in ("通过", "pass")
        await _decide(ctx, record, passed, decision.group(3))
        return
    project, rest, choices = await project_for(ctx, args)
    if project is None:
        raise InvalidInput("site.inspect.which_project", codes=" / ".join(p.code for p in choices) or "P-001")
    await require(ctx.tx, ctx.person, Action.REPORT_TICKET, project_id=project.id)
    roles = {role for p, role in await ctx.tx.projects.memberships_of(ctx.person.id) if p.id == project.id}
    if roles and roles <= acceptance.DECIDERS:   # the customer's side signs off; it does not ask
        raise NotAllowed("site.accept.staff_only")
    photos = [NewAttachment("image", a.ref, {}) for a in ctx.message.attachments if a.kind == "image" and a.ref]
    record, deciders = await acceptance.request(ctx.tx, ctx.person, project, rest, photos, ctx.origin, ctx.now,
                                                ctx.deps.site.acceptance)
    for person in deciders:
        card = acceptance_card(ctx.deps, person.locale or ctx.deps.default_locale, record, project, ctx.person, None)
        await ctx.notify(person, card, key=f"acceptance:{person.id}")
    ctx.say(ctx.t("site.accept.sent", number=record.number, names="、".join(p.name for p in deciders)))


def help_params(deps: Deps) -> dict[str, str]:
    """帮助's 验收 line names the kinds configured ([site.acceptance]); its example (the
    wording's) falls back to the first kind with its labels when the usual one was dropped."""
    templates = deps.site.acceptance
    first = next(iter(templates))
    return {"kinds": " / ".join(templates), "first": first, "subject": templates[first][0],
            "details": templates[first][1]}


async def on_pass(ctx: Ctx, value: dict) -> None:
    await _decide(ctx, await _record(ctx, value.get("record")), True, "")


async def on_fail(ctx: Ctx, value: dict) -> None:
    """不通过 needs a reason, which a button cannot carry: the presser is told how to give it."""
    record = await _record(ctx, value.get("record"))
    if record.status != acceptance.PENDING:
        await _decide(ctx, record, False, "")   # says how it was decided
        return
    await acceptance.check_decider(ctx.tx, ctx.person, record)
    ctx.toast(ctx.t("site.accept.give_reason", number=record.number), "warning")
    ctx.say(ctx.t("site.accept.give_reason", number=record.number))


async def _record(ctx: Ctx, raw: object) -> AcceptanceRecord:
    found = record_id(str(raw or ""))
    record = await ctx.tx.site.acceptance(found) if found is not None else None
    if record is None:
        raise NotFound("site.accept.not_found", number=f"YS-{str(raw)[:20]}")
    return record


async def _decide(ctx: Ctx, record: AcceptanceRecord, passed: bool, reason: str) -> None:
    decided = await acceptance.decide(ctx.tx, ctx.person, record, passed, reason, ctx.origin, ctx.now)
    if not decided:
        ctx.toast(ctx.t("site.accept.already", number=record.number), "warning")
        if not ctx.is_click:
            ctx.say(ctx.t("site.accept.already", number=record.number))
        return
    ctx.changed(acceptance_key(record.id))
    word = ctx.t(f"site.accept.word_{record.status}")
    ctx.toast(ctx.t("site.accept.decided", number=record.number, word=word), "success")
    if not ctx.is_click:
        ctx.say(ctx.t("site.accept.decided", number=record.number, word=word))
