"""The e-mail channel's adapter: an outbox row on platform "email" (target: the address) is
sent through the configured SMTP server with aiosmtplib, as a multipart message (plain text
and HTML, bot/email/render.py). Rows come from the outbox like any chat message, so retries
with backoff, the failed state and `sitebot outbox` are the outbox's.

SMTP's own answer decides: a 4xx (mailbox busy, greylisting, too many connections) is tried
again; a 5xx (no such mailbox, refused) fails the row with the server's words; no answer or a
dropped connection is tried again. The Message-ID comes from the row's once-only key, so a
copy sent again after a crash carries the same id (mail clients fold it)."""
from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.utils import formataddr, formatdate

import aiosmtplib

from bot.delivery.ports import PermanentError, PostRef, Sent, TransientError
from bot.email.config import EmailSettings
from bot.email.render import render
from handlers.chat.cards import Card
from handlers.chat.contract import Target, Text
from handlers.chat.email import EMAIL

SENDER_NAME = "sitebot"


class EmailAdapter:
    platform = EMAIL

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings

    def dedupes(self, target: Target, body: object, op: str) -> bool:
        """An SMTP server keeps no key for repeats: the worker marks the row before sending."""
        return False

    def message(self, to: str, body: Text | Card, idempotency_key: str) -> EmailMessage:
        rendered = render(body)
        domain = self.settings.sender.rpartition("@")[2] or "sitebot"
        message = EmailMessage()
        message["From"] = formataddr((SENDER_NAME, self.settings.sender))
        message["To"] = to
        message["Subject"] = rendered.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]}@{domain}>"
        message["Auto-Submitted"] = "auto-generated"   # RFC 3834: no vacation replies to us
        message.set_content(rendered.text)
        message.add_alternative(rendered.html, subtype="html")
        return message

    async def send(self, target: Target, body: Text | Card, *, idempotency_key: str,
                   reply_to: str | None) -> Sent:
        if "@" not in target.id:
            raise PermanentError(f"not an e-mail address: {target.id!r}")
        message = self.message(target.id, body, idempotency_key)
        s = self.settings
        try:
            await aiosmtplib.send(message, hostname=s.host, port=s.port, username=s.username or None,
                                  password=s.password or None, use_tls=s.security == "tls",
                                  start_tls=True if s.security == "starttls" else False,
                                  timeout=s.timeout_seconds)
        except aiosmtplib.SMTPRecipientsRefused as refused:
            _raise_for(refused.recipients[0].code, refused.recipients[0].message, target.id)
        except aiosmtplib.SMTPResponseException as answer:
            _raise_for(answer.code, answer.message, target.id)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise TransientError(f"SMTP {s.host}:{s.port}: {type(error).__name__}: {error}") from None
        return Sent(str(message["Message-ID"]))

    async def update(self, post: PostRef, body: Card) -> Sent | None:
        raise PermanentError("an e-mail that was sent cannot be changed")


def _raise_for(code: int, text: str, to: str) -> None:
    reason = f"{code} {text} (the SMTP server, for {to})"
    if 400 <= code < 500:
        raise TransientError(reason)
    raise PermanentError(reason)
