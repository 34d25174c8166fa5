"""Signed, expiring, per-person cockpit links: `/cockpit/<person>.<expires>.<signature>`.

HMAC-SHA256 over "sitebot-cockpit:v1:<person>.<expires>" with the link secret (the same
SITEBOT_LINK_SECRET as the project page, another context, so neither kind of link can be
made from the other). The link names a person, not what they see: the scope is worked out
from that person's roles each time the page is opened, so a role taken away closes what the
link showed at once, and a person who left (inactive) sees nothing."""
from __future__ import annotations

import re
from datetime import datetime

from bot.pages.links import SignedLinks


class CockpitLinks(SignedLinks):
    context = b"sitebot-cockpit:v1:"
    token_re = re.compile(r"^(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$")
    path = "cockpit"

    def token(self, person_id: int, expires: datetime) -> str:
        return self._token(str(person_id), expires)

    def url(self, person_id: int, now: datetime) -> str:
        """Valid `days` from now, rounded up to the hour (cards of the same hour share it)."""
        return self._url(str(person_id), now)

    def verify(self, token: str, now: datetime) -> tuple[int, datetime]:
        """(person id, expiry) of a valid, unexpired token; else LinkRefused."""
        person, until = self._verified(token, now)
        return int(person), until
