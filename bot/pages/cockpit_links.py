"""Signed, expiring, per-person cockpit links: `/cockpit/<person>.<expires>.<signature>`.

HMAC-SHA256 over "sitebot-cockpit:v1:<person>.<expires>" with the link secret (the same
SITEBOT_LINK_SECRET as the project page, another context, so neither kind of link can be
made from the other). The link names a person, not what they see: the scope is worked out
from that person's roles each time the page is opened, so a role taken away closes what the
link showed at once, and a person who left (inactive) sees nothing."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime, timedelta, timezone

from bot.pages.links import LinkRefused

_TOKEN = re.compile(r"^(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$")
_CONTEXT = b"sitebot-cockpit:v1:"


class CockpitLinks:
    def __init__(self, secret: bytes, base_url: str, days: int) -> None:
        if len(secret) < 16:
            raise ValueError("the link secret must be at least 16 bytes")
        self._secret, self.base_url, self.days = secret, base_url.rstrip("/"), days

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._secret, _CONTEXT + payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def token(self, person_id: int, expires: datetime) -> str:
        payload = f"{person_id}.{int(expires.timestamp())}"
        return f"{payload}.{self._sign(payload)}"

    def url(self, person_id: int, now: datetime) -> str:
        """Valid `days` from now, rounded up to the hour (cards of the same hour share it)."""
        later = now.astimezone(timezone.utc) + timedelta(days=self.days)
        expires = later.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        return f"{self.base_url}/cockpit/{self.token(person_id, expires)}"

    def verify(self, token: str, now: datetime) -> tuple[int, datetime]:
        """(person id, expiry) of a valid, unexpired token; else LinkRefused."""
        match = _TOKEN.match(token)
        if not match:
            raise LinkRefused(expired=False)
        person, expires, signature = match.groups()
        if not hmac.compare_digest(self._sign(f"{person}.{expires}"), signature):
            raise LinkRefused(expired=False)
        until = datetime.fromtimestamp(int(expires), timezone.utc)
        if now >= until:
            raise LinkRefused(expired=True)
        return int(person), until
