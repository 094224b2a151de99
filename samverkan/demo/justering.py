"""Justering in the demo, written through the protocol service: at first login Vision's
dispute protocol waits for Vision's justering (journey 4) and then HR's (journey 1), and every
union that is a party to a held meeting has an approved protocol with its own copy to download."""

from __future__ import annotations

from samverkan.accounts.service import Viewer
from samverkan.meetings import service as meetings
from samverkan.meetings.schemas import Approver, MeetingUpdate
from samverkan.meetings.tables import Meeting, MeetingApprover, MeetingUnion
from samverkan.orgs.tables import Person
from samverkan.protocols import service as protocols
from samverkan.settings import Settings

WAITING_FOR_VISION = "Tvisteförhandling: arbetstidsschema, Vision"


async def _justerare(meeting_id: int, union_id: int | None) -> Viewer:
    """The party's designated justerare, as the one who acts."""
    approver = await MeetingApprover.select(MeetingApprover.person).where(
        MeetingApprover.meeting == meeting_id,
        MeetingApprover.trade_union.is_null() if union_id is None else MeetingApprover.trade_union == union_id).first()
    person = await Person.select(Person.id, Person.name, Person.email).where(Person.id == approver["person"]).first()
    role = "hr" if union_id is None else "union"
    return Viewer(0, person["email"] or "", person["name"], role, None, union_id, person["id"], "demo")


async def run(hr: Viewer, settings: Settings) -> None:
    held = await Meeting.select(Meeting.id, Meeting.title, Meeting.protocol_state).where(
        Meeting.status == "held").order_by(Meeting.starts_at, ascending=False)
    if any(m["protocol_state"] != "draft" for m in held):
        return  # loaded before
    parties = {m["id"]: set() for m in held}
    for row in await MeetingUnion.select(MeetingUnion.meeting, MeetingUnion.trade_union).where(
            MeetingUnion.meeting.is_in(list(parties) or [-1])):
        parties[row["meeting"]].add(row["trade_union"])

    waiting = next((m for m in held if m["title"] == WAITING_FOR_VISION), None)
    if waiting:
        # Journey 1: HR approves for the employer, after Vision.
        await meetings.update_meeting(hr, waiting["id"], MeetingUpdate(approvers=[
            Approver(union_id=None, person_id=hr.person_id),
            *[Approver(union_id=u, person_id=(await _justerare(waiting["id"], u)).person_id) for u in sorted(parties[waiting["id"]])]]))
        await protocols.submit(hr, waiting["id"], settings)

    # The newest held meetings first, each approved by every party, until every union has one.
    uncovered = set().union(*parties.values())
    for meeting in held:
        if not uncovered:
            break
        if meeting is waiting or not parties[meeting["id"]] & uncovered:
            continue
        await protocols.submit(hr, meeting["id"], settings)
        for union_id in [None, *sorted(parties[meeting["id"]])]:
            await protocols.approve(await _justerare(meeting["id"], union_id), meeting["id"], settings)
        uncovered -= parties[meeting["id"]]
