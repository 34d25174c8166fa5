"""`sitebot import plan|contract|people|customers FILE [--project P-001] [--as NAME] [--check]`
and `sitebot export plan|contract|people|customers --out FILE [--project P-001]` (or
`template`): the chat's spreadsheet imports from the command line, with the same checks, the
same all-or-nothing rule and the same wording. The import acts as `--as` (default: the first
admin), so the audit log and the permission checks name a person."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings
    from domain.store.uow import Store, Tx

KINDS = ("plan", "contract", "people", "customers")


def add_commands(sub: argparse._SubParsersAction) -> None:
    load = sub.add_parser("import", help="import a filled-in .xlsx sheet (all rows or none)")
    load.add_argument("kind", choices=KINDS)
    load.add_argument("file", type=Path)
    load.add_argument("--project", help="the project of rows without a project code (P-001)")
    load.add_argument("--as", dest="actor", help="import as this person (default: the first admin)")
    load.add_argument("--check", action="store_true", help="only show what would change")
    dump = sub.add_parser("export", help="write a sheet in the import's shape (edit it, import it back)")
    dump.add_argument("kind", choices=KINDS + ("template",))
    dump.add_argument("template_kind", nargs="?", choices=KINDS, help="with `template`: which one")
    dump.add_argument("--out", type=Path, required=True)
    dump.add_argument("--project", help="one project (default: every project)")


async def run(args: argparse.Namespace, store: "Store", settings: "Settings", now: datetime) -> int:
    # Imported here so that `sitebot serve` starts without loading the spreadsheet code.
    from bot.paths import TEMPLATES_DIR
    from domain.errors import DomainError
    from handlers.chat.i18n import Catalog

    catalog = Catalog(TEMPLATES_DIR / "i18n")

    def t(key: str, **params: object) -> str:
        return catalog.t(settings.default_locale, key, **params)

    try:
        if args.command == "export":
            return await _export(args, store, t)
        return await _import(args, store, t, now)
    except DomainError as error:
        print(f"sitebot: {t(error.key, **error.params)}", file=sys.stderr)
        return 1


async def _import(args: argparse.Namespace, store: "Store", t, now: datetime) -> int:  # noqa: ANN001
    from domain.imports import apply as importing
    from bot.platforms import ACCOUNT_PLATFORMS
    from domain.imports.rows import read
    from handlers.imports.wording import change_line, problem_line
    from handlers.imports.words import role_word

    if not args.file.is_file():
        print(t("customer.io.no_file", path=str(args.file)), file=sys.stderr)
        return 1
    parsed = read(args.file.read_bytes(), role_word, args.kind, platforms=ACCOUNT_PLATFORMS)
    async with store.transaction() as tx:
        context = importing.Context(await _actor(tx, args.actor), await _project(tx, args.project), now, "cli")
        outcome = await importing.preview(tx, parsed, context)
        if not outcome.problems and not args.check:
            outcome = await importing.apply(tx, parsed, context, args.file.name)
    for change in outcome.changes:
        print(change_line(t, change))
    if outcome.problems:
        print(t("imports.refused", count=len(outcome.problems)), file=sys.stderr)
        for problem in outcome.problems:
            print(problem_line(t, problem), file=sys.stderr)
        return 1
    if not args.check:
        print(t("imports.done", kind=t("imports.kind", name=args.kind),
                **{v: outcome.count(v) for v in ("create", "change", "same")}))
    return 0


async def _export(args: argparse.Namespace, store: "Store", t) -> int:  # noqa: ANN001
    from domain.imports.export import export_rows
    from domain.imports.schema import KINDS as SHEETS
    from domain.imports.template import workbook_bytes

    if args.kind == "template":
        kind = SHEETS[args.template_kind or "plan"]
        notes = (t("imports.notes.common") + "\n" + t(f"imports.notes.{kind.name}")).splitlines()
        args.out.write_bytes(workbook_bytes(kind, kind.example, notes))
        print(t("customer.io.exported", count=len(kind.example), path=str(args.out)))
        return 0
    async with store.transaction() as tx:
        project = await _project(tx, args.project)
        projects = [project] if project else await tx.projects.all()
        rows = await export_rows(tx, args.kind, projects, org_roles=project is None)
    args.out.write_bytes(workbook_bytes(SHEETS[args.kind], rows))
    print(t("customer.io.exported", count=len(rows), path=str(args.out)))
    return 0


async def _actor(tx: "Tx", name: str | None):  # noqa: ANN202
    from domain.errors import InvalidInput
    from domain.people import find_person_by_name
    from domain.store.repos.setup import setup_repo

    if name:
        return await find_person_by_name(tx, name)
    admins = await setup_repo(tx).admins()
    if not admins:
        raise InvalidInput("imports.row.no_actor")
    return admins[0]


async def _project(tx: "Tx", code: str | None):  # noqa: ANN202
    from domain.people import project_by_code
    from handlers.setup.words import project_code

    return await project_by_code(tx, project_code(code) or code) if code else None
