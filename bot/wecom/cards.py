"""Neutral `Card` -> what WeCom can show, degrading where it has no equivalent.

- A member's copy is a template card: `button_interaction` when the card has buttons (at most
  6, WeCom's limit), else `text_notice`. A card offering one choice among more than 6 (the
  NPS card's 0–10: buttons of one action whose values differ in one field) is a
  `vote_interaction` instead — a single-choice list of up to 20 options and a submit button;
  once one is marked chosen (style primary) the list is shown disabled with it ticked.
  Fields become the key/value list (at most 6, the rest go into the text), markdown, notes
  and progress bars become plain text lines (WeCom cards have no progress bar), images are
  left out. Every text there is plain on WeCom: markdown marks are taken out (bot/wecom/plain.py).
- A group (appchat) copy is markdown: appchat/send has no template cards and no buttons, so
  the group sees the state and people act on their own one-to-one copy.
"""
from __future__ import annotations

import json

from handlers.chat.cards import Button, Card, Fields, LinkButton, Markdown, Note, Progress

from bot.wecom.events import button_key, option_id
from bot.wecom.plain import plain

MAX_BUTTONS = 6            # button_list: "列表长度不超过6"
MAX_FIELDS = 6             # horizontal_content_list: "列表长度不超过6"
MAX_KEY_BYTES = 1024       # a button key comes back as EventKey, at most 1024 bytes
MAX_OPTIONS = 20           # checkbox.option_list: 1 to 20 options
OPTION_CHARS = 11          # an option's text: "建议不超过11个字"
TITLE_CHARS, DESC_CHARS, FIELD_CHARS, BUTTON_CHARS = 36, 44, 30, 10
SUB_TITLE_CHARS = 160
TEXT_BYTES = 2048          # text and markdown content: at most 2048 bytes
_STYLE = {"primary": 1, "default": 2, "danger": 3}
_SOURCE_COLOUR = {"red": 2, "green": 3, "orange": 1}  # 0 grey, 1 black, 2 red, 3 green


def progress_text(block: Progress) -> str:
    filled = max(0, min(10, round(block.percent / 10)))
    return f"{block.label} {'▓' * filled}{'░' * (10 - filled)} {block.percent}%"


def template_card(card: Card, task_id: str, link: str, submit: str = "OK") -> dict:
    """`link`: where a `text_notice` card leads when tapped (WeCom requires a card_action);
    `submit`: the submit button's words on a choice card."""
    fields, lines = [], []
    for block in card.blocks:
        if isinstance(block, Fields):
            for item in block.items:
                if len(fields) < MAX_FIELDS:
                    fields.append({"keyname": clip(plain(item.label), 8),
                                   "value": clip(plain(item.value), FIELD_CHARS)})
                else:
                    lines.append(plain(f"{item.label}: {item.value}"))
        elif isinstance(block, (Markdown, Note)):
            lines.append(plain(block.text))
        elif isinstance(block, Progress):
            lines.append(progress_text(block))
    body: dict = {
        "task_id": task_id,
        "source": {"desc": "sitebot", "desc_color": _SOURCE_COLOUR.get(card.colour, 0)},
        "main_title": {"title": clip(plain(card.title), TITLE_CHARS)},
    }
    if fields:
        body["horizontal_content_list"] = fields
    if lines:
        body["sub_title_text"] = clip("\n".join(lines), SUB_TITLE_CHARS)
    choice = _choice(card, submit)
    buttons = _buttons(card)
    if choice:
        body.update(choice)
    elif buttons:
        body.update(card_type="button_interaction", button_list=buttons)
    else:
        body.update(card_type="text_notice", card_action={"type": 1, "url": link})
    return {"msgtype": "template_card", "template_card": body}


def _buttons(card: Card) -> list[dict]:
    out = []
    for action in card.actions:
        if len(out) == MAX_BUTTONS:
            break
        if isinstance(action, Button):
            key = button_key(action.action, action.value)
            if len(key.encode()) > MAX_KEY_BYTES:
                continue  # cannot come back intact: better no button than a broken one
            out.append({"type": 0, "text": clip(plain(action.label), BUTTON_CHARS),
                        "style": _STYLE.get(action.style, 2), "key": key})
        elif isinstance(action, LinkButton):
            out.append({"type": 1, "text": clip(plain(action.label), BUTTON_CHARS), "style": 2,
                        "url": action.url})
    return out


def _choice(card: Card, submit: str) -> dict | None:
    """The vote_interaction fields for a card whose buttons are one choice among more than
    WeCom's 6 buttons: one action, values differing in one field only (the question key);
    None when the card is not such a choice."""
    buttons = [a for a in card.actions if isinstance(a, Button)]
    if not MAX_BUTTONS < len(buttons) <= MAX_OPTIONS or len({b.action for b in buttons}) != 1:
        return None
    fields = set(buttons[0].value)
    if any(set(b.value) != fields for b in buttons):
        return None
    varying = [f for f in sorted(fields)
               if len({json.dumps(b.value[f], sort_keys=True) for b in buttons}) == len(buttons)]
    same = [f for f in fields if len({json.dumps(b.value[f], sort_keys=True) for b in buttons}) == 1]
    if len(varying) != 1 or len(same) != len(fields) - 1:
        return None
    question = varying[0]
    ids = [option_id(b.value[question]) for b in buttons]
    key = button_key(buttons[0].action, {f: buttons[0].value[f] for f in same})
    if None in ids or len(key.encode()) > MAX_KEY_BYTES:
        return None
    chosen = [b for b in buttons if b.style == "primary"]
    checkbox: dict = {"question_key": question, "mode": 0, "option_list": [
        {"id": ident, "text": clip(plain(b.label), OPTION_CHARS), "is_checked": b in chosen}
        for ident, b in zip(ids, buttons)]}
    out: dict = {"card_type": "vote_interaction", "checkbox": checkbox,
                 "submit_button": {"text": clip(submit, BUTTON_CHARS), "key": key}}
    if chosen:   # answered: the list can no longer be changed, the button shows the answer
        checkbox["disable"] = True
        out["replace_text"] = clip(plain(chosen[0].label), BUTTON_CHARS)
    return out


def has_buttons(card: Card) -> bool:
    return bool(_buttons(card))


def markdown(card: Card, hint: str | None = None) -> dict:
    """A group's copy: the whole card as WeCom markdown (no buttons there)."""
    lines = [f"**{card.title}**"]
    for block in card.blocks:
        if isinstance(block, Fields):
            lines += [f"> {f.label}：{f.value}" for f in block.items]
        elif isinstance(block, Markdown):
            lines.append(block.text)
        elif isinstance(block, Note):
            lines.append(f'<font color="comment">{block.text}</font>')
        elif isinstance(block, Progress):
            lines.append(progress_text(block))
    links = [f"[{a.label}]({a.url})" for a in card.actions if isinstance(a, LinkButton)]
    if links:
        lines.append(" ".join(links))
    if hint and any(isinstance(a, Button) for a in card.actions):
        lines.append(f'<font color="comment">{hint}</font>')
    return {"msgtype": "markdown", "markdown": {"content": clip_bytes("\n".join(lines), TEXT_BYTES)}}


def text(content: str) -> dict:
    return {"msgtype": "text", "text": {"content": clip_bytes(content, TEXT_BYTES)}}


def clip(value: str, chars: int) -> str:
    return value if len(value) <= chars else value[: chars - 1] + "…"


def clip_bytes(value: str, limit: int) -> str:
    """Cut to `limit` UTF-8 bytes without splitting a character."""
    data = value.encode("utf-8")
    if len(data) <= limit:
        return value
    return data[: limit - 3].decode("utf-8", errors="ignore") + "…"
