"""The console in the crash run: 李工长 reports in the project groups the admin bound (company.py)
from the console page (POST /console/api/messages, answered once handled); the answers go to the console's own
little chat server inside sitebot (the hub), which an open page follows.

The hub keeps its messages in the process (a demo surface, not a system of record): a page
opened after a restart shows the new process's history only, and an answer the hub took just
before the kill may never have reached a page. So an answer counts as given when the hub took
it (its outbox row to the chat is `sent`) or a page saw it, and as sent twice when one process's
page showed it twice; one shown again by the restarted process counts as resent."""
from __future__ import annotations

import asyncio
import collections
import contextlib
import json
from typing import Any

import aiohttp
from sqlalchemy import select

from bench.load.events import Prepared
from bench.load.sitebot import Sitebot
from domain.store.engine import make_engine
from domain.store.models import OutboxMessage
from domain.store.repos.outbox import SENT
from tests.runtime.crash.company import FOREMAN, SITE_GROUPS
from tests.runtime.crash.shots import ReportingEdge, count_markers

USER = FOREMAN
CHATS = list(SITE_GROUPS.values())


class ConsoleReports(ReportingEdge):
    name = platform = "console"
    letter = "C"

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[int, dict[str, tuple[str, str]]] = collections.defaultdict(dict)  # run -> id -> (chat, words)
        self.delivered: set[str] = set()    # event ids whose answer the hub took (outbox: sent)
        self.run = 0
        self._watching: list[asyncio.Task] = []
        self._http: aiohttp.ClientSession | None = None

    async def restarted(self, site: Sitebot) -> None:
        """A (re)started sitebot: the page follows the new process."""
        await self._unwatch()
        self.run += 1
        await self._watch(site)

    async def stop(self) -> None:
        await self._unwatch()

    def report(self, site: Sitebot, n: int, words: str) -> tuple[Prepared, str]:
        chat, event_id = CHATS[n % len(CHATS)], f"crash-console-{n:04d}"
        body = json.dumps({"user": USER, "chat": chat, "text": f"报修 {words}", "event_id": event_id},
                          ensure_ascii=False).encode()
        return Prepared(body, {"Content-Type": "application/json"}, event_id, chat, USER,
                        f"{site.base_url}/console/api/messages"), chat

    def resent(self) -> int:
        """Answers the restarted process showed again (the first process's page is gone)."""
        seen = [set(count_markers(shown.values(), self.expected)) for shown in self.seen.values()]
        return len(set.intersection(*seen)) if len(seen) > 1 else 0

    async def refresh(self, db_url: str) -> None:
        """Which answers the hub took: the outbox rows to each report's own chat that are sent."""
        chats = {key: chat for key, chat in self.expected.values()}
        engine = make_engine(db_url)
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(
                    select(OutboxMessage.idempotency_key, OutboxMessage.target_id)
                    .where(OutboxMessage.platform == "console", OutboxMessage.status == SENT,
                           OutboxMessage.idempotency_key.like("console:crash-console-%")))
                for key, target in rows:
                    event_id = key.split(":")[1]
                    if chats.get(event_id) == target:
                        self.delivered.add(event_id)
        finally:
            await engine.dispose()

    def replies(self) -> collections.Counter[str]:
        """Per shot, the most times one process's page showed its answer (at least once when
        the hub took it)."""
        most: collections.Counter[str] = collections.Counter({key: 1 for key in self.delivered})
        for shown in self.seen.values():
            for key, count in count_markers(shown.values(), self.expected).items():
                most[key] = max(most[key], count)
        return most

    # -- the open page ---------------------------------------------------------------------

    async def _watch(self, site: Sitebot) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, sock_connect=5))
        for chat in CHATS:
            stream = f"{site.base_url}/console/api/stream?chat={chat}"
            connected = asyncio.Event()
            self._watching.append(asyncio.create_task(self._follow(stream, self.run, connected)))
            await asyncio.wait_for(connected.wait(), 30)
            # What was posted before the stream opened (after a restart: the backlog sent so far).
            async with self._http.get(f"{site.base_url}/console/api/history?chat={chat}") as response:
                for message in (await response.json())["messages"]:
                    self._keep(self.run, message)

    async def _follow(self, url: str, run: int, connected: asyncio.Event) -> None:
        with contextlib.suppress(aiohttp.ClientError, asyncio.CancelledError):
            async with self._http.get(url) as response:
                connected.set()
                async for line in response.content:
                    if line.startswith(b"data: "):
                        event = json.loads(line[6:])
                        if event.get("event") == "message":
                            self._keep(run, event["message"])

    def _keep(self, run: int, message: dict[str, Any]) -> None:
        if message.get("sender") == "sitebot":
            words = json.dumps(message.get("body"), ensure_ascii=False)
            self.seen[run][message["id"]] = (message["chat_id"], words)

    async def _unwatch(self) -> None:
        for task in self._watching:
            task.cancel()
        await asyncio.gather(*self._watching, return_exceptions=True)
        self._watching = []
        if self._http is not None:
            await self._http.close()
            self._http = None
