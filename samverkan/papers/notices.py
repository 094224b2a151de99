"""Sending the kallelse: through the outbox, to every participant with an e-mail address and each
union party's address, with the kallelse as Word, links to the papers and an iCalendar invitation
(REQUEST; an update with a higher SEQUENCE when the meeting moves, CANCEL when it is cancelled,
REQUEST to a participant added later). Each send is recorded on the meeting. Replies from the
signed links are the närvaroanmälan and pre-fill presence. No HTTP here."""

from __future__ import annotations

import datetime as dt
import json
import logging
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from samverkan import clock
from samverkan.accounts import rights
from samverkan.accounts.service import Viewer
from samverkan.accounts.tables import User
from samverkan.audit import service as audit
from samverkan.database import Param, Prepared, Read, insert_new
from samverkan.deadlines import service as deadlines
from samverkan.documents import record as rec
from samverkan.documents import service as documents
from samverkan.documents.kinds import Audience
from samverkan.errors import Conflict, Invalid, NotFound
from samverkan.meetings import service as meetings
from samverkan.meetings import warnings
from samverkan.meetings.schemas import MeetingUpdate
from samverkan.meetings.tables import Meeting, MeetingUnion, Participant
from samverkan.orgs.tables import TradeUnion
from samverkan.papers import invitation
from samverkan.papers import schemas as s
from samverkan.papers import service as papers
from samverkan.papers.invitation import Attendee
from samverkan.papers.tables import NoticeReply, NoticeSend
from samverkan.reminders import planning
from samverkan.reminders.tables import OutboxMessage
from samverkan.reminders.texts import render
from samverkan.settings import Settings, get_settings
from samverkan.values import refused

log = logging.getLogger(__name__)
SYSTEM = Viewer(0, "", "samverkan", "admin", None, None, None, "system")
REASONS = {"called": "Kallelse", "moved": "Ändrad kallelse", "added": "Kallelse till ny deltagare", "cancelled": "Inställt"}
LATE = ("Kallelsen skickas senare än avtalet säger (senast {day}, två veckor före mötet enligt samverkansavtalet). "
        "Bekräfta att den ska skickas ändå.")
_OUTBOX = ("key", "kind", "user", "to_address", "subject", "body", "message_id", "link", "next_attempt_at", "created_at",
           "attachment", "calendar", "files")


# --- who is called -------------------------------------------------------------------------


async def recipients(meeting_id: int) -> list[Attendee]:
    """Every participant with an e-mail address, then each union party's address; one per address."""
    people = await Participant.select(Participant.person, Participant.person.name.as_alias("name"),
                                      Participant.person.email.as_alias("email"), Participant.trade_union).where(
        Participant.meeting == meeting_id).order_by(Participant.id)
    union_ids = [r["trade_union"] for r in await MeetingUnion.select(MeetingUnion.trade_union).where(MeetingUnion.meeting == meeting_id)]
    unions = await TradeUnion.select(TradeUnion.id, TradeUnion.name, TradeUnion.email).where(
        TradeUnion.id.is_in(union_ids or [-1])).order_by(TradeUnion.id)
    out: dict[str, Attendee] = {}
    for p in people:
        if p["email"]:
            out.setdefault(p["email"].casefold(), Attendee(f"p:{p['person']}", p["name"], p["email"], p["trade_union"]))
    for u in unions:
        if u["email"]:
            out.setdefault(u["email"].casefold(), Attendee(f"u:{u['id']}", u["name"], u["email"], u["id"]))
    return list(out.values())


async def late_warning(meeting: dict) -> str | None:
    """The warning shown before sending, when a kallelse sent today would be later than a samverkan
    meeting's SKR-SAMV-INVITE allows (as the department's rule set has it); None for other kinds."""
    if meeting["kind"] != "samverkan":
        return None
    start = meeting["starts_at"].astimezone(clock.STOCKHOLM).date()
    rule = (await deadlines.rules_in_force([warnings.NOTICE_RULE], meeting["department"], start))[warnings.NOTICE_RULE]
    late = warnings.notice_late(start, rule, called_on=clock.today(), today=clock.today())
    return LATE.format(day=rule.due(start).due.isoformat()) if late else None


# --- sending ---------------------------------------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(clock.STOCKHOLM)


async def _kallelser(meeting_id: int, to: list[Attendee], settings: Settings) -> dict[Audience, int]:
    """The kallelse as Word, one per copy needed (each union its own, the employer's for the rest);
    its bilagor are the meeting's papers (documents.record)."""
    wanted = {Audience("union", a.union_id) if a.union_id else Audience("department") for a in to}
    options = rec.Options(date=clock.today())
    return {audience: (await documents.produce(SYSTEM, meeting_id, "notice", audience, options, settings)).id
            for audience in wanted}


def attached(paper_rows: list[dict], settings: Settings) -> set[int]:
    """The papers small enough to go with the kallelse mail (SAMVERKAN_NOTICE_ATTACH_MAX_KB each,
    SAMVERKAN_NOTICE_ATTACH_TOTAL_KB together, in the meeting's order); the rest are linked. The
    rows are meetings' papers as every party may read them (papers.meeting_papers: never an
    individärende's)."""
    chosen, total = set(), 0
    for p in paper_rows:
        if p["size"] <= settings.notice_attach_max_kb * 1024 and total + p["size"] <= settings.notice_attach_total_kb * 1024:
            chosen.add(p["id"])
            total += p["size"]
    return chosen


async def _send(viewer: Viewer | None, row: dict, reason: str, to: list[Attendee], everyone: list[Attendee],
                settings: Settings, late: bool = False) -> int:
    """Record one send and put its messages in the outbox; returns the send's id."""
    method = "CANCEL" if reason == "cancelled" else "REQUEST"
    meeting_id, now = row["id"], clock.now()
    sequence = max(row["version"] - 1, 0)  # as the calendar feed: every change to the meeting raises it
    send = (await NoticeSend.insert(NoticeSend(
        meeting=meeting_id, reason=reason, method=method, sequence=sequence,
        recipients=json.dumps([{"key": a.key, "name": a.name, "email": a.email, "union_id": a.union_id} for a in to]),
        starts_at=row["starts_at"], ends_at=row["ends_at"], place=row["place"], late=late,
        sent_by=viewer.user_id if viewer and viewer.user_id else None, sent_at=now,
    )).returning(NoticeSend.id))[0]["id"]
    sender_name, sender = parseaddr(settings.mail_from)
    paper_rows = await papers.meeting_papers(meeting_id) if method == "REQUEST" else []
    small = attached(paper_rows, settings)
    files = json.dumps([{"filename": p["filename"], "media_type": p["media_type"], "sha256": p["sha256"],
                         "suffix": papers.suffix(p["filename"])} for p in paper_rows if p["id"] in small]) if small else ""
    documents_by_audience = await _kallelser(meeting_id, to, settings) if method == "REQUEST" else {}
    ics = invitation.calendar(
        method=method, meeting_id=meeting_id, base_url=settings.base_url, sequence=sequence, title=row["title"],
        starts_at=row["starts_at"], ends_at=row["ends_at"], place=row["place"],
        description=f"{REASONS[reason]}. Kallelse och underlag: {settings.base_url}/moten/{meeting_id}",
        organizer=(sender_name or f"Samverkan – {settings.employer_name}", sender), attendees=everyone if method == "REQUEST" else to,
        stamp=now)
    person_ids = [int(a.key[2:]) for a in to if a.key.startswith("p:")]
    users = {u["person"]: u["id"] for u in await User.select(User.id, User.person).where(
        User.person.is_in(person_ids or [-1]), User.active == True)}  # noqa: E712
    domain = urlsplit(settings.base_url).hostname or "samverkan.local"
    starts = _local(row["starts_at"])
    rows = []
    for a in to:
        token = invitation.reply_token(settings.secret_key, meeting_id, a.key, row["starts_at"])
        subject, body = render(
            "notice.txt", method=method, reason=reason, name=a.name, title=row["title"], starts_at=starts.date(),
            time=f"{starts:%H.%M}–{_local(row['ends_at']):%H.%M}", place=row["place"],
            papers=[{"title": p["title"], "url": f"{settings.base_url}/underlag/{p['id']}", "attached": p["id"] in small}
                    for p in paper_rows],
            yes_url=f"{settings.base_url}/kallelse/svar/{token}?svar=ja", no_url=f"{settings.base_url}/kallelse/svar/{token}?svar=nej",
            meeting_url=f"{settings.base_url}/moten/{meeting_id}")
        key = f"n:{send}:{a.key}"
        audience = Audience("union", a.union_id) if a.union_id else Audience("department")
        rows.append((key, "notice", users.get(int(a.key[2:])) if a.key.startswith("p:") else None, a.email, subject, body,
                     planning.message_id(key, domain), f"/moten/{meeting_id}", now, now, documents_by_audience.get(audience), ics,
                     files))
    await insert_new(OutboxMessage, _OUTBOX, rows)
    await audit.record(viewer, "notice", "meeting", meeting_id, after={
        "reason": reason, "method": method, "sequence": sequence, "to": [a.email for a in to], "late": late})
    return send


async def send_notice(viewer: Viewer, meeting_id: int, settings: Settings, confirm_late: bool = False) -> None:
    """"Skicka kallelse": the meeting becomes called and every recipient gets the kallelse."""
    row = await meetings.visible_row(viewer, meeting_id)
    meetings.check_may_change(viewer, row["department"])
    if row["status"] in ("held", "cancelled"):
        raise Conflict("Ett hållet eller inställt möte kallas inte till.", field="status")
    to = await recipients(meeting_id)
    if not to:
        raise Invalid("Ingen deltagare eller part har en e-postadress. Lägg till deltagare först.", field="participants")
    warning = await late_warning(row)
    if warning and not confirm_late:
        raise Conflict(warning, field="confirm_late")
    if row["status"] == "planned":
        await meetings.update_meeting(viewer, meeting_id, MeetingUpdate(status="called", version=row["version"]))
        row = await meetings.visible_row(viewer, meeting_id)
    await _send(viewer, row, "called", to, to, settings, late=bool(warning))


async def after_change(viewer: Viewer | None, meeting_id: int) -> None:
    """Called by the meetings service after a meeting or its participants changed: once the
    kallelse has gone out, a move sends an update, a cancellation CANCEL, and a new participant
    the request. A failure here is logged and never undoes the change itself."""
    try:
        sends = await NoticeSend.select().where(NoticeSend.meeting == meeting_id).order_by(NoticeSend.id)
        if not sends or sends[-1]["method"] == "CANCEL":
            return
        settings = get_settings()
        row = await Meeting.select().where(Meeting.id == meeting_id).first()
        sent: dict[str, Attendee] = {}
        for s in sends:
            for a in json.loads(s["recipients"]):
                sent.setdefault(a["key"], Attendee(a["key"], a["name"], a["email"], a.get("union_id")))
        if row["status"] == "cancelled":
            await _send(viewer, row, "cancelled", list(sent.values()), list(sent.values()), settings)
            return
        if row["status"] not in ("called",):
            return
        current = await recipients(meeting_id)
        last = sends[-1]
        if (last["starts_at"], last["ends_at"], last["place"]) != (row["starts_at"], row["ends_at"], row["place"]):
            await _send(viewer, row, "moved", current, current, settings)
            return
        added = [a for a in current if a.key not in sent]
        if added:
            await _send(viewer, row, "added", added, current, settings)
    except Exception:  # noqa: BLE001 - the meeting's change stands; the send is retried by the next change or by hand
        log.exception("kallelsen för möte %s kunde inte skickas efter ändringen", meeting_id)


# --- the record on the meeting ---------------------------------------------------------------


async def notice(viewer: Viewer, meeting_id: int, seen: dict | None = None) -> s.Notice:
    """The kallelser sent and the answers. ``seen``: the meeting's row (kind, starts_at, department,
    status) as the caller has just read it as this viewer, so it is not looked up again."""
    row = seen or await meetings.visible_row(viewer, meeting_id)
    sent = await _sends(viewer, meeting_id)
    return s.Notice(
        sends=[s.NoticeSent(id=r["id"], reason=r["reason"], method=r["method"], sequence=r["sequence"], late=r["late"],
                            recipients=[s.NoticeRecipient(name=a["name"], email=a["email"]) for a in r["recipients"]],
                            sent_at=r["sent_at"], sent_by=r["sender"]) for r in sent],
        # Only those a kallelse was sent to can answer (by its link, or signed in as one of them).
        replies=[s.NoticeReply(name=r["name"], attending=r["attending"], substitute=r["substitute"], answered_at=r["answered_at"])
                 for r in (await _replies(meeting_id) if sent else [])],
        late_warning=await late_warning(row) if row["status"] == "planned" else None,
    )


async def sends(viewer: Viewer, meeting_id: int) -> list[dict]:
    """What was sent, to whom and when: visible to the meeting's parties. A union sees the
    addresses of its own side and the employer's, not another union's people."""
    await meetings.visible_row(viewer, meeting_id)
    return await _sends(viewer, meeting_id)


# Read on every meeting page: built once (database.Prepared).
_SENDS = Prepared(lambda: NoticeSend.select(
    NoticeSend.id, NoticeSend.reason, NoticeSend.method, NoticeSend.sequence, NoticeSend.recipients, NoticeSend.late,
    NoticeSend.sent_at, NoticeSend.sent_by.name.as_alias("sender")).where(NoticeSend.meeting == Param("id")).order_by(NoticeSend.id))
_REPLIES = Prepared(lambda: NoticeReply.select(
    NoticeReply.recipient, NoticeReply.name, NoticeReply.attending, NoticeReply.substitute, NoticeReply.answered_at).where(
    NoticeReply.meeting == Param("id")).order_by(NoticeReply.name))


def notice_reads(meeting: Any) -> list[Read]:
    """The statements notice() runs first for a meeting (for database.read_ahead): what was sent,
    and for a planned samverkan meeting the rule of the kallelse's timing (late_warning)."""
    late = [deadlines.rules_in_force_read([warnings.NOTICE_RULE])] if meeting.kind == "samverkan" and meeting.status == "planned" else []
    return [_sends_read(meeting.id), *late]


def _sends_read(meeting_id: int) -> Read:
    return _SENDS.read(id=meeting_id)


async def _sends(viewer: Viewer, meeting_id: int) -> list[dict]:
    """sends() for a meeting the viewer was already found to see."""
    rows = await _sends_read(meeting_id).rows()
    out = []
    for r in rows:
        to = json.loads(r["recipients"])
        if rights.is_union(viewer):
            to = [a for a in to if a.get("union_id") in (None, viewer.union_id)]
        out.append({**r, "label": REASONS[r["reason"]], "recipients": to})
    return out


async def replies(viewer: Viewer, meeting_id: int) -> list[dict]:
    """The närvaroanmälan: each recipient's latest answer."""
    await meetings.visible_row(viewer, meeting_id)
    return await _replies(meeting_id)


async def _replies(meeting_id: int) -> list[dict]:
    """replies() for a meeting the viewer was already found to see."""
    return await _REPLIES.rows(id=meeting_id)


# --- replies -----------------------------------------------------------------------------------


LINK_INVALID = "Länken är inte giltig. Använd länken i kallelsen, eller svara på mötessidan."
LINK_EXPIRED = "Länken gällde fram till mötets början och kan inte användas längre."


async def _recipient(meeting_id: int, key: str) -> Attendee | None:
    for s in await NoticeSend.select(NoticeSend.recipients).where(NoticeSend.meeting == meeting_id).order_by(NoticeSend.id, ascending=False):
        for a in json.loads(s["recipients"]):
            if a["key"] == key:
                return Attendee(a["key"], a["name"], a["email"], a.get("union_id"))
    return None


async def open_link(token: str, settings: Settings) -> tuple[dict, Attendee, dict | None]:
    """The meeting, the recipient and their current answer for a reply link; 404 if forged,
    409 if expired or the meeting was cancelled."""
    link = invitation.read_token(settings.secret_key, token)
    if link is None:
        raise NotFound(LINK_INVALID)
    meeting = await Meeting.select(Meeting.id, Meeting.title, Meeting.starts_at, Meeting.ends_at, Meeting.place, Meeting.status).where(
        Meeting.id == link.meeting_id).first()
    who = await _recipient(link.meeting_id, link.key) if meeting else None
    if meeting is None or who is None:
        raise NotFound(LINK_INVALID)
    if clock.now() >= link.expires or clock.now() >= meeting["starts_at"]:
        raise Conflict(LINK_EXPIRED, field="link")
    if meeting["status"] == "cancelled":
        raise Conflict("Mötet är inställt.", field="link")
    answer = await NoticeReply.select().where(NoticeReply.key == f"{link.meeting_id}:{link.key}").first()
    return meeting, who, answer


def _substitute(value: str) -> str:
    value = value.strip()
    if len(value) > 200:
        raise Invalid("Ersättarens namn får vara högst 200 tecken.", field="substitute")
    if refused(value):
        raise Invalid("Ersättarens namn innehåller otillåtna tecken.", field="substitute")
    return value


async def record_reply(meeting_id: int, who: Attendee, attending: bool, substitute: str) -> None:
    """One answer per recipient (the latest counts); it pre-fills the participant's presence while
    no one has marked it, or while it is still what the previous answer filled in."""
    substitute = _substitute(substitute) if not attending else ""
    key, now = f"{meeting_id}:{who.key}", clock.now()
    previous = await NoticeReply.select(NoticeReply.attending).where(NoticeReply.key == key).first()
    if previous is None:
        await insert_new(NoticeReply, ("key", "meeting", "recipient", "name", "attending", "substitute", "answered_at"),
                         [(key, meeting_id, who.key, who.name, attending, substitute, now)])
    # Also after the insert: a reply at the same moment may have inserted first; the latest counts.
    await NoticeReply.update({NoticeReply.attending: attending, NoticeReply.substitute: substitute,
                              NoticeReply.answered_at: now}).where(NoticeReply.key == key)
    if who.key.startswith("p:"):
        unmarked = Participant.present.is_null()
        if previous is not None:
            unmarked = unmarked | (Participant.present == previous["attending"])
        await Participant.update({Participant.present: attending}).where(
            (Participant.meeting == meeting_id) & (Participant.person == int(who.key[2:])) & unmarked)
    await audit.record(None, "reply", "meeting", meeting_id, after={"recipient": who.key, "attending": attending,
                                                                     "substitute": substitute})


async def reply_by_link(token: str, attending: bool, substitute: str, settings: Settings) -> tuple[dict, Attendee]:
    meeting, who, _ = await open_link(token, settings)
    await record_reply(meeting["id"], who, attending, substitute)
    return meeting, who


async def my_invitation(viewer: Viewer, meeting_id: int) -> tuple[Attendee, dict | None] | None:
    """The signed-in user's own place among the recipients (by their person), and their answer."""
    if viewer.person_id is None:
        return None
    who = await _recipient(meeting_id, f"p:{viewer.person_id}")
    if who is None:
        return None
    return who, await NoticeReply.select().where(NoticeReply.key == f"{meeting_id}:{who.key}").first()


async def reply_signed_in(viewer: Viewer, meeting_id: int, attending: bool, substitute: str) -> None:
    row = await meetings.visible_row(viewer, meeting_id)
    mine = await my_invitation(viewer, meeting_id)
    if mine is None:
        raise Invalid("Du är inte kallad till mötet.", field="attending")
    if clock.now() >= row["starts_at"]:
        raise Conflict(LINK_EXPIRED, field="attending")
    await record_reply(meeting_id, mine[0], attending, substitute)
