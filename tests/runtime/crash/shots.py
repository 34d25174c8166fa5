"""What every edge of the crash run gives: its requests (shots) and what each must lead to."""
from __future__ import annotations

import collections
import re
from dataclasses import dataclass
from typing import Any, Iterable, Protocol

from bench.load.events import Prepared
from bench.load.sitebot import Sitebot
from bench.load.traffic import Result


@dataclass(frozen=True)
class Shot:
    """One request of the load. `key`: the id sitebot records the event under (its inbound
    row); `marker`: words the ticket it opens carries in its description (and its card in
    its title), unique in the run; `ticket`: the ticket a press acts on."""
    prepared: Prepared
    key: str
    marker: str | None = None
    ticket: int | None = None


class Edge(Protocol):
    name: str          # as printed: "feishu", "feishu presses", …
    platform: str      # the platform its events are recorded under

    def env(self) -> dict[str, str]: ...
    def admins(self) -> list[str]: ...
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def setup(self, site: Sitebot) -> None: ...
    def shots(self, site: Sitebot, count: int) -> list[Shot]: ...
    def note(self, shot: Shot, result: Result) -> None: ...
    async def restarted(self, site: Sitebot) -> None: ...
    async def refresh(self, db_url: str) -> None: ...
    def replies(self) -> collections.Counter[str]: ...
    def resent(self) -> int: ...


class QuietEdge:
    """Defaults for the hooks most edges do not need."""

    sent = 0

    def numbers(self, count: int) -> range:
        """The numbers of the next `count` shots (markers stay unique from round to round)."""
        first, self.sent = self.sent, self.sent + count
        return range(first, self.sent)

    def env(self) -> dict[str, str]:
        return {}

    def admins(self) -> list[str]:
        return []

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def setup(self, site: Sitebot) -> None:
        pass

    def note(self, shot: Shot, result: Result) -> None:
        pass

    async def restarted(self, site: Sitebot) -> None:
        """sitebot (re)started: before the set-up, and after each kill."""

    async def refresh(self, db_url: str) -> None:
        """Read what `replies` needs from the database (most edges read their fake only)."""

    def resent(self) -> int:
        """Sends repeated after the crash that the platform absorbed (nobody saw two)."""
        return 0


class ReportingEdge(QuietEdge):
    """An edge whose shots are 报修 reports answered in a chat the edge names (`report`), on a
    fake platform server started and stopped with it (`fake`, if any); `expected` maps each
    report's marker to (its key, where its answer goes), for `count_markers`."""

    letter = "X"                 # the markers' letter: unique per edge
    fake: Any = None

    def __init__(self) -> None:
        self.expected: dict[str, tuple[str, str]] = {}

    def report(self, site: Sitebot, n: int, words: str) -> tuple[Prepared, str]:
        """The n-th report's request (its message_id is the key sitebot records it under), and
        the chat its answer goes to."""
        raise NotImplementedError

    def shots(self, site: Sitebot, count: int) -> list[Shot]:
        out = []
        for n in self.numbers(count):
            marker, words = report_text(self.letter, n)
            prepared, place = self.report(site, n, words)
            self.expected[marker] = (prepared.message_id, place)
            out.append(Shot(prepared, prepared.message_id, marker=marker))
        return out

    async def start(self) -> None:
        if self.fake is not None:
            await self.fake.start()

    async def stop(self) -> None:
        if self.fake is not None:
            await self.fake.stop()


MARKER = re.compile(r"[A-Z]\d{4}号")


def report_text(letter: str, n: int) -> tuple[str, str]:
    """(marker, words after 报修) of the n-th report of an edge: a quality problem (渗水), so
    it goes to the project's 质检员; the marker starts the text and so the ticket's title."""
    marker = f"{letter}{n:04d}号"
    return marker, f"{marker}点位渗水"


def count_markers(texts: Iterable[tuple[str, str]],
                  expected: dict[str, tuple[str, str]]) -> collections.Counter[str]:
    """How many answers each shot got: texts are (where it went, its words); expected maps
    a marker to (its shot's key, where that shot's answer goes)."""
    seen: collections.Counter[str] = collections.Counter()
    for where, words in texts:
        for marker in set(MARKER.findall(words)):
            key, place = expected.get(marker, ("", ""))
            if key and place == where:
                seen[key] += 1
    return seen
