"""`sitebot webhooks add URL --events ticket.created,… [--project P-001]`, `list`,
`remove ID`, `replay [--since …] [--id msg_…] [--subscription ID]`: outbound webhook
subscriptions (domain/integrations/webhooks.py)."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings
    from domain.store.uow import Store


def add_commands(sub: argparse._SubParsersAction) -> None:
    hooks = sub.add_parser("webhooks", help="outbound webhooks: events sent, signed, to other systems")
    hooks_sub = hooks.add_subparsers(dest="webhooks_command", required=True)
    add = hooks_sub.add_parser("add", help="send these events to a URL (prints the signing secret)")
    add.add_argument("url")
    add.add_argument("--events", required=True,
                     help="comma-separated: ticket.created, ticket.accepted, ticket.escalated, ticket.resolved, "
                          "ticket.closed, change.raised, change.approved, change.rejected, milestone.reached, "
                          "payment.recorded, payment.overdue, digest.sent; ticket.* or * for several")
    add.add_argument("--project", help="only this project's events (default all)")
    hooks_sub.add_parser("list", help="every live subscription and how its deliveries stand")
    remove = hooks_sub.add_parser("remove", help="send no more to a subscription")
    remove.add_argument("id", type=int)
    replay = hooks_sub.add_parser("replay", help="send stored events again, under their own webhook-id")
    replay.add_argument("--since", help="events from this time on (ISO 8601, e.g. 2026-11-23T08:00+08:00, "
                                        "or a date)")
    replay.add_argument("--id", dest="ids", action="append", default=[], help="this event (msg_…); repeatable")
    replay.add_argument("--subscription", type=int, help="only to this subscription")


def parse_since(text: str, settings: "Settings") -> datetime:
    """ISO 8601; a date or a time without zone is read in the configured time zone."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        from domain.errors import InvalidInput
        raise InvalidInput("webhooks.bad_since", since=text) from None
    return when if when.tzinfo else when.replace(tzinfo=settings.timezone)


async def run(args: argparse.Namespace, store: "Store", settings: "Settings", now: datetime) -> int:
    from bot.paths import TEMPLATES_DIR
    from domain.errors import DomainError
    from domain.integrations import webhooks
    from domain.store.repos.webhooks import WebhooksRepo
    from handlers.chat.i18n import Catalog

    catalog = Catalog(TEMPLATES_DIR / "i18n")

    def t(key: str, **params: object) -> str:
        return catalog.t(settings.default_locale, key, **params)

    try:
        async with store.transaction() as tx:
            command = args.webhooks_command
            if command == "add":
                made = await webhooks.add_subscription(tx, args.url, args.events, args.project, now)
                print(t("webhooks.added", id=made.id, url=made.url, events=",".join(made.event_types),
                        project=(args.project or "").upper()), file=sys.stderr)
                print(made.secret)   # alone on stdout, so a script can capture it
            elif command == "remove":
                gone = await webhooks.remove_subscription(tx, args.id, now)
                print(t("webhooks.removed", id=gone.id, url=gone.url))
            elif command == "replay":
                since = parse_since(args.since, settings) if args.since else None
                done = await webhooks.replay(tx, now, since, args.ids or None, args.subscription)
                print(t("webhooks.replayed", events=done.events, queued=done.queued, busy=done.busy))
            else:
                await _list(tx, WebhooksRepo(tx.session), t)
    except DomainError as error:
        print(f"sitebot: {t(error.key, **error.params)}", file=sys.stderr)
        return 1
    return 0


async def _list(tx, repo, t) -> None:  # noqa: ANN001 - Tx, WebhooksRepo, the catalog's t
    subscriptions = await repo.live()
    if not subscriptions:
        print(t("webhooks.none"))
    codes = {p.id: p.code for p in await tx.projects.all()}
    for subscription in subscriptions:
        rows = await repo.deliveries(subscription.id, limit=200)
        counts = {status: sum(1 for r in rows if r.status == status) for status in ("sent", "pending", "failed")}
        print(t("webhooks.line", id=subscription.id, url=subscription.url,
                events=",".join(subscription.event_types),
                project=codes.get(subscription.project_id, "") if subscription.project_id else "", **counts))
