"""`sitebot customers import FILE` and `sitebot customers export --format csv|xlsx --out FILE`."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings
    from domain.store.uow import Store


def add_commands(sub: argparse._SubParsersAction) -> None:
    customers = sub.add_parser("customers", help="import / export customers and their contacts")
    customers_sub = customers.add_subparsers(dest="customers_command", required=True)
    load = customers_sub.add_parser("import", help="import a .csv or .xlsx file (all rows or none)")
    load.add_argument("file", type=Path)
    dump = customers_sub.add_parser("export", help="export every customer and contact")
    dump.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    dump.add_argument("--out", type=Path, required=True)


async def run(args: argparse.Namespace, store: "Store", settings: "Settings", now: datetime) -> int:
    # Imported here so that `sitebot serve` starts without loading the spreadsheet code.
    from bot.paths import TEMPLATES_DIR
    from domain.customers.io import ImportRefused, export_rows, import_file, write_table
    from handlers.chat.i18n import Catalog

    catalog = Catalog(TEMPLATES_DIR / "i18n")

    def t(key: str, **params: object) -> str:
        return catalog.t(settings.default_locale, key, **params)

    if args.customers_command == "export":
        async with store.transaction() as tx:
            rows = await export_rows(tx)
        write_table(rows, args.out, args.format)
        print(t("customer.io.exported", count=len(rows) - 1, path=str(args.out)))
        return 0
    if not args.file.is_file() or args.file.suffix.lower() not in (".csv", ".xlsx"):
        print(t("customer.io.no_file", path=str(args.file)), file=sys.stderr)
        return 1
    try:
        async with store.transaction() as tx:
            counts = await import_file(tx, args.file, now)
    except ImportRefused as refused:
        print(t("customer.io.refused", count=len(refused.errors)), file=sys.stderr)
        for error in refused.errors:
            where = t("customer.io.row", row=error.row) if error.row else t("customer.io.file")
            print(f"{where}: {t(error.key, **error.params)}", file=sys.stderr)
        return 1
    print(t("customer.io.imported", **counts))
    return 0
