"""Neutral `Card` -> Feishu card JSON 2.0 (`schema: "2.0"`, elements under `body`).

Mobile first: short fields go two to a row in a `bisect` column set (stays two columns on a
phone), long ones get a row of their own; buttons sit in a `flow` column set, which wraps
instead of squeezing. JSON 2.0 rejects unknown attributes, so only documented ones are used.
Text from people is put in markdown with `<` and `>` escaped, so a report cannot smuggle in an
`<at id=all>` that pings the whole group.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from handlers.chat.cards import (Button, Card, Field, Fields, Image, LinkButton, Markdown, Note,
                            Progress)

MAX_CARD_BYTES = 30 * 1024      # Feishu refuses bigger cards (230099 / 230025)
LONG_TEXT = 600                 # markdown longer than this is cut when the card is too big
BUTTON_TYPES = {"primary": "primary", "danger": "danger"}

# image ref (neutral) -> Feishu img_key, or None when it could not be uploaded
ImageKeys = Callable[[str], str | None]


def render(card: Card, image_key: ImageKeys = lambda ref: None) -> dict[str, Any]:
    elements: list[dict[str, Any]] = []
    for block in card.blocks:
        elements += _block(block, image_key)
    if card.actions:
        elements.append(_actions(card))
    rendered = {
        "schema": "2.0",
        # update_multi: one shared card that PATCH changes for everyone (2.0 allows only true).
        "config": {"update_multi": True, "summary": {"content": card.title[:100]}},
        "header": {"title": {"tag": "plain_text", "content": card.title},
                   "template": card.colour},
        "body": {"elements": elements},
    }
    return _fit(rendered)


def to_content(card: Card, image_key: ImageKeys = lambda ref: None) -> str:
    """The `content` string of an interactive message (the card JSON, serialised)."""
    return json.dumps(render(card, image_key), ensure_ascii=False)


def escape(text: str) -> str:
    """Angle brackets as numeric entities (CommonMark), so no HTML tag survives."""
    return text.replace("<", "&#60;").replace(">", "&#62;")


def _markdown(content: str, **extra: Any) -> dict[str, Any]:
    return {"tag": "markdown", "content": content, **extra}


def _block(block: Any, image_key: ImageKeys) -> list[dict[str, Any]]:
    if isinstance(block, Fields):
        return _fields(block.items)
    if isinstance(block, Markdown):
        return [_markdown(escape(block.text))]
    if isinstance(block, Progress):
        percent = max(0, min(100, block.percent))
        filled = round(percent / 10)
        bar = "█" * filled + "░" * (10 - filled)
        return [_markdown(f"{escape(block.label)}  {bar} **{percent}%**")]
    if isinstance(block, Image):
        key = image_key(block.ref)
        if key is None:  # not uploadable (e.g. an outside URL): link to it instead
            if block.ref.startswith(("http://", "https://")):
                return [_markdown(f"[{escape(block.alt or block.ref)}]({block.ref})")]
            return []
        return [{"tag": "img", "img_key": key,
                 "alt": {"tag": "plain_text", "content": block.alt or ""}}]
    if isinstance(block, Note):
        return [_markdown(f"<font color='grey'>{escape(block.text)}</font>",
                          text_size="notation")]
    return []


def _field_text(item: Field) -> str:
    return f"**{escape(item.label)}**\n{escape(item.value) or '-'}"


def _fields(items: tuple[Field, ...]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    pair: list[Field] = []

    def flush() -> None:
        if pair:
            columns = [{"tag": "column", "width": "weighted", "weight": 1,
                        "elements": [_markdown(_field_text(f))]} for f in pair]
            rows.append({"tag": "column_set", "flex_mode": "bisect", "columns": columns})
            pair.clear()

    for item in items:
        if item.short:
            pair.append(item)
            if len(pair) == 2:
                flush()
        else:
            flush()
            rows.append(_markdown(_field_text(item)))
    flush()
    return rows


def _actions(card: Card) -> dict[str, Any]:
    columns = []
    for action in card.actions:
        if isinstance(action, Button):
            button = {"tag": "button", "text": {"tag": "plain_text", "content": action.label},
                      "type": BUTTON_TYPES.get(action.style, "default"),
                      "behaviors": [{"type": "callback",
                                     "value": {"action": action.action, "value": action.value}}]}
        elif isinstance(action, LinkButton):
            button = {"tag": "button", "text": {"tag": "plain_text", "content": action.label},
                      "type": "default",
                      "behaviors": [{"type": "open_url", "default_url": action.url}]}
        else:
            continue
        columns.append({"tag": "column", "width": "auto", "elements": [button]})
    return {"tag": "column_set", "flex_mode": "flow", "columns": columns}


def _size(card: dict[str, Any]) -> int:
    return len(json.dumps(card, ensure_ascii=False).encode())


def _fit(card: dict[str, Any]) -> dict[str, Any]:
    """Cut long markdown until the card fits Feishu's size limit (a card is not worth losing
    over a long description); the neutral card in the outbox keeps the full text."""
    if _size(card) <= MAX_CARD_BYTES:
        return card
    for element in card["body"]["elements"]:
        if element.get("tag") == "markdown" and len(element["content"]) > LONG_TEXT:
            element["content"] = element["content"][:LONG_TEXT] + " …"
    while _size(card) > MAX_CARD_BYTES and len(card["body"]["elements"]) > 1:
        # keep the buttons (last) and drop from the middle
        card["body"]["elements"].pop(-2 if len(card["body"]["elements"]) > 1 else -1)
    return card
