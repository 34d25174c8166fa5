"""What one business area offers the chat: its commands, card buttons, live card views and
scheduled jobs. Each area declares one `Area` next to its handlers (`handlers/<area>/area.py`);
`handlers/registry.py` composes them. Declaring is building a value: nothing registers itself
when a module is imported."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Awaitable, Callable, Mapping

from handlers.chat.context import CardView, Ctx
from handlers.chat.jobs import JobDef
from handlers.chat.router import CommandHandler, HelpParams, Route

ActionHandler = Callable[[Ctx, dict], Awaitable[None]]


def command(name: str, zh: tuple[str, ...], en: tuple[str, ...], handler: CommandHandler, *,
            glued: bool = False, listed: bool = True, help_params: HelpParams | None = None) -> Route:
    """One command: `name` keys its help wording (help.<name>.usage / .example); `help_params`
    gives that wording what depends on the settings (Deps -> parameters)."""
    return Route(name, zh, en, handler, listed, glued, help_params)


@dataclass(frozen=True)
class Area:
    name: str
    commands: tuple[Route, ...] = ()
    actions: Mapping[str, ActionHandler] = field(default_factory=dict)   # "area.verb" -> handler
    card_views: Mapping[str, CardView] = field(default_factory=dict)     # card_key prefix -> view
    jobs: Callable[[], list[JobDef]] = list
    # Messages no command matched (e.g. photos after a report); at most one area sets it.
    fallback: CommandHandler | None = None
    # The bot was added to a group; at most one area sets it.
    on_joined: Callable[[Ctx], Awaitable[None]] | None = None
    # A message was withdrawn on the platform (contract.Recalled); at most one area sets it.
    on_recalled: Callable[[Ctx], Awaitable[None]] | None = None
