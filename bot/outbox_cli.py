"""`sitebot outbox status` and `sitebot outbox retry [--since ISO|2h] [--platform X]`.

`status`: what waits to be sent (and for how long), what failed and why, the latest failures.
`retry`: failed rows, whatever the reason, created since the given time (all when none is
given), of one platform or all, are due again with a fresh set of attempts; a running sitebot
sends them within a second. Rows an outage failed are sent again by themselves once the
platform answers (bot/delivery/recovery.py); this is for older ones, and for refusals whose
cause was fixed (the bot added back to the chat, a permission granted).
"""
from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timedelta

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from bot.settings import Settings
    from domain.store.uow import Store

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
LATEST = 10        # failures listed by `status`


def add_commands(sub: argparse._SubParsersAction) -> None:
    outbox = sub.add_parser("outbox", help="messages waiting to be sent, failed ones, sending them again")
    outbox_sub = outbox.add_subparsers(dest="outbox_command", required=True)
    outbox_sub.add_parser("status", help="how many wait, how long the oldest has, what failed and why")
    retry = outbox_sub.add_parser("retry", help="send failed messages again")
    retry.add_argument("--since", help="only those queued since: a time (2026-11-23T14:00, local "
                                       "time) or a duration back from now (90s, 30m, 2h, 1d)")
    retry.add_argument("--platform", help="only this platform's (feishu, wecom, dingtalk, console)")


def parse_since(value: str, now: datetime, settings: "Settings") -> datetime | None:
    """A time (ISO 8601, local time unless it says its zone) or a duration back from now;
    None when it is neither."""
    duration = DURATION.match(value)
    if duration:
        return now - timedelta(**{UNITS[duration.group(2)]: float(duration.group(1))})
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=settings.timezone)


async def run(args: argparse.Namespace, store: "Store", settings: "Settings", now: datetime) -> int:
    from bot.paths import TEMPLATES_DIR
    from handlers.chat.i18n import Catalog

    catalog = Catalog(TEMPLATES_DIR / "i18n")

    def t(key: str, **params: object) -> str:
        return catalog.t(settings.default_locale, key, **params)

    if args.outbox_command == "status":
        await _status(store, settings, now, t)
        return 0
    return await _retry(args, store, settings, now, t)


async def _retry(args: argparse.Namespace, store: "Store", settings: "Settings", now: datetime,
                 t: Callable[..., str]) -> int:
    from bot.platforms import PLATFORMS

    since = None
    if args.since is not None:
        since = parse_since(args.since, now, settings)
        if since is None:
            print(t("outbox.retry.bad_since", value=args.since, timezone=str(settings.timezone)),
                  file=sys.stderr)
            return 2
    from domain.store.repos.webhook_hook import PLATFORM as WEBHOOK
    from handlers.chat.email import EMAIL

    known = [p.name for p in PLATFORMS] + ["console", WEBHOOK, EMAIL]   # chats and the other channels
    if args.platform is not None and args.platform not in known:
        print(t("outbox.retry.bad_platform", value=args.platform, known=", ".join(known)), file=sys.stderr)
        return 2
    async with store.transaction() as tx:
        count = await tx.outbox.requeue_failed(now, since=since, platform=args.platform)
    print(t("outbox.retry.done", count=count) if count else t("outbox.retry.none"))
    return 0


async def _status(store: "Store", settings: "Settings", now: datetime, t: Callable[..., str]) -> None:
    from bot.delivery.monitor import outbox_counts

    counts = await outbox_counts(store, settings.delivery, now)
    oldest = counts.oldest_pending
    print(t("outbox.status.pending", count=counts.pending,
            oldest=_age((now - oldest).total_seconds(), t) if oldest else ""))
    print(t("outbox.status.failed", count=counts.failed, outage=counts.failed_outage,
            expired=counts.failed_expired, permanent=counts.failed_permanent,
            minutes=settings.delivery.outage_retry_minutes))
    if not counts.failed:
        return
    async with store.reading() as tx:   # only reads: does not wait for the worker's write lock
        rows = await tx.outbox.latest_failures(LATEST)
    print(t("outbox.status.latest"))
    for row in rows:
        print(t("outbox.status.row", id=row.id, platform=row.platform, target=row.target_id,
                created=row.created_at.astimezone(settings.timezone).strftime("%Y-%m-%d %H:%M"),
                reason=t(f"outbox.reason.{row.failure or 'unknown'}"),
                error=(row.last_error or "").splitlines()[0][:200] if row.last_error else ""))
    print(t("outbox.status.hint"))


def _age(seconds: float, t: Callable[..., str]) -> str:
    if seconds < 120:
        return t("outbox.age.seconds", n=int(seconds))
    if seconds < 7200:
        return t("outbox.age.minutes", n=int(seconds // 60))
    return t("outbox.age.hours", n=int(seconds // 3600))
