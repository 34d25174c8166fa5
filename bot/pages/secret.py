"""The secret page links are signed with (the customer's project page, the cockpit).

SITEBOT_LINK_SECRET, when set, is it. Otherwise one is made once and kept in the database
(server_secrets, revision 0020), so every process on that database — `sitebot serve --web`
answering the link, `sitebot work` putting it in a card — signs and verifies with the same
one, and links survive restarts. Delete the row (or set the variable) to revoke every link."""
from __future__ import annotations

import logging
import secrets

from aiohttp import web

from bot import keys

log = logging.getLogger(__name__)
NAME = "link"
LINK_SECRET: web.AppKey[bytes] = web.AppKey("link_secret")


async def link_secret(app: web.Application) -> bytes:
    """The environment's secret, else the stored one (made now if this database has none)."""
    configured = app[keys.SETTINGS].link_secret
    if configured:
        return configured.encode()
    async with app[keys.STORE].transaction() as tx:
        stored = await tx.reports.state.shared_secret(NAME, secrets.token_urlsafe(32), app[keys.CLOCK]())
    log.info("SITEBOT_LINK_SECRET is not set: signing page links with the secret kept in the database")
    return stored.encode()
