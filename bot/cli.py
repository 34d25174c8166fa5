"""`sitebot` command line: serve, work, db upgrade, demo, admin add, customers, audit, outbox,
role, import, export."""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import datetime, timezone
from pathlib import Path

from bot.customers_cli import add_commands as add_customer_commands
from bot.customers_cli import run as run_customers
from bot.import_cli import add_commands as add_import_commands
from bot.jobs_cli import add_commands as add_job_commands
from bot.logging_setup import configure_logging
from bot import ops_cli
from bot.outbox_cli import add_commands as add_outbox_commands
from bot.roles_cli import add_commands as add_role_commands
from bot.roles_cli import run as run_roles
from bot.settings import ConfigError, Settings, load_settings
from bot.token_cli import add_commands as add_token_commands
from bot.webhooks_cli import add_commands as add_webhook_commands

log = logging.getLogger("sitebot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitebot", description="Chat-ops bot for construction "
                                     "contractors on Feishu, WeCom and DingTalk.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web server, delivery worker and scheduler")
    serve.add_argument("--demo", action="store_true",
                       help="enable the web console and seed demo data into an empty database")
    serve.add_argument("--host", help="listen address (default SITEBOT_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (default SITEBOT_PORT or 8080)")
    serve.add_argument("--web", action="store_true",
                       help="only the HTTP side: store events and answer; `sitebot work` handles them")
    serve.add_argument("--worker-process", action="store_true",
                       help="the HTTP side here, and `sitebot work` started as a child process")
    sub.add_parser("work", help="handle stored events, deliver, run the schedule (beside `serve --web`)")
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations up to the newest")
    sub.add_parser("demo", help="seed demo data into an empty database")
    add_customer_commands(sub)
    add_outbox_commands(sub)
    add_role_commands(sub)
    add_import_commands(sub)
    add_token_commands(sub)
    add_webhook_commands(sub)
    add_job_commands(sub)   # jobs list, jobs run NAME [--at]
    ops_cli.add_commands(sub)   # check, backup, restore
    admin = sub.add_parser("admin", help="manage admins")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    add = admin_sub.add_parser("add", help="make a person an admin")
    add.add_argument("name", help="the person's name")
    add.add_argument("--identity", help="platform:user_id, e.g. feishu:ou_123 (creates the person)")
    audit = sub.add_parser("audit", help="the append-only audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    export = audit_sub.add_parser("export", help="export every audit entry (CSV to stdout by default)")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--out", type=Path, help="file to write (xlsx default: audit.xlsx)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging()   # SITEBOT_LOG_FORMAT=json for JSON lines (bot/logging_setup.py)
    overrides: dict = {}
    if args.command == "serve":
        server = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
        if args.demo:
            server["console"] = True
        overrides = {"server": server}
    try:
        settings = load_settings(overrides=overrides)
        if args.command == "serve":
            from bot.processes import serve
            return serve(settings, demo=args.demo, role="web" if args.web else "all",
                         worker_process=args.worker_process)
        if args.command in ops_cli.COMMANDS:   # before _offline: these never migrate
            return ops_cli.run(args, settings)
        if args.command == "work":
            from bot.processes import work
            return work(settings)
        return asyncio.run(_offline(args, settings))
    except ConfigError as error:
        print(f"sitebot: configuration error: {error}", file=sys.stderr)
        return 2


async def _offline(args: argparse.Namespace, settings: Settings) -> int:
    from domain.demo import seed_demo
    from domain.errors import DomainError
    from domain.people import make_admin
    from domain.store.engine import make_engine
    from domain.store.migrate import upgrade
    from domain.store.uow import Store

    store = Store(make_engine(settings.database_url))
    now = datetime.now(timezone.utc)
    try:
        await upgrade(store.engine)
        if args.command == "db":
            print("database is at the newest schema")
        elif args.command == "demo":
            async with store.transaction() as tx:
                seeded = await seed_demo(tx, now, settings.timezone)
            print("demo data seeded" if seeded else "database already has people; nothing seeded")
        elif args.command == "customers":
            return await run_customers(args, store, settings, now)
        elif args.command == "outbox":
            from bot.outbox_cli import run as run_outbox
            return await run_outbox(args, store, settings, now)
        elif args.command in ("import", "export"):
            from bot.import_cli import run as run_imports
            return await run_imports(args, store, settings, now)
        elif args.command == "token":
            from bot.token_cli import run as run_tokens
            return await run_tokens(args, store, settings, now)
        elif args.command == "webhooks":
            from bot.webhooks_cli import run as run_webhooks
            return await run_webhooks(args, store, settings, now)
        elif args.command == "jobs":
            from bot.jobs_cli import run as run_jobs
            return await run_jobs(args, store, settings, now)
        elif args.command == "role":
            return await run_roles(args, store, settings, now)
        elif args.command == "admin":
            async with store.transaction() as tx:
                person = await make_admin(tx, args.name, args.identity, now)
                print(f"{person.name} is an admin")
        elif args.command == "audit":
            from bot.audit_export import export_audit
            count = await export_audit(store, settings.timezone, args.format, args.out)
            print(f"exported {count} audit entries", file=sys.stderr)
    except DomainError as error:
        print(f"sitebot: {error.key} {error.params}", file=sys.stderr)
        return 1
    finally:
        await store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
