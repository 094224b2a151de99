"""Papers (underlag) on matters and meetings: upload (the kind decided by the content, the size
limited, Office files checked for zip bombs), list, download and remove. A paper is read exactly
as the matter or meeting it belongs to: outside the viewer's scope it does not exist (404), and a
paper on an agenda item about a matter the viewer may not see (another union's individärende) is
hidden with the item. Every download is in the audit log. No HTTP here."""

from __future__ import annotations

import posixpath

import anyio

from samverkan import clock
from samverkan.database import Ids, Param, Prepared, Read, ids_param
from samverkan.accounts import rights
from samverkan.accounts.service import Viewer
from samverkan.audit import service as audit
from samverkan.documents import storage
from samverkan.errors import Conflict, Forbidden, Invalid, NotFound
from samverkan.matters import service as matters
from samverkan.matters.tables import Matter
from samverkan.meetings import service as meetings
from samverkan.meetings.tables import AgendaItem
from samverkan.papers import schemas as s
from samverkan.papers import sniff
from samverkan.papers.tables import AgendaProposal, Paper
from samverkan.settings import Settings
from samverkan.values import refused

NOT_FOUND = "Underlaget {} finns inte."
# A proposal's papers are the meeting's only once the proposal became an agenda item.
ON_THE_MEETING = Paper.proposal.is_null() | Paper.agenda_item.is_not_null()
_COLUMNS = (Paper.id, Paper.title, Paper.filename, Paper.media_type, Paper.size, Paper.sha256, Paper.meeting, Paper.matter,
            Paper.agenda_item, Paper.proposal, Paper.uploaded_at, Paper.uploaded_by.name.as_alias("uploader"))


# Read on every meeting and matter page: built once (database.Prepared).
_OF_MEETING = Prepared(lambda: Paper.select(*_COLUMNS).where(
    Paper.meeting == Param("id"), Paper.removed_at.is_null(), ON_THE_MEETING).order_by(Paper.id))
_OF_MATTER = Prepared(lambda: Paper.select(*_COLUMNS).where(
    Paper.matter == Param("id"), Paper.removed_at.is_null(), ON_THE_MEETING).order_by(Paper.id))
_OF_PROPOSALS = Prepared(lambda: Paper.select(*_COLUMNS).where(
    ids_param(Paper.proposal, "ids"), Paper.removed_at.is_null()).order_by(Paper.id))


def _out(row: dict) -> s.Paper:
    return s.Paper(id=row["id"], title=row["title"], filename=row["filename"], media_type=row["media_type"], size=row["size"],
                   sha256=row["sha256"], meeting_id=row["meeting"], matter_id=row["matter"], agenda_item_id=row["agenda_item"],
                   proposal_id=row["proposal"], uploaded_by=row["uploader"] or "", uploaded_at=row["uploaded_at"])


def suffix(filename: str) -> str:
    """The stored file's suffix: its extension (the content has been checked to be that kind)."""
    return posixpath.splitext(filename.lower())[1]


# --- who sees what -----------------------------------------------------------------------


async def _hidden_items(viewer: Viewer, item_ids: set[int]) -> set[int]:
    """Agenda items about a matter the viewer may not see; their papers are hidden with them."""
    if not item_ids or rights.sees_all(viewer):
        return set()
    items = await AgendaItem.select(AgendaItem.id, AgendaItem.matter).where(
        AgendaItem.id.is_in(list(item_ids)), AgendaItem.matter.is_not_null())
    linked = {i["matter"] for i in items}
    if not linked:
        return set()
    visible = {m["id"] for m in await Matter.select(Matter.id).where(Matter.id.is_in(list(linked)), *matters.scope(viewer))}
    return {i["id"] for i in items if i["matter"] not in visible}


async def _owner_department(viewer: Viewer, meeting_id: int | None, matter_id: int | None) -> int | None:
    """The department of the meeting or matter, if the viewer may see it (else 404)."""
    if meeting_id is not None:
        return (await meetings.visible_row(viewer, meeting_id))["department"]
    return (await matters.get_matter(viewer, matter_id)).department_id  # type: ignore[arg-type]


async def _readable_row(viewer: Viewer, paper_id: int) -> dict:
    row = await Paper.select(*_COLUMNS).where(Paper.id == paper_id, Paper.removed_at.is_null()).first()
    if row is None:
        raise NotFound(NOT_FOUND.format(paper_id))
    try:
        await _owner_department(viewer, row["meeting"], row["matter"])
    except NotFound:
        raise NotFound(NOT_FOUND.format(paper_id)) from None
    if row["agenda_item"] and await _hidden_items(viewer, {row["agenda_item"]}):
        raise NotFound(NOT_FOUND.format(paper_id))
    if row["proposal"] and not row["agenda_item"] and rights.is_union(viewer) and not await AgendaProposal.exists().where(
            (AgendaProposal.id == row["proposal"]) & (AgendaProposal.trade_union == viewer.union_id)):
        raise NotFound(NOT_FOUND.format(paper_id))  # another union's proposal (pending or declined)
    return row


# --- reading -------------------------------------------------------------------------------


def papers_read(meeting_id: int) -> Read:
    """The statement list_papers runs for a meeting (for database.read_ahead)."""
    return _OF_MEETING.read(id=meeting_id)


async def list_papers(viewer: Viewer, *, meeting_id: int | None = None, matter_id: int | None = None,
                      seen: bool = False) -> list[s.Paper]:
    """The papers of a meeting or a matter that the viewer may read, oldest first. ``seen``: the
    caller has just read the meeting or matter as this viewer, so it is not looked up again."""
    if not seen:
        await _owner_department(viewer, meeting_id, matter_id)
    if meeting_id is not None:
        rows = await papers_read(meeting_id).rows()
    else:
        rows = await _OF_MATTER.rows(id=matter_id)
    hidden = await _hidden_items(viewer, {r["agenda_item"] for r in rows if r["agenda_item"]})
    return [_out(r) for r in rows if r["agenda_item"] not in hidden]


async def paper(viewer: Viewer, paper_id: int) -> s.Paper:
    return _out(await _readable_row(viewer, paper_id))


async def paper_file(viewer: Viewer, paper_id: int, settings: Settings) -> tuple[s.Paper, bytes]:
    """The file, checked against its hash, and an entry in the audit log."""
    row = await _readable_row(viewer, paper_id)
    data = await anyio.to_thread.run_sync(storage.get, settings.documents_dir, row["sha256"], suffix(row["filename"]))
    await audit.record(viewer, "download", "paper", paper_id, after={"sha256": row["sha256"], "filename": row["filename"]})
    return _out(row), data


async def meeting_papers(meeting_id: int) -> list[dict]:
    """Every current paper of a meeting (id, title, filename, media type, sha256, size), for the kallelse and
    the protocol's bilagor. Papers on an item about an individärende are left out: those lists go
    to every party."""
    rows = await Paper.select(Paper.id, Paper.title, Paper.filename, Paper.media_type, Paper.sha256, Paper.size,
                              Paper.agenda_item).where(Paper.meeting == meeting_id, Paper.removed_at.is_null(), ON_THE_MEETING).order_by(Paper.id)
    items = {r["agenda_item"] for r in rows if r["agenda_item"]}
    personal: set[int] = set()
    if items:
        personal = {i["id"] for i in await AgendaItem.select(AgendaItem.id).where(
            AgendaItem.id.is_in(list(items)), AgendaItem.matter.personal_data == True)}  # noqa: E712
    return [r for r in rows if r["agenda_item"] not in personal]


# --- writing -------------------------------------------------------------------------------


def _title(title: str | None, filename: str) -> str:
    title = (title or "").strip() or posixpath.splitext(filename)[0]
    if len(title) > 300:
        raise Invalid("Rubriken får vara högst 300 tecken.", field="title")
    if refused(title):
        raise Invalid("Rubriken innehåller otillåtna tecken.", field="title")
    return title


def check_size(size: int, settings: Settings) -> None:
    if size == 0:
        raise Invalid("Filen är tom.", field=sniff.FIELD)
    if size > settings.paper_max_mb * 1024 * 1024:
        raise Invalid(f"Filen är större än {settings.paper_max_mb} MB.", field=sniff.FIELD)


async def _check_item(viewer: Viewer, meeting_id: int | None, item_id: int | None) -> None:
    if item_id is None:
        return
    if meeting_id is None:
        raise Invalid("Ett ärendes underlag hör inte till någon punkt.", field="agenda_item_id")
    item = await AgendaItem.select(AgendaItem.id).where(AgendaItem.id == item_id, AgendaItem.meeting == meeting_id).first()
    if item is None or await _hidden_items(viewer, {item_id}):
        raise Invalid("Punkten finns inte på mötet.", field="agenda_item_id")


def _checked(settings: Settings, filename: str, content: bytes) -> tuple[str, sniff.Kind]:
    check_size(len(content), settings)
    filename = sniff.check_name(filename)
    return filename, sniff.identify(filename, content)


async def check_files(settings: Settings, files: list[tuple[str, bytes]], title: str | None) -> list[tuple]:
    """Every file checked before any is written (one bad file stores none)."""
    checked = []
    for filename, content in files:
        try:
            name, kind = await anyio.to_thread.run_sync(_checked, settings, filename, content)
        except Invalid as exc:
            raise Invalid(f"{filename}: {exc.detail}" if len(files) > 1 else exc.detail, field=exc.field) from None
        checked.append((name, kind, content, _title(title if len(files) == 1 else None, name)))
    return checked


async def store(viewer: Viewer, settings: Settings, checked: list[tuple], *, meeting_id: int | None = None,
                matter_id: int | None = None, agenda_item_id: int | None = None, proposal_id: int | None = None) -> list[s.Paper]:
    """Each checked file stored (once, by its hash) before its row, so a row never points at a missing file."""
    ids = []
    for name, kind, content, paper_title in checked:
        digest = await anyio.to_thread.run_sync(storage.put, settings.documents_dir, content, suffix(name))
        ids.append((await Paper.insert(Paper(
            meeting=meeting_id, matter=matter_id, agenda_item=agenda_item_id, proposal=proposal_id, title=paper_title, filename=name,
            media_type=kind.media_type, size=len(content), sha256=digest, uploaded_by=viewer.user_id or None,
            uploaded_at=clock.now(),
        )).returning(Paper.id))[0]["id"])
    papers = [_out(r) for r in await Paper.select(*_COLUMNS).where(Paper.id.is_in(ids)).order_by(Paper.id)]
    for paper in papers:
        await audit.record(viewer, "upload", "paper", paper.id, after=paper)
    return papers


async def upload(viewer: Viewer, settings: Settings, files: list[tuple[str, bytes]], *, meeting_id: int | None = None,
                 matter_id: int | None = None, title: str | None = None, agenda_item_id: int | None = None) -> list[s.Paper]:
    """Store papers; a title applies to a single file, several take their file names."""
    department_id = await _owner_department(viewer, meeting_id, matter_id)
    if not rights.may_change_department(viewer, department_id):
        raise Forbidden("Du får inte lägga till underlag här.")
    checked = await check_files(settings, files, title)
    await _check_item(viewer, meeting_id, agenda_item_id)
    return await store(viewer, settings, checked, meeting_id=meeting_id, matter_id=matter_id, agenda_item_id=agenda_item_id)


async def proposal_papers(proposal_ids: list[int]) -> dict[int, list[s.Paper]]:
    """The current papers of these proposals (whoever may see a proposal may read its papers)."""
    rows = await _OF_PROPOSALS.rows(ids=Ids(proposal_ids)) if proposal_ids else []
    out: dict[int, list[s.Paper]] = {}
    for r in rows:
        out.setdefault(r["proposal"], []).append(_out(r))
    return out


async def move_to_item(proposal_id: int, item_id: int) -> None:
    """An accepted proposal's papers become the new agenda item's."""
    await Paper.update({Paper.agenda_item: item_id}).where(Paper.proposal == proposal_id)


async def remove(viewer: Viewer, paper_id: int, reason: str) -> None:
    """Mark a paper removed (the row and the file stay, as for events); the state is checked in the write."""
    row = await _readable_row(viewer, paper_id)
    department_id = await _owner_department(viewer, row["meeting"], row["matter"])
    if not rights.may_change_department(viewer, department_id):
        raise Forbidden("Du får inte ta bort underlag här.")
    done = await Paper.update({Paper.removed_at: clock.now(), Paper.removed_by: viewer.user_id or None,
                               Paper.removed_reason: reason}).where(Paper.id == paper_id, Paper.removed_at.is_null()).returning(Paper.id)
    if not done:
        raise Conflict("Underlaget togs just bort av någon annan.")
    await audit.record(viewer, "delete", "paper", paper_id, before=_out(row), after={"reason": reason})
