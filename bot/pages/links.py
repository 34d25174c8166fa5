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


class LinkRefused(Exception):
    """`expired` True: a genuine link past its time (410); False: not one of ours (403)."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


class SignedLinks:
    """`/<path>/<subject>.<expires>.<signature>`: HMAC-SHA256 over "<context><subject>.<expires>".
    Each kind of link has its own context, so no kind can be made from another with one secret."""
    context: bytes
    token_re: re.Pattern[str]       # groups: subject, expires, signature
    path: str

    def __init__(self, secret: bytes, base_url: str, days: int) -> None:
        if len(secret) < 16:
            raise ValueError("the link secret must be at least 16 bytes")
        self._secret, self.base_url, self.days = secret, base_url.rstrip("/"), days

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._secret, self.context + payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def _token(self, subject: str, expires: datetime) -> str:
        payload = f"{subject}.{int(expires.timestamp())}"
        return f"{payload}.{self._sign(payload)}"

    def expiry(self, now: datetime) -> datetime:
        """`days` from now, rounded up to the hour: every card of the same hour shares a link."""
        later = now.astimezone(timezone.utc) + timedelta(days=self.days)
        return later.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)

    def _url(self, subject: str, now: datetime) -> str:
        return f"{self.base_url}/{self.path}/{self._token(subject, self.expiry(now))}"

    def _verified(self, token: str, now: datetime) -> tuple[str, datetime]:
        match = self.token_re.match(token)
        if not match:
            raise LinkRefused(expired=False)
        subject, expires, signature = match.groups()
        if not hmac.compare_digest(self._sign(f"{subject}.{expires}"), signature):
            raise LinkRefused(expired=False)
        until = datetime.fromtimestamp(int(expires), timezone.utc)
        if now >= until:
            raise LinkRefused(expired=True)
        return subject, until


class PageLinks(SignedLinks):
    context = b"sitebot-page:v1:"
    token_re = re.compile(r"^(P-\d{1,10})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$")
    path = "p"

    def token(self, code: str, expires: datetime) -> str:
        return self._token(code, expires)

    def url(self, code: str, now: datetime) -> str:
        return self._url(code, now)

    def verify(self, token: str, now: datetime) -> tuple[str, datetime]:
        """The project code and expiry of a valid, unexpired token; else LinkRefused."""
        return self._verified(token, now)
