"""Photos sent on their own right after 巡检 or 验收, in the same chat, join what they follow.
On WeCom and DingTalk a message carries one photo and no words, so this is the only way an
acceptance record gets its photos there (on Feishu and the console they may also come with the
command). The tickets area's fallback asks here first (handlers/tickets/commands.py)."""
from __future__ import annotations

from datetime import datetime, timedelta

from domain.site import acceptance, inspections as inspection_records
from domain.tickets.records import NewAttachment
from handlers.chat.context import Ctx
from handlers.site import inspections
from handlers.site.cards import acceptance_key


async def photos_after(ctx: Ctx, attachments: list[NewAttachment]) -> bool:
    """True when the photos went on an acceptance record or an inspection."""
    if any(a.kind == "image" for a in attachments) and await _to_acceptance(ctx, attachments):
        return True
    return await inspections.photos_after(ctx, attachments)


async def _to_acceptance(ctx: Ctx, attachments: list[NewAttachment]) -> bool:
    """The sender's record still waiting, asked here within the attach window, and nothing
    asked or reported here by them since (a later inspection step or report takes them)."""
    if not ctx.origin.platform or not ctx.origin.chat_id:
        return False
    since = ctx.now - timedelta(minutes=ctx.deps.rules.attach_window_minutes)
    record = await ctx.tx.site.latest_acceptance_by(ctx.person.id, ctx.origin.platform, ctx.origin.chat_id, since)
    if record is None:
        return False
    if await ctx.tx.tickets.latest_reported_in(ctx.person.id, ctx.platform, ctx.origin.chat_id,
                                               record.created_at) is not None:
        return False
    walk = await inspection_records.open_one(ctx.tx, ctx.person, ctx.origin, ctx.now)
    if walk is not None and _last_step(walk.items or [], walk.at) > record.created_at:
        return False
    added = acceptance.add_photos(record, attachments)
    ctx.changed(acceptance_key(record.id))     # the deciders' cards show them
    ctx.say(ctx.t("site.accept.photos_added", number=record.number, images=added))
    return True


def _last_step(items: list[dict], started: datetime) -> datetime:
    return datetime.fromisoformat(items[-1]["at"]) if items else started
