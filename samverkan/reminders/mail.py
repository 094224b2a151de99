"""Sending e-mail: over SMTP when a host is configured, otherwise into the log.

Blocking smtplib runs in a worker thread so the event loop keeps serving pages while a slow
mail server answers.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.header import Header
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, formataddr, parseaddr

from samverkan import clock
from samverkan.reminders.texts import SUBJECT_LENGTH, one_line
from samverkan.settings import Settings

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Outgoing:
    id: int
    to_address: str
    subject: str
    body: str
    message_id: str
    attachment: tuple[str, bytes] | None = None  # (file name, Word file)
    calendar: str = ""  # an iCalendar object (METHOD:REQUEST or CANCEL): Outlook shows a meeting request
    files: tuple[tuple[str, str, bytes], ...] = ()  # (file name, media type, content): a kallelse's small papers


DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
# A header set raw (the attachment's Content-Type below) is written as given: refolding it would
# turn the RFC 2047 name into RFC 2231 again (and mangles this long content type).
_POLICY = default_policy.clone(refold_source="none")


def build(settings: Settings, message: Outgoing) -> EmailMessage:
    email = EmailMessage(policy=_POLICY)
    name, address = parseaddr(settings.mail_from)
    email["From"] = formataddr((name or f"Samverkan – {settings.employer_name}", address))
    email["To"] = message.to_address
    # Again here, not only when planned: a row planned before the check must not stop the batch.
    email["Subject"] = one_line(message.subject, SUBJECT_LENGTH)
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(clock.now())
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    email["X-Auto-Response-Suppress"] = "All"  # Exchange: no out-of-office or delivery receipts either
    email.set_content(message.body)
    if message.calendar:
        method = next((line.split(":", 1)[1].strip() for line in message.calendar.splitlines() if line.startswith("METHOD:")), "PUBLISH")
        email.add_alternative(message.calendar.encode(), maintype="text", subtype="calendar",
                              params={"method": method, "charset": "utf-8"}, cte="base64")
    if message.attachment:
        _attach(email, message.attachment[0], "/".join(DOCX), message.attachment[1])
    for name, media_type, data in message.files:
        _attach(email, name, media_type, data)
    return email


def _attach(email: EmailMessage, name: str, media_type: str, data: bytes) -> None:
    name = one_line(name, len(name))  # never shortened: the extension must stay
    maintype, subtype = media_type.split(";")[0].strip().split("/", 1)
    email.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    # filename* (RFC 2231) is the standard; Outlook reads only name= (RFC 2047) and else
    # shows "ATT00001" for a name with å, ä or ö.
    if not name.isascii():
        part = email.get_payload()[-1]
        del part["Content-Type"]
        encoded = Header(name, "utf-8").encode(maxlinelen=70)  # encoded words, one a line
        part.set_raw("Content-Type", f'{maintype}/{subtype};\n name="{encoded}"')


class Mailer:
    """Sends a batch; returns what went out and, per message that did not, why."""

    async def send(self, messages: list[Outgoing]) -> tuple[list[int], dict[int, str]]:
        raise NotImplementedError


class LogMailer(Mailer):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, messages: list[Outgoing]) -> tuple[list[int], dict[int, str]]:
        for m in messages:
            log.info("e-post (ingen SMTP-server inställd) till %s: %s\n%s", m.to_address, m.subject, m.body)
        return [m.id for m in messages], {}


class SmtpMailer(Mailer):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_security == "tls":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=TIMEOUT_SECONDS,
                                                   context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=TIMEOUT_SECONDS)
            if s.smtp_security == "starttls":
                conn.starttls(context=ssl.create_default_context())
        if s.smtp_user:
            conn.login(s.smtp_user, s.smtp_password)
        return conn

    def _send_all(self, messages: list[Outgoing]) -> tuple[list[int], dict[int, str]]:
        sent: list[int] = []
        failed: dict[int, str] = {}
        try:
            conn = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            return [], {m.id: f"anslutning: {exc}" for m in messages}
        try:
            for m in messages:
                try:
                    email = build(self.settings, m)
                except Exception as exc:  # noqa: BLE001 - one message that cannot be built never stops the others
                    failed[m.id] = f"kunde inte byggas: {type(exc).__name__}: {exc}"
                    continue
                try:
                    conn.send_message(email)
                    sent.append(m.id)
                except smtplib.SMTPServerDisconnected as exc:
                    # The rest of the batch cannot go on this connection; they are retried.
                    failed.update({x.id: f"frånkopplad: {exc}" for x in messages if x.id not in sent and x.id not in failed})
                    break
                except (OSError, smtplib.SMTPException, ValueError) as exc:  # ValueError: e.g. an address smtplib cannot encode
                    failed[m.id] = str(exc) or type(exc).__name__
        finally:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                pass
        return sent, failed

    async def send(self, messages: list[Outgoing]) -> tuple[list[int], dict[int, str]]:
        return await asyncio.to_thread(self._send_all, messages)


def mailer_for(settings: Settings) -> Mailer:
    return SmtpMailer(settings) if settings.smtp_host else LogMailer(settings)
