"""Rules and queries of the organisation registry. No HTTP here: the API and pages both call these."""

from __future__ import annotations

import dataclasses
from typing import Any

import msgspec
from piccolo.querystring import QueryString

from samverkan.accounts import rights
from samverkan import clock
from samverkan.database import Ids, Param, Prepared, Read, engine, ids_param, write_unique
from samverkan.errors import Conflict, Invalid, NotFound
from samverkan.orgs import registry_version
from samverkan.orgs import schemas as s
from samverkan.orgs.tables import CollaborationGroup, Department, GroupMember, GroupUnion, Person, TradeUnion
from samverkan.pagination import Page, PageRequest, fetch_page, folded, matches


def _filters(table: Any, q: str | None, active: bool | None) -> list[Any]:
    return [
        matches(table.search_text, q) if q else None,
        (table.active == active) if active is not None else None,
    ]


async def _get_row(table: Any, id: int, what: str) -> dict:
    row = await table.select().where(table.id == id).first()
    if row is None:
        raise NotFound(f"{what} {id} finns inte.")
    return row


async def _ensure_unique(table: Any, column: Any, value: Any, field: str, message: str, exclude_id: int | None = None) -> None:
    query = table.exists().where(column == value)
    if exclude_id is not None:
        query = query.where(table.id != exclude_id)
    if await query:
        raise Conflict(message, field=field)


async def _ensure_exists(table: Any, id: int | None, field: str, message: str) -> None:
    if id is not None and not await table.exists().where(table.id == id):
        raise Invalid(message, field=field)


# --- departments -----------------------------------------------------------


def _department(row: dict) -> s.Department:
    return s.Department(id=row["id"], name=row["name"], code=row["code"], diary_prefix=row["diary_prefix"], active=row["active"])


def _department_search(values: dict) -> str:
    return folded(values["name"], values["code"], values["diary_prefix"])


async def list_departments(q: str | None = None, active: bool | None = None, page: PageRequest = PageRequest()) -> Page[s.Department]:
    rows, total = await fetch_page(Department, _filters(Department, q, active), Department.name, page)
    return Page(items=[_department(r) for r in rows], total=total)


async def get_department(id: int) -> s.Department:
    return _department(await _get_row(Department, id, "Förvaltningen"))


DUPLICATE_CODE = "Koden används redan av en annan förvaltning."


def _department_columns(fields: dict) -> dict:
    out = dict(fields)
    if "name" in out:
        out["name"] = out["name"].strip()
    for key in ("code", "diary_prefix"):
        if key in out:
            out[key] = out[key].upper()
    return out


async def create_department(data: s.DepartmentCreate) -> s.Department:
    values = _department_columns(msgspec.structs.asdict(data))
    await _ensure_unique(Department, Department.code, values["code"], "code", DUPLICATE_CODE)
    row = Department(**values, search_text=_department_search(values))
    await write_unique(row.save, Conflict(DUPLICATE_CODE, field="code"))
    return await get_department(row.id)


async def update_department(id: int, patch: s.DepartmentUpdate) -> s.Department:
    current = await _get_row(Department, id, "Förvaltningen")
    changed = _department_columns(s.changes(patch))
    if "code" in changed:
        await _ensure_unique(Department, Department.code, changed["code"], "code", DUPLICATE_CODE, exclude_id=id)
    values = {**current, **changed}
    update = {**changed, "search_text": _department_search(values), "updated_at": clock.now()}
    await write_unique(lambda: Department.update(update).where(Department.id == id), Conflict(DUPLICATE_CODE, field="code"))
    return await get_department(id)


# --- unions ----------------------------------------------------------------


def _union(row: dict) -> s.Union:
    return s.Union(
        id=row["id"], name=row["name"], federation=row["federation"], confederation=row["confederation"],
        email=row["email"], active=row["active"],
    )


def _union_search(values: dict) -> str:
    return folded(values["name"], values["federation"], values["confederation"])


DUPLICATE_UNION = "Det finns redan ett fackförbund med det namnet."


async def _ensure_union_name_free(name: str, exclude_id: int | None = None) -> None:
    """"Vision" and "vision" are the same union. The register is small (tens of rows), and
    comparing case-folded names here works alike on both engines, å/ä/ö included."""
    for row in await TradeUnion.select(TradeUnion.id, TradeUnion.name):
        if row["id"] != exclude_id and row["name"].casefold() == name.casefold():
            raise Conflict(DUPLICATE_UNION, field="name")


async def list_unions(q: str | None = None, active: bool | None = None, page: PageRequest = PageRequest()) -> Page[s.Union]:
    rows, total = await fetch_page(TradeUnion, _filters(TradeUnion, q, active), TradeUnion.name, page)
    return Page(items=[_union(r) for r in rows], total=total)


async def get_union(id: int) -> s.Union:
    return _union(await _get_row(TradeUnion, id, "Fackförbundet"))


async def create_union(data: s.UnionCreate) -> s.Union:
    values = {
        "name": data.name.strip(), "federation": data.federation.strip(), "confederation": data.confederation.strip(),
        "email": (data.email or "").strip().lower(), "active": data.active,
    }
    await _ensure_union_name_free(values["name"])
    row = TradeUnion(**values, search_text=_union_search(values))
    await write_unique(row.save, Conflict(DUPLICATE_UNION, field="name"))
    return await get_union(row.id)


async def update_union(id: int, patch: s.UnionUpdate) -> s.Union:
    current = await _get_row(TradeUnion, id, "Fackförbundet")
    changed = {k: (v.strip() if isinstance(v, str) else v) for k, v in s.changes(patch).items()}
    if "email" in changed:
        changed["email"] = (changed["email"] or "").lower()
    if "name" in changed:
        await _ensure_union_name_free(changed["name"], exclude_id=id)
    values = {**current, **changed}
    update = {**changed, "search_text": _union_search(values), "updated_at": clock.now()}
    await write_unique(lambda: TradeUnion.update(update).where(TradeUnion.id == id), Conflict(DUPLICATE_UNION, field="name"))
    return await get_union(id)


# --- people ----------------------------------------------------------------


def _person(row: dict) -> s.Person:
    return s.Person(
        id=row["id"], name=row["name"], email=row["email"], title=row["title"], side=row["side"],
        department_id=row["department"], union_id=row["trade_union"],
        roles=[role for role, column in s.PERSON_ROLE_COLUMNS.items() if row[column]], active=row["active"],
    )


def _person_search(values: dict) -> str:
    return folded(values["name"], values["email"], values["title"])


DUPLICATE_EMAIL = "E-postadressen används redan av en annan person."


async def _check_person(values: dict, exclude_id: int | None = None) -> None:
    if values["side"] == "union" and values["trade_union"] is None:
        raise Invalid("Ange fackförbund för en person på den fackliga sidan.", field="union_id")
    if values["side"] == "employer" and values["trade_union"] is not None:
        raise Invalid("En person på arbetsgivarsidan hör inte till ett fackförbund.", field="union_id")
    await _ensure_exists(Department, values["department"], "department_id", "Förvaltningen finns inte.")
    await _ensure_exists(TradeUnion, values["trade_union"], "union_id", "Fackförbundet finns inte.")
    if values["email"]:
        await _ensure_unique(Person, Person.email, values["email"], "email", DUPLICATE_EMAIL, exclude_id)


def _person_columns(fields: dict) -> dict:
    """API field names and role list -> column values."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "department_id":
            out["department"] = value
        elif key == "union_id":
            out["trade_union"] = value
        elif key == "roles":
            out.update({column: role in value for role, column in s.PERSON_ROLE_COLUMNS.items()})
        elif key == "email":
            out["email"] = value.strip().lower() if value else None
        else:
            out[key] = value.strip() if isinstance(value, str) else value
    return out


async def list_people(
    q: str | None = None, active: bool | None = None, side: str | None = None,
    department_id: int | None = None, union_id: int | None = None, page: PageRequest = PageRequest(),
) -> Page[s.Person]:
    where = _filters(Person, q, active) + [
        (Person.side == side) if side else None,
        (Person.department == department_id) if department_id else None,
        (Person.trade_union == union_id) if union_id else None,
    ]
    rows, total = await fetch_page(Person, where, Person.name, page)
    return Page(items=[_person(r) for r in rows], total=total)


async def get_person(id: int) -> s.Person:
    return _person(await _get_row(Person, id, "Personen"))


async def create_person(data: s.PersonCreate) -> s.Person:
    values = _person_columns(msgspec.structs.asdict(data))
    await _check_person(values)
    row = Person(**values, search_text=_person_search(values))
    await write_unique(row.save, Conflict(DUPLICATE_EMAIL, field="email"))
    return await get_person(row.id)


async def update_person(id: int, patch: s.PersonUpdate) -> s.Person:
    current = await _get_row(Person, id, "Personen")
    changed = _person_columns(s.changes(patch))
    values = {**current, **changed}
    await _check_person(values, exclude_id=id)
    update = {**changed, "search_text": _person_search(values), "updated_at": clock.now()}
    await write_unique(lambda: Person.update(update).where(Person.id == id), Conflict(DUPLICATE_EMAIL, field="email"))
    return await get_person(id)


# --- collaboration groups --------------------------------------------------


async def _groups(rows: list[dict]) -> list[s.Group]:
    """Groups with their member unions and people: two queries for any number of groups."""
    ids = [r["id"] for r in rows]
    unions: dict[int, list[int]] = {i: [] for i in ids}
    members: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        for link in await GroupUnion.select(GroupUnion.group, GroupUnion.trade_union).where(GroupUnion.group.is_in(ids)).order_by(GroupUnion.trade_union):
            unions[link["group"]].append(link["trade_union"])
        for link in await GroupMember.select(GroupMember.group, GroupMember.person).where(GroupMember.group.is_in(ids)).order_by(GroupMember.person):
            members[link["group"]].append(link["person"])
    return [
        s.Group(
            id=r["id"], name=r["name"], level=r["level"], department_id=r["department"], union_ids=unions[r["id"]],
            member_ids=members[r["id"]], safety_committee=r["safety_committee"], cadence_months=r["cadence_months"],
            parent_group_id=r["parent"], active=r["active"],
        )
        for r in rows
    ]


async def list_groups(
    q: str | None = None, active: bool | None = None, department_id: int | None = None, page: PageRequest = PageRequest()
) -> Page[s.Group]:
    where = _filters(CollaborationGroup, q, active) + [
        (CollaborationGroup.department == department_id) if department_id else None
    ]
    rows, total = await fetch_page(CollaborationGroup, where, CollaborationGroup.name, page)
    return Page(items=await _groups(rows), total=total)


async def get_group(id: int) -> s.Group:
    return (await _groups([await _get_row(CollaborationGroup, id, "Samverkansgruppen")]))[0]


async def _check_group(values: dict, union_ids: list[int] | None, member_ids: list[int] | None) -> None:
    if values["level"] != "central" and values["department"] is None:
        raise Invalid("Ange förvaltning för en grupp som inte är central.", field="department_id")
    await _ensure_exists(Department, values["department"], "department_id", "Förvaltningen finns inte.")
    await _ensure_exists(CollaborationGroup, values.get("parent"), "parent_group_id", "Den överordnade gruppen finns inte.")
    if values.get("parent") is not None and values["parent"] == values.get("id"):
        raise Invalid("En grupp kan inte vara sin egen överordnade grupp.", field="parent_group_id")
    for field, table, ids, message in (
        ("union_ids", TradeUnion, union_ids, "Ett eller flera fackförbund finns inte."),
        ("member_ids", Person, member_ids, "En eller flera personer finns inte."),
    ):
        if ids and await table.count().where(table.id.is_in(list(set(ids)))) != len(set(ids)):
            raise Invalid(message, field=field)


def _group_columns(fields: dict) -> dict:
    out = {k: v for k, v in fields.items() if k not in {"union_ids", "member_ids", "department_id", "parent_group_id"}}
    if "department_id" in fields:
        out["department"] = fields["department_id"]
    if "parent_group_id" in fields:
        out["parent"] = fields["parent_group_id"]
    if "name" in out:
        out["name"] = out["name"].strip()
    return out


async def _replace_links(group_id: int, union_ids: list[int] | None, member_ids: list[int] | None) -> None:
    if union_ids is not None:
        await GroupUnion.delete().where(GroupUnion.group == group_id)
        if union_ids:
            await GroupUnion.insert(*[GroupUnion(group=group_id, trade_union=u) for u in sorted(set(union_ids))])
    if member_ids is not None:
        await GroupMember.delete().where(GroupMember.group == group_id)
        if member_ids:
            await GroupMember.insert(*[GroupMember(group=group_id, person=p) for p in sorted(set(member_ids))])


async def create_group(data: s.GroupCreate) -> s.Group:
    fields = msgspec.structs.asdict(data)
    values = _group_columns(fields)
    await _check_group(values, data.union_ids, data.member_ids)
    async with engine().transaction():
        row = CollaborationGroup(**values, search_text=folded(values["name"]))
        await row.save()
        await _replace_links(row.id, data.union_ids, data.member_ids)
    return await get_group(row.id)


async def update_group(id: int, patch: s.GroupUpdate) -> s.Group:
    current = await _get_row(CollaborationGroup, id, "Samverkansgruppen")
    fields = s.changes(patch)
    changed = _group_columns(fields)
    values = {**current, **changed}
    await _check_group(values, fields.get("union_ids"), fields.get("member_ids"))
    async with engine().transaction():
        await CollaborationGroup.update(
            {**changed, "search_text": folded(values["name"]), "updated_at": clock.now()}
        ).where(CollaborationGroup.id == id)
        await _replace_links(id, fields.get("union_ids"), fields.get("member_ids"))
    return await get_group(id)


# --- any registry record ----------------------------------------------------

# The registers by name, so that pages and handlers need not know the tables.
TABLES: dict[str, Any] = {"department": Department, "union": TradeUnion, "person": Person, "group": CollaborationGroup}
_READERS = {"department": get_department, "union": get_union, "person": get_person, "group": get_group}


async def deactivate(register: str, id: int) -> Any:
    """Records others refer to are deactivated, never deleted; PATCH active=true brings one back."""
    read, table = _READERS[register], TABLES[register]
    await read(id)  # 404 if missing
    await table.update({table.active: False, table.updated_at: clock.now()}).where(table.id == id)
    return await read(id)


# --- lookups used by pages and the CLI ------------------------------------


# Read on most pages (a meeting page reads three registers' names): built once (database.Prepared).
_NAMES = {register: Prepared(lambda t=table: t.select(t.id, t.name).where(ids_param(t.id, "ids")))
          for register, table in TABLES.items()}
_CHOICES = {register: Prepared(lambda t=table: t.select(t.id, t.name).where(t.active == True).order_by(t.name))  # noqa: E712
            for register, table in TABLES.items()}


async def names(register: str, ids: list[int]) -> list[tuple[int, str]]:
    """(id, name) of the given rows, active or not."""
    return [(r["id"], r["name"]) for r in await _NAMES[register].rows(ids=Ids(ids))] if ids else []


async def choices(register: str) -> list[tuple[int, str]]:
    """(id, name) of every active row of a register ("department", "union", "person", "group"), for select boxes."""
    return [(r["id"], r["name"]) for r in await _CHOICES[register].rows()]


_SAFETY_REP = Prepared(lambda: Person.select(Person.id, Person.department, Person.is_safety_rep, Person.is_chief_safety_rep)
                       .where((Person.id == Param("id")) & (Person.active == True)))  # noqa: E712
_ALL_DEPARTMENTS = Prepared(lambda: Department.select(Department.id))
_GROUP_DEPARTMENTS = Prepared(lambda: GroupMember.select(GroupMember.group.department.as_alias("department"))
                              .where(GroupMember.person == Param("person")))


async def sam_departments(viewer: Any) -> list[int] | None:
    """The departments whose work-environment management (SAM) a user may read; None: all.

    HR and admin read all; a department user their own; a union user who is a skyddsombud the
    departments they cover: their own department and those of the groups they sit in (a
    huvudskyddsombud without a department covers every department). Other union users none."""
    if rights.sees_all(viewer):
        return None
    if rights.is_department(viewer):
        return [viewer.department_id] if viewer.department_id else []
    if not rights.is_union(viewer) or viewer.person_id is None:
        return []
    person = await _SAFETY_REP.first(id=viewer.person_id)
    if person is None or not (person["is_safety_rep"] or person["is_chief_safety_rep"]):
        return []
    if person["is_chief_safety_rep"] and person["department"] is None:
        return [d["id"] for d in await _ALL_DEPARTMENTS.rows()]
    groups = await _GROUP_DEPARTMENTS.rows(person=person["id"])
    return sorted({d for d in [person["department"], *(g["department"] for g in groups)] if d is not None})


@dataclasses.dataclass(frozen=True)
class Registers:
    """What the meeting pages show of the registry, read once per version of it
    (``meeting_registers``). Shared by every request that reads this version: read only."""

    unions: dict[int, str]  # the active unions (as choices() gives them): id → name, by name
    people: dict[int, dict]  # every person: id → {id, name, side, trade_union}, by name
    by_party: dict[int | None, list[tuple[int, str]]]  # (id, name) of the people of each union; None: the employer's
    departments: dict[int, str]  # every department's name by id
    groups: dict[int, str]  # every group's name by id
    _candidates: dict[tuple[int, ...], list[tuple[int, str]]] = dataclasses.field(default_factory=dict)

    def candidates(self, union_ids: list[int]) -> list[tuple[int, str]]:
        """(id, "name (party)") of the people who may take part in a meeting of these unions."""
        key = tuple(union_ids)
        found = self._candidates.get(key)
        if found is None:
            found = self._candidates[key] = [
                (p["id"], f"{p['name']} ({self.unions.get(p['trade_union'], 'arbetsgivaren')})") for p in self.people.values()
                if p["side"] == "employer" or p["trade_union"] in key]
            if len(self._candidates) > 1_000:  # (parties are few; a bound all the same)
                self._candidates.clear()
        return found


_REGISTRY_VERSION = Prepared(lambda: QueryString(f"SELECT version FROM {registry_version.TABLE} WHERE id = 1"))
# Every register the meeting pages show, in one statement (on PostgreSQL a statement is a round trip).
_REGISTERS = Prepared(lambda: QueryString(
    "SELECT 'union' AS register, id, name, '' AS side, NULL AS trade_union FROM trade_union WHERE active = {} "
    "UNION ALL SELECT 'person', id, name, side, trade_union FROM person "
    "UNION ALL SELECT 'department', id, name, '', NULL FROM department "
    "UNION ALL SELECT 'group', id, name, '', NULL FROM collaboration_group "
    "ORDER BY register, name, id", True))
_kept: tuple[int, Registers] | None = None  # the registers last read and the version they were read at


def registry_version_read() -> Read:
    """The statement meeting_registers runs first (for database.read_ahead)."""
    return _REGISTRY_VERSION.read()


async def meeting_registers() -> Registers:
    """The registers as they are now: kept from an earlier request while the registry's version
    (orgs.registry_version) is the same, read again when it has changed."""
    global _kept
    row = await registry_version_read().first()
    version = row["version"] if row else None
    kept = _kept
    if kept is not None and kept[0] == version:
        return kept[1]
    # Read after the version: what is kept under it is what it stands for or newer (then the
    # version has moved on too, and the next request reads again).
    found: dict[str, list[dict]] = {"union": [], "person": [], "department": [], "group": []}
    for row in await _REGISTERS.rows():
        found[row.pop("register")].append(row)
    by_party: dict[int | None, list[tuple[int, str]]] = {None: []}
    for p in found["person"]:
        by_party.setdefault(p["trade_union"] if p["side"] != "employer" else None, []).append((p["id"], p["name"]))
    registers = Registers(
        unions={u["id"]: u["name"] for u in found["union"]}, people={p["id"]: p for p in found["person"]}, by_party=by_party,
        departments={d["id"]: d["name"] for d in found["department"]}, groups={g["id"]: g["name"] for g in found["group"]})
    if version is not None:
        _kept = (version, registers)
    return registers


async def people_described(ids: list[int] | None = None) -> list[dict]:
    """Active people (or these, active or not) by name, with what tells two of one name apart:
    id, name, title and the union or department they belong to."""
    where = Person.id.is_in(ids or [-1]) if ids is not None else (Person.active == True)  # noqa: E712
    rows = await Person.select(Person.id, Person.name, Person.title, Person.department.name.as_alias("department_name"),
                               Person.trade_union.name.as_alias("union_name")).where(where).order_by(Person.name)
    return [{"id": r["id"], "name": r["name"], "title": r["title"], "belongs": r["union_name"] or r["department_name"] or ""}
            for r in rows]
