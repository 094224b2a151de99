"""Protocol justering: send a version, comment, propose, accept or reject, approve per party,
lock when every party has approved, reopen. Every step is one transaction with its audit entry.
No HTTP here."""

from __future__ import annotations

import datetime as dt
import json

import msgspec

from samverkan.accounts import rights
from samverkan import clock
from samverkan.accounts.service import Viewer
from samverkan.accounts.tables import User
from samverkan.audit import service as audit
from samverkan.database import engine, insert_new, write_unique
from samverkan.deadlines import catalogue, rulesets
from samverkan.deadlines.service import load_versions
from samverkan.documents import record as rec
from samverkan.documents import service as documents
from samverkan.documents import storage
from samverkan.documents.kinds import Audience
from samverkan.errors import Conflict, Forbidden, Invalid, NotFound
from samverkan.matters import service as matters
from samverkan.matters.schemas import EventCreate
from samverkan.meetings import service as meetings
from samverkan.meetings.schemas import Position
from samverkan.meetings.tables import AgendaPosition, Meeting, MeetingApprover
from samverkan.orgs.tables import TradeUnion
from samverkan.protocols import rules
from samverkan.protocols import schemas as s
from samverkan.protocols.tables import Approval, Comment, Proposal, ProtocolVersion
from samverkan.reminders.audience import Recipient, user_recipient
from samverkan.reminders.service import Plan
from samverkan.settings import Settings

SYSTEM = Viewer(0, "", "samverkan", "admin", None, None, None, "system")


def _decode(version: dict) -> rec.MeetingRecord:
    return msgspec.json.decode(version["record"], type=rec.MeetingRecord)


async def _latest(meeting_id: int) -> dict | None:
    return await ProtocolVersion.select().where(ProtocolVersion.meeting == meeting_id).order_by(
        ProtocolVersion.number, ascending=False).first()


async def _current(meeting_id: int, states: tuple[str, ...] = ("in_review",)) -> dict:
    latest = await _latest(meeting_id)
    if latest is None or latest["state"] not in states:
        raise Conflict("Protokollet är inte under justering." if states == ("in_review",)
                       else "Protokollet är inte skickat för justering.", field="protocol")
    return latest


def _viewer_party(viewer: Viewer, union_ids: list[int]) -> str:
    if rights.is_employer(viewer):
        return rules.EMPLOYER
    if viewer.union_id in union_ids:
        return rules.union_party(viewer.union_id)
    raise Forbidden("Din organisation är inte part i mötet.")


async def _designated_person(meeting_id: int, party: str) -> int | None:
    """The registry person designated as the party's justerare, if any."""
    union_id = None if party == rules.EMPLOYER else int(party.split(":")[1])
    row = await MeetingApprover.select(MeetingApprover.person).where(
        MeetingApprover.meeting == meeting_id,
        MeetingApprover.trade_union.is_null() if union_id is None else MeetingApprover.trade_union == union_id,
    ).first()
    return row["person"] if row else None


async def _check_may_act_for(viewer: Viewer, meeting: dict, party: str) -> None:
    """The designated justerare of the party, or (none designated) someone of the party's side;
    on the employer's side someone who may change the meeting."""
    designated = await _designated_person(meeting["id"], party)
    reason = rules.approver_error(party, designated, viewer.person_id)
    if reason:
        raise Forbidden(reason, field="party")
    if designated is None and party == rules.EMPLOYER:
        meetings.check_may_change(viewer, meeting["department"])


# --- reading -------------------------------------------------------------------------------


async def _parties(version: dict | None, record: rec.MeetingRecord | None) -> list[s.PartyStatus]:
    if version is None or record is None:
        return []
    approvals = {a["party"]: a for a in await Approval.select().where(Approval.version == version["id"])}
    return [
        s.PartyStatus(party=p, label=rules.party_label(p, record), justerare=rules.designated(record, p),
                      approved_by=approvals[p]["name"] if p in approvals else None,
                      approved_at=approvals[p]["approved_at"] if p in approvals else None)
        for p in rules.parties(record)
    ]


def _version_out(row: dict) -> s.Version:
    return s.Version(
        number=row["number"], state=row["state"], record_sha256=row["record_sha256"], due=row["due"],
        submitted_at=row["submitted_at"], locked_at=row["locked_at"], seal=row["seal"],
        documents=json.loads(row["documents"]) if row["documents"] else [], ended_reason=row["ended_reason"],
    )


async def _records(meeting_id: int) -> dict[int, rec.MeetingRecord]:
    """Every version's record, by number."""
    rows = await ProtocolVersion.select(ProtocolVersion.number, ProtocolVersion.record).where(ProtocolVersion.meeting == meeting_id)
    return {row["number"]: _decode(row) for row in rows}


def _withheld_items(viewer: Viewer, records: dict[int, rec.MeetingRecord]) -> set[tuple[int, int]]:
    """(version, item) of every item the viewer may not read in that version's record: comments and
    proposals on them are left out, as the items are left out of the record itself."""
    return {(number, item.id) for number, record in records.items() for item in rec.for_reader(record, viewer).items
            if item.withheld}


async def get_protocol(viewer: Viewer, meeting_id: int) -> s.Protocol:
    meeting = await meetings.visible_row(viewer, meeting_id)
    versions = await ProtocolVersion.select(
        *[c for c in ProtocolVersion._meta.columns if c._meta.name != "record"]
    ).where(ProtocolVersion.meeting == meeting_id).order_by(ProtocolVersion.number)
    latest = versions[-1] if versions else None
    records = await _records(meeting_id)
    record = records[latest["number"]] if latest else None
    withheld = _withheld_items(viewer, records)
    comments = [c for c in await Comment.select().where(Comment.meeting == meeting_id).order_by(Comment.id)
                if (c["version_number"], c["agenda_item_id"]) not in withheld]
    proposals = [p for p in await Proposal.select().where(Proposal.meeting == meeting_id).order_by(Proposal.id)
                 if (p["version_number"], p["agenda_item_id"]) not in withheld]
    return s.Protocol(
        meeting_id=meeting_id, state=meeting["protocol_state"],
        version=_version_out(latest) if latest else None,
        versions=[_version_out(v) for v in versions],
        parties=await _parties(latest, record),
        comments=[s.Comment(id=c["id"], version=c["version_number"], agenda_item_id=c["agenda_item_id"], party=c["party"],
                            author=c["author"], text=c["text"], created_at=c["created_at"]) for c in comments],
        proposals=[s.Proposal(id=p["id"], version=p["version_number"], agenda_item_id=p["agenda_item_id"],
                              union_id=p["trade_union"], outcome=p["outcome"], note=p["note"], reservation=p["reservation"],
                              state=p["state"], author=p["author"], created_at=p["created_at"], reason=p["reason"])
                   for p in proposals],
    )


async def get_version(viewer: Viewer, meeting_id: int, number: int) -> s.VersionDetail:
    await meetings.visible_row(viewer, meeting_id)
    row = await ProtocolVersion.select().where(ProtocolVersion.meeting == meeting_id, ProtocolVersion.number == number).first()
    if row is None:
        raise NotFound(f"Protokollet har ingen version {number}.")
    record = _decode(row)
    return s.VersionDetail(**msgspec.structs.asdict(_version_out(row)), parties=await _parties(row, record),
                           record=rec.for_reader(record, viewer))


async def difference(viewer: Viewer, meeting_id: int, old: int, new: int) -> tuple[s.VersionDetail, s.VersionDetail, list[tuple[str, str]]]:
    """The two versions and the lines that differ between them."""
    first, second = await get_version(viewer, meeting_id, old), await get_version(viewer, meeting_id, new)
    return first, second, rules.difference(first.record, second.record)


# --- sending for justering -----------------------------------------------------------------


async def _due(department_id: int | None, start: dt.date) -> dt.date:
    rule = catalogue.BY_ID["AGR-PROTOCOL-APPROVAL"]
    applied, _ = rulesets.resolve(rule, await load_versions(), department_id, start)
    return applied.due(start).due


async def _recipients(meeting: dict, record: rec.MeetingRecord, party: str, personal_data: bool = False) -> list[Recipient]:
    """Who is told for a party: its justerare's login; without one the party's users (HR on the
    employer's side), or the union's address. A copy that shows an individärende is not sent to
    a department user (docs/access.md): HR gets the employer's copy instead."""
    union_id = None if party == rules.EMPLOYER else int(party.split(":")[1])
    person = await _designated_person(meeting["id"], party)

    def users(*where):
        readers = [User.role != "department"] if personal_data else []
        return User.select(User.id, User.email, User.name).where(User.active == True, *readers, *where)  # noqa: E712 (SQL)

    if person is not None:
        found = await users(User.person == person)
    elif union_id is None:
        found = await users(User.role == "hr")
    else:
        found = await users(User.trade_union == union_id, User.role == "union")
    if not found and personal_data and union_id is None:
        found = await users(User.role == "hr")
    if found or union_id is None:
        return [user_recipient(u) for u in found]
    union = await TradeUnion.select(TradeUnion.email, TradeUnion.name).where(TradeUnion.id == union_id).first()
    return [Recipient(union["email"], union["name"])] if union and union["email"] else []


async def _users(*where) -> list[Recipient]:
    rows = await User.select(User.id, User.email, User.name).where(User.active == True, *where)  # noqa: E712 (SQL)
    return [user_recipient(u) for u in rows]


async def _minute_taker(meeting: dict) -> list[Recipient]:
    return await _users(User.person == meeting["minute_taker"]) if meeting.get("minute_taker") else []


async def _employer_side(meeting: dict, version: dict, with_sender: bool) -> list[Recipient]:
    """The minute-taker, and (``with_sender``, or without a minute-taker) the HR officer who sent
    the version for justering; all of HR only when neither has a login."""
    found = await _minute_taker(meeting)
    if (with_sender or not found) and version.get("submitted_by"):
        found += await _users(User.id == version["submitted_by"])
    return found or await _users(User.role == "hr")


async def _tell(settings: Settings, key: str, kind: str, recipients: list[Recipient], template: str, viewer: Viewer,
                meeting: dict, **context) -> None:
    """One notice (e-mail and in-app) to each recipient but the one who acted, through the outbox."""
    unique = {r.email.lower(): r for r in recipients if not (r.user_id and r.user_id == viewer.user_id)}
    plan = Plan(settings)
    plan.add(key, kind, list(unique.values()), template, link=f"/moten/{meeting['id']}/protokoll",
             url=f"{settings.base_url}/moten/{meeting['id']}/protokoll", **context)
    await plan.save()


def _item_label(record: rec.MeetingRecord, item_id: int | None) -> str:
    item = next((i for i in record.items if i.id == item_id), None)
    return f"§ {item.number}" if item else ""


async def _notify_review(settings: Settings, meeting: dict, version_id: int, number: int, record: rec.MeetingRecord,
                         due: dt.date) -> None:
    plan = Plan(settings)
    for party in rules.parties(record):
        plan.add(f"j:{version_id}:{party}", "justering", await _recipients(meeting, record, party), "justering.txt",
                 link=f"/moten/{meeting['id']}/protokoll", title=record.title, number=number, due=due,
                 party=rules.party_label(party, record), url=f"{settings.base_url}/moten/{meeting['id']}/protokoll")
    await plan.save()


async def _new_version(viewer: Viewer, meeting: dict, settings: Settings) -> dict:
    """Freeze the meeting as version n + 1, in review, and tell each party's justerare."""
    _, record, department_id = await documents.meeting_record(meeting["id"], settings.employer_name)
    latest = await _latest(meeting["id"])
    number = latest["number"] + 1 if latest else 1
    source = msgspec.json.encode(record)
    due = await _due(department_id, clock.today())
    row = (await write_unique(lambda: ProtocolVersion.insert(ProtocolVersion(
        meeting=meeting["id"], number=number, key=f"{meeting['id']}:{number}", state="in_review", record=source.decode(),
        record_sha256=storage.sha256(source), due=due, submitted_by=viewer.user_id or None, submitted_at=clock.now(),
    )).returning(ProtocolVersion.id), Conflict("Protokollet skickades just av någon annan.", field="protocol")))[0]
    await meetings.set_protocol_state(meeting["id"], "in_review")
    await audit.record(viewer, "submit", "protocol", row["id"],
                       after={"meeting": meeting["id"], "number": number, "record_sha256": storage.sha256(source), "due": due})
    await _notify_review(settings, meeting, row["id"], number, record, due)
    return row


async def submit(viewer: Viewer, meeting_id: int, settings: Settings) -> s.Protocol:
    meeting = await meetings.visible_row(viewer, meeting_id)
    meetings.check_may_change(viewer, meeting["department"])
    if meeting["status"] != "held":
        raise Conflict("Protokollet skickas för justering när mötet är markerat som hållet.", field="status")
    if meeting["protocol_state"] != "draft":
        raise Conflict("Protokollet är redan skickat för justering.", field="protocol")
    async with engine().transaction():
        # The check again inside the write, before the record is read: of two submits, or a
        # submit and an agenda save, one waits for the other (meetings.service._lock_draft).
        if not await meetings.start_review(meeting_id):
            raise Conflict("Protokollet skickades just av någon annan, eller mötet ändrades. Ladda om sidan.", field="protocol")
        await _new_version(viewer, meeting, settings)
    return await get_protocol(viewer, meeting_id)


# --- comments and proposals ------------------------------------------------------------------


def _check_item(viewer: Viewer, record: rec.MeetingRecord, item_id: int | None) -> None:
    """The item is on the version, and the viewer may read it there: one hidden from the viewer
    answers as if it were not there (404), like everything else one may not see."""
    if item_id is None:
        return
    item = next((i for i in rec.for_reader(record, viewer).items if i.id == item_id), None)
    if item is None:
        raise Invalid("Punkten finns inte på mötets dagordning.", field="agenda_item_id")
    if item.withheld:
        raise NotFound(f"Punkten {item_id} finns inte.")


async def comment(viewer: Viewer, meeting_id: int, data: s.CommentCreate, settings: Settings) -> s.Protocol:
    meeting = await meetings.visible_row(viewer, meeting_id)
    version = await _current(meeting_id)
    record = _decode(version)
    _check_item(viewer, record, data.agenda_item_id)
    party = _viewer_party(viewer, [u.id for u in record.unions])
    async with engine().transaction():
        row = (await Comment.insert(Comment(
            meeting=meeting_id, version_number=version["number"], agenda_item_id=data.agenda_item_id, party=party,
            user=viewer.user_id or None, author=viewer.name, text=data.text.strip(),
        )).returning(Comment.id))[0]
        await audit.record(viewer, "comment", "protocol", version["id"],
                           after={"comment": row["id"], "agenda_item_id": data.agenda_item_id, "text": data.text.strip()})
        # The minute-taker and the HR officer who sent it hear of it; the mail names the item, not
        # the comment (mail is less private).
        await _tell(settings, f"k:{row['id']}", "comment", await _employer_side(meeting, version, with_sender=True),
                    "protocol_comment.txt", viewer, meeting, title=record.title, number=version["number"], author=viewer.name,
                    party=rules.party_label(party, record), item=_item_label(record, data.agenda_item_id))
    return await get_protocol(viewer, meeting["id"])


async def propose(viewer: Viewer, meeting_id: int, data: s.ProposalCreate, settings: Settings) -> s.Protocol:
    """A union's justerare proposes its own position or protokollsanteckning on an item."""
    meeting = await meetings.visible_row(viewer, meeting_id)
    version = await _current(meeting_id)
    record = _decode(version)
    _check_item(viewer, record, data.agenda_item_id)
    if not rights.is_union(viewer):
        raise Forbidden("Förslag lämnas av organisationernas justerare; arbetsgivaren ändrar protokollet direkt.",
                        field="party")
    party = _viewer_party(viewer, [u.id for u in record.unions])
    await _check_may_act_for(viewer, meeting, party)
    async with engine().transaction():
        row = (await Proposal.insert(Proposal(
            meeting=meeting_id, version_number=version["number"], agenda_item_id=data.agenda_item_id,
            trade_union=viewer.union_id, outcome=data.outcome, note=data.note.strip(), reservation=data.reservation.strip(),
            user=viewer.user_id or None, author=viewer.name,
        )).returning(Proposal.id))[0]
        await audit.record(viewer, "propose", "protocol", version["id"], after={"proposal": row["id"], **msgspec.to_builtins(data)})
        await _tell(settings, f"f:{row['id']}", "proposal", await _employer_side(meeting, version, with_sender=False),
                    "protocol_proposal.txt", viewer, meeting, title=record.title, number=version["number"], author=viewer.name,
                    party=rules.party_label(party, record), item=_item_label(record, data.agenda_item_id))
    return await get_protocol(viewer, meeting_id)


async def _pending_proposal(viewer: Viewer, meeting_id: int, proposal_id: int, version: dict) -> dict:
    row = await Proposal.select().where(Proposal.id == proposal_id, Proposal.meeting == meeting_id).first()
    hidden = _withheld_items(viewer, {version["number"]: _decode(version)})
    if row is None or (version["number"], row["agenda_item_id"]) in hidden:
        raise NotFound(f"Förslaget {proposal_id} finns inte.")
    if row["state"] != "pending" or row["version_number"] != version["number"]:
        raise Conflict("Förslaget är redan avgjort.", field="proposal")
    return row


async def decide(viewer: Viewer, meeting_id: int, proposal_id: int, accept: bool, reason: str,
                 settings: Settings) -> s.Protocol:
    """The minute-taker accepts (a new version, approval starts over) or rejects a proposal."""
    meeting = await meetings.visible_row(viewer, meeting_id)
    meetings.check_may_change(viewer, meeting["department"])
    version = await _current(meeting_id)
    proposal = await _pending_proposal(viewer, meeting_id, proposal_id, version)
    async with engine().transaction():
        done = await Proposal.update({
            Proposal.state: "accepted" if accept else "rejected", Proposal.decided_by: viewer.user_id or None,
            Proposal.decided_at: clock.now(), Proposal.reason: reason.strip(),
        }).where(Proposal.id == proposal_id, Proposal.state == "pending").returning(Proposal.id)
        if not done:
            raise Conflict("Förslaget är redan avgjort.", field="proposal")
        await audit.record(viewer, "accept" if accept else "reject", "protocol", version["id"],
                           before={"proposal": proposal_id, "state": "pending"},
                           after={"proposal": proposal_id, "state": "accepted" if accept else "rejected", "reason": reason.strip()})
        if accept:
            current = await AgendaPosition.select(
                AgendaPosition.outcome, AgendaPosition.note, AgendaPosition.reservation, AgendaPosition.central_requested,
            ).where(AgendaPosition.item == proposal["agenda_item_id"], AgendaPosition.trade_union == proposal["trade_union"]).first()
            # A proposal changes only the fields it names: "Oförändrat" and an empty text keep what is there.
            await meetings.apply_accepted_position(meeting_id, proposal["agenda_item_id"], Position(
                union_id=proposal["trade_union"], **rules.merge_proposal(current or {}, proposal),
                central_requested=bool(current and current["central_requested"])))
            await ProtocolVersion.update({
                ProtocolVersion.state: "superseded", ProtocolVersion.ended_reason: f"Förslag {proposal_id} godtogs.",
            }).where(ProtocolVersion.id == version["id"], ProtocolVersion.state == "in_review")
            await _new_version(viewer, meeting, settings)
        # The proposing union's justerare (or its users) hears the answer.
        record = _decode(version)
        party = rules.union_party(proposal["trade_union"])
        await _tell(settings, f"b:{proposal_id}", "decision", await _recipients(meeting, record, party), "protocol_decision.txt",
                    viewer, meeting, title=record.title, number=version["number"] + (1 if accept else 0), accepted=accept,
                    party=rules.party_label(party, record), item=_item_label(record, proposal["agenda_item_id"]),
                    decided_by=viewer.name, reason=reason.strip())
    return await get_protocol(viewer, meeting_id)


# --- approving and locking -------------------------------------------------------------------


async def approve(viewer: Viewer, meeting_id: int, settings: Settings) -> s.Protocol:
    """Approve the version in review for the caller's own party. Approving twice, or two people
    at once, records one approval per party; the last one locks the protocol."""
    meeting = await meetings.visible_row(viewer, meeting_id)
    version = await _current(meeting_id)
    party = _viewer_party(viewer, [u.id for u in _decode(version).unions])
    await _check_may_act_for(viewer, meeting, party)
    async with engine().transaction():
        added = await insert_new(Approval, ("version", "party", "key", "user", "name", "approved_at"),
                                 [(version["id"], party, f"{version['id']}:{party}", viewer.user_id or None, viewer.name, clock.now())])
        if added:
            await audit.record(viewer, "approve", "protocol", version["id"], after={"party": party, "number": version["number"]})
    # After the commit: whoever commits last sees every approval, so the protocol cannot stay unlocked.
    await _lock_if_complete(version["id"], settings)
    return await get_protocol(viewer, meeting_id)


async def _lock_if_complete(version_id: int, settings: Settings) -> None:
    version = await ProtocolVersion.select().where(ProtocolVersion.id == version_id).first()
    record = _decode(version)
    approved = {a["party"] for a in await Approval.select(Approval.party).where(Approval.version == version_id)}
    if set(rules.parties(record)) - approved:
        return
    async with engine().transaction():
        won = await ProtocolVersion.update({ProtocolVersion.state: "approved", ProtocolVersion.locked_at: clock.now()}).where(
            ProtocolVersion.id == version_id, ProtocolVersion.state == "in_review").returning(ProtocolVersion.id)
        if not won:
            return  # another request locked it a moment ago
        meeting_id = version["meeting"]
        await meetings.set_protocol_state(meeting_id, "approved")
        # The final copies, one per party, from the approved record itself: a matter renamed or a
        # person's new name since it was sent does not reach them.
        department_id = await documents.department_of(meeting_id)
        # Each copy carries its justering (who approved for each party, when, the version's hash)
        # instead of blank signature lines.
        approvals = await Approval.select(Approval.party, Approval.name, Approval.approved_at).where(Approval.version == version_id)
        options = rec.Options(justering=rec.Justering(
            version=version["number"], record_sha256=version["record_sha256"],
            verify_url=f"{settings.base_url}/moten/{meeting_id}/protokoll",
            approvals=[rec.ApprovalRef(party=a["party"], name=a["name"], at=a["approved_at"]) for a in approvals]))
        copies = [await documents.produce_from_record(SYSTEM, record, department_id, "protocol", audience, options, settings)
                  for audience in [Audience("department")] + [Audience("union", u.id) for u in record.unions]]
        listed = [{"id": d.id, "audience": d.audience, "sha256": d.sha256} for d in copies]
        seal = storage.sha256((version["record_sha256"] + "".join(d.sha256 for d in copies)).encode())
        await ProtocolVersion.update({ProtocolVersion.documents: json.dumps(listed), ProtocolVersion.seal: seal}).where(
            ProtocolVersion.id == version_id)
        for matter_id in sorted({i.matter.id for i in record.items if i.matter}):
            await matters.record_from_meeting(matter_id, EventCreate(type="protocol_approved", date=clock.today()), None, None)
        await audit.record(None, "lock", "protocol", version_id,
                           after={"number": version["number"], "seal": seal, "documents": listed})
        plan = Plan(settings)
        meeting = await Meeting.select().where(Meeting.id == meeting_id).first()
        for document in copies:
            party = rules.EMPLOYER if document.audience == "department" else document.audience
            # The employer's copy is whole; a union's shows an individärende only to its parties.
            personal_data = party == rules.EMPLOYER and rec.shows_personal_data(record)
            recipients = await _recipients(meeting, record, party, personal_data)
            plan.add(f"p:{version_id}:{party}", "protocol", recipients, "protocol_approved.txt",
                     link=f"/moten/{meeting_id}/protokoll", document_id=document.id, title=record.title,
                     number=version["number"], filename=document.filename, url=f"{settings.base_url}/moten/{meeting_id}/protokoll")
        await plan.save()


async def reopen(viewer: Viewer, meeting_id: int, reason: str) -> s.Protocol:
    """HR or an administrator opens a sent or approved protocol again, with the reason; the
    next version must be approved by every party anew. Earlier versions stay as they were."""
    if not rights.sees_all(viewer):
        raise Forbidden("Bara HR eller en administratör kan öppna ett protokoll igen.")
    if not reason.strip():
        raise Invalid("Ange varför protokollet öppnas igen.", field="reason")
    await meetings.visible_row(viewer, meeting_id)
    version = await _current(meeting_id, ("in_review", "approved"))
    async with engine().transaction():
        done = await ProtocolVersion.update({ProtocolVersion.state: "reopened", ProtocolVersion.ended_reason: reason.strip()}).where(
            ProtocolVersion.id == version["id"], ProtocolVersion.state == version["state"]).returning(ProtocolVersion.id)
        if not done:
            raise Conflict("Protokollet ändrades just; ladda om sidan.", field="protocol")
        await meetings.set_protocol_state(meeting_id, "draft")
        await audit.record(viewer, "reopen", "protocol", version["id"], before={"state": version["state"]},
                           after={"state": "reopened", "reason": reason.strip()})
    return await get_protocol(viewer, meeting_id)


# --- what waits for whom ---------------------------------------------------------------------


async def waiting(viewer: Viewer) -> list[s.Waiting]:
    """Protocols in review the viewer may see, with the parties that have not approved yet; for a
    union user only those its own union still has to approve."""
    rows = await ProtocolVersion.select().where(ProtocolVersion.state == "in_review").order_by(ProtocolVersion.due)
    visible = {m["id"]: m for m in await Meeting.select(Meeting.id, Meeting.title, Meeting.starts_at).where(
        Meeting.id.is_in([r["meeting"] for r in rows] or [-1]), *meetings.scope(viewer))}
    out = []
    for row in rows:
        if row["meeting"] not in visible:
            continue
        record = _decode(row)
        pending = [p for p in await _parties(row, record) if p.approved_at is None]
        if rights.is_union(viewer) and rules.union_party(viewer.union_id) not in {p.party for p in pending}:
            continue
        out.append(s.Waiting(meeting_id=row["meeting"], title=record.title, starts_at=visible[row["meeting"]]["starts_at"],
                             number=row["number"], due=row["due"], pending=pending))
    return out


async def feedback_waiting(viewer: Viewer) -> list[s.Feedback]:
    """For the employer side: protocols in review with pending proposals or comments on the version in review."""
    versions = {r["meeting"]: r for r in await ProtocolVersion.select(
        ProtocolVersion.meeting, ProtocolVersion.number).where(ProtocolVersion.state == "in_review")}
    if not versions or rights.is_union(viewer):
        return []
    visible = {m["id"]: m for m in await Meeting.select(Meeting.id, Meeting.title).where(
        Meeting.id.is_in(list(versions)), *meetings.scope(viewer))}
    proposals = await Proposal.select(Proposal.meeting, Proposal.version_number).where(
        Proposal.meeting.is_in(list(visible) or [-1]), Proposal.state == "pending")
    comments = await Comment.select(Comment.meeting, Comment.version_number).where(Comment.meeting.is_in(list(visible) or [-1]))
    out = []
    for meeting_id, meeting in visible.items():
        number = versions[meeting_id]["number"]
        p = sum(1 for r in proposals if r["meeting"] == meeting_id and r["version_number"] == number)
        c = sum(1 for r in comments if r["meeting"] == meeting_id and r["version_number"] == number)
        if p or c:
            out.append(s.Feedback(meeting_id=meeting_id, title=meeting["title"], proposals=p, comments=c))
    return out


async def recently_approved(viewer: Viewer, limit: int = 5) -> list[s.Approved]:
    """The latest locked protocols the viewer may see, each with the viewer's own copy (a union's
    its union's, the employer side the employer's) when the viewer may open it."""
    rows = await ProtocolVersion.select(ProtocolVersion.meeting, ProtocolVersion.number, ProtocolVersion.locked_at,
                                        ProtocolVersion.documents).where(
        ProtocolVersion.state == "approved", ProtocolVersion.meeting.is_in(
            Meeting.select(Meeting.id).where(*meetings.scope(viewer)))).order_by(ProtocolVersion.locked_at, ascending=False).limit(limit)
    titles = {m["id"]: m for m in await Meeting.select(Meeting.id, Meeting.title, Meeting.starts_at).where(
        Meeting.id.is_in([r["meeting"] for r in rows] or [-1]))}
    own = rules.union_party(viewer.union_id) if rights.is_union(viewer) else "department"
    wanted = [next((d["id"] for d in (json.loads(row["documents"]) if row["documents"] else []) if d["audience"] == own), None)
              for row in rows]
    readable = await documents.readable(viewer, [w for w in wanted if w is not None])
    return [s.Approved(meeting_id=row["meeting"], title=titles[row["meeting"]]["title"], starts_at=titles[row["meeting"]]["starts_at"],
                       number=row["number"], locked_at=row["locked_at"], document_id=copy if copy in readable else None)
            for row, copy in zip(rows, wanted)]
