"""A user's secret iCalendar feed: their meetings and the deadlines that concern them. No HTTP here.

The token in the address is the only credential of the feed, so it grants the feed and nothing else:
it is stored as a sha256 hash in ``calendar_feed`` (not among the API tokens), and the feed is built
for a ``Viewer`` with ``via="feed"`` through the same scoped service functions as the API, so it
shows nothing the user could not see when signed in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from urllib.parse import urlsplit

from icalendar import Alarm, Calendar, Event

from samverkan.accounts import rights
from samverkan.actions import service as actions
from samverkan import clock
from samverkan.accounts.service import VIEWER_COLUMNS, Viewer, viewer_from_row
from samverkan.database import engine, write_unique
from samverkan.deadlines import service as deadlines
from samverkan.deadlines.derive import RESPONSIBLE_LABELS
from samverkan.errors import Conflict, NotFound
from samverkan.feeds.tables import CalendarFeed
from samverkan.matters.tables import Matter
from samverkan.meetings import rules as meeting_rules
from samverkan.meetings import service as meetings
from samverkan.pagination import PageRequest
from samverkan.settings import get_settings

CALENDAR_NAME = "Samverkan – frister och möten"
PRODID = "-//samverkan//Frister och möten//SV"
# How far back the feed reaches, and how many deadlines and meetings it holds at most (nearest first).
LOOK_BACK = dt.timedelta(days=30)
MAX_ITEMS = 1000
# An all-day event starts at midnight local time: -17 hours is 07:00 the day before the deadline,
# a working morning's notice, rather than -P1D, which would ring at midnight.
DEADLINE_ALARM = -dt.timedelta(hours=17)
MEETING_ALARM = -dt.timedelta(hours=1)
# What secrets.token_urlsafe(32) makes; anything else cannot be a feed and is not looked up.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
NOT_FOUND = "Kalendern finns inte. Adressen kan ha ersatts av en ny."


def _sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def feed_url(token: str) -> str:
    return f"{get_settings().base_url}/calendar/{token}.ics"


async def regenerate(viewer: Viewer) -> str:
    """Give the user a new secret address and return it (it is shown once: only its hash is kept).
    The previous address, if any, stops working at once."""
    token = secrets.token_urlsafe(32)

    async def replace() -> None:
        async with engine().transaction():
            # One row per user (unique): replacing it invalidates the old address.
            await CalendarFeed.delete().where(CalendarFeed.user == viewer.user_id)
            await CalendarFeed.insert(CalendarFeed(user=viewer.user_id, token_hash=_sha256(token), created_at=clock.now()))

    # Two requests at the same moment: the later insert meets the unique user and gets a 409.
    await write_unique(replace, Conflict("En ny kalenderadress skapades samtidigt. Försök igen."))
    return feed_url(token)


async def feed_created_at(user_id: int) -> dt.datetime | None:
    """When the user's current address was made; None when they have none."""
    row = await CalendarFeed.select(CalendarFeed.created_at).where(CalendarFeed.user == user_id).first()
    return row["created_at"] if row else None


_FEED_USER = tuple(getattr(CalendarFeed.user, c) for c in VIEWER_COLUMNS)


async def _viewer(token: str) -> Viewer:
    if not _TOKEN.fullmatch(token):
        raise NotFound(NOT_FOUND)
    row = await (
        CalendarFeed.select(*_FEED_USER)
        .where((CalendarFeed.token_hash == _sha256(token)) & (CalendarFeed.user.active == True))  # noqa: E712
        .first()
    )
    if row is None:
        raise NotFound(NOT_FOUND)
    return viewer_from_row(row, "feed", "user.")


def _utc(value: dt.datetime) -> dt.datetime:
    return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)


def _alarm(trigger: dt.timedelta, text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", trigger)
    return alarm


async def _deadline_events(viewer: Viewer, base_url: str, host: str, stamp: dt.datetime) -> list[Event]:
    today = clock.today()
    page = PageRequest(limit=MAX_ITEMS)
    # Open deadlines ahead, and those of the last 30 days that passed without being met; met,
    # waived and superseded ones drop out of the feed (and so out of the subscriber's calendar).
    open_ = await deadlines.list_deadlines(viewer, state="open", due_after=today - LOOK_BACK, page=page)
    missed = await deadlines.list_deadlines(viewer, state="missed", due_after=today - LOOK_BACK - dt.timedelta(days=1), page=page)
    items = [*missed.items, *open_.items]
    if viewer.person_id is not None:  # the actions the user is responsible for, whatever else they see
        seen = {d.id for d in items}
        own = await deadlines.subject_deadlines("agenda_action", await actions.responsible_for(viewer.person_id), today - LOOK_BACK)
        items += [d for d in own if d.id not in seen]
    if rights.is_union(viewer):
        # A union sees the matters it is a party to; of those, the deadlines of other unions are
        # not its concern.
        items = [d for d in items if d.union_id in (None, viewer.union_id)]
    matter_ids = sorted({d.matter_id for d in items if d.matter_id})
    matters = {
        m["id"]: m for m in await Matter.select(Matter.id, Matter.diary_no, Matter.title, Matter.personal_data)
        .where(Matter.id.is_in(matter_ids))
    } if matter_ids else {}
    events = []
    for d in items:
        if d.matter_id is None:  # a SAM item's or a meeting's deadline
            concerns = short = d.label or ""
        elif (m := matters.get(d.matter_id)) is None:
            continue
        else:
            # A calendar is synced to phones and mail servers: an individärende is named by its
            # diary number only, as in the reminder e-mails.
            concerns = "Ärende: " + (m["diary_no"] if m["personal_data"] else f"{m['diary_no']} {m['title']}")
            short = m["diary_no"]
        link = base_url + d.link
        lines = [concerns, f"Grund: {d.basis}", f"Ansvarig: {RESPONSIBLE_LABELS[d.responsible]}"]
        if d.reason:
            lines.append(d.reason)
        if d.state == "missed":
            lines.append("Fristen har gått ut utan att vara uppfylld.")
        lines.append(link)
        event = Event()
        event.add("uid", f"deadline-{d.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", d.due)
        event.add("dtend", d.due + dt.timedelta(days=1))
        event.add("summary", f"Frist: {d.title}")
        event.add("description", "\n".join(lines))
        event.add("url", link)
        event.add("transp", "TRANSPARENT")  # a deadline does not make the day busy
        event.add("categories", ["Frist"])
        if d.state == "open":  # no alarm for a deadline already past
            event.add_component(_alarm(DEADLINE_ALARM, f"Frist i morgon: {d.title} ({short})"))
        events.append(event)
    return events


async def _meeting_events(viewer: Viewer, base_url: str, host: str, stamp: dt.datetime) -> list[Event]:
    page = await meetings.list_meetings(viewer, from_=clock.today() - LOOK_BACK, page=PageRequest(limit=MAX_ITEMS))
    events = []
    for m in page.items:
        link = f"{base_url}/moten/{m.id}"
        cancelled = m.status == "cancelled"
        event = Event()
        event.add("uid", f"meeting-{m.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("sequence", max(m.version - 1, 0))  # a changed meeting replaces the old copy
        event.add("dtstart", _utc(m.starts_at))
        event.add("dtend", _utc(m.ends_at))
        event.add("summary", m.title)
        if m.place:
            event.add("location", m.place)
        kind = meeting_rules.KINDS.get(m.kind, m.kind)
        status = meeting_rules.STATUS_LABELS.get(m.status, m.status)
        event.add("description", f"{kind}. {status}.\n{link}")
        event.add("url", link)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("categories", ["Möte"])
        if not cancelled:
            event.add_component(_alarm(MEETING_ALARM, f"Möte om en timme: {m.title}"))
        events.append(event)
    return events


async def feed(token: str) -> bytes:
    """The iCalendar text of the feed the token opens; NotFound for an unknown token or an
    inactive user."""
    viewer = await _viewer(token)
    base_url = get_settings().base_url
    host = urlsplit(base_url).hostname or "samverkan"
    stamp = clock.now().replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    # How often a subscribing client should fetch it again (RFC 7986, and Outlook's own name).
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for event in await _deadline_events(viewer, base_url, host, stamp) + await _meeting_events(viewer, base_url, host, stamp):
        calendar.add_component(event)
    return calendar.to_ical()
