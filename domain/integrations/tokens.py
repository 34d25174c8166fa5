"""Integration tokens: made by an admin (`sitebot token create`), shown once, kept as a sha256
hash; each names its scopes and, when limited, its projects.

A token acts as a person, so what it does goes through the same services and the same role
checks as chat, and the audit log names who. By default that is a person of its own named like
the token, which holds, while one of its calls runs, the org-wide roles its write scopes need
(payments:write → 财务, …) and no role at all in the database: stored, 部门主管 or 总部客服 would
make it an approver of others' changes, an escalation step or a report recipient that nobody
reads. `--as NAME` makes it act as an existing person instead (then it can do no more than that
person could in chat)."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from domain.enums import Role
from domain.errors import InvalidInput, NotFound
from domain.people import find_person_by_name
from domain.store.models import ApiToken, Person
from domain.store.repos.integrations import IntegrationsRepo
from domain.store.uow import Tx

PREFIX = "sbt_"
# scope -> what it allows (the API's route table names one per route).
SCOPES = {
    "projects:read": "projects, milestones, progress, daily logs",
    "tickets:read": "tickets and their timelines",
    "tickets:write": "open tickets, comment on them, resolve them",
    "customers:read": "customers and their contacts",
    "changes:read": "change requests",
    "changes:write": "raise change requests",
    "contracts:read": "contracts and their payment milestones",
    "payments:read": "payments received",
    "payments:write": "record payments (exactly as 回款 does)",
    "webhooks:admin": "outbound webhook subscriptions: add, list, remove, replay",
}
# The org-wide role a token's own person needs for a write scope (domain/access.py).
_ROLES_FOR = {"payments:write": Role.FINANCE, "tickets:write": Role.HQ_SERVICE,
              "changes:write": Role.DEPT_HEAD}


@dataclass(frozen=True)
class Created:
    token: ApiToken
    secret: str          # shown once; only its hash is stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_scopes(text: str) -> list[str]:
    scopes = sorted({s.strip() for s in text.split(",") if s.strip()})
    unknown = [s for s in scopes if s not in SCOPES]
    if not scopes or unknown:
        raise InvalidInput("api.token.bad_scope", scope=", ".join(unknown) or "-",
                           known=", ".join(SCOPES))
    return scopes


async def create_token(tx: Tx, name: str, scopes: list[str], project_codes: list[str],
                       act_as: str | None, now: datetime) -> Created:
    repo = IntegrationsRepo(tx.session)
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("error.invalid_input", value=name)
    if await repo.token_by_name(name) is not None:
        raise InvalidInput("api.token.exists", name=name)
    project_ids = []
    for code in project_codes:
        project = await tx.projects.by_code(code.strip().upper())
        if project is None:
            raise NotFound("error.project_not_found", code=code, codes="")
        project_ids.append(project.id)
    if act_as:
        person = await find_person_by_name(tx, act_as)
    else:
        person = Person(name=name, org_roles=[], created_at=now)   # its roles: acting_person
        tx.add(person)
        await tx.flush()
    secret = PREFIX + secrets.token_urlsafe(32)   # 256 bits: a hash without salt is enough
    token = ApiToken(name=name, secret_hash=hash_secret(secret), prefix=secret[:10], scopes=scopes,
                     project_ids=sorted(project_ids), person_id=person.id, own_person=not act_as,
                     created_at=now)
    repo.add(token)
    await repo.flush()
    tx.audit.append(at=now, actor_id=None, platform="cli", action="api.token.create",
                    subject_type="api_token", subject_id=token.id,
                    data={"name": name, "scopes": scopes, "projects": project_codes,
                          "acts_as": person.name})
    return Created(token, secret)


def scope_roles(scopes: list[str]) -> list[str]:
    """The org-wide roles a token's own person acts with."""
    return sorted({_ROLES_FOR[s].value for s in scopes if s in _ROLES_FOR})


def acting_person(token: ApiToken, person: Person) -> Person:
    """Who a call acts as: the person itself for `--as`; for the token's own person a copy that
    holds the roles of the token's write scopes — never added to the session, so the roles are
    this call's alone."""
    if not token.own_person:
        return person
    return Person(id=person.id, name=person.name, phone=person.phone, email=person.email,
                  locale=person.locale, is_admin=person.is_admin, superior_id=person.superior_id,
                  org_roles=sorted(set(scope_roles(list(token.scopes))) | set(person.org_roles or ())),
                  active=person.active, created_at=person.created_at)


async def revoke_token(tx: Tx, name: str, now: datetime) -> bool:
    """False when it was revoked before."""
    token = await IntegrationsRepo(tx.session).token_by_name(name)
    if token is None:
        raise NotFound("api.token.unknown", name=name)
    if token.revoked_at is not None:
        return False
    token.revoked_at = now
    tx.audit.append(at=now, actor_id=None, platform="cli", action="api.token.revoke",
                    subject_type="api_token", subject_id=token.id, data={"name": name})
    return True


async def token_for_secret(tx: Tx, secret: str) -> ApiToken | None:
    """The live token this secret belongs to; None when unknown or revoked."""
    if not secret.startswith(PREFIX):
        return None
    token = await IntegrationsRepo(tx.session).token_by_hash(hash_secret(secret))
    return token if token is not None and token.revoked_at is None else None
