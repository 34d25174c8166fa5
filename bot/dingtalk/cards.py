"""Neutral `Card` -> what DingTalk can show.

- Interactive card (when a card template is configured): `card_params` fills the template's
  variables; buttons come back through the card callback with `action` and `value`.
- Fallback (no template): the card as markdown; each callback button is a
  `dtmd://dingtalkclient/sendMessage` link, so pressing it makes the presser's own client send
  the button's command to the bot, and it arrives as a signed message from them (events.py
  maps it back to a `CardClick`). Through a sessionWebhook the card is an actionCard with one
  button per action; through the OpenAPI it is `sampleMarkdown` with the buttons as links.
"""
from __future__ import annotations

import json
from urllib.parse import quote

from bot.dingtalk.events import button_command
from handlers.chat.cards import Button, Card, Fields, Image, LinkButton, Markdown, Note, Progress

TEXT_CHARS = 4000          # well under DingTalk's message size limits
TITLE_CHARS = 60
MARKER = {"red": "🔴", "orange": "🟠", "green": "🟢", "blue": "🔵", "grey": "⚪", "purple": "🟣"}
_BUTTON_COLOUR = {"primary": "blue", "danger": "red", "default": "gray"}


def progress_text(block: Progress) -> str:
    filled = max(0, min(10, round(block.percent / 10)))
    return f"{block.label} {'▓' * filled}{'░' * (10 - filled)} {block.percent}%"


def body_markdown(card: Card, public_url: str) -> str:
    """The card's blocks as DingTalk markdown (no title, no buttons)."""
    lines: list[str] = []
    for block in card.blocks:
        if isinstance(block, Fields):
            lines += [f"- **{f.label}**：{f.value}" for f in block.items]
        elif isinstance(block, Markdown):
            lines.append(block.text)
        elif isinstance(block, Progress):
            lines.append(progress_text(block))
        elif isinstance(block, Note):
            lines.append(f"<font color=#888888>{block.text}</font>")
        elif isinstance(block, Image):
            ref = public_url + block.ref if block.ref.startswith("/") else block.ref
            lines.append(f"![{block.alt}]({ref})")
    return "\n\n".join(lines)


def title(card: Card) -> str:
    return clip(card.title, TITLE_CHARS)


def heading(card: Card) -> str:
    return f"### {MARKER.get(card.colour, '')} {card.title}".replace("  ", " ")


def buttons(card: Card, secret: str) -> list[tuple[str, str]]:
    """(label, URL) per action: callback buttons send their command, links open in DingTalk."""
    out = []
    for action in card.actions:
        if isinstance(action, Button):
            command = button_command(action.label, action.action, action.value, secret)
            out.append((action.label, "dtmd://dingtalkclient/sendMessage?content=" + quote(command, safe="")))
        elif isinstance(action, LinkButton):
            out.append((action.label, link(action.url)))
    return out


def link(url: str) -> str:
    """Open inside DingTalk (side panel on PC) instead of leaving for a browser."""
    return "dingtalk://dingtalkclient/page/link?url=" + quote(url, safe="") + "&pc_slide=true"


def session_message(body: Card | str, public_url: str, secret: str) -> dict:
    """Custom-robot format, for a sessionWebhook reply."""
    if isinstance(body, str):
        return {"msgtype": "text", "text": {"content": clip(body, TEXT_CHARS)}}
    text = clip(heading(body) + "\n\n" + body_markdown(body, public_url), TEXT_CHARS)
    btns = buttons(body, secret)
    if not btns:
        return {"msgtype": "markdown", "markdown": {"title": title(body), "text": text}}
    return {"msgtype": "actionCard", "actionCard": {
        "title": title(body), "text": text, "btnOrientation": "0" if len(btns) > 2 else "1",
        "btns": [{"title": label, "actionURL": url} for label, url in btns]}}


def openapi_message(body: Card | str, public_url: str, secret: str) -> tuple[str, str]:
    """(msgKey, msgParam JSON string) for groupMessages/send and oToMessages/batchSend."""
    if isinstance(body, str):
        return "sampleText", _json({"content": clip(body, TEXT_CHARS)})
    text = heading(body) + "\n\n" + body_markdown(body, public_url)
    btns = buttons(body, secret)
    if btns:
        text += "\n\n" + " ｜ ".join(f"[{label}]({url})" for label, url in btns)
    return "sampleMarkdown", _json({"title": title(body), "text": clip(text, TEXT_CHARS)})


def card_params(card: Card, public_url: str) -> dict[str, str]:
    """The variables of sitebot's card template (README, "Connect DingTalk"). Values are
    strings, as cardParamMap wants; the button list is JSON for the template's loop."""
    items = []
    for action in card.actions:
        if isinstance(action, Button):
            items.append({"text": action.label, "color": _BUTTON_COLOUR.get(action.style, "gray"),
                          "action": action.action,
                          "value": json.dumps(action.value, ensure_ascii=False, sort_keys=True)})
        elif isinstance(action, LinkButton):
            items.append({"text": action.label, "color": "gray", "url": link(action.url)})
    return {"title": card.title, "colour": card.colour, "marker": MARKER.get(card.colour, ""),
            "markdown": clip(body_markdown(card, public_url), TEXT_CHARS),
            "buttons": _json(items), "has_buttons": "true" if items else "false"}


def clip(value: str, chars: int) -> str:
    return value if len(value) <= chars else value[: chars - 1] + "…"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
