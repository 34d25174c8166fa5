"""`sitebot role add NAME ROLE [--identity platform:user_id]`, `role remove NAME ROLE`,
`role list`: org-wide roles (财务, 部门主管, 总部客服 …) from the command line, with the same
rules and wording as `角色` in chat."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings
    from domain.store.uow import Store


def add_commands(sub: argparse._SubParsersAction) -> None:
    role = sub.add_parser("role", help="org-wide roles: finance, dept head, HQ service …")
    role_sub = role.add_subparsers(dest="role_command", required=True)
    add = role_sub.add_parser("add", help="give a person an org-wide role")
    add.add_argument("name", help="the person's name")
    add.add_argument("role", help="财务 / finance, 部门主管 / dept_head, 总部客服 / hq_service …")
    add.add_argument("--identity", help="platform:user_id, e.g. feishu:ou_123 (creates the person)")
    remove = role_sub.add_parser("remove", help="take an org-wide role away")
    remove.add_argument("name")
    remove.add_argument("role")
    role_sub.add_parser("list", help="who holds which org-wide role")


async def run(args: argparse.Namespace, store: "Store", settings: "Settings", now: datetime) -> int:
    from bot.paths import TEMPLATES_DIR
    from domain import org_roles, people
    from domain.errors import DomainError, InvalidInput
    from handlers.chat.i18n import Catalog
    from handlers.setup.words import role_word

    catalog = Catalog(TEMPLATES_DIR / "i18n")

    def t(key: str, **params: object) -> str:
        return catalog.t(settings.default_locale, key, **params)

    try:
        async with store.transaction() as tx:
            if args.role_command == "list":
                for held in await org_roles.holders(tx, None):
                    names = "、".join(p.name for p in held.people) or t("roles.nobody")
                    print(t("roles.line", role=t(f"role.{held.role.value}"), people=names))
                return 0
            role = role_word(args.role)
            if role is None:
                raise InvalidInput("roles.bad_role", word=args.role)
            if args.role_command == "add" and args.identity:
                platform, _, external_id = args.identity.partition(":")
                if not platform or not external_id:
                    raise InvalidInput("error.invalid_input", value=args.identity)
                person = await people.ensure_person(tx, platform, external_id, args.name, now)
            else:
                person = await people.find_person_by_name(tx, args.name)
            name = t(f"role.{role.value}")
            if args.role_command == "add":
                done = await org_roles.grant(tx, None, person, role, now, "cli")
                print(t("roles.granted" if done else "roles.had", name=person.name, role=name))
            else:
                done = await org_roles.revoke(tx, None, person, role, now, "cli")
                print(t("roles.revoked" if done else "roles.not_held", name=person.name, role=name))
    except DomainError as error:
        print(f"sitebot: {t(error.key, **error.params)}", file=sys.stderr)
        return 1
    return 0
