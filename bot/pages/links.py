"""Signed, expiring page links: `/p/<code>.<expires>.<signature>`.

The signature is HMAC-SHA256 over "sitebot-page:v1:<code>.<expires>" with the server's link
secret (SITEBOT_LINK_SECRET), base64url without padding. Nothing is stored: anyone holding an
unexpired link sees that one project's page, and changing any character of it (another project,
a later expiry) breaks the signature. Changing the secret revokes every link at once.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime, timedelta, timezone

_TOKEN = re.compile(r"^(P-\d{1,10})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$")
_CONTEXT = b"sitebot-page:v1:"


class LinkRefused(Exception):
    """`expired` True: a genuine link past its time (410); False: not one of ours (403)."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


class PageLinks:
    def __init__(self, secret: bytes, base_url: str, days: int) -> None:
        if len(secret) < 16:
            raise ValueError("the link secret must be at least 16 bytes")
        self._secret, self.base_url, self.days = secret, base_url.rstrip("/"), days

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._secret, _CONTEXT + payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def token(self, code: str, expires: datetime) -> str:
        payload = f"{code}.{int(expires.timestamp())}"
        return f"{payload}.{self._sign(payload)}"

    def expiry(self, now: datetime) -> datetime:
        """`days` from now, rounded up to the hour: every card of the same hour shares a link."""
        later = now.astimezone(timezone.utc) + timedelta(days=self.days)
        return later.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)

    def url(self, code: str, now: datetime) -> str:
        return f"{self.base_url}/p/{self.token(code, self.expiry(now))}"

    def verify(self, token: str, now: datetime) -> tuple[str, datetime]:
        """The project code and expiry of a valid, unexpired token; else LinkRefused."""
        match = _TOKEN.match(token)
        if not match:
            raise LinkRefused(expired=False)
        code, expires, signature = match.groups()
        if not hmac.compare_digest(self._sign(f"{code}.{expires}"), signature):
            raise LinkRefused(expired=False)
        until = datetime.fromtimestamp(int(expires), timezone.utc)
        if now >= until:
            raise LinkRefused(expired=True)
        return code, until
