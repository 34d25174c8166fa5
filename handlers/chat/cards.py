"""The neutral card: what every platform renderer (and the console) draws.

A card is a header with a colour, a list of blocks (fields, markdown, progress bars, images,
notes) and a row of actions (callback buttons and link buttons). It round-trips through JSON so
the outbox can hold it until delivery.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

COLOURS = ("blue", "green", "orange", "red", "grey", "purple")


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    short: bool = True  # two per row where the platform can


@dataclass(frozen=True)
class Fields:
    items: tuple[Field, ...]
    type: str = "fields"


@dataclass(frozen=True)
class Markdown:
    text: str
    type: str = "markdown"


@dataclass(frozen=True)
class Progress:
    label: str
    percent: int
    type: str = "progress"


@dataclass(frozen=True)
class Image:
    ref: str            # platform image key or URL
    alt: str = ""
    type: str = "image"


@dataclass(frozen=True)
class Note:
    text: str           # small grey footer text
    type: str = "note"


def _plain(value: Any) -> Any:
    """What `dataclasses.asdict` gives for a card, without its deep copies of every string
    (each card goes to the outbox this way, several per event)."""
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None:
        return {name: _plain(getattr(value, name)) for name in fields}
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value   # str, numbers, bool, None: nothing to copy


Block = Fields | Markdown | Progress | Image | Note
_BLOCKS = {"fields": Fields, "markdown": Markdown, "progress": Progress, "image": Image, "note": Note}


@dataclass(frozen=True)
class Button:
    label: str
    action: str                      # area.verb
    value: dict[str, Any] = field(default_factory=dict)
    style: str = "default"           # primary | default | danger
    type: str = "button"


@dataclass(frozen=True)
class LinkButton:
    label: str
    url: str
    type: str = "link"


Action = Button | LinkButton


@dataclass(frozen=True)
class Card:
    title: str
    colour: str = "blue"
    blocks: tuple[Block, ...] = ()
    actions: tuple[Action, ...] = ()
    card_key: str | None = None      # "ticket:12": live cards are updated in place everywhere

    def to_payload(self) -> dict[str, Any]:
        return {"type": "card", **_plain(self)}

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> "Card":
        blocks = []
        for raw in data.get("blocks", ()):
            kind = _BLOCKS[raw["type"]]
            if kind is Fields:
                blocks.append(Fields(tuple(Field(**f) for f in raw["items"])))
            else:
                blocks.append(kind(**raw))
        actions = tuple(Button(**a) if a["type"] == "button" else LinkButton(**a)
                        for a in data.get("actions", ()))
        return cls(title=data["title"], colour=data.get("colour", "blue"), blocks=tuple(blocks),
                   actions=actions, card_key=data.get("card_key"))

    def plain_text(self) -> str:
        """A readable text version, for platforms or places without cards."""
        lines = [self.title]
        for block in self.blocks:
            if isinstance(block, Fields):
                lines += [f"{f.label}: {f.value}" for f in block.items]
            elif isinstance(block, Progress):
                lines.append(f"{block.label}: {block.percent}%")
            elif isinstance(block, (Markdown, Note)):
                lines.append(block.text)
        return "\n".join(lines)
