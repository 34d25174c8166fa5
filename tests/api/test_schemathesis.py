"""The OpenAPI document fuzzed against the running app (schemathesis): every documented
operation gets generated requests — valid ones and ones the schema forbids — sent over real
HTTP with a token holding every scope; no answer may be a 500, and every answer must match
what the document says (status, content type, headers, body schema), and a request the
schema forbids must be refused.

Not checked: that every schema-valid request is accepted (schemathesis' positive data check).
The schema cannot say all the rules: a cursor is opaque (only one this server gave is good,
400 otherwise), an amount is free text 回款 parses (422 when it is not money), a project code
must exist among the token's projects (404) — each answered with its problem, by design."""
from __future__ import annotations

import asyncio

import schemathesis
from schemathesis.checks import positive_data_acceptance
from hypothesis import HealthCheck, Phase, given, settings

from bot.api.kernel import LIMITER
from domain.integrations.tokens import SCOPES

EXAMPLES = 12   # per operation: ~25 operations stay well under a minute on either database


def fuzz(spec: dict, base_url: str, secret: str) -> list[str]:
    """Runs in a thread (schemathesis calls synchronously) while the test's loop serves."""
    schema = schemathesis.openapi.from_dict(spec)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case) -> None:  # noqa: ANN001
            case.call_and_validate(base_url=base_url, headers={"Authorization": f"Bearer {secret}"},
                                   excluded_checks=[positive_data_acceptance])

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:   # noqa: BLE001 - collect them all, then report
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    return failures


async def test_every_documented_operation_holds_to_the_document(api):
    secret = await api.token("fuzz", "--scope", ",".join(SCOPES))
    limiter = api.app[LIMITER]
    limiter.per_minute = limiter.burst = 1_000_000    # the clock is fixed: no refill
    response = await api.client.get("/api/v1/openapi.json")
    spec = await response.json()
    base_url = str(api.client.make_url("/")).rstrip("/")
    failures = await asyncio.to_thread(fuzz, spec, base_url, secret)
    assert not failures, "\n\n".join(failures)


async def test_nul_and_broken_unicode_are_refused_not_a_500(api):
    """What the fuzzer found on PostgreSQL: a NUL in a filter reached the query (PostgreSQL
    refuses NUL in text) and came back as a 500."""
    secret = await api.token("fuzz", "--scope", ",".join(SCOPES))
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    response = await api.client.get("/api/v1/payment-milestones?project=%00", headers=headers)
    assert response.status == 400 and (await response.json(content_type=None))["title"] == "Bad characters"
    for raw in ('{"project": "P-001", "text": "漏水\\u0000"}', '{"project": "P-001", "text": "\\ud800"}'):
        response = await api.client.post("/api/v1/tickets", data=raw, headers=headers)
        body = await response.json(content_type=None)
        assert response.status == 422 and body["title"] == "Invalid body", body
        assert response.headers["Content-Type"].startswith("application/problem+json")
    _, tickets = await api.call("GET", "/api/v1/tickets", secret)
    assert tickets["items"] == []
