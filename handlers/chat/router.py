"""Commands by their zh-CN and English names; the help text is generated from the routes."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping

CommandHandler = Callable[..., Awaitable[None]]
# Deps -> the parameters of a command's help wording that come from the settings file.
HelpParams = Callable[[Any], Mapping[str, str]]
# A command word written as a heading, "【报修】5号楼渗水", is read as "报修 5号楼渗水".
_HEADING = re.compile(r"^[【\[〔]\s*(\S{1,6}?)\s*[】\]〕]\s*")


@dataclass(frozen=True)
class Route:
    name: str                 # wording keys: help.<name>.usage / help.<name>.example
    zh: tuple[str, ...]
    en: tuple[str, ...]
    handler: CommandHandler
    listed: bool = True       # shown in 帮助
    glued: bool = False       # people run the text on without a space ("报修卫生间漏水")
    help_params: HelpParams | None = None   # e.g. 验收's kinds, configured in [site.acceptance]


@dataclass(frozen=True)
class Match:
    route: Route
    args: str
    locale: str | None        # "en" when an English alias was used, else None (person's locale)


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._aliases: list[tuple[str, Route, bool]] = []
        # Gets (ctx, text) for messages that match no command, e.g. a photo sent after a
        # report. It decides whether to answer; None means "answer with short help".
        self.fallback: CommandHandler | None = None
        # Gets (ctx) when the bot is added to a group: the welcome card.
        self.on_joined: Callable[..., Awaitable[None]] | None = None
        self.on_recalled: Callable[..., Awaitable[None]] | None = None   # a message was withdrawn

    def add(self, name: str, zh: tuple[str, ...], en: tuple[str, ...], handler: CommandHandler,
            listed: bool = True, glued: bool = False) -> None:
        self.add_route(Route(name, zh, en, handler, listed, glued))

    def add_route(self, route: Route) -> None:
        self.routes.append(route)
        self._aliases += [(a, route, False) for a in route.zh]
        self._aliases += [(a.lower(), route, True) for a in route.en]
        # Longest first, so "我的工单" wins over "工单".
        self._aliases.sort(key=lambda item: len(item[0]), reverse=True)

    def match(self, text: str, strict: bool = False) -> Match | None:
        """`strict` is for group chatter not addressed to the bot: there "客户说明天来" must not
        run 客户, so a Chinese alias needs a break after it (space, punctuation, a digit or
        Latin letter, or the end) unless its route is `glued`; and English words ("done",
        "paid") are everyday chatter, so English commands there need an @-mention."""
        text = _HEADING.sub(r"\1 ", text.strip().lstrip("/").strip(), count=1)
        lowered = text.lower()
        for alias, route, english in self._aliases:
            if english:
                if strict:
                    continue
                if lowered == alias or lowered.startswith(alias + " "):
                    return Match(route, text[len(alias):].strip(), "en")
            elif text.startswith(alias):
                rest = text[len(alias):]
                if strict and not route.glued and rest and not _breaks(rest[0]):
                    continue
                # Chinese commands are often typed without a space: "报修5号楼渗水".
                return Match(route, rest.lstrip(" ：:，,").strip(), None)
        return None


def _breaks(char: str) -> bool:
    """Whether a command word may end before this character."""
    return char.isspace() or char.isascii() or char in "：，。；！？、（）【】“”"

