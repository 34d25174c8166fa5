"""The import's live card (`import:<file id>.<kind>.<project>.<sender id>`): a preview with
确认导入 / 取消 while the file waits, what was imported once it is, or that it was cancelled.
The preview is worked out again each time it is drawn (a dry run through the domain services),
so it always says what 确认导入 would do at that moment."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from domain.imports import apply as importing
from domain.imports.rows import Parsed
from domain.store.models import Person
from domain.store.uow import Tx
from handlers.chat.cards import Button, Card, Markdown, Note
from handlers.chat.context import Deps
from handlers.imports.wording import change_line, problem_line

SHOWN = 15           # lines of changes (and of problems) a card lists; the rest are counted
STATE = "imports"    # the inbound table's "platform" for an import's one decision (done / cancelled)


@dataclass(frozen=True)
class Key:
    file: str            # 32 hex digits
    kind: str
    project: str | None
    sender: int

    def __str__(self) -> str:
        return f"import:{self.file}.{self.kind}.{self.project or '-'}.{self.sender}"

    @classmethod
    def parse(cls, ident: str) -> "Key | None":
        parts = ident.split(".")
        if len(parts) != 4 or len(parts[0]) != 32 or not parts[3].isdigit():
            return None
        return cls(parts[0], parts[1], None if parts[2] == "-" else parts[2], int(parts[3]))

    @property
    def ref(self) -> str:
        return f"/media/files/{self.file}.xlsx"


def preview_card(deps: Deps, locale: str, key: Key, parsed: Parsed, outcome: importing.Outcome) -> Card:
    def t(k: str, **params: object) -> str:
        return deps.t(locale, k, **params)
    kind = t("imports.kind", name=key.kind)
    lines = [t("imports.card.summary", **{v: outcome.count(v) for v in ("create", "change", "same")})]
    shown = [c for c in outcome.changes if c.verb != "same"][:SHOWN]
    lines += [change_line(t, c) for c in shown]
    hidden = sum(1 for c in outcome.changes if c.verb != "same") - len(shown)
    if hidden > 0:
        lines.append(t("imports.more", count=hidden))
    blocks = [Markdown("\n".join(lines))]
    if outcome.problems:
        text = [t("imports.card.problems", count=len(outcome.problems))]
        text += [problem_line(t, p) for p in outcome.problems[:SHOWN]]
        if len(outcome.problems) > SHOWN:
            text.append(t("imports.more_problems", count=len(outcome.problems) - SHOWN))
        blocks.append(Markdown("\n".join(text)))
    else:
        blocks.append(Note(t("imports.card.ok")))
    value = {"file": key.file, "kind": key.kind, "project": key.project or "", "sender": key.sender}
    actions = () if outcome.problems else (
        Button(t("imports.card.confirm"), "import.confirm", value, "primary"),
        Button(t("imports.card.cancel"), "import.cancel", value))
    title = t("imports.card.title_refused" if outcome.problems else "imports.card.title", kind=kind)
    return Card(title, "red" if outcome.problems else "blue", tuple(blocks), actions, card_key=str(key))


def decided_card(deps: Deps, locale: str, key: Key, decision: dict) -> Card:
    def t(k: str, **params: object) -> str:
        return deps.t(locale, k, **params)
    cancelled = decision.get("cancelled", False)
    kind = t("imports.kind", name=key.kind)
    blocks = [Note(t("imports.card.by", name=decision.get("by", ""), at=decision.get("at", ""),
                     cancelled=cancelled))]
    if not cancelled:
        blocks.insert(0, Markdown(t("imports.card.summary", **decision.get("counts", {}))))
    title = t("imports.card.title_cancelled" if cancelled else "imports.card.title_done", kind=kind)
    return Card(title, "grey" if cancelled else "green", tuple(blocks), card_key=str(key))


async def import_card(tx: Tx, deps: Deps, ident: str, locale: str) -> Card | None:
    """The live view: decided (done or cancelled), or the preview as of now."""
    from domain.imports.rows import read
    from handlers.imports.words import role_word

    key = Key.parse(ident)
    if key is None:
        return None
    decided = await tx.inbound.get(STATE, key.file)
    if decided is not None and decided.status in ("done", "cancelled"):
        return decided_card(deps, locale, key, decided.response)
    data = deps.files.read(key.ref) if deps.files is not None else None
    sender = await tx.get(Person, key.sender)
    if data is None or sender is None:
        return None
    project = await tx.projects.by_code(key.project) if key.project else None
    parsed = read(data, role_word, key.kind, platforms=deps.platforms)
    # A view is not told the time; the dry run's writes are undone, so the time it would
    # stamp them with changes nothing shown.
    outcome = await importing.preview(tx, parsed, importing.Context(sender, project, datetime.now(timezone.utc)))
    return preview_card(deps, locale, key, parsed, outcome)
