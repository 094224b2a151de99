"""Actions (åtgärder) decided on agenda items: each is a deadline (rule AGR-ACTION) of its meeting's
department, reminded to the responsible person, and followed up at the group's next meeting.
Who sees an action is who sees its meeting and item (a union only where it is a party; an item
about an individärende only for those who may see the matter). No HTTP here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from samverkan import clock
from samverkan.accounts import rights
from samverkan.accounts.service import Viewer
from samverkan.actions import schemas as s
from samverkan.actions.tables import AgendaAction
from samverkan.audit import service as audit
from samverkan.database import engine
from samverkan.deadlines.service import SubjectDeadline, keep_subject_deadlines
from samverkan.errors import Conflict, Invalid, NotFound
from samverkan.matters import service as matters
from samverkan.matters.tables import Matter
from samverkan.meetings import service as meetings
from samverkan.meetings.tables import Meeting
from samverkan.orgs.schemas import changes
from samverkan.orgs.tables import Person
from samverkan.pagination import Page, PageRequest

RULE = "AGR-ACTION"
SUBJECT = "agenda_action"
CHANGED = "Åtgärden ändrades samtidigt av någon annan. Ladda om och gör ändringen igen."

_COLUMNS = (
    *AgendaAction.all_columns(), AgendaAction.item.title.as_alias("item_title"),
    AgendaAction.responsible.name.as_alias("responsible_name"), AgendaAction.meeting.starts_at.as_alias("starts_at"),
    AgendaAction.item.matter.as_alias("matter"),
)


# Built once: Piccolo makes a new joined column, at some cost, every time one is reached through a
# foreign key, and the scope is part of every deadline list a union or department user reads.
_ITEM_MATTER = AgendaAction.item.matter


def scope(viewer: Viewer) -> list[Any]:
    """Actions whose meeting the viewer sees and whose item is not about a matter hidden from them."""
    if rights.sees_all(viewer):
        return []
    return [
        AgendaAction.meeting.is_in(Meeting.select(Meeting.id).where(*meetings.scope(viewer))),
        _ITEM_MATTER.is_null() | _ITEM_MATTER.is_in(Matter.select(Matter.id).where(*matters.scope(viewer))),
    ]


def _day(starts_at: dt.datetime) -> dt.date:
    return starts_at.astimezone(clock.STOCKHOLM).date()


def _out(r: dict, today: dt.date) -> s.MeetingAction:
    return s.MeetingAction(
        id=r["id"], meeting_id=r["meeting"], item_id=r["item"], item_title=r["item_title"], group_id=r["group"],
        department_id=r["department"], what=r["what"], responsible_id=r["responsible"], responsible_name=r["responsible_name"],
        due=r["due"], status=r["status"], overdue=r["status"] == "open" and r["due"] < today, done_on=r["done_on"],
        struck_reason=r["struck_reason"], decided_on=_day(r["starts_at"]), version=r["version"],
    )


def _state(state: str | None, today: dt.date) -> Any:
    if state == "overdue":
        return (AgendaAction.status == "open") & (AgendaAction.due < today)
    return (AgendaAction.status == state) if state else None


async def _rows(where: list[Any], order: Any = AgendaAction.due) -> list[dict]:
    return await AgendaAction.select(*_COLUMNS).where(*[w for w in where if w is not None]).order_by(order).order_by(AgendaAction.id)


async def list_actions(viewer: Viewer, *, group_id: int | None = None, meeting_id: int | None = None,
                       state: str | None = None, page: PageRequest = PageRequest()) -> Page[s.MeetingAction]:
    """One query for the page and one for the count, however many actions."""
    today = clock.today()
    where = scope(viewer) + [
        _state(state, today),
        (AgendaAction.group == group_id) if group_id else None,
        (AgendaAction.meeting == meeting_id) if meeting_id else None,
    ]
    where = [w for w in where if w is not None]
    rows = await AgendaAction.select(*_COLUMNS).where(*where).order_by(AgendaAction.due).order_by(AgendaAction.id).limit(
        page.limit).offset(page.offset)
    return Page(items=[_out(r, today) for r in rows], total=await AgendaAction.count().where(*where))


async def meeting_actions(viewer: Viewer, meeting: dict) -> tuple[list[s.MeetingAction], list[s.MeetingAction]]:
    """For a meeting page: the actions decided at it, and those it follows up (the group's actions from
    earlier meetings still open, or done or struck since the group's previous meeting). Three queries."""
    decided, followed = await _meeting_rows(meeting, scope(viewer))
    today = clock.today()
    return [_out(r, today) for r in decided], [_out(r, today) for r in followed]


async def _meeting_rows(meeting: dict, where: list[Any]) -> tuple[list[dict], list[dict]]:
    decided = await _rows(where + [AgendaAction.meeting == meeting["id"]], AgendaAction.item)
    if meeting["group"] is None:
        return decided, []
    previous = await Meeting.select(Meeting.starts_at).where(
        Meeting.group == meeting["group"], Meeting.starts_at < meeting["starts_at"], Meeting.status != "cancelled",
    ).order_by(Meeting.starts_at, ascending=False).first()
    followed = AgendaAction.status == "open"
    if previous:  # and what was done or struck since the group last met
        followed = followed | (AgendaAction.updated_at >= previous["starts_at"])
    return decided, await _rows(where + [
        AgendaAction.group == meeting["group"], AgendaAction.meeting.starts_at < meeting["starts_at"], followed])


FOLLOW_UP_TITLE = "Uppföljning av åtgärder"


def _line(r: dict, before: dt.date | None = None) -> str:
    """One action as the protocol lists it; followed up, "klar" when it was done before the meeting
    (what the meeting saw, so the record does not change when the action is done later)."""
    done = before is not None and r["status"] == "done" and r["done_on"] < before
    return f"– {r['what']} (ansvarig {r['responsible_name']}, senast {r['due'].isoformat()}{', klar ' + r['done_on'].isoformat() if done else ''})"


async def protocol_texts(meeting: dict, items: list[tuple[int, str]]) -> dict[int, str]:
    """What the protocol adds to each item's text (by item id): the actions decided on it; on the
    standing item "Uppföljning av åtgärder", the group's earlier actions it followed up, only those of
    items about no matter, since that item is shown to every party."""
    decided, followed = await _meeting_rows(meeting, [])
    out: dict[int, list[str]] = {}
    for r in decided:
        out.setdefault(r["item"], ["Åtgärder:"]).append(_line(r))
    follow_up = next((id for id, title in items if title == FOLLOW_UP_TITLE), None)
    shown = [r for r in followed if r["matter"] is None]
    if follow_up is not None and shown:
        out.setdefault(follow_up, [])
        out[follow_up] += ["Följdes upp:"] + [_line(r, _day(meeting["starts_at"])) for r in shown]
    return {item: "\n".join(lines) for item, lines in out.items()}


async def _row(viewer: Viewer, id: int) -> dict:
    row = (await _rows(scope(viewer) + [AgendaAction.id == id]) or [None])[0]
    if row is None:
        raise NotFound(f"Åtgärden {id} finns inte.")
    return row


async def get_action(viewer: Viewer, id: int) -> s.MeetingAction:
    return _out(await _row(viewer, id), clock.today())


async def _check_person(person_id: int, field: str = "responsible_id") -> None:
    if not await Person.exists().where(Person.id == person_id, Person.active == True):  # noqa: E712
        raise Invalid("Personen finns inte.", field=field)


def _check(status: str, due: dt.date, done_on: dt.date | None, decided_on: dt.date, reason: str) -> None:
    if due < decided_on:
        raise Invalid("Sista dagen kan inte vara före mötet där åtgärden beslutades.", field="due")
    if status == "done":
        if done_on is None:
            raise Invalid("Ange när åtgärden genomfördes.", field="done_on")
        if done_on > clock.today() or done_on < decided_on:
            raise Invalid("Dagen ska vara mellan mötet och i dag.", field="done_on")
    if status == "struck" and not reason.strip():
        raise Invalid("Ange varför åtgärden stryks.", field="reason")


async def create_action(viewer: Viewer, meeting_id: int, item_id: int, data: s.MeetingActionCreate) -> s.MeetingAction:
    meeting = await meetings.visible_row(viewer, meeting_id)
    meetings.check_may_change(viewer, meeting["department"])
    item = await meetings.get_item(viewer, meeting_id, item_id)  # 404 unless on this meeting and visible
    if item.matter_id is None and item.title == meetings.REDACTED_TITLE:
        raise NotFound(f"Punkten {item_id} finns inte.")
    await _check_person(data.responsible_id)
    _check("open", data.due, None, _day(meeting["starts_at"]), "")
    async with engine().transaction():
        row = (await AgendaAction.insert(AgendaAction(
            meeting=meeting_id, item=item_id, group=meeting["group"], department=meeting["department"], what=data.what.strip(),
            responsible=data.responsible_id, due=data.due, created_by=viewer.user_id,
        )).returning(AgendaAction.id))[0]
        await sync_deadlines([row["id"]])
        created = await get_action(viewer, row["id"])
        await audit.record(viewer, "create", SUBJECT, row["id"], after=created)
    return created


async def update_action(viewer: Viewer, id: int, patch: s.MeetingActionUpdate) -> s.MeetingAction:
    current = await _row(viewer, id)
    meetings.check_may_change(viewer, current["department"])
    fields = changes(patch)
    expected = fields.pop("version", None)
    if expected is not None and expected != current["version"]:
        raise Conflict(CHANGED, field="version")
    if not fields:
        return _out(current, clock.today())
    if "responsible_id" in fields:
        await _check_person(fields["responsible_id"])
    values = {
        "what": fields.get("what", current["what"]).strip(), "responsible": fields.get("responsible_id", current["responsible"]),
        "due": fields.get("due", current["due"]), "status": fields.get("status", current["status"]),
        "done_on": fields.get("done_on", current["done_on"]), "struck_reason": fields.get("reason", current["struck_reason"]).strip(),
    }
    if values["status"] != "done":
        values["done_on"] = None
    if values["status"] != "struck":
        values["struck_reason"] = ""
    _check(values["status"], values["due"], values["done_on"], _day(current["starts_at"]), values["struck_reason"])
    async with engine().transaction():
        changed = await AgendaAction.update({**values, "version": current["version"] + 1, "updated_at": clock.now()}).where(
            (AgendaAction.id == id) & (AgendaAction.version == current["version"])).returning(AgendaAction.id)
        if not changed:
            raise Conflict(CHANGED, field="version")
        await sync_deadlines([id])
        after = await get_action(viewer, id)
        await audit.record(viewer, "update", SUBJECT, id, before=_out(current, clock.today()), after=after)
    return after


def label(what: str) -> str:
    return "Åtgärd: " + (what if len(what) <= 80 else what[:79] + "…")


async def sync_deadlines(ids: list[int]) -> None:
    """An open or done action's last day is a deadline; a struck one's is superseded."""
    rows = await AgendaAction.select(*_COLUMNS).where(AgendaAction.id.is_in(ids or [-1]))
    await keep_subject_deadlines(SUBJECT, ids, [
        SubjectDeadline(RULE, r["id"], r["department"], _day(r["starts_at"]), label(r["what"]), met_on=r["done_on"], due=r["due"])
        for r in rows if r["status"] != "struck"
    ])


async def responsible_for(person_id: int | None) -> Any:
    """The ids of the actions a person is responsible for, as a subquery (their calendar feed)."""
    return AgendaAction.select(AgendaAction.id).where(AgendaAction.responsible == (person_id or -1))
