"""What a handler may ask of a platform beyond sending messages: small capability ports that
an adapter implements where its platform can do the thing (`Deps.group_makers`)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:   # the port's signature only: context.py imports this module
    from domain.enums import Category, Severity
    from domain.store.models import Project, Ticket
    from domain.tickets.records import NewAttachment, Origin
    from handlers.chat.context import Ctx


class CapabilityError(Exception):
    """The platform refused or failed; the message says why, in the platform's words."""


@runtime_checkable
class GroupMaker(Protocol):
    """The platform can create a group chat with given members (WeCom's appchat)."""

    async def create_group(self, chat_id: str, title: str, owner: str, members: list[str]) -> str:
        """Create it (asking for `chat_id`, so a retry asks for the same group); returns the
        id the platform gave it. Raises CapabilityError."""
        ...


@runtime_checkable
class FileReader(Protocol):
    """Files people sent us (a spreadsheet to import), kept by the edge before the handler
    runs: an attachment's `ref` is where (`/media/files/…`)."""

    def read(self, ref: str) -> bytes | None:
        """The file's bytes, or None when there is no such file (any more)."""
        ...


@runtime_checkable
class ImageStore(Protocol):
    """Keeps an image the bot drew (a report's chart) where cards can show it (bot/media.py)."""

    def save(self, data: bytes, content_type: str) -> str:
        """Store the bytes; returns the ref an `Image` block shows (/media/<name>)."""
        ...


@runtime_checkable
class PhotoReader(Protocol):
    """Photos people sent, kept by the edge (bot/media.py): an image attachment's `ref`
    (/media/<name>) -> its bytes, for what draws them itself (the acceptance record's PDF)."""

    def read(self, ref: str) -> bytes | None:
        """The photo's bytes, or None when the ref is not a kept photo (or it is gone)."""
        ...


@runtime_checkable
class ReportFiler(Protocol):
    """Files a report and posts it, the one way 报修 does: the ticket card in the chat it was
    made in, the assignee told directly, and — made outside the project's own chats — the
    project's internal groups. Provided by the tickets area (handlers/tickets/filing.py),
    wired by the registry, used by areas that may not import it (登记, handlers/capture)."""

    async def file(self, ctx: Ctx, project: Project, text: str, attachments: list[NewAttachment],
                   origin: Origin, *, category: Category | None = None,
                   severity: Severity | None = None) -> Ticket:
        """`origin`: the chat the report was made in (not always where the button was pressed).
        `category` / `severity`: as agreed on a card; otherwise guessed from the text."""
        ...
