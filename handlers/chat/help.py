"""帮助 / help, generated from the routes so it never drifts from what the router knows."""
from __future__ import annotations

from handlers.chat.context import Ctx
from handlers.chat.router import Router


def help_text(ctx: Ctx, router: Router) -> str:
    english = ctx.locale == "en"
    lines = [ctx.t("help.title")]
    for route in router.routes:
        if not route.listed:
            continue
        name = (route.en if english else route.zh)[0]
        lines.append(ctx.t("help.line", name=name, usage=ctx.t(f"help.{route.name}.usage"),
                           example=ctx.t(f"help.{route.name}.example")))
    lines.append(ctx.t("help.footer"))
    return "\n".join(lines)


def make_help(router: Router):  # noqa: ANN201
    async def show_help(ctx: Ctx, args: str) -> None:
        ctx.say(help_text(ctx, router))
    return show_help
