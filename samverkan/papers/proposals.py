"""Union agenda proposals: until the kallelse is sent, a union party proposes an item; the
employer (HR, or the department that may change the meeting) accepts it onto the agenda or
declines it with a reason; both sides are told (in the app and by e-mail). Papers that come with a
proposal are read by its union and the employer only; accepted, they move to the new agenda item
(and so to every party that may read it); declined, they stay with the proposal. No HTTP here."""

from __future__ import annotations

from samverkan import clock
from samverkan.accounts import rights
from samverkan.accounts.service import Viewer
from samverkan.accounts.tables import User
from samverkan.audit import service as audit
from samverkan.database import Param, Prepared, Read, engine
from samverkan.errors import Conflict, Forbidden, Invalid, NotFound
from samverkan.matters import service as matters
from samverkan.meetings import service as meetings
from samverkan.meetings.schemas import AgendaItemCreate
from samverkan.meetings.tables import MeetingUnion
from samverkan.orgs.tables import TradeUnion
from samverkan.papers import schemas as s
from samverkan.papers import service as papers
from samverkan.papers.tables import AgendaProposal, NoticeSend
from samverkan.reminders.audience import user_recipient
from samverkan.reminders.service import Plan
from samverkan.settings import Settings

CLOSED = "Dagordningen är skickad med kallelsen; förslag tas inte emot längre."


def _out(r: dict, files: list[s.Paper] | None = None) -> s.AgendaProposal:
    return s.AgendaProposal(id=r["id"], union_id=r["trade_union"], title=r["title"], text=r["text"], matter_id=r["matter"],
                            state=r["state"], reason=r["reason"], agenda_item_id=r["agenda_item"], proposed_at=r["proposed_at"],
                            papers=files or [])


async def open_for_proposals(meeting: dict) -> bool:
    return meeting["status"] == "planned" and not await NoticeSend.exists().where(NoticeSend.meeting == meeting["id"])


# Read on every meeting page: built once (database.Prepared).
_ALL = Prepared(lambda: AgendaProposal.select().where(AgendaProposal.meeting == Param("meeting")).order_by(AgendaProposal.id))
_THE_UNIONS = Prepared(lambda: AgendaProposal.select().where(
    AgendaProposal.meeting == Param("meeting"), AgendaProposal.trade_union == Param("union")).order_by(AgendaProposal.id))


def proposals_read(viewer: Viewer, meeting_id: int) -> Read:
    """The statement list_proposals runs for the viewer (for database.read_ahead)."""
    if rights.is_union(viewer):
        return _THE_UNIONS.read(meeting=meeting_id, union=viewer.union_id)
    return _ALL.read(meeting=meeting_id)


async def list_proposals(viewer: Viewer, meeting_id: int, seen: bool = False) -> list[s.AgendaProposal]:
    """The employer sees every proposal; a union its own. ``seen``: see papers.service.list_papers."""
    if not seen:
        await meetings.visible_row(viewer, meeting_id)
    rows = await proposals_read(viewer, meeting_id).rows()
    files = await papers.proposal_papers([r["id"] for r in rows])
    return [_out(r, files.get(r["id"])) for r in rows]


async def _tell(settings: Settings, meeting: dict, proposal: dict, state: str) -> None:
    """The other side: on a proposal the employer (HR and the department's users), on a decision the union's users."""
    if state == "proposed":
        side = (User.role == "hr") | ((User.role == "department") & (User.department == meeting["department"]))
    else:
        side = (User.role == "union") & (User.trade_union == proposal["trade_union"])
    users = await User.select(User.id, User.email, User.name).where(side & (User.active == True))  # noqa: E712
    union = await TradeUnion.select(TradeUnion.name).where(TradeUnion.id == proposal["trade_union"]).first()
    plan = Plan(settings)
    plan.add(f"ap:{proposal['id']}:{state}", "agenda_proposal", [user_recipient(u) for u in users], "proposal.txt",
             link=f"/moten/{meeting['id']}#forslag", state=state, title=proposal["title"], union=union["name"],
             meeting=meeting["title"], reason=proposal["reason"], url=f"{settings.base_url}/moten/{meeting['id']}#forslag")
    await plan.save()


async def _check_union(viewer: Viewer, meeting_id: int) -> dict:
    meeting = await meetings.visible_row(viewer, meeting_id)
    if not rights.is_union(viewer) or not await MeetingUnion.exists().where(
            (MeetingUnion.meeting == meeting_id) & (MeetingUnion.trade_union == viewer.union_id)):
        raise Forbidden("Bara en facklig part i mötet föreslår punkter.")
    return meeting


async def propose(viewer: Viewer, meeting_id: int, data: s.AgendaProposalCreate, settings: Settings,
                  files: list[tuple[str, bytes]] = ()) -> s.AgendaProposal:
    """The proposal and its papers (checked as every paper, all before anything is written)."""
    meeting = await _check_union(viewer, meeting_id)
    if not await open_for_proposals(meeting):
        raise Conflict(CLOSED, field="meeting")
    if data.matter_id is not None:
        try:
            await matters.get_matter(viewer, data.matter_id)
        except NotFound:
            raise Invalid("Ärendet finns inte.", field="matter_id") from None
    checked = await papers.check_files(settings, list(files), None)
    async with engine().transaction():  # the proposal and its papers, or neither
        row = (await AgendaProposal.insert(AgendaProposal(
            meeting=meeting_id, trade_union=viewer.union_id, title=data.title.strip(), text=data.text, matter=data.matter_id,
            proposed_by=viewer.user_id or None, proposed_at=clock.now(),
        )).returning(*AgendaProposal.all_columns()))[0]
        stored = await papers.store(viewer, settings, checked, meeting_id=meeting_id, proposal_id=row["id"]) if checked else []
        await audit.record(viewer, "create", "agenda_proposal", row["id"], after=_out(row, stored))
    await _tell(settings, meeting, row, "proposed")
    return _out(row, stored)


async def add_papers(viewer: Viewer, meeting_id: int, proposal_id: int, files: list[tuple[str, bytes]],
                     settings: Settings, title: str | None = None) -> list[s.Paper]:
    """More papers to the union's own proposal while it awaits a decision; another union's is 404."""
    await _check_union(viewer, meeting_id)
    own = (AgendaProposal.id == proposal_id) & (AgendaProposal.meeting == meeting_id) & (AgendaProposal.trade_union == viewer.union_id)
    if not await AgendaProposal.exists().where(own):
        raise NotFound(f"Förslaget {proposal_id} finns inte.")
    checked = await papers.check_files(settings, files, title)
    async with engine().transaction():
        # Still awaiting a decision, checked in the write: the row stays locked until the papers are
        # in, so a decision at the same moment moves them with the proposal or comes first and refuses.
        if not await AgendaProposal.update({AgendaProposal.state: "proposed"}).where(
                own & (AgendaProposal.state == "proposed")).returning(AgendaProposal.id):
            raise Conflict("Förslaget är redan avgjort.", field="state")
        return await papers.store(viewer, settings, checked, meeting_id=meeting_id, proposal_id=proposal_id)


async def _decide(viewer: Viewer, meeting_id: int, proposal_id: int) -> tuple[dict, dict]:
    meeting = await meetings.visible_row(viewer, meeting_id)
    meetings.check_may_change(viewer, meeting["department"])
    row = await AgendaProposal.select().where(AgendaProposal.id == proposal_id, AgendaProposal.meeting == meeting_id).first()
    if row is None:
        raise NotFound(f"Förslaget {proposal_id} finns inte.")
    return meeting, row


def _claim(proposal_id: int, values: dict):
    """Decide only a proposal still open: the state is checked in the write."""
    return AgendaProposal.update(values).where(
        (AgendaProposal.id == proposal_id) & (AgendaProposal.state == "proposed")).returning(*AgendaProposal.all_columns())


async def accept(viewer: Viewer, meeting_id: int, proposal_id: int, settings: Settings) -> s.AgendaProposal:
    """The proposal becomes the agenda's last item; one transaction, so neither happens alone."""
    meeting, row = await _decide(viewer, meeting_id, proposal_id)
    async with engine().transaction():
        done = await _claim(proposal_id, {AgendaProposal.state: "accepted", AgendaProposal.decided_by: viewer.user_id or None,
                                          AgendaProposal.decided_at: clock.now()})
        if not done:
            raise Conflict("Förslaget är redan avgjort.", field="state")
        item = await meetings.add_item(viewer, meeting_id, AgendaItemCreate(
            title=row["title"], kind="samverkan" if meeting["kind"] == "samverkan" else "other", matter_id=row["matter"], text=row["text"]))
        done = await AgendaProposal.update({AgendaProposal.agenda_item: item.id}).where(
            AgendaProposal.id == proposal_id).returning(*AgendaProposal.all_columns())
        await papers.move_to_item(proposal_id, item.id)
        await audit.record(viewer, "accept", "agenda_proposal", proposal_id, after=_out(done[0]))
    await _tell(settings, meeting, done[0], "accepted")
    return _out(done[0])


async def decline(viewer: Viewer, meeting_id: int, proposal_id: int, reason: str, settings: Settings) -> s.AgendaProposal:
    meeting, _ = await _decide(viewer, meeting_id, proposal_id)
    done = await _claim(proposal_id, {AgendaProposal.state: "declined", AgendaProposal.reason: reason,
                                      AgendaProposal.decided_by: viewer.user_id or None, AgendaProposal.decided_at: clock.now()})
    if not done:
        raise Conflict("Förslaget är redan avgjort.", field="state")
    await audit.record(viewer, "decline", "agenda_proposal", proposal_id, after=_out(done[0]))
    await _tell(settings, meeting, done[0], "declined")
    return _out(done[0])
