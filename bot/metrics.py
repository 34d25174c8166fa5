"""`GET /metrics` in Prometheus' text format, and the Prometheus `Observer` (bot/observe.py).

One registry per app, made by the composition root (bot/app.py), never at import time: two
apps in one process (tests) count apart, and importing this module registers nothing.
The outbox figures are read from the database when scraped (one cheap grouped query), so they
are right whichever process delivers.
"""
from __future__ import annotations

import time
from typing import Any, Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot import keys
from bot.connection_lease import CONNECTIONS
from bot.delivery.monitor import outbox_counts
from bot.delivery.ports import Adapter, PermanentError, PostRef, RateLimited, Sent, TransientError
from bot.observe import Observer
from handlers.chat.contract import Inbound, Target

WEBHOOKS = "/webhooks/"
# Handling one event is milliseconds to a second; a job pass can take much longer.
HANDLER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0)


class PrometheusObserver:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.inbound_total = Counter("sitebot_inbound_events", "Platform callbacks answered, by outcome "
                                     "(accepted, refused, busy, error)", ["platform", "outcome"], registry=r)
        self.handled_total = Counter("sitebot_events_handled", "Stored events handled, by outcome "
                                     "(done, duplicate)", ["platform", "outcome"], registry=r)
        self.handler_seconds = Histogram("sitebot_handler_seconds", "Time to handle one stored event",
                                         ["platform"], buckets=HANDLER_BUCKETS, registry=r)
        self.sends_total = Counter("sitebot_sends", "Sends and card updates to a platform, by result "
                                   "(ok, rate_limited, transient, refused, error)", ["platform", "result"],
                                   registry=r)
        self.deferrals_total = Counter("sitebot_rate_limit_deferrals", "Sends put back because a "
                                       "rate-limit window was full", ["platform"], registry=r)
        self.job_runs_total = Counter("sitebot_job_runs", "Scheduled job passes, by outcome (ok, failed)",
                                      ["job", "outcome"], registry=r)
        self.job_seconds = Histogram("sitebot_job_seconds", "Time a scheduled job's pass took", ["job"],
                                     buckets=JOB_BUCKETS, registry=r)
        self.outbox_pending = Gauge("sitebot_outbox_pending", "Outbox rows waiting to be sent", registry=r)
        self.outbox_oldest = Gauge("sitebot_outbox_oldest_pending_seconds", "How long the oldest "
                                   "waiting outbox row has waited (0 when none)", registry=r)
        self.connection_held = Gauge("sitebot_connection_held", "1 while this process holds the "
                                     "platform's connection (Feishu ws, DingTalk stream)", ["platform"], registry=r)
        self._inbound: dict[tuple[str, str], Any] = {}
        self.outbox_failed = Gauge("sitebot_outbox_failed", "Outbox rows failed, by why (outage_waiting, "
                                   "outage_expired, permanent)", ["failure"], registry=r)

    def inbound(self, platform: str, outcome: str) -> None:
        # Once per callback, before its answer: the labelled child is looked up once, not per call.
        child = self._inbound.get((platform, outcome))
        if child is None:
            child = self._inbound[(platform, outcome)] = self.inbound_total.labels(platform, outcome)
        child.inc()

    def handled(self, event: Inbound, outcome: str, seconds: float) -> None:
        self.handled_total.labels(event.platform, outcome).inc()
        self.handler_seconds.labels(event.platform).observe(seconds)

    def sent(self, target: Target, op: str, result: str, seconds: float) -> None:
        self.sends_total.labels(target.platform, result).inc()

    def deferred(self, platform: str) -> None:
        self.deferrals_total.labels(platform).inc()

    def job_ran(self, job: str, outcome: str, seconds: float) -> None:
        self.job_runs_total.labels(job, outcome).inc()
        self.job_seconds.labels(job).observe(seconds)


def _inbound_outcome(status: int) -> str:
    if status < 400:
        return "accepted"
    if status in (429, 503):
        return "busy"      # asked the platform to deliver again
    return "refused" if status < 500 else "error"


def inbound_middleware(observer: PrometheusObserver) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Counts every answer to a platform callback (/webhooks/<platform>…) by what it was."""
    @web.middleware
    async def count(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                    ) -> web.StreamResponse:
        if not request.path.startswith(WEBHOOKS) or request.method != "POST":
            return await handler(request)
        platform = request.path[len(WEBHOOKS):].split("/", 1)[0] or "unknown"
        try:
            response = await handler(request)
        except web.HTTPException as error:
            observer.inbound(platform, _inbound_outcome(error.status))
            raise
        except Exception:
            observer.inbound(platform, "error")
            raise
        observer.inbound(platform, _inbound_outcome(response.status))
        return response
    return count


class CountingAdapter:
    """A platform adapter as the delivery worker sees it, reporting each send's result and time
    (metrics and the event log); anything else (limits, uploads) is the adapter's own."""

    def __init__(self, adapter: Adapter, observer: Observer) -> None:
        self._adapter, self._observer = adapter, observer
        self.platform = adapter.platform

    def __getattr__(self, name: str) -> Any:
        return getattr(self._adapter, name)

    async def send(self, target: Target, body: Any, *, idempotency_key: str, reply_to: str | None) -> Sent:
        return await self._counted(target, "send", self._adapter.send(
            target, body, idempotency_key=idempotency_key, reply_to=reply_to))

    async def update(self, post: PostRef, body: Any) -> Sent | None:
        return await self._counted(post.target, "update", self._adapter.update(post, body))

    async def _counted(self, target: Target, op: str, call: Awaitable[Any]) -> Any:
        started = time.perf_counter()
        try:
            result = await call
        except Exception as error:
            self._observer.sent(target, op, _result(error), time.perf_counter() - started)
            raise
        self._observer.sent(target, op, "ok", time.perf_counter() - started)
        return result


def _result(error: Exception) -> str:
    if isinstance(error, RateLimited):
        return "rate_limited"
    if isinstance(error, TransientError):
        return "transient"
    return "refused" if isinstance(error, PermanentError) else "error"


async def metrics(request: web.Request) -> web.Response:
    app = request.app
    observer = app[keys.METRICS]
    try:
        now = app[keys.CLOCK]()
        counts = await outbox_counts(app[keys.STORE], app[keys.SETTINGS].delivery, now)
    except Exception:  # the counters still answer; the outbox gauges keep their last values
        counts = None
    if counts is not None:
        observer.outbox_pending.set(counts.pending)
        oldest = counts.oldest_pending
        observer.outbox_oldest.set((now - oldest).total_seconds() if oldest else 0.0)
        for failure, value in (("outage_waiting", counts.failed_outage), ("outage_expired", counts.failed_expired),
                               ("permanent", counts.failed_permanent)):
            observer.outbox_failed.labels(failure).set(value)
    for platform, held in app.get(CONNECTIONS, {}).items():
        observer.connection_held.labels(platform).set(1 if held.holding.is_set() else 0)
    return web.Response(body=generate_latest(observer.registry),
                        headers={"Content-Type": CONTENT_TYPE_LATEST})

