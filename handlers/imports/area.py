"""Importing spreadsheets from chat: 模板 sends a template as a file; a file sent back gets a
preview card whose 确认导入 / 取消 decide it (the card is live: `import:…`)."""
from __future__ import annotations

from handlers.chat.area import Area, command
from handlers.chat.router import CommandHandler
from handlers.imports import commands
from handlers.imports.cards import import_card


def area(then: CommandHandler | None = None) -> Area:
    """`then`: the fallback that gets the messages that are not a file (set by the registry:
    one area's fallback may pass on to another's)."""
    return Area(
        name="imports",
        commands=(command("template", ("模板", "导入模板"), ("template",), commands.template),),
        actions={"import.confirm": commands.on_confirm, "import.cancel": commands.on_cancel},
        card_views={"import": import_card},
        fallback=commands.on_file(then),
    )
