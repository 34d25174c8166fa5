"""A local SMTP server (aiosmtpd) the e-mail tests deliver to: it keeps every message it
accepts, parsed, and can be told to answer DATA with an error (a 4xx or a 5xx) instead."""
from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from aiohttp.test_utils import unused_port
from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, server: "SmtpServer") -> None:
        self.server = server

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
        if self.server.answer:
            return self.server.answer
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.server.got.append((list(envelope.rcpt_tos), message))
        return "250 2.0.0 OK"


class SmtpServer:
    def __init__(self) -> None:
        self.port = unused_port()
        self.got: list[tuple[list[str], EmailMessage]] = []
        self.answer: str | None = None      # e.g. "451 4.7.1 Try again later"
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.got if address in rcpt]


def bodies(message: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a multipart/alternative message."""
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())
