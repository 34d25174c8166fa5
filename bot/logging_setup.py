"""How sitebot logs: one line per event worth reading, plain or JSON.

`SITEBOT_LOG_FORMAT=json` gives one JSON object a line (for Loki, ELK, journald's JSON export):
time, level, logger, message, and the event's fields (`platform`, `kind`, `user`, `chat`,
`outcome`, `ms` …) as keys of their own. Anything else: `time LEVEL logger: message`.
`SITEBOT_LOG_LEVEL` (default INFO).

What is worth a line: an event handled (what, from whom, in which chat, how it ended, how
long), a message sent (to whom, result, how long), a failure. What is not: the scheduler's
ticks (APScheduler's "Job ... executed" lines are kept to WARNING; a pass is DEBUG), the
access log (off in `serve`).
"""
from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    from handlers.chat.contract import Inbound, Target

FORMAT_ENV, LEVEL_ENV = "SITEBOT_LOG_FORMAT", "SITEBOT_LOG_LEVEL"
PLAIN = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET = {"apscheduler": logging.WARNING, "alembic": logging.WARNING, "aiohttp.access": logging.WARNING}
# LogRecord's own attributes; anything else on a record came through `extra=` and is a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

events_log = logging.getLogger("sitebot.events")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(env: Mapping[str, str] | None = None) -> None:
    """Called once by the command line (bot/cli.py), never at import."""
    env = os.environ if env is None else env
    handler = logging.StreamHandler()
    json_lines = env.get(FORMAT_ENV, "").strip().lower() == "json"
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(PLAIN))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(env.get(LEVEL_ENV, "INFO").strip().upper() or "INFO")
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)


class EventLog:
    """The Observer (bot/observe.py) that writes the lines worth reading."""

    def inbound(self, platform: str, outcome: str) -> None:
        pass   # a refusal is logged by its edge with the reason; an accepted one when handled

    def handled(self, event: "Inbound", outcome: str, seconds: float) -> None:
        kind = getattr(event, "action", None) or type(event).__name__.lower()
        fields = {"platform": event.platform, "kind": kind, "user": event.actor.user_id,
                  "chat": event.conversation.chat_id, "event_id": event.event_id, "outcome": outcome,
                  "ms": round(seconds * 1000, 1)}
        events_log.info("%s %s from %s in %s: %s in %.0f ms", event.platform, kind, event.actor.user_id,
                        event.conversation.chat_id, outcome, seconds * 1000, extra=fields)

    def sent(self, target: "Target", op: str, result: str, seconds: float) -> None:
        fields = {"platform": target.platform, "op": op, "to": f"{target.kind}:{target.id}",
                  "result": result, "ms": round(seconds * 1000, 1)}
        level = logging.INFO if result == "ok" else logging.WARNING
        events_log.log(level, "%s %s to %s %s: %s in %.0f ms", target.platform, op, target.kind, target.id,
                       result, seconds * 1000, extra=fields)

    def deferred(self, platform: str) -> None:
        events_log.debug("%s send put back: a rate-limit window is full", platform)

    def job_ran(self, job: str, outcome: str, seconds: float) -> None:
        pass   # bot/jobs.py: DEBUG per pass, ERROR with the traceback when one fails
