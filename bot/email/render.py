"""A card (or a text) as an e-mail: its subject, a plain-text body and an HTML body, from the
jinja2 templates templates/email/message.{txt,html}. The same card the chats get, so the
e-mail says what the card says; buttons that answer in a chat are left out (a link button
stays a link)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.paths import TEMPLATES_DIR
from handlers.chat.cards import Card, Fields, Image, LinkButton, Markdown, Note, Progress
from handlers.chat.contract import Text

SUBJECT_MAX = 120


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def _templates() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR / "email"), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _blocks(card: Card) -> list[dict]:
    out: list[dict] = []
    for block in card.blocks:
        if isinstance(block, Fields):
            out.append({"type": "fields", "items": [(f.label, f.value) for f in block.items]})
        elif isinstance(block, Progress):
            out.append({"type": "progress", "label": block.label, "percent": block.percent})
        elif isinstance(block, (Markdown, Note)):
            out.append({"type": block.type, "text": block.text})
        elif isinstance(block, Image) and block.ref.startswith(("http://", "https://")):
            out.append({"type": "image", "url": block.ref, "alt": block.alt})
    return out


def render(body: Text | Card) -> Rendered:
    if isinstance(body, Card):
        subject = body.title
        context = {"title": body.title, "colour": body.colour, "blocks": _blocks(body),
                   "links": [(a.label, a.url) for a in body.actions if isinstance(a, LinkButton)]}
    else:
        subject = body.text.strip().splitlines()[0] if body.text.strip() else "sitebot"
        context = {"title": None, "colour": "blue", "blocks": [{"type": "markdown", "text": body.text}],
                   "links": []}
    env = _templates()
    return Rendered(" ".join(subject.split())[:SUBJECT_MAX], env.get_template("message.txt").render(**context),
                    env.get_template("message.html").render(**context))
