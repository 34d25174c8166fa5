"""Real names for the platform ids an event carries, before it is handled: a WeCom message
names nobody (its sender or the `@UserID`s typed in it), a DingTalk message names its sender
(senderNick) but not the people it @-mentions. The platform's contact API is asked (once per
person per process, a bounded time each; a failure leaves the id as it was), the event carries
the names to the handlers (so someone added by `@id` is created with their name), and a person
sitebot knew only by their id takes the name (domain/names.py)."""
from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import OrderedDict
from datetime import datetime
from typing import Awaitable, Callable

from bot.delivery.ports import DeliveryError
from domain.names import learn_names
from domain.store.uow import Store
from handlers.chat.contract import Message, Mention

log = logging.getLogger(__name__)
NameLookup = Callable[[str], Awaitable[str | None]]   # platform user id -> their name (None: unknown)
LOOKUP_SECONDS = 2.0
MAX_LOOKUPS = 10          # per message: a message @-mentioning 50 people asks for 10 names


class NameBook:
    def __init__(self, lookup: NameLookup, size: int = 5000) -> None:
        self.lookup, self.size = lookup, size
        self._names: OrderedDict[str, str | None] = OrderedDict()
        self._learnt: set[tuple[str, str]] = set()

    async def name(self, user_id: str) -> str | None:
        if user_id in self._names:
            return self._names[user_id]
        try:
            name = await asyncio.wait_for(self.lookup(user_id), LOOKUP_SECONDS)
        except (DeliveryError, asyncio.TimeoutError) as error:
            log.info("no name for %s: %s", user_id, error)
            return None   # not remembered: asked again next time
        self._names[user_id] = name
        while len(self._names) > self.size:
            self._names.popitem(last=False)
        return name

    async def complete(self, message: Message, store: Store, now: datetime) -> Message:
        """The message with its sender's and mentioned people's names filled in."""
        wanted = ([message.actor.user_id] if not message.actor.name else []) + [
            m.user_id for m in message.mentions if not m.name]
        found = {uid: await self.name(uid) for uid in dict.fromkeys(wanted[:MAX_LOOKUPS])}
        actor = message.actor
        if not actor.name and found.get(actor.user_id):
            actor = dataclasses.replace(actor, name=found[actor.user_id])
        mentions = tuple(Mention(m.user_id, m.name or found.get(m.user_id)) for m in message.mentions)
        message = dataclasses.replace(message, actor=actor, mentions=mentions)
        await self._learn(message, store, now)
        return message

    async def _learn(self, message: Message, store: Store, now: datetime) -> None:
        named = {p.user_id: p.name for p in (message.actor, *message.mentions) if p.name}
        new = {uid: name for uid, name in named.items() if (message.platform, uid) not in self._learnt}
        if not new:
            return
        async with store.transaction() as tx:
            await learn_names(tx, message.platform, new, now)
        self._learnt |= {(message.platform, uid) for uid in new}
