"""Typed settings: config/default.toml, an optional site TOML, then SITEBOT_* environment variables.

Loaded once at start-up by the CLI and handed to `create_app`; nothing reads the environment
later. A bad value raises `ConfigError` whose message is one line naming the key.
"""
from __future__ import annotations

import importlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config_error import ConfigError
from bot.email.config import ENV_KEYS as EMAIL_ENV_KEYS, EmailSettings, parse_email
from bot.paths import CONFIG_DIR
from bot.platforms import PLATFORMS
from domain.capture.rules import CaptureRules, parse_capture
from domain.changes.rules import ChangeRules, parse_change_rules
from domain.finance.rules import FinanceRules, parse_finance
from domain.progress.rules import ProgressRules, parse_progress
from domain.reports.rules import ReportRules, parse_reports
from domain.site.rules import SiteRules, parse_site
from domain.tickets.rules import SlaWindow, TicketRules, parse_lifecycle


# Environment variable -> (section path, key, parser name). The names are product interface.
# Each platform's own variables are declared in its package (bot/<platform>/config.py).
ENV_KEYS: dict[str, tuple[str, str, str]] = {
    "SITEBOT_HOST": ("server", "host", "str"),
    "SITEBOT_PORT": ("server", "port", "port"),
    "SITEBOT_CONSOLE": ("server", "console", "bool"),
    "SITEBOT_PUBLIC_URL": ("server", "public_url", "str"),
    "SITEBOT_WORKER_NICE": ("server", "worker_nice", "str"),
    "SITEBOT_DATABASE_URL": ("database", "url", "str"),
    "SITEBOT_TIMEZONE": ("time", "timezone", "str"),
    "SITEBOT_MEDIA_DIR": ("media", "dir", "str"),
    "SITEBOT_LINK_SECRET": ("links", "secret", "str"),
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class DeliverySettings:
    max_attempts: int = 6
    backoff_seconds: float = 2.0
    backoff_cap_seconds: float = 300.0
    batch_size: int = 100
    concurrency: int = 16
    claim_seconds: int = 60
    outage_retry_minutes: int = 30   # rows failed by an outage are sent again when younger than this
    outage_probe_seconds: int = 30   # how often one of them is tried to see whether the platform is back


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    console: bool = False
    public_url: str = ""
    # How much lower the worker process's CPU priority is than the web side's (bot/processes.py).
    worker_nice: int = 10
    database_url: str = "sqlite+aiosqlite:///var/sitebot.db"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    default_locale: str = "zh-CN"
    max_message_length: int = 2000
    admin_identities: tuple[str, ...] = ()
    media_dir: str = "var/media"
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    tickets: TicketRules = field(default_factory=TicketRules)
    changes: ChangeRules = field(default_factory=ChangeRules)
    finance: FinanceRules = field(default_factory=FinanceRules)
    progress: ProgressRules = field(default_factory=ProgressRules)
    reports: ReportRules = field(default_factory=ReportRules)
    capture: CaptureRules = field(default_factory=CaptureRules)
    site: SiteRules = field(default_factory=SiteRules)
    email: EmailSettings = field(default_factory=EmailSettings)   # [email]: the SMTP server (bot/email)
    # Signs the customer's project-page and cockpit links (secret: environment only). Empty:
    # one made once and kept in the database, shared by every process (bot/pages/secret.py).
    link_secret: str = ""
    # Platform sections stay as plain mappings; each platform package types its own part.
    platforms: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return self.public_url.rstrip("/") or f"http://{self.host}:{self.port}"


def load_settings(env: Mapping[str, str] | None = None, *, overrides: dict | None = None) -> Settings:
    """Build settings from the defaults file, SITEBOT_CONFIG, the environment and `overrides`."""
    env = os.environ if env is None else env
    raw = _read_toml(CONFIG_DIR / "default.toml", "config/default.toml")
    if env.get("SITEBOT_CONFIG"):
        _merge(raw, _read_toml(Path(env["SITEBOT_CONFIG"]), "SITEBOT_CONFIG"))
    for name, (section, key, kind) in ENV_KEYS.items():
        if name in env:
            raw.setdefault(section, {})[key] = _parse_env(name, env[name], kind)
    for name, key in EMAIL_ENV_KEYS.items():
        if name in env:
            raw.setdefault("email", {})[key] = env[name]
    for platform in PLATFORMS:  # each platform declares its own variables (all strings)
        for name, key in importlib.import_module(platform.config).ENV_KEYS.items():
            if name in env:
                raw.setdefault(platform.name, {})[key] = env[name]
    if overrides:
        _merge(raw, overrides)
    return _build(raw)


def _read_toml(path: Path, label: str) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{label}: file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: not valid TOML: {exc}") from None


def _merge(base: dict, extra: dict) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


def _parse_env(name: str, value: str, kind: str) -> Any:
    if kind == "port":
        if not value.strip().isdigit() or not 1 <= int(value) <= 65535:
            raise ConfigError(f"{name}: expected a port number 1-65535, got {value!r}")
        return int(value)
    if kind == "bool":
        if value.strip().lower() in _TRUE:
            return True
        if value.strip().lower() in _FALSE:
            return False
        raise ConfigError(f"{name}: expected 1 or 0, got {value!r}")
    return value


def _build(raw: dict) -> Settings:
    server, db, time = raw.get("server", {}), raw.get("database", {}), raw.get("time", {})
    port = server.get("port", 8080)
    if not isinstance(port, int) or not 1 <= port <= 65535:
        raise ConfigError(f"server.port (SITEBOT_PORT): expected a port number 1-65535, got {port!r}")
    tz_name = str(time.get("timezone", "Asia/Shanghai"))
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"time.timezone (SITEBOT_TIMEZONE): unknown time zone {tz_name!r}") from None
    return Settings(
        host=str(server.get("host", "127.0.0.1")),
        port=port,
        console=bool(server.get("console", False)),
        public_url=str(server.get("public_url", "")),
        worker_nice=_nice(server.get("worker_nice", 10)),
        database_url=_database_url(str(db.get("url", ""))),
        timezone=tz,
        default_locale=str(raw.get("i18n", {}).get("default_locale", "zh-CN")),
        max_message_length=_positive_int(raw.get("messages", {}), "max_length", "messages", 2000),
        admin_identities=tuple(raw.get("access", {}).get("admins", [])),
        media_dir=str(raw.get("media", {}).get("dir", "var/media")),
        delivery=_delivery(raw.get("delivery", {})),
        tickets=_tickets(raw.get("tickets", {})),
        changes=_changes(raw.get("changes", {})),
        finance=_finance(raw.get("finance", {})),
        progress=_progress(raw.get("progress", {})),
        reports=_parsed(parse_reports, raw.get("reports", {})),
        capture=_parsed(parse_capture, raw.get("capture", {})),
        site=_parsed(parse_site, raw.get("site", {})),
        email=parse_email(raw.get("email", {})),
        link_secret=str(raw.get("links", {}).get("secret", "")),
        platforms={p.name: dict(raw.get(p.name, {})) for p in PLATFORMS},
    )


def _database_url(url: str) -> str:
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+asyncpg://" + url.split("://", 1)[1]
    if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise ConfigError(
            "database.url (SITEBOT_DATABASE_URL): expected sqlite+aiosqlite:///path "
            f"or postgresql+asyncpg://user:pass@host/db, got {url!r}")
    return url


def _nice(value: Any) -> int:
    try:
        nice = int(value) if not isinstance(value, bool) else -1
    except (TypeError, ValueError):
        nice = -1
    if not 0 <= nice <= 19:
        raise ConfigError(f"server.worker_nice (SITEBOT_WORKER_NICE): expected a whole number "
                          f"0-19, got {value!r}")
    return nice


def _positive_int(section: dict, key: str, where: str, default: int) -> int:
    value = section.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"{where}.{key}: expected a positive whole number, got {value!r}")
    return value


def _positive_number(section: dict, key: str, where: str, default: float) -> float:
    value = section.get(key, default)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"{where}.{key}: expected a positive number, got {value!r}")
    return float(value)


def _delivery(section: dict) -> DeliverySettings:
    return DeliverySettings(
        max_attempts=_positive_int(section, "max_attempts", "delivery", 6),
        backoff_seconds=_positive_number(section, "backoff_seconds", "delivery", 2.0),
        backoff_cap_seconds=_positive_number(section, "backoff_cap_seconds", "delivery", 300.0),
        batch_size=_positive_int(section, "batch_size", "delivery", 100),
        concurrency=_positive_int(section, "concurrency", "delivery", 16),
        claim_seconds=_positive_int(section, "claim_seconds", "delivery", 60),
        outage_retry_minutes=_positive_int(section, "outage_retry_minutes", "delivery", 30),
        outage_probe_seconds=_positive_int(section, "outage_probe_seconds", "delivery", 30),
    )


def _progress(section: dict) -> ProgressRules:
    try:
        return parse_progress(section)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def _parsed(parse: Any, section: dict) -> Any:
    try:
        return parse(section)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def _finance(section: dict) -> FinanceRules:
    try:
        return parse_finance(section)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def _changes(section: dict) -> ChangeRules:
    try:
        return parse_change_rules(section)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def _tickets(section: dict) -> TicketRules:
    sla_raw = section.get("sla", {})
    sla: dict[str, SlaWindow] = {}
    for severity in ("high", "medium", "low"):
        if severity not in sla_raw:
            raise ConfigError(f"tickets.sla.{severity}: missing (needs accept_minutes and resolve_minutes)")
        where = f"tickets.sla.{severity}"
        sla[severity] = SlaWindow(
            accept_minutes=_positive_int(sla_raw[severity], "accept_minutes", where, 0),
            resolve_minutes=_positive_int(sla_raw[severity], "resolve_minutes", where, 0),
        )
    vocabulary = {k: tuple(v) for k, v in section.get("vocabulary", {}).items()}
    severity_words = {k: tuple(v) for k, v in section.get("severity", {}).items()}
    assignment = dict(section.get("assignment", {}))
    try:
        lifecycle = parse_lifecycle(section)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    rules = TicketRules(sla=sla, vocabulary=vocabulary, severity_words=severity_words,
                        assignment=assignment, **lifecycle)
    problems = rules.problems()
    if problems:
        raise ConfigError(problems[0])
    return rules

