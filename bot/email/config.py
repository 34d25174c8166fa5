"""[email] settings (or SITEBOT_SMTP_* in the environment): the SMTP server digests and
payment reminders are sent through. Without a host, no e-mail is sent (the rows fail with
"platform 'email' is not configured", visible in `sitebot outbox`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from bot.config_error import ConfigError

# Environment variable -> key in [email] (bot/settings.py reads them like its own).
ENV_KEYS = {"SITEBOT_SMTP_HOST": "host", "SITEBOT_SMTP_PORT": "port", "SITEBOT_SMTP_USERNAME": "username",
            "SITEBOT_SMTP_PASSWORD": "password", "SITEBOT_SMTP_FROM": "sender",
            "SITEBOT_SMTP_SECURITY": "security"}
SECURITY = ("starttls", "tls", "none")   # STARTTLS on 587, implicit TLS on 465, plain (a local relay)


@dataclass(frozen=True)
class EmailSettings:
    host: str = ""
    port: int = 587
    username: str = ""
    password: str = ""
    sender: str = ""
    security: str = "starttls"
    timeout_seconds: float = 30.0

    @property
    def enabled(self) -> bool:
        return bool(self.host)


def parse_email(section: Mapping[str, Any]) -> EmailSettings:
    host = str(section.get("host", "")).strip()
    port = section.get("port", 587)
    if isinstance(port, str) and port.strip().isdigit():
        port = int(port)
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise ConfigError(f"email.port (SITEBOT_SMTP_PORT): expected a port number 1-65535, got {port!r}")
    security = str(section.get("security", "starttls")).strip().lower()
    if security not in SECURITY:
        raise ConfigError(f"email.security (SITEBOT_SMTP_SECURITY): expected one of {', '.join(SECURITY)}, "
                          f"got {security!r}")
    sender = str(section.get("sender", "")).strip()
    if host and "@" not in sender:
        raise ConfigError(f"email.sender (SITEBOT_SMTP_FROM): expected an address like sitebot@example.com, "
                          f"got {sender!r}")
    timeout = section.get("timeout_seconds", 30.0)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise ConfigError(f"email.timeout_seconds: expected a positive number, got {timeout!r}")
    return EmailSettings(host, port, str(section.get("username", "")), str(section.get("password", "")),
                         sender, security, float(timeout))
