"""The kallelse as an iCalendar invitation (RFC 5546: METHOD REQUEST, or CANCEL) that Outlook and
Exchange show as a meeting request; the signed reply links. Pure."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vCalAddress, vText

from samverkan.clock import STOCKHOLM

PRODID = "-//samverkan//Kallelse//SV"


@dataclass(frozen=True)
class Attendee:
    key: str  # "p:<person id>" or "u:<union id>": who a reply link speaks for
    name: str
    email: str
    union_id: int | None = None  # the union side of the recipient; None: the employer's


def uid(meeting_id: int, base_url: str) -> str:
    """The same UID as the calendar feed (feeds.service): a client that has both sees one meeting."""
    return f"meeting-{meeting_id}@{urlsplit(base_url).hostname or 'samverkan'}"


def calendar(*, method: str, meeting_id: int, base_url: str, sequence: int, title: str, starts_at: dt.datetime,
             ends_at: dt.datetime, place: str, description: str, organizer: tuple[str, str], attendees: list[Attendee],
             stamp: dt.datetime) -> str:
    """An iCalendar object with one VEVENT, its times in Europe/Stockholm with the VTIMEZONE."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = Event()
    event.add("uid", uid(meeting_id, base_url))
    event.add("dtstamp", stamp.astimezone(dt.timezone.utc).replace(microsecond=0))
    event.add("sequence", sequence)
    event.add("dtstart", starts_at.astimezone(STOCKHOLM).replace(microsecond=0))
    event.add("dtend", ends_at.astimezone(STOCKHOLM).replace(microsecond=0))
    event.add("summary", title)
    if place:
        event.add("location", place)
    event.add("description", description)
    event.add("url", f"{base_url}/moten/{meeting_id}")
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    name, address = organizer
    sender = vCalAddress(f"mailto:{address}")
    sender.params["cn"] = vText(name)
    event.add("organizer", sender)
    for a in attendees:
        attendee = vCalAddress(f"mailto:{a.email}")
        attendee.params.update({"cn": vText(a.name), "role": vText("REQ-PARTICIPANT"), "partstat": vText("NEEDS-ACTION"),
                                "rsvp": vText("TRUE"), "cutype": vText("INDIVIDUAL")})
        event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical().decode()


# --- reply links ---------------------------------------------------------------------------


def _mac(secret: str, payload: str) -> str:
    digest = hmac.new(secret.encode(), f"reply:{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def reply_token(secret: str, meeting_id: int, key: str, expires: dt.datetime) -> str:
    """A link token for one recipient of one meeting, valid until ``expires`` (the meeting's start)."""
    payload = f"{meeting_id}.{key.replace(':', '-')}.{int(expires.timestamp())}"
    return f"{payload}.{_mac(secret, payload)}"


@dataclass(frozen=True)
class ReplyLink:
    meeting_id: int
    key: str
    expires: dt.datetime


def read_token(secret: str, token: str) -> ReplyLink | None:
    """The link's meeting and recipient, or None if it is not one we signed (forged or garbled).
    Whether it has expired is the caller's to judge (it says so in words)."""
    parts = token.split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit() or len(token) > 200:
        return None
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(parts[3], _mac(secret, payload)):
        return None
    kind, _, number = parts[1].partition("-")
    if kind not in ("p", "u") or not number.isdigit():
        return None
    return ReplyLink(int(parts[0]), f"{kind}:{number}", dt.datetime.fromtimestamp(int(parts[2]), dt.timezone.utc))
