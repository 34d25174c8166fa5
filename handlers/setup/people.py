"""Who a setup command names: @-mentions (people the platform knows, created on first
mention as on every platform), else a registered person's name."""
from __future__ import annotations

from domain import people
from domain.access import SetupAction, allowed_on_setup
from domain.enums import Audience
from domain.errors import InvalidInput, NotAllowed
from domain.store.models import Person
from handlers.chat.context import Ctx


async def mentioned(ctx: Ctx) -> list[Person]:
    out = []
    for mention in getattr(ctx.event, "mentions", ()):
        out.append(await people.ensure_person(ctx.tx, ctx.platform, mention.user_id,
                                              mention.name or mention.user_id, ctx.now))
    return out


async def named(ctx: Ctx, word: str, usage: str) -> Person:
    """One person from a word of the command: "@陈经理" (a mention) or "陈经理" (a name)."""
    name = word.strip().lstrip("@＠")
    if not name:
        raise InvalidInput(usage)
    for mention in getattr(ctx.event, "mentions", ()):
        if name in (mention.name, mention.user_id):
            return await people.ensure_person(ctx.tx, ctx.platform, mention.user_id,
                                              mention.name or mention.user_id, ctx.now)
    return await people.find_person_by_name(ctx.tx, name)


async def staff_here(ctx: Ctx) -> bool:
    """Setup is internal: never answered in a customer group (it would show contract values),
    and only for the company's own people (not customer contacts)."""
    if ctx.binding is not None and ctx.binding.audience == Audience.CUSTOMER.value:
        ctx.say(ctx.t("setup.internal_only"))
        return False
    if not await allowed_on_setup(ctx.tx, ctx.person, SetupAction.VIEW_ORG_ROLES):
        raise NotAllowed()
    return True
