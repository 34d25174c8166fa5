"""The OpenAPI 3.1 document of /api/v1, generated from the same declarations the server
installs (bot/api/table.py)."""
from __future__ import annotations

import re
from typing import Any

from bot.api import schemas
from bot.api.endpoint import Endpoint
from domain.integrations.tokens import SCOPES

_ERRORS = {"400": "Bad request (cursor, limit, filter)", "401": "Missing or unknown token",
           "403": "The token lacks the scope, or the person it acts as may not do this",
           "404": "Not found, or outside the token's projects", "409": "A question or a conflict",
           "422": "Invalid body or input", "429": "Rate limit: see Retry-After"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    body = schemas.page_of(endpoint.response) if endpoint.paged else endpoint.response
    ok = {str(endpoint.status): {"description": "OK", "content": {"application/json": {"schema": body}}}}
    if endpoint.method == "POST":
        ok["200"] = {"description": "Done before (the same voucher, a ticket resolved already): the earlier result",
                     "content": {"application/json": {"schema": body}}}
    params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
              for p in re.findall(r"{(\w+)}", endpoint.path)]
    params += [{"name": q.name, "in": "query", "required": False, "description": q.description,
                "schema": q.schema} for q in endpoint.query]
    if endpoint.method == "POST":
        params.append({"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string"},
                       "description": "a retried POST with the same key has one effect and gets the first answer"})
    operation: dict[str, Any] = {
        "operationId": endpoint.name, "summary": endpoint.summary, "tags": [endpoint.tag],
        "security": [{"token": [endpoint.scope]}], "x-scope": endpoint.scope, "parameters": params,
        "responses": {**ok, **{code: _problem(text) for code, text in _ERRORS.items()}},
    }
    if endpoint.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": endpoint.body}}}
    return operation


def document(endpoints: tuple[Endpoint, ...], server_url: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint)
    scopes = "\n".join(f"- `{name}`: {text}" for name, text in SCOPES.items())
    return {
        "openapi": "3.1.0",
        "info": {"title": "sitebot open API", "version": "1",
                 "description": "For ERP, OA and finance systems. Every call carries a token made by an "
                                "admin (`sitebot token create NAME --scope …`), sent as "
                                "`Authorization: Bearer sbt_…`. Scopes:\n" + scopes},
        "servers": [{"url": server_url}],
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
                       "schemas": {"Problem": schemas.PROBLEM_SCHEMA}},
        "paths": paths,
    }
