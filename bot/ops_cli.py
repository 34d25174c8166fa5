"""`sitebot check`, `sitebot backup FILE`, `sitebot restore FILE`: for whoever runs sitebot.

check: the configuration as loaded (it failed already, exit 2, if it does not parse), the
database (reachable, schema current), each platform (enabled or not, and what enables it),
and each enabled platform's credentials tried against the platform itself (a token fetched).
Exit 0 when all is well, 1 on any problem. Nothing is written.

backup/restore: SQLite only, through sqlite3's online backup API, which copies a consistent
snapshot while sitebot keeps serving (it restarts the copy when a writer changes a page
mid-way). The inbox file beside the database (`<db>.inbox.db`) goes along as `<FILE>.inbox.db`
(events stored but not yet handled). Restore wants sitebot stopped. PostgreSQL: pg_dump /
pg_restore (README, Deploy).
"""
from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bot.connection_check import check_connections
from bot.credentials import check_tokens
from bot.platforms import PLATFORMS
from bot.settings import Settings

COMMANDS = ("check", "backup", "restore")


def add_commands(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("check", help="check the configuration, the database and each platform's credentials")
    backup = sub.add_parser("backup", help="copy the SQLite database (and its inbox) to FILE while serving")
    backup.add_argument("file", type=Path)
    restore = sub.add_parser("restore", help="replace the SQLite database (and its inbox) with FILE; "
                             "stop sitebot first")
    restore.add_argument("file", type=Path)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "check":
        return asyncio.run(check(settings))
    return backup(settings, args.file) if args.command == "backup" else restore(settings, args.file)


async def check(settings: Settings) -> int:
    from domain.store.engine import make_engine
    from domain.store.migrate import current_revision, newest_revision

    problems = 0
    print(f"database: {_without_password(settings.database_url)}")
    engine = make_engine(settings.database_url)
    try:
        async with engine.connect():
            pass
        revision, head = await current_revision(engine), newest_revision()
        if revision == head:
            print(f"  ok: reachable, schema {head}")
        else:
            print(f"  PROBLEM: schema {revision or 'none'}, this release needs {head}: run `sitebot db upgrade`")
            problems += 1
    except Exception as error:
        print(f"  PROBLEM: not reachable ({type(error).__name__}: {error})")
        problems += 1
    finally:
        await engine.dispose()
    for platform in PLATFORMS:
        if not settings.platforms.get(platform.name, {}).get(platform.switch):
            env = f"SITEBOT_{platform.name.upper()}_{platform.switch.upper()}"
            print(f"{platform.name}: not enabled (set {env} and its credentials to enable it)")
    for result in await check_tokens(settings):
        if result.ok:
            print(f"{result.platform}: enabled; ok: credentials accepted (token fetched)")
        else:
            print(f"{result.platform}: enabled; PROBLEM: no token: {result.problem}")
            problems += 1
    for connection in await check_connections(settings):   # SITEBOT_FEISHU_MODE=ws, DINGTALK_MODE=stream
        if connection.ok:
            print(f"{connection.platform}: ok: {connection.mode} connection offered (none opened)")
        else:
            print(f"{connection.platform}: PROBLEM: {connection.mode} mode: {connection.problem}")
            problems += 1
    print("all good" if not problems else f"{problems} problem(s)")
    return 1 if problems else 0


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)))


def _sqlite_paths(settings: Settings) -> tuple[Path, Path] | None:
    """(database, inbox) of a SQLite URL (`sqlite+aiosqlite:///path`), else None."""
    url = settings.database_url
    scheme, _, rest = url.partition(":///")
    if not scheme.startswith("sqlite") or not rest or rest.startswith(":memory:"):
        return None
    db = Path(rest.split("?", 1)[0])
    return db, _inbox_of(db)


def _inbox_of(path: Path) -> Path:
    return path.with_name(f"{path.stem}.inbox{path.suffix or '.db'}")   # domain/store/inbox.py's rule


def _copy(source: Path, target: Path) -> None:
    """sqlite3's online backup: a consistent snapshot while others write."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def backup(settings: Settings, file: Path) -> int:
    paths = _sqlite_paths(settings)
    if paths is None:
        print("sitebot backup copies a SQLite database; for PostgreSQL use pg_dump "
              "(README, Deploy: Backup)", file=sys.stderr)
        return 2
    db, inbox = paths
    if not db.exists():
        print(f"sitebot: no database at {db}", file=sys.stderr)
        return 1
    file.parent.mkdir(parents=True, exist_ok=True)
    for target in (file, _inbox_of(file)):
        target.unlink(missing_ok=True)   # a backup replaces an old one instead of merging into it
    _copy(db, file)
    print(f"database {db} -> {file}")
    if inbox.exists():
        _copy(inbox, _inbox_of(file))
        print(f"inbox {inbox} -> {_inbox_of(file)}")
    return 0


def restore(settings: Settings, file: Path) -> int:
    paths = _sqlite_paths(settings)
    if paths is None:
        print("sitebot restore replaces a SQLite database; for PostgreSQL use pg_restore or psql "
              "(README, Deploy: Backup)", file=sys.stderr)
        return 2
    if not file.exists():
        print(f"sitebot: no backup at {file}", file=sys.stderr)
        return 1
    try:
        with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as probe:
            if probe.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
        probe.close()
    except sqlite3.DatabaseError as error:
        print(f"sitebot: {file} is not a usable SQLite backup ({error}); nothing changed", file=sys.stderr)
        return 1
    db, inbox = paths
    db.parent.mkdir(parents=True, exist_ok=True)
    _copy(file, db)
    print(f"{file} -> database {db}")
    if _inbox_of(file).exists():
        _copy(_inbox_of(file), inbox)
        print(f"{_inbox_of(file)} -> inbox {inbox}")
    else:   # events stored after the backup must not be handled against the older data
        for stale in (inbox, inbox.with_name(inbox.name + "-wal"), inbox.with_name(inbox.name + "-shm")):
            stale.unlink(missing_ok=True)
    return 0
