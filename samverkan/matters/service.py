"""Matters and their events: scoping, diary numbers, the decision hold. No HTTP here."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, Callable

import msgspec

from samverkan.accounts import rights
from samverkan import clock, json_sql
from samverkan.accounts.service import Viewer
from samverkan.audit import service as audit
from samverkan.database import Ids, Param, Prepared, Read, engine, ids_param, insert_new, write_unique
from samverkan.errors import Conflict, Forbidden, Invalid, NotFound
from samverkan.matters import rules, stored_json
from samverkan.matters import schemas as s
from samverkan.matters.tables import DiaryCounter, Matter, MatterEvent, MatterEventChange, MatterParty
from samverkan.orgs.schemas import changes
from samverkan.orgs.tables import Department, TradeUnion
from samverkan.pagination import Page, PageRequest, Party, fetch_window, folded, given, matches, matching, search_values, select_where
from samverkan.settings import get_settings



# --- who sees what -----------------------------------------------------------


def _reader(viewer: Viewer) -> str:
    """Which of the limits below applies to the viewer."""
    if rights.sees_all(viewer):
        return "all"
    if rights.is_department(viewer):
        return "department"
    return "union" if rights.is_union(viewer) else "none"


def _limits(reader: str, department: Any, union: Any) -> list[Any]:
    """The conditions for a kind of reader, with their department and union (values, or Params)."""
    if reader == "all":
        return []
    if reader == "department":
        # Individärenden are for HR and the named parties only.
        return [Matter.department == department, Matter.personal_data == False]  # noqa: E712
    if reader == "union":
        return [is_party(union)]
    return [Matter.id == -1]


def scope(viewer: Viewer) -> list[Any]:
    """Conditions that limit matters to what the viewer may see; part of every query."""
    return _limits(_reader(viewer), viewer.department_id, viewer.union_id)


def is_party(union_id: int) -> Party:
    """The union is a party to the matter (see pagination.Party)."""
    return Party("matter_party", "matter", '"matter"."id"', union_id)


def _check_may_change(viewer: Viewer, department_id: int) -> None:
    if rights.may_change_department(viewer, department_id):
        return
    raise Forbidden("Du får inte ändra ärenden för den här förvaltningen.")


# --- reading -----------------------------------------------------------------


def _event(row: dict) -> s.Event:
    return s.Event(
        id=row["id"], type=row["type"], date=row["date"], time=row["time"], union_id=row["trade_union"],
        outcome=row["outcome"], note=row["note"], agenda_item_id=row["agenda_item_id"], created_at=row["created_at"],
    )


@cache
def _json_columns(engine_type: str) -> str:
    """A matter as the API answers it, kept by the database (stored_json), as bytes; with what a
    page's cursor needs."""
    stored = f'(SELECT json FROM {stored_json.TABLE} WHERE {stored_json.TABLE}.matter = "matter".id)'
    return f'{json_sql.as_bytes(engine_type, stored)} AS json, "matter"."created_at" AS created_at, "matter"."id" AS id'


_DECODER = msgspec.json.Decoder(list[s.Matter])


def _decoded(texts: list[bytes]) -> list[s.Matter]:
    try:
        return _DECODER.decode(b"[" + b",".join(texts) + b"]")
    except msgspec.ValidationError:  # a value no longer allowed (a kind or type an upgrade removed, say)
        return [_as_stored(t) for t in texts]


def _as_stored(text: bytes) -> s.Matter:
    """A matter's JSON as it is, without checking its values: one odd row must not stop a list."""
    m = msgspec.json.decode(text)
    moment = dt.datetime.fromisoformat
    events = [s.Event(**{**e, "date": dt.date.fromisoformat(e["date"]), "time": e["time"] and dt.time.fromisoformat(e["time"]),
                         "created_at": moment(e["created_at"])}) for e in m["events"]]
    return s.Matter(**{**m, "parties": [s.Party(**p) for p in m["parties"]], "events": events,
                       "created_at": moment(m["created_at"])})


# The list's filters: each condition takes the filter's value as a Param of its name.
_FILTERS: dict[str, Callable[[], Any]] = {
    "kind": lambda: Matter.kind == Param("kind"),
    "department_id": lambda: Matter.department == Param("department_id"),
    "union_id": lambda: is_party(Param("union_id")),
    "status": lambda: Matter.status == Param("status"),
}


async def _window(viewer: Viewer, q: str | None, kind: str | None, department_id: int | None, union_id: int | None,
                  status: str | None, page: PageRequest) -> tuple[list[bytes], Page]:
    reader, search = _reader(viewer), search_values(q)
    filters = given(kind=kind, department_id=department_id, union_id=union_id, status=status)
    rows, window = await fetch_window(
        Matter, lambda: [*_limits(reader, Param("own"), Param("union")), *matching(Matter.search_text, search),
                         *(_FILTERS[name]() for name in filters)],
        Matter.created_at, page, descending=True, select=_json_columns(engine().engine_type),
        shape=("matters", reader, len(search), *filters), values={**_own(viewer), **search, **filters})
    return [r["json"] for r in rows], window


async def list_matters(
    viewer: Viewer, *, q: str | None = None, kind: str | None = None, department_id: int | None = None,
    union_id: int | None = None, status: str | None = None, page: PageRequest = PageRequest(),
) -> Page[s.Matter]:
    texts, window = await _window(viewer, q, kind, department_id, union_id, status, page)
    window.items = _decoded(texts)
    return window


async def list_matters_json(
    viewer: Viewer, *, q: str | None = None, kind: str | None = None, department_id: int | None = None,
    union_id: int | None = None, status: str | None = None, page: PageRequest = PageRequest(),
) -> Page[s.Matter]:
    """list_matters for the API: the items are the database's JSON, sent on as it is."""
    texts, window = await _window(viewer, q, kind, department_id, union_id, status, page)
    window.items = [msgspec.Raw(t) for t in texts]
    return window


_READERS = ("all", "department", "union", "none")
OPTIONS_LIMIT = 200  # the newest matters in a select box; older ones are typed by diary number
SUGGESTIONS = 20  # the matters a meeting page suggests at first, and then as one types (suggestions)


def _newest(limit: int) -> dict[str, Prepared]:
    """The department's newest matters the reader may see, per kind of reader (database.Prepared)."""
    return {reader: Prepared(lambda reader=reader: Matter.select(Matter.id, Matter.diary_no, Matter.title).where(
        Matter.department == Param("department"), *_limits(reader, Param("own"), Param("union"))).order_by(
        Matter.created_at, Matter.id, ascending=False).limit(limit)) for reader in _READERS}


_NEWEST = _newest(OPTIONS_LIMIT)
_SUGGESTED = _newest(SUGGESTIONS)  # read on every meeting page an editor opens
_LINKED = {reader: Prepared(lambda reader=reader: Matter.select(Matter.id, Matter.diary_no, Matter.title).where(
    ids_param(Matter.id, "ids"), *_limits(reader, Param("own"), Param("union")))) for reader in _READERS}


def _own(viewer: Viewer) -> dict[str, int | None]:
    return {"own": viewer.department_id, "union": viewer.union_id}


def _suggested_read(viewer: Viewer, department_id: int | None) -> list[Read]:
    return [] if department_id is None else [_SUGGESTED[_reader(viewer)].read(department=department_id, **_own(viewer))]


def _linked_read(viewer: Viewer, linked: list[int]) -> list[Read]:
    return [_LINKED[_reader(viewer)].read(ids=Ids(sorted(set(linked))), **_own(viewer))] if linked else []


def options_reads(viewer: Viewer, department_id: int | None, linked: list[int]) -> list[Read]:
    """The statements options may run (for database.read_ahead)."""
    return [*_suggested_read(viewer, department_id), *_linked_read(viewer, linked)]


async def options(viewer: Viewer, department_id: int | None, linked: list[int]) -> dict[int, dict]:
    """id → {id, diary_no, title} of the department's newest matters the viewer may see (the
    first suggestions) and of the ``linked`` ones (those already on a page), for one shared list
    of choices. The linked ones are read only when some are not among the newest (or when read
    ahead with them: on PostgreSQL a second statement would be a round trip)."""
    out = {r["id"]: r for read in _suggested_read(viewer, department_id) for r in await read.rows()}
    if any(i not in out for i in linked):
        out.update({r["id"]: r for read in _linked_read(viewer, linked) for r in await read.rows()})
    return out


async def suggestions(viewer: Viewer, department_id: int, typed: str) -> list[dict]:
    """{id, diary_no, title} of the department's newest matters the viewer may see whose diary
    number or title holds every word typed, up to SUGGESTIONS (as one types on a meeting page)."""
    words = matches(Matter.search_text, typed[:200])
    if words is None:
        return await _SUGGESTED[_reader(viewer)].rows(department=department_id, **_own(viewer))
    return await Matter.select(Matter.id, Matter.diary_no, Matter.title).where(
        Matter.department == department_id, words, *scope(viewer)).order_by(
        Matter.created_at, Matter.id, ascending=False).limit(SUGGESTIONS)


async def choices(viewer: Viewer, department_id: int) -> list[tuple[int, str]]:
    """(id, "diary no title") of the department's newest matters the viewer may see, for select boxes."""
    rows = await _NEWEST[_reader(viewer)].rows(department=department_id, **_own(viewer))
    return [(m["id"], f"{m['diary_no']} {m['title']}") for m in rows]


async def find_by_diary_no(viewer: Viewer, diary_no: str) -> int | None:
    """The id of the matter with this diary number, if the viewer may see it."""
    row = await Matter.select(Matter.id).where(Matter.diary_no == diary_no.strip(), *scope(viewer)).first()
    return row["id"] if row else None


async def _visible_row(viewer: Viewer, id: int) -> dict:
    """The matter's row if the viewer may see it; otherwise 404 (its existence is not revealed)."""
    row = await Matter.select().where(Matter.id == id, *scope(viewer)).first()
    if row is None:
        raise NotFound(f"Ärendet {id} finns inte.")
    return row


async def _stored(id: int, *scoped: Any) -> s.Matter:
    rows = await select_where(_json_columns(engine().engine_type), Matter, [Matter.id == id, *scoped])
    if not rows:
        raise NotFound(f"Ärendet {id} finns inte.")
    return _decoded([rows[0]["json"]])[0]


async def get_matter(viewer: Viewer, id: int) -> s.Matter:
    """The matter if the viewer may see it; otherwise 404 (its existence is not revealed)."""
    return await _stored(id, *scope(viewer))


# --- diary numbers -----------------------------------------------------------


# A series is the text before the serial ("KS 2026/") and has a counter row (DiaryCounter).
# Taking a number moves the counter on inside the transaction that creates the matter: the row
# (PostgreSQL) or the write lock (SQLite) is held to the commit, so creations at the same moment
# get consecutive numbers one after the other, never the same number and never a false 409.


async def _start_series(head: str, at_least: int = 0) -> None:
    """The counter of a series met for the first time, from the highest serial in use in it
    (numbers entered by hand count too, or the series would one day run into one of them)."""
    rows = await Matter.select(Matter.diary_no).where(Matter.diary_no.like(f"{head}%"))
    highest = max((n for r in rows if (n := rules.serial_in(head, r["diary_no"])) is not None), default=0)
    await insert_new(DiaryCounter, ("series", "last_serial"), [(head, max(highest, at_least))])


def _count_up(head: str) -> Any:
    return DiaryCounter.update({DiaryCounter.last_serial: DiaryCounter.last_serial + 1}).where(
        DiaryCounter.series == head).returning(DiaryCounter.last_serial)


async def _next_diary_no(prefix: str) -> tuple[str, int, int]:
    """The next number in the department's series for this year, e.g. KS 2026/0043; the first
    statement of the creating transaction."""
    year, pattern = clock.today().year, get_settings().diary_pattern
    head = rules.diary_head(pattern, prefix, year)
    taken = await _count_up(head)
    if not taken:
        await _start_series(head)
        taken = await _count_up(head)
    serial = taken[0]["last_serial"]
    diary_no = pattern.format(prefix=prefix, year=year, serial=serial)
    if len(diary_no) > 40:
        raise Invalid(f"Diarienumret {diary_no} blir längre än 40 tecken; ange det för hand eller korta prefixet.", field="diary_no")
    return diary_no, year, serial


async def _hand_series(diary_no: str) -> tuple[str, int] | None:
    """(series, serial) of a number entered by hand that falls in a department's series."""
    found = rules.series_of(get_settings().diary_pattern, diary_no)
    if found is None:
        return None
    head, prefix, serial = found
    if prefix is not None and not await Department.exists().where(Department.diary_prefix == prefix):
        return None
    return head, serial


async def _count_hand_number(series: tuple[str, int] | None) -> None:
    """A number entered by hand raises its series' counter, so that the series continues after
    it: the first statement of the transaction that writes it, like a generated number."""
    if series is None:
        return
    head, serial = series
    raised = await DiaryCounter.update({DiaryCounter.last_serial: serial}).where(
        DiaryCounter.series == head, DiaryCounter.last_serial < serial).returning(DiaryCounter.id)
    if not raised and not await DiaryCounter.exists().where(DiaryCounter.series == head):
        await _start_series(head, at_least=serial)


async def seed_diary_counters() -> None:
    """Counters for the series that already have generated numbers (the migration that adds the
    counters; a series met later starts the same way on first use)."""
    rows = await Matter.select(Matter.department.diary_prefix.as_alias("prefix"), Matter.diary_year).where(
        Matter.diary_year.is_not_null()).distinct()
    pattern = get_settings().diary_pattern
    for head in sorted({rules.diary_head(pattern, r["prefix"], r["diary_year"]) for r in rows}):
        await _start_series(head)


# --- writing -----------------------------------------------------------------


async def _check_parties(union_ids: list[int]) -> None:
    if union_ids and await TradeUnion.count().where(TradeUnion.id.is_in(list(set(union_ids)))) != len(set(union_ids)):
        raise Invalid("Ett eller flera fackförbund finns inte.", field="union_ids")


async def _check_department(department_id: int) -> None:
    if not await Department.exists().where(Department.id == department_id):
        raise Invalid("Förvaltningen finns inte.", field="department_id")


DUPLICATE_DIARY_NO = "Diarienumret används redan av ett annat ärende."


async def create_matter(viewer: Viewer, data: s.MatterCreate) -> s.Matter:
    _check_may_change(viewer, data.department_id)
    await _check_department(data.department_id)
    await _check_parties(data.union_ids)
    if data.personal_data and not rights.sees_all(viewer):
        raise Forbidden("Individärenden registreras av HR.", field="personal_data")
    title = data.title.strip()
    by_hand = data.diary_no.strip() if data.diary_no is not None else None
    if by_hand is not None and await Matter.exists().where(Matter.diary_no == by_hand):
        raise Conflict(DUPLICATE_DIARY_NO, field="diary_no")
    hand_series = await _hand_series(by_hand) if by_hand is not None else None
    prefix = (await Department.select(Department.diary_prefix).where(Department.id == data.department_id).first())["diary_prefix"]
    async with engine().transaction():
        if by_hand is None:
            diary_no, year, serial = await _next_diary_no(prefix)
        else:
            await _count_hand_number(hand_series)
            diary_no, year, serial = by_hand, None, None
        row = Matter(
            diary_no=diary_no, diary_year=year, diary_serial=serial, title=title, description=data.description,
            kind=data.kind, department=data.department_id, personal_data=data.personal_data, claimant=data.claimant,
            search_text=folded(diary_no, title), created_by=viewer.user_id,
        )
        await write_unique(row.save, Conflict(DUPLICATE_DIARY_NO, field="diary_no"))
        if data.union_ids:
            await MatterParty.insert(*[MatterParty(matter=row.id, trade_union=u) for u in sorted(set(data.union_ids))])
        await _recompute(row.id)
        await audit.record(viewer, "create", "matter", row.id,
                           after={**(await Matter.select().where(Matter.id == row.id).first()), "union_ids": sorted(set(data.union_ids))})
    return await _stored(row.id)


async def update_matter(viewer: Viewer, id: int, patch: s.MatterUpdate) -> s.Matter:
    current = await _visible_row(viewer, id)
    _check_may_change(viewer, current["department"])
    fields = changes(patch)
    expected = fields.pop("version", None)
    if expected is not None and expected != current["version"]:
        raise Conflict(
            f"Ärendet har ändrats av någon annan sedan du öppnade det (version {expected} → {current['version']}). "
            "Ladda om och gör ändringen igen.", field="version",
        )
    if not fields:  # nothing to change: the matter as it is, with no new version
        return await get_matter(viewer, id)
    if "department_id" in fields:
        _check_may_change(viewer, fields["department_id"])
        await _check_department(fields["department_id"])
    if fields.get("personal_data") and not rights.sees_all(viewer):
        raise Forbidden("Individärenden registreras av HR.", field="personal_data")
    events = await _facts(id)
    kind = fields.get("kind", current["kind"])
    if "kind" in fields:
        for fact in events:
            if kind not in rules.EVENT_TYPES[fact.type].kinds:
                raise Invalid(
                    f"Ärendet har händelsen ”{rules.EVENT_TYPES[fact.type].label}”, som inte hör till den nya typen.",
                    field="kind",
                )
    union_ids = fields.pop("union_ids", None)
    if union_ids is not None:
        await _check_parties(union_ids)
        in_use = {f.union_id for f in events if f.union_id is not None} - set(union_ids)
        if in_use:
            names = await _union_names(sorted(in_use))
            raise Invalid(
                f"{', '.join(names.values())} har händelser i ärendet och kan inte tas bort som part.", field="union_ids"
            )
    update: dict[str, Any] = {}
    for key, value in fields.items():
        column = "department" if key == "department_id" else key
        update[column] = value.strip() if key in {"title", "diary_no"} else value
    values = {**current, **update}
    if "diary_no" in update and update["diary_no"] != current["diary_no"]:
        update.update(diary_year=None, diary_serial=None)  # entered by hand now
    update.update(search_text=folded(values["diary_no"], values["title"]), updated_at=clock.now(), version=current["version"] + 1)
    hand_series = await _hand_series(update["diary_no"]) if "diary_year" in update else None
    async with engine().transaction():
        await _count_hand_number(hand_series)
        # The version in the WHERE makes a concurrent change lose cleanly instead of silently.
        changed = await write_unique(
            lambda: Matter.update(update).where((Matter.id == id) & (Matter.version == current["version"])).returning(Matter.id),
            Conflict(DUPLICATE_DIARY_NO, field="diary_no"),
        )
        if not changed:
            raise Conflict("Ärendet ändrades samtidigt av någon annan. Ladda om och gör ändringen igen.", field="version")
        if union_ids is not None:
            await MatterParty.delete().where(
                (MatterParty.matter == id) & MatterParty.trade_union.not_in(union_ids or [0])
            )
            existing = {p["trade_union"] for p in await MatterParty.select(MatterParty.trade_union).where(MatterParty.matter == id)}
            new = sorted(set(union_ids) - existing)
            if new:
                await MatterParty.insert(*[MatterParty(matter=id, trade_union=u) for u in new])
        await _recompute(id)
        after = await Matter.select().where(Matter.id == id).first()
        await audit.record(viewer, "update", "matter", id, before=current,
                           after={**after, "union_ids": union_ids} if union_ids is not None else after)
    return await get_matter(viewer, id)


async def _union_names(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await TradeUnion.select(TradeUnion.id, TradeUnion.name).where(TradeUnion.id.is_in(ids))
    return {r["id"]: r["name"] for r in rows}


async def _event_rows(matter_id: int) -> list[dict]:
    """The matter's current events in date order (deleted ones left out)."""
    return await MatterEvent.select().where((MatterEvent.matter == matter_id) & MatterEvent.deleted_at.is_null()).order_by(
        MatterEvent.date).order_by(MatterEvent.id)


def _as_facts(rows: list[dict]) -> list[rules.Fact]:
    return [rules.Fact(r["type"], r["date"], r["trade_union"], r["outcome"], r["note"]) for r in rows]


async def _facts(matter_id: int) -> list[rules.Fact]:
    return _as_facts(await _event_rows(matter_id))


async def _recompute(matter_id: int) -> rules.Hold:
    """Rewrite the derived status, hold and party states from the events."""
    matter = await Matter.select(Matter.kind, Matter.department, Matter.claimant).where(Matter.id == matter_id).first()
    party_ids = [p["trade_union"] for p in await MatterParty.select(MatterParty.trade_union).where(MatterParty.matter == matter_id)]
    events = await _event_rows(matter_id)  # read once: the hold and the deadlines both follow from them
    hold = rules.decision_hold(matter["kind"], party_ids, _as_facts(events), await _union_names(party_ids))
    await Matter.update(
        {Matter.status: hold.status, Matter.decision_allowed: hold.decision_allowed, Matter.hold_reason: hold.reason or ""}
    ).where(Matter.id == matter_id)
    for union_id, state in hold.party_states.items():
        await MatterParty.update({MatterParty.state: state}).where(
            (MatterParty.matter == matter_id) & (MatterParty.trade_union == union_id)
        )
    # The deadlines the events start move with them (deadlines build on matters, so imported here).
    from samverkan.deadlines.service import recompute

    await recompute(matter_id, matter["kind"], matter["department"], events, matter["claimant"])
    return hold


# --- events ------------------------------------------------------------------


async def _check_sequence(matter_id: int, type: str, date: Any, union_id: int | None, except_event: int | None = None) -> None:
    """Raise RuleError if the event cannot be true beside the matter's other events (rules.sequence_error)."""
    if type not in ("withdrawal_notice", "veto", "veto_lifted"):
        return
    facts = _as_facts([r for r in await _event_rows(matter_id) if r["id"] != except_event])
    name = (await _union_names([union_id])).get(union_id, "parten") if union_id else "parten"
    problem = rules.sequence_error(type, date, union_id, facts, name)
    if problem:
        raise problem


async def _sequence_checked(matter_id: int, type: str, date: Any, union_id: int | None, except_event: int | None = None) -> None:
    """_check_sequence for a request: inside the transaction that holds the matter (``_lock``/``_bump``)."""
    try:
        await _check_sequence(matter_id, type, date, union_id, except_event)
    except rules.RuleError as exc:
        raise Invalid(str(exc), field=exc.field) from None


async def _check_event(viewer: Viewer, matter: dict, type: str, union_id: int | None, outcome: str | None, note: str) -> None:
    if type == "exception_recorded" and not rights.sees_all(viewer):
        raise Forbidden("Undantag från förhandlingsskyldigheten registreras av HR.", field="type")
    party_ids = [p["trade_union"] for p in await MatterParty.select(MatterParty.trade_union).where(MatterParty.matter == matter["id"])]
    try:
        rules.check_event(matter["kind"], type, union_id, outcome, note, party_ids)
    except rules.RuleError as exc:
        raise Invalid(str(exc), field=exc.field) from None
    if type == "decision_taken" and not matter["decision_allowed"]:
        raise Conflict(matter["hold_reason"], field="type")


async def add_event(viewer: Viewer, matter_id: int, data: s.EventCreate) -> s.Event:
    matter = await _visible_row(viewer, matter_id)
    _check_may_change(viewer, matter["department"])
    await _check_event(viewer, matter, data.type, data.union_id, data.outcome, data.note)
    async with engine().transaction():
        await _lock(matter_id, decision=data.type == "decision_taken")
        await _sequence_checked(matter_id, data.type, data.date, data.union_id)
        event_id = await _insert_event(matter_id, data, None, viewer.user_id)
        row = await MatterEvent.select().where(MatterEvent.id == event_id).first()
        await audit.record(viewer, "create", "matter_event", event_id, after=row)
    return _event(row)


async def _lock(matter_id: int, decision: bool) -> None:
    """First in an event's transaction: the matter's version moves on, which holds its row
    (PostgreSQL) or the write lock (SQLite) to the commit, so events of one matter are written
    one at a time. A decision only while no hold is in force, as committed now, not as read
    before: a request for central negotiation may have come in between."""
    where = Matter.id == matter_id
    if decision:
        where &= Matter.decision_allowed == True  # noqa: E712 (SQL)
    if not await _bump_query(where).returning(Matter.id):
        row = await Matter.select(Matter.hold_reason).where(Matter.id == matter_id).first()
        raise Conflict(row["hold_reason"] or "Ärendet ändrades samtidigt av någon annan. Ladda om.", field="type")


async def _insert_event(matter_id: int, data: s.EventCreate, agenda_item_id: int | None, actor_id: int | None) -> int:
    """Inside a transaction that has taken the matter (``_lock``)."""
    row = MatterEvent(
        matter=matter_id, type=data.type, date=data.date, time=data.time, trade_union=data.union_id,
        outcome=data.outcome, note=data.note.strip(), agenda_item_id=agenda_item_id, created_by=actor_id,
    )
    await row.save()
    await _recompute(matter_id)
    return row.id


async def record_from_meeting(matter_id: int, data: s.EventCreate, agenda_item_id: int, actor_id: int) -> None:
    """An event written by the meeting record (an agenda item closed, a meeting held). The caller
    has checked access to the meeting; the event must still fit the matter, or it is skipped."""
    matter = await Matter.select().where(Matter.id == matter_id).first()
    parties = [p["trade_union"] for p in await MatterParty.select(MatterParty.trade_union).where(MatterParty.matter == matter_id)]
    try:
        rules.check_event(matter["kind"], data.type, data.union_id, data.outcome, data.note, parties)
        await _check_sequence(matter_id, data.type, data.date, data.union_id)
    except rules.RuleError:
        return
    async with engine().transaction():
        await _lock(matter_id, decision=False)
        event_id = await _insert_event(matter_id, data, agenda_item_id, actor_id)
        # Written by the meeting record or the protocol, whose own change is in the log too.
        await audit.record(None, "create", "matter_event", event_id,
                           after=await MatterEvent.select().where(MatterEvent.id == event_id).first())


async def retract_meeting_events(agenda_item_ids: list[int], types: set[str], reason: str, actor_id: int) -> None:
    """Mark events a meeting record wrote as deleted (with the reason), before it writes them anew."""
    if not agenda_item_ids:
        return
    rows = await MatterEvent.select().where(
        MatterEvent.agenda_item_id.is_in(agenda_item_ids) & MatterEvent.type.is_in(list(types)) & MatterEvent.deleted_at.is_null()
    )
    for row in rows:
        await MatterEvent.update({MatterEvent.deleted_at: clock.now()}).where(MatterEvent.id == row["id"])
        await MatterEventChange.insert(MatterEventChange(
            event=row["id"], action="delete", reason=reason, before=_snapshot(row), changed_by=actor_id,
        ))
    for matter_id in {r["matter"] for r in rows}:
        await _bump(matter_id)
        await _recompute(matter_id)


def _bump_query(where: Any) -> Any:
    return Matter.update({Matter.version: Matter.version + 1, Matter.updated_at: clock.now()}).where(where)


async def _bump(matter_id: int) -> None:
    await _bump_query(Matter.id == matter_id)


async def _event_row(matter_id: int, event_id: int) -> dict:
    row = await MatterEvent.select().where(
        (MatterEvent.id == event_id) & (MatterEvent.matter == matter_id) & MatterEvent.deleted_at.is_null()
    ).first()
    if row is None:
        raise NotFound(f"Händelsen {event_id} finns inte i ärendet.")
    return row


def _snapshot(row: dict) -> dict:
    return msgspec.to_builtins(_event(row))


def _check_may_touch(viewer: Viewer, row: dict) -> None:
    if row["type"] == "exception_recorded" and not rights.sees_all(viewer):
        raise Forbidden("Undantag från förhandlingsskyldigheten ändras och tas bort av HR.", field="type")


async def update_event(viewer: Viewer, matter_id: int, event_id: int, data: s.EventUpdate) -> s.Event:
    matter = await _visible_row(viewer, matter_id)
    _check_may_change(viewer, matter["department"])
    row = await _event_row(matter_id, event_id)
    _check_may_touch(viewer, row)
    fields = changes(data)
    reason = fields.pop("reason").strip()
    update = {("trade_union" if k == "union_id" else k): v for k, v in fields.items()}
    values = {**row, **update}
    await _check_event(viewer, {**matter, "decision_allowed": True}, values["type"], values["trade_union"], values["outcome"], values["note"])
    async with engine().transaction():
        await _bump(matter_id)  # first: holds the matter while the sequence is checked and written
        await _sequence_checked(matter_id, values["type"], values["date"], values["trade_union"], except_event=event_id)
        await MatterEvent.update({**update, "updated_at": clock.now()}).where(MatterEvent.id == event_id)
        after = await MatterEvent.select().where(MatterEvent.id == event_id).first()
        await MatterEventChange.insert(MatterEventChange(
            event=event_id, action="update", reason=reason, before=_snapshot(row), after=_snapshot(after),
            changed_by=viewer.user_id,
        ))
        await _recompute(matter_id)
        await audit.record(viewer, "update", "matter_event", event_id, before=row, after={**after, "reason": reason})
    return _event(after)


async def delete_event(viewer: Viewer, matter_id: int, event_id: int, reason: str) -> None:
    matter = await _visible_row(viewer, matter_id)
    _check_may_change(viewer, matter["department"])
    row = await _event_row(matter_id, event_id)
    _check_may_touch(viewer, row)
    async with engine().transaction():
        await MatterEvent.update({MatterEvent.deleted_at: clock.now()}).where(MatterEvent.id == event_id)
        await MatterEventChange.insert(MatterEventChange(
            event=event_id, action="delete", reason=reason.strip(), before=_snapshot(row), changed_by=viewer.user_id,
        ))
        await _bump(matter_id)
        await _recompute(matter_id)
        await audit.record(viewer, "delete", "matter_event", event_id, before=row, after={"reason": reason.strip()})


async def list_events(viewer: Viewer, matter_id: int) -> list[s.Event]:
    return (await get_matter(viewer, matter_id)).events


async def headings(ids: list[int]) -> dict[int, dict]:
    """Id, diary number and title of the given matters, for a list that links to them (the list
    itself is already scoped to the viewer)."""
    if not ids:
        return {}
    rows = await Matter.select(Matter.id, Matter.diary_no, Matter.title).where(Matter.id.is_in(ids))
    return {r["id"]: r for r in rows}
