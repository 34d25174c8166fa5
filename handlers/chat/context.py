"""What a handler gets: the inbound event, who and where, the open transaction, and ways to
answer. Handlers build replies here; the dispatcher turns them into outbox rows."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Awaitable, Callable, Mapping
from zoneinfo import ZoneInfo

from domain.capture.rules import CaptureRules
from domain.finance.rules import FinanceRules
from domain.progress.rules import ProgressRules
from domain.changes.rules import ChangeRules
from domain.store.models import ChatBinding, Person, Project
from domain.store.uow import Tx
from domain.tickets.rules import TicketRules
from domain.tickets.service import Origin
from handlers.chat.cards import Card
from handlers.chat.answer import Answer
from handlers.chat.contract import CardClick, Inbound, Message, Target, Text, Toast
from handlers.chat.i18n import Catalog
from handlers.chat.ports import FileReader, GroupMaker, ImageStore, PhotoReader, ReportFiler
from domain.reports.rules import ReportRules
from domain.site.rules import SiteRules

# card_key prefix -> builds the live card for (tx, deps, id, locale).
CardView = Callable[[Tx, "Deps", str, str], Awaitable[Card | None]]


@dataclass
class Deps:
    """Long-lived things handlers need, built once by the composition root."""
    catalog: Catalog
    rules: TicketRules
    timezone: ZoneInfo
    base_url: str = "http://127.0.0.1:8080"
    default_locale: str = "zh-CN"
    max_message_length: int = 2000
    card_views: dict[str, CardView] = field(default_factory=dict)
    changes: ChangeRules = field(default_factory=ChangeRules)
    finance: FinanceRules = field(default_factory=FinanceRules)
    progress: ProgressRules = field(default_factory=ProgressRules)
    # Set by bot/pages at start-up: (project, now) -> the signed link to the customer's
    # project page. None (e.g. a bare Deps in a test): cards go out without the link.
    page_link: Callable[[Project, datetime], str] | None = None
    # platform -> its adapter, where the platform can create group chats (建群).
    group_makers: Mapping[str, GroupMaker] = field(default_factory=dict)
    # Files people sent (kept by the edge, see bot/files_store.py); None: no file is readable.
    files: FileReader | None = None
    # Photos people sent (kept by the edge, bot/media.py); None: drawn without them.
    photos: PhotoReader | None = None
    # Reports (issue 15), set by bot/pages/cockpit at start-up: [reports] rules, where charts
    # are kept (None: cards go without one), and (person, now) -> their signed cockpit link.
    reports: ReportRules = field(default_factory=ReportRules)
    images: ImageStore | None = None
    cockpit_link: Callable[[Person, datetime], str] | None = None
    # Plain sentences as reports ([capture]), and how any area files one (the tickets area's
    # filing, wired by handlers/registry.py; None in a bare Deps: nothing can be filed).
    capture: CaptureRules = field(default_factory=CaptureRules)
    filer: ReportFiler | None = None
    # Site capture ([site]): the acceptance record templates (验收单).
    site: SiteRules = field(default_factory=SiteRules)
    # The names an account may start with ("wecom:ZhangSan"), from bot/platforms.py: the
    # domain (a spreadsheet's rows) is told them, it does not keep its own list.
    platforms: frozenset[str] = frozenset({"console"})

    def t(self, locale: str, key: str, **params: Any) -> str:
        return self.catalog.t(locale, key, **params)

    def local(self, when: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
        return when.astimezone(self.timezone).strftime(fmt) if when else "-"

    async def live_card(self, tx: Tx, card_key: str, locale: str) -> Card | None:
        kind, _, ident = card_key.partition(":")
        view = self.card_views.get(kind)
        return await view(tx, self, ident, locale) if view else None


@dataclass
class Ctx(Answer):
    """One inbound event being handled: who, where, when, and the answer being built."""
    event: Inbound
    now: datetime
    person: Person | None
    binding: ChatBinding | None
    project: Project | None          # the project the chat is bound to, if any
    locale: str

    @property
    def platform(self) -> str:
        return self.event.platform

    @property
    def origin(self) -> Origin:
        return Origin(self.event.platform, self.event.conversation.chat_id,
                      getattr(self.event, "message_id", None))

    @property
    def is_click(self) -> bool:
        return isinstance(self.event, CardClick)

    @property
    def message(self) -> Message:
        assert isinstance(self.event, Message)
        return self.event

    def t(self, key: str, **params: Any) -> str:
        return self.deps.t(self.locale, key, **params)

    def here(self) -> Target:
        conv = self.event.conversation
        return Target(conv.platform, "chat", conv.chat_id)

    def say(self, text: str) -> None:
        """Answer in the conversation the event came from."""
        self.post(self.here(), Text(text), None, self.locale, reply_to=self._thread())

    def show(self, card: Card) -> None:
        self.post(self.here(), card, None, self.locale, reply_to=self._thread())

    def toast(self, text: str, kind: str = "info") -> None:
        self.reply.toast = Toast(text, kind)

    async def notify(self, person: Person, body: Card | Text, key: str) -> bool:
        """Tell one person directly, on this platform if they are on it."""
        return await self.tell(person, body, key, prefer=self.platform)

    def _thread(self) -> str | None:
        return getattr(self.event, "message_id", None) if isinstance(self.event, Message) else None
