"""绑定 of a chat already bound to another project asks first (issue 16): the chat's tickets,
digests and reminders would all change project. The card's 确认 (or 确认 typed in the same chat)
moves it; 取消 leaves it; nothing changes until then, and a second answer changes nothing."""
from __future__ import annotations

from domain import confirmations, people
from domain.access import Action, require
from domain.enums import Audience
from domain.store.models import ChatBinding, Project
from domain.store.models.confirmations import ChatConfirmation
from handlers.chat.cards import Button, Card, Markdown
from handlers.chat.context import Ctx

KIND = "rebind"


async def ask(ctx: Ctx, binding: ChatBinding, project: Project, audience: Audience) -> None:
    """The question, on a card; the person must be allowed to bind to the new project."""
    await require(ctx.tx, ctx.person, Action.BIND_CHAT, project_id=project.id)
    conv = ctx.event.conversation
    old = await ctx.tx.projects.get(binding.project_id)
    row = await confirmations.ask(ctx.tx, ctx.person.id, conv.platform, conv.chat_id, KIND,
                                  {"project": project.id, "audience": audience.value,
                                   "from": binding.project_id, "from_audience": binding.audience},
                                  ctx.now)
    value = {"ask": row.id}
    body = ctx.t("bind.ask.body", old=f"{old.code} {old.name}", new=f"{project.code} {project.name}",
                 old_audience=ctx.t(f"audience.{binding.audience}"),
                 new_audience=ctx.t(f"audience.{audience.value}"), code=project.code)
    ctx.show(Card(ctx.t("bind.ask.title"), "orange", (Markdown(body),),
                  (Button(ctx.t("bind.ask.yes"), "admin.rebind", value, "primary"),
                   Button(ctx.t("bind.ask.no"), "admin.rebind_cancel", value))))


async def on_confirm(ctx: Ctx, value: dict) -> None:
    await _answer(ctx, _id(value), "confirmed")


async def on_cancel(ctx: Ctx, value: dict) -> None:
    await _answer(ctx, _id(value), "cancelled")


async def typed_confirm(ctx: Ctx, args: str) -> None:
    """确认 typed in the chat: answers this person's latest question here."""
    conv = ctx.event.conversation
    row = await confirmations.latest_open(ctx.tx, ctx.person.id, conv.platform, conv.chat_id, ctx.now)
    if args.strip() or row is None:
        if ctx.message.addressed:
            ctx.say(ctx.t("help.unknown", text=ctx.message.text.strip()[:20]) if args.strip()
                    else ctx.t("bind.ask.nothing"))
        return
    await _answer(ctx, row.id, "confirmed")


def _id(value: dict) -> int:
    try:
        return int(value["ask"])
    except (KeyError, TypeError, ValueError):
        return 0


async def _answer(ctx: Ctx, ask_id: int, outcome: str) -> None:
    row = await confirmations.latest_open(ctx.tx, ctx.person.id, ctx.platform,
                                          ctx.event.conversation.chat_id, ctx.now)
    if row is None or row.id != ask_id:   # settled, another person's, another chat's, or gone
        row = await ctx.tx.get(ChatConfirmation, ask_id) if ask_id else None
        if row is None or row.kind != KIND:
            _tell(ctx, ctx.t("error.stale_button"), "warning")
        elif row.person_id != ctx.person.id:
            _tell(ctx, ctx.t("bind.ask.not_yours"), "error")
        else:
            _tell(ctx, ctx.t(f"bind.ask.already_{row.settled or 'expired'}"), "info")
        return
    if not await confirmations.settle(ctx.tx, row.id, outcome, ctx.now):
        _tell(ctx, ctx.t(f"bind.ask.already_{row.settled or 'expired'}"), "info")
        return
    if outcome == "cancelled":
        _tell(ctx, ctx.t("bind.ask.cancelled"), "info")
        return
    current = await ctx.tx.projects.binding(row.platform, row.chat_id)
    if current is None or current.project_id != row.value.get("from"):
        _tell(ctx, ctx.t("bind.ask.stale"), "warning")   # bound elsewhere meanwhile: ask again
        return
    project = await ctx.tx.projects.get(int(row.value["project"]))
    audience = Audience(row.value["audience"])
    await people.bind_chat(ctx.tx, ctx.person, project, row.platform, row.chat_id, audience,
                           current.title, ctx.now)
    ctx.say(ctx.t("bind.done", code=project.code, name=project.name,
                  audience=ctx.t(f"audience.{audience.value}")))
    if ctx.is_click:
        ctx.toast(ctx.t("bind.ask.moved", code=project.code), "success")


def _tell(ctx: Ctx, text: str, kind: str) -> None:
    if ctx.is_click:
        ctx.toast(text, kind)
    else:
        ctx.say(text)
