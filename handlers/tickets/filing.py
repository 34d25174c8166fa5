"""Filing a report and posting it — the one implementation 报修, the project picker and 登记
(handlers/capture, through the `ReportFiler` port in Deps) share: open the ticket, show its
live card in the chat the report was made in, post it to the project's internal groups when
it was made outside them, and tell the assignee directly."""
from __future__ import annotations

from domain.enums import Audience, Category, Severity
from domain.store.models import ChatBinding, Project, Ticket
from domain.tickets import service
from domain.tickets.records import NewAttachment, Origin, Policy
from handlers.chat.context import Ctx
from handlers.chat.contract import Target
from handlers.tickets.cards import ticket_card

NO_CHAT = "api"   # the platform name of calls through /api/v1 (bot/api): nothing is sent there


class TicketFiler:
    """The `handlers.chat.ports.ReportFiler` the registry puts in Deps."""

    async def file(self, ctx: Ctx, project: Project, text: str, attachments: list[NewAttachment],
                   origin: Origin, *, category: Category | None = None,
                   severity: Severity | None = None) -> Ticket:
        return await file_report(ctx, project, text, attachments, origin, category=category,
                                 severity=severity)


async def file_report(ctx: Ctx, project: Project, text: str, attachments: list[NewAttachment],
                      origin: Origin | None = None, *, category: Category | None = None,
                      severity: Severity | None = None) -> Ticket:
    """`origin`: where the report was made (default: this conversation). A proposal pressed
    in one chat may be about a sentence written in another (an unasked offer goes to its
    author one-to-one): the card goes where the sentence was."""
    origin = origin or ctx.origin
    ticket = await service.report(ctx.tx, Policy(ctx.deps.rules, ctx.deps.timezone), ctx.person, project,
                                  text, ctx.now, origin, attachments, category=category, severity=severity)
    here = _is_here(ctx, origin)
    # The new ticket's photos are the report's: its cards need not read them back.
    images = sum(a.kind == "image" for a in attachments)
    card = await ticket_card(ctx.tx, ctx.deps, str(ticket.id), ctx.locale, images=images)
    if here:
        ctx.show(card)
    else:
        ctx.post(Target(origin.platform, "chat", origin.chat_id), card, "ticket", ctx.locale)
    binding = ctx.binding if here else await ctx.tx.projects.binding(origin.platform, origin.chat_id)
    platform = origin.platform or ctx.platform
    # A report from no chat at all (the open API) reaches the internal groups on every platform.
    await _to_project_groups(ctx, project, ticket, None if platform == NO_CHAT else platform, binding,
                             images)
    if ticket.assignee_id and ticket.assignee_id != ctx.person.id:
        assignee = await ctx.tx.people.get(ticket.assignee_id)
        dm = await ticket_card(ctx.tx, ctx.deps, str(ticket.id), assignee.locale or ctx.deps.default_locale,
                               images=images)
        if not await ctx.notify(assignee, dm, key="assignee"):
            ctx.say(ctx.t("report.assignee_unreachable", name=assignee.name))
    return ticket


def _is_here(ctx: Ctx, origin: Origin) -> bool:
    conversation = ctx.event.conversation
    return not origin.chat_id or (origin.platform, origin.chat_id) == (ctx.platform, conversation.chat_id)


async def _to_project_groups(ctx: Ctx, project: Project, ticket: Ticket, platform: str | None,
                             binding: ChatBinding | None, images: int) -> None:
    """A report made outside the project's group (one-to-one with the bot; on WeCom every
    report, as its app callbacks are one-to-one) is also posted to the project's internal
    groups on that platform, as a report in the group would be: the group learns of a safety
    ticket at once, and since the card is live, of each change after it. Customer groups get
    nothing."""
    if binding is not None and binding.project_id == project.id:
        return   # reported in one of the project's own chats: the card is there already
    locale = ctx.deps.default_locale
    for group in await ctx.tx.projects.bindings(project_id=project.id, platform=platform):
        if group.audience == Audience.INTERNAL.value:
            card = await ticket_card(ctx.tx, ctx.deps, str(ticket.id), locale, images=images)
            ctx.post(Target(group.platform, "chat", group.chat_id), card, f"group:{group.chat_id}", locale)
