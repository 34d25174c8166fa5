"""Every /api/v1 call, whatever the route: the token (Bearer), the rate limit, the scope, the
body against its schema, Idempotency-Key, one transaction, the audit entry, and errors as
application/problem+json. What a handler said through the chat machinery (cards redrawn,
people told) is queued in the same transaction, exactly as a chat command's replies are."""
from __future__ import annotations

import hashlib
import json
import logging
import uuid
from functools import partial
from typing import Any

from aiohttp import web

from bot import keys
from bot.api.endpoint import ApiProblem, Call, Endpoint
from bot.api.limits import RateLimiter
from domain.errors import Conflict, DomainError, InvalidInput, InvalidTransition, NotAllowed, NotFound
from domain.integrations.tokens import acting_person, token_for_secret
from domain.store.repos.integrations import IntegrationsRepo
from handlers.chat.outbox_writer import queue_reply

log = logging.getLogger(__name__)
LIMITER: web.AppKey[RateLimiter] = web.AppKey("api_limiter")
PROBLEM = "application/problem+json"
_DUMPS = partial(json.dumps, ensure_ascii=False)   # 进度款, not \u8fdb
_DOMAIN_STATUS = [(NotAllowed, 403, "Not allowed"), (NotFound, 404, "Not found"),
                  (Conflict, 409, "Changed at the same moment; try again"),
                  (InvalidTransition, 409, "Not possible in its present state"),
                  (InvalidInput, 422, "Invalid input")]


def problem_response(error: ApiProblem) -> web.Response:
    return web.json_response(_problem_body(error), status=error.status, content_type=PROBLEM,
                             headers=error.headers, dumps=_DUMPS)


def view(endpoint: Endpoint) -> Any:
    async def run(request: web.Request) -> web.Response:
        try:
            return await _serve(request, endpoint)
        except ApiProblem as error:
            return problem_response(error)
    return run


async def _serve(request: web.Request, endpoint: Endpoint) -> web.Response:
    app = request.app
    store, dispatcher, now = app[keys.STORE], app[keys.DISPATCHER], app[keys.CLOCK]()
    secret = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    async with store.transaction() as tx:
        token = await token_for_secret(tx, secret) if secret else None
        if token is None:
            error = ApiProblem(401, "Missing or unknown token",
                               "Send Authorization: Bearer <token> (sitebot token create).")
            error.headers["WWW-Authenticate"] = 'Bearer realm="sitebot"'
            raise error
        wait = app[LIMITER].take(token.id, now)
        if wait:   # not audited: a flood of these must not become a flood of rows
            error = ApiProblem(429, "Too many requests", f"This token may call again in {wait:.0f} s.")
            error.headers["Retry-After"] = f"{wait:.0f}"
            raise error
        person = await tx.people.get(token.person_id)   # checked in _authorised, after the scope
        person = acting_person(token, person) if person is not None else None
        call = Call(tx, dispatcher.deps, token, person, now, dict(request.match_info), dict(request.query),
                    None, uuid.uuid4().hex)
        try:
            status, answer, outcome, headers = await _authorised(request, endpoint, call)
        except ApiProblem as error:   # refused before the handler ran: audited all the same
            status, answer, outcome, headers = error.status, _problem_body(error), "refused", error.headers
        await IntegrationsRepo(tx.session).touch(token.id, now)
        tx.audit.append(at=now, actor_id=token.person_id, platform="api", action=f"api.{endpoint.name}",
                        subject_type="api_token", subject_id=token.id,
                        data={"token": token.name, "method": endpoint.method, "path": request.path,
                              "status": status, "outcome": outcome},
                        message_ref=f"api:{call.request_id}")
    if call.ctx is not None:
        app[keys.WORKER].poke()
    return _json(status, answer, headers)


async def _authorised(request: web.Request, endpoint: Endpoint,
                      call: Call) -> tuple[int, dict[str, Any], str, dict[str, str]]:
    """Scope, the person, the body, Idempotency-Key, then the handler."""
    token, tx = call.token, call.tx
    if endpoint.scope not in token.scopes:
        raise ApiProblem(403, "Missing scope", f"This call needs the scope {endpoint.scope}.",
                         scope=endpoint.scope)
    if call.person is None or not call.person.active:
        raise ApiProblem(403, "Not allowed", "The person this token acts as is not active.")
    if not _clean([call.path, call.query]):
        raise ApiProblem(400, "Bad characters", _UNCLEAN)
    call.body = await _body(request, endpoint)
    idem_key = request.headers.get("Idempotency-Key") if endpoint.method == "POST" else None
    repo = IntegrationsRepo(tx.session)
    request_hash = hashlib.sha256(json.dumps([endpoint.method, request.path, call.body], sort_keys=True,
                                             default=str).encode()).hexdigest()
    if idem_key:
        stored = await repo.idempotent(token.id, idem_key)
        if stored is not None:
            if stored.request_hash != request_hash:
                raise ApiProblem(422, "Idempotency-Key reused with another request",
                                 "Each key stands for one request; use a new key for a new one.")
            return stored.status, stored.body, "replayed", {"Idempotent-Replayed": "true"}
        call.request_id = idem_key
    status, answer, outcome = await _attempt(call, endpoint)
    if idem_key:
        repo.remember(token.id, idem_key, request_hash, status, answer, call.now)
    return status, answer, outcome, {}


async def _attempt(call: Call, endpoint: Endpoint) -> tuple[int, dict[str, Any], str]:
    """The handler in a savepoint: a refusal undoes its writes and becomes a problem answer
    (still audited, like a refused chat command)."""
    try:
        async with call.tx.savepoint():
            status, answer = await endpoint.handler(call)
            if call.ctx is not None:   # replies and card redraws, as a chat command queues them
                call.ctx.reply.messages = [m for m in call.ctx.reply.messages if m.target.platform != "api"]
                await queue_reply(call.tx, call.deps, call.ctx.reply, f"api:{call.token.id}:{call.request_id}",
                                  call.now)
            return status, answer, "done"
    except DomainError as error:
        status, title = next(((s, t) for kind, s, t in _DOMAIN_STATUS if isinstance(error, kind)),
                             (422, "Refused"))
        problem = ApiProblem(status, title, call.deps.t(call.deps.default_locale, error.key, **error.params))
    except ApiProblem as error:
        problem = error
    call.ctx = None
    return problem.status, _problem_body(problem), "refused"


def _problem_body(problem: ApiProblem) -> dict[str, Any]:
    return {"type": "about:blank", "title": problem.title, "status": problem.status,
            **({"detail": problem.detail} if problem.detail else {}), **problem.extra}


async def _body(request: web.Request, endpoint: Endpoint) -> dict[str, Any] | None:
    if endpoint.body is None:
        return None
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise ApiProblem(400, "Body is not JSON", "Send a JSON object with Content-Type: application/json.")
    if not _clean(body):
        raise ApiProblem(422, "Invalid body", _UNCLEAN)
    import jsonschema   # here, at the first call with a body: 2 MiB a server without API calls need not hold
    errors = sorted(jsonschema.Draft202012Validator(endpoint.body).iter_errors(body), key=str)
    if errors:
        raise ApiProblem(422, "Invalid body", "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or 'body'}: {e.message}" for e in errors[:5]))
    return body


_UNCLEAN = "Text may not hold NUL characters or broken Unicode (lone surrogates)."


def _clean(value: Any) -> bool:
    """No NUL and no lone surrogate in any string: PostgreSQL refuses the one, UTF-8 the other,
    and either would otherwise end as a 500 deep in a query (schemathesis found it)."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_clean(k) and _clean(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_clean(v) for v in value)
    return True


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> web.Response:
    content_type = PROBLEM if status >= 400 else "application/json"
    return web.json_response(body, status=status, content_type=content_type, headers=headers, dumps=_DUMPS)
