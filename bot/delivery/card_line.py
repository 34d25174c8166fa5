"""What a platform that cannot edit a posted card says when the card changes: one short line
(the title and the card's status note, "工单 T-1 · 渗水 — 处理中 · 赵质检 · 14:00") instead of the
whole card again. A change that leaves the line and the buttons as they were (a photo added,
a redraw queued twice) is not worth a message: `signature` tells the adapter so."""
from __future__ import annotations

import hashlib
import json

from handlers.chat.cards import Button, Card, LinkButton, Markdown, Note

LINE_CHARS = 120


def line_text(card: Card) -> str:
    """The title and what the card says of its state now: its last note (a ticket's "处理中 ·
    赵质检 · 14:00"), else the first line of its last markdown block."""
    notes = [block.text for block in card.blocks if isinstance(block, Note)]
    texts = [block.text for block in card.blocks if isinstance(block, Markdown)]
    state = notes[-1] if notes else (texts[-1].splitlines()[0] if texts else "")
    line = f"{card.title} — {state}" if state else card.title
    return line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + "…"


def line_card(card: Card) -> Card:
    """The line as a card with no blocks: its title is the line; the buttons of the new state
    stay (on DingTalk a button is a link in the message, so the line can carry them)."""
    return Card(title=line_text(card), colour=card.colour, actions=card.actions, card_key=card.card_key)


def signature(card: Card) -> str:
    """Equal for two states a short line cannot tell apart. A card without a note says its
    state somewhere a line does not show: then any change counts."""
    labels = [a.label for a in card.actions if isinstance(a, (Button, LinkButton))]
    if any(isinstance(block, Note) for block in card.blocks):
        seen: object = [line_text(card), labels]
    else:
        seen = card.to_payload()
    return hashlib.sha1(json.dumps(seen, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]
