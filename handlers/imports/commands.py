"""模板 计划|合同|人员|客户 (the template as a file message), a filled-in file sent back (its
preview card), and the card's 确认导入 / 取消.

确认导入 applies the whole file in one savepoint or nothing. An import is decided once: its file
id is claimed in the inbound table (unique, so two presses, two processes, or a platform retry
cannot import it twice, and a cancelled import cannot be confirmed later); the claim's answer
is what the card shows from then on."""
from __future__ import annotations

from domain.imports import apply as importing
from domain.imports.rows import read
from domain.imports.schema import KINDS
from domain.imports.template import workbook_bytes
from handlers.chat.context import Ctx
from handlers.chat.contract import Attachment, File
from handlers.chat.router import CommandHandler
from handlers.imports.cards import STATE, Key, preview_card
from handlers.imports.wording import problem_line
from handlers.imports.words import role_word, sheet_word

SHOWN_PROBLEMS = 15


async def template(ctx: Ctx, args: str) -> None:
    kind = sheet_word(args.split()[0]) if args.split() else None
    if kind is None:
        ctx.say(ctx.t("imports.usage"))
        return
    sheet = KINDS[kind]
    code = ctx.project.code if ctx.project else None
    example = [[code if v == "P-001" and code else v for v in row] for row in sheet.example]
    notes = (ctx.t("imports.notes.common") + "\n" + ctx.t(f"imports.notes.{kind}")).splitlines()
    name = ctx.t("imports.file_name", name=kind)
    ctx.post(ctx.here(), File(name, workbook_bytes(sheet, example, notes)), "template", ctx.locale)
    ctx.say(ctx.t("imports.template_sent", file=name))


def on_file(then: CommandHandler | None) -> CommandHandler:
    """The fallback for messages no command matched: a file message is ours, anything else
    goes on to `then` (the tickets area's: photos after a report, short help)."""
    async def fallback(ctx: Ctx, text: str) -> None:
        files = [a for a in ctx.message.attachments if a.kind == "file"] if not text else []
        if not files:
            if then is not None:
                await then(ctx, text)
            return
        for attachment in files[:3]:
            await _received(ctx, attachment)
    return fallback


async def _received(ctx: Ctx, attachment: Attachment) -> None:
    name, ref = attachment.name or "", attachment.ref or ""
    if ref.startswith("error:"):
        ctx.say(ctx.t("imports.fetch_failed", name=name, reason=ref[6:], limit_mb=5))
        return
    key_file = ref[len("/media/files/"):-len(".xlsx")] if ref.startswith("/media/files/") else ""
    data = ctx.deps.files.read(ref) if ctx.deps.files is not None and key_file else None
    if data is None:
        # Not fetched: not a spreadsheet by its name. Said only where the bot was spoken to
        # (a one-to-one chat): a group shares drawings and PDFs all day.
        if ctx.message.addressed and not ctx.event.conversation.is_group:
            ctx.say(ctx.t("imports.not_sheet", name=name))
        return
    parsed = read(data, role_word, platforms=ctx.deps.platforms)
    unreadable = parsed.kind is None or (not parsed.records and parsed.problems)
    if unreadable and not ctx.message.addressed:
        return   # a spreadsheet shared in a group that is none of ours: not for the bot
    if unreadable:
        lines = [ctx.t("imports.refused", count=len(parsed.problems))]
        lines += [problem_line(ctx.t, p) for p in parsed.problems[:SHOWN_PROBLEMS]]
        ctx.say("\n".join(lines))
        return
    key = Key(key_file, parsed.kind.name, ctx.project.code if ctx.project else None, ctx.person.id)
    outcome = await importing.preview(ctx.tx, parsed, _context(ctx, ctx.project))
    ctx.show(preview_card(ctx.deps, ctx.locale, key, parsed, outcome))


async def on_confirm(ctx: Ctx, value: dict) -> None:
    key = _key(value)
    data = ctx.deps.files.read(key.ref) if key and ctx.deps.files is not None else None
    if key is None or data is None:
        ctx.toast(ctx.t("imports.gone"), "warning")
        return
    project = await ctx.tx.projects.by_code(key.project) if key.project else None
    parsed = read(data, role_word, key.kind, platforms=ctx.deps.platforms)
    try:
        async with ctx.tx.savepoint():
            claimed = await ctx.tx.inbound.claim(STATE, key.file, "import", ctx.now)
            if claimed is None:
                raise _Decided()
            outcome = await importing.apply(ctx.tx, parsed, _context(ctx, project), key.file)
            counts = {v: outcome.count(v) for v in ("create", "change", "same")}
            await ctx.tx.inbound.finish(claimed, "done", {"by": ctx.person.name, "at": _at(ctx),
                                                          "counts": counts})
    except _Decided:
        await _already(ctx, key)
        return
    except importing.ImportRefused as refused:
        lines = [ctx.t("imports.refused", count=len(refused.outcome.problems))]
        lines += [problem_line(ctx.t, p) for p in refused.outcome.problems[:SHOWN_PROBLEMS]]
        ctx.say("\n".join(lines))
        ctx.toast(lines[0], "warning")
        ctx.changed(str(key))
        return
    kind = ctx.t("imports.kind", name=key.kind)
    ctx.toast(ctx.t("imports.done", kind=kind, **counts), "success")
    ctx.say(ctx.t("imports.done", kind=kind, **counts))
    ctx.changed(str(key))
    if project is not None:
        ctx.changed(f"project:{project.id}")


async def on_cancel(ctx: Ctx, value: dict) -> None:
    key = _key(value)
    if key is None:
        ctx.toast(ctx.t("imports.gone"), "warning")
        return
    claimed = await ctx.tx.inbound.claim(STATE, key.file, "import", ctx.now)
    if claimed is None:
        await _already(ctx, key)
        return
    await ctx.tx.inbound.finish(claimed, "cancelled", {"by": ctx.person.name, "at": _at(ctx),
                                                       "cancelled": True})
    ctx.toast(ctx.t("imports.cancelled", name=ctx.t("imports.kind", name=key.kind)), "info")
    ctx.changed(str(key))


class _Decided(Exception):
    """The import was confirmed or cancelled before (by this press's twin, or someone else)."""


async def _already(ctx: Ctx, key: Key) -> None:
    decided = await ctx.tx.inbound.get(STATE, key.file)
    cancelled = bool(decided and decided.status == "cancelled")
    ctx.toast(ctx.t("imports.was_cancelled" if cancelled else "imports.already"), "info")
    ctx.changed(str(key))


def _key(value: dict) -> Key | None:
    try:
        key = Key(str(value["file"]), str(value["kind"]), str(value.get("project") or "") or None,
                  int(value["sender"]))
    except (KeyError, TypeError, ValueError):
        return None
    return key if Key.parse(str(key)[len("import:"):]) == key and key.kind in KINDS else None


def _context(ctx: Ctx, project) -> importing.Context:  # noqa: ANN001
    return importing.Context(ctx.person, project, ctx.now, ctx.platform)


def _at(ctx: Ctx) -> str:
    return ctx.deps.local(ctx.now, "%Y-%m-%d %H:%M")
