"""`sitebot token create NAME --scope tickets:read,payments:write [--project P-001] [--as NAME]`,
`token list`, `token revoke NAME`: the open API's integration tokens (domain/integrations)."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings
    from domain.store.uow import Store


def add_commands(sub: argparse._SubParsersAction) -> None:
    token = sub.add_parser("token", help="open API tokens for ERP, OA and finance systems")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", help="make a token (shown once, stored hashed)")
    create.add_argument("name", help="what calls with it, e.g. 金蝶ERP")
    create.add_argument("--scope", required=True,
                        help="comma-separated: projects:read, tickets:read, tickets:write, "
                             "customers:read, changes:read, changes:write, contracts:read, "
                             "payments:read, payments:write, webhooks:admin")
    create.add_argument("--project", action="append", default=[],
                        help="limit it to this project (repeat for several; default all)")
    create.add_argument("--as", dest="act_as",
                        help="act as this existing person (default: a person of its own)")
    token_sub.add_parser("list", help="every token, its scopes and projects, live or revoked")
    revoke = token_sub.add_parser("revoke", help="refuse every later call made with a token")
    revoke.add_argument("name")


async def run(args: argparse.Namespace, store: "Store", settings: "Settings", now: datetime) -> int:
    from bot.paths import TEMPLATES_DIR
    from domain.errors import DomainError
    from domain.integrations import tokens
    from domain.store.repos.integrations import IntegrationsRepo
    from handlers.chat.i18n import Catalog

    catalog = Catalog(TEMPLATES_DIR / "i18n")

    def t(key: str, **params: object) -> str:
        return catalog.t(settings.default_locale, key, **params)

    try:
        async with store.transaction() as tx:
            if args.token_command == "create":
                scopes = tokens.parse_scopes(args.scope)
                made = await tokens.create_token(tx, args.name, scopes, args.project, args.act_as, now)
                person = await tx.people.get(made.token.person_id)
                print(t("api.token.created", name=made.token.name, scopes=",".join(scopes),
                        projects=",".join(p.upper() for p in args.project),
                        person=person.name if person else "-"), file=sys.stderr)
                print(made.secret)   # alone on stdout, so a script can capture it
            elif args.token_command == "revoke":
                done = await tokens.revoke_token(tx, args.name, now)
                print(t("api.token.revoked" if done else "api.token.was_revoked", name=args.name))
            else:
                listed = await IntegrationsRepo(tx.session).tokens()
                if not listed:
                    print(t("api.token.none"))
                codes = {p.id: p.code for p in await tx.projects.all()}
                for token, person in listed:
                    state = (t("api.token.revoked_state", at=token.revoked_at.astimezone(
                        settings.timezone).strftime("%Y-%m-%d %H:%M"))
                        if token.revoked_at else t("api.token.live"))
                    projects = ",".join(codes.get(i, "?") for i in token.project_ids) or t(
                        "api.token.all_projects")
                    print(t("api.token.line", name=token.name, prefix=token.prefix,
                            scopes=",".join(token.scopes), projects=projects, person=person,
                            state=state))
    except DomainError as error:
        print(f"sitebot: {t(error.key, **error.params)}", file=sys.stderr)
        return 1
    return 0
