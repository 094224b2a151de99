"""A real SMTP server for tests (aiosmtpd), recording what it receives; it can be told to
refuse messages for a while."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Recorder:
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    refuse_with: str | None = None  # e.g. "451 4.3.0 Försök senare"
    delay_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse_with:
            return self.refuse_with
        if self.delay_seconds:
            import asyncio

            await asyncio.sleep(self.delay_seconds)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.messages]


class SmtpServer:
    def __init__(self) -> None:
        self.recorder = Recorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def env(self) -> dict[str, str]:
        """Settings that point the service at this server."""
        return {"SAMVERKAN_SMTP_HOST": "127.0.0.1", "SAMVERKAN_SMTP_PORT": str(self.port), "SAMVERKAN_SMTP_SECURITY": "none"}
