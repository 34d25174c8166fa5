"""What a route of /api/v1 declares (its method, path, scope, schemas …) and what its handler
gets (`Call`). The server and the OpenAPI document are both built from these declarations."""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from domain.store.models import ApiToken, Person, Project
from domain.store.uow import Tx
from handlers.chat.context import Deps

if TYPE_CHECKING:
    from handlers.chat.context import Ctx


class ApiProblem(Exception):
    """An answer in application/problem+json (RFC 9457): a title that says what is wrong."""

    def __init__(self, status: int, title: str, detail: str | None = None, **extra: Any) -> None:
        super().__init__(title)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra
        self.headers: dict[str, str] = {}


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})


@dataclass
class Call:
    """One authorised call: its token, the person it acts as, the open transaction."""
    tx: Tx
    deps: Deps
    token: ApiToken
    person: Person
    now: datetime
    path: dict[str, str]
    query: dict[str, str]
    body: dict[str, Any] | None
    request_id: str
    ctx: "Ctx | None" = None      # set when a handler answers through the chat machinery

    @property
    def project_ids(self) -> list[int] | None:
        """The projects the token is limited to; None: all."""
        return list(self.token.project_ids) or None

    async def project(self, code: str) -> Project:
        project = await self.tx.projects.by_code(code.strip().upper())
        if project is None or (self.project_ids is not None and project.id not in self.project_ids):
            # A project outside the token's list is answered like an unknown one: no probing.
            raise ApiProblem(404, "Project not found", f"No project {code} this token may see.")
        return project

    def allows_project(self, project_id: int | None) -> bool:
        return self.project_ids is None or project_id in self.project_ids


Handler = Callable[[Call], Awaitable[tuple[int, Any]]]


@dataclass(frozen=True)
class Endpoint:
    method: str                      # GET | POST | DELETE
    path: str                        # aiohttp form: /api/v1/tickets/{id}
    name: str                        # operationId
    scope: str                       # the token scope it needs
    summary: str
    handler: Handler
    response: dict[str, Any]         # JSON Schema of a 2xx body (of one item when `paged`)
    status: int = 200
    body: dict[str, Any] | None = None
    query: tuple[Param, ...] = ()
    paged: bool = False
    tag: str = "general"


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind == "id" and value.isdigit():
            return int(value)
    except (ValueError, UnicodeDecodeError):
        pass
    raise ApiProblem(400, "Bad cursor", "Pass back the next_cursor of the previous page unchanged.")
