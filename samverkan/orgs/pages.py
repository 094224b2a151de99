"""Pages of the registry: the four registers described as data (see web/registry_pages.py)."""

from __future__ import annotations

from functools import partial

from samverkan.accounts.access import ADMIN, ADMIN_OR_HR
from samverkan.orgs import schemas as s
from samverkan.orgs import service
from samverkan.web.registry_pages import Column, Field, Register, routes

ACTIVE_LABEL = {True: "Aktiv", False: "Inaktiv"}
SIDE_LABELS = {"employer": "Arbetsgivare", "union": "Arbetstagare (facklig)"}
LEVEL_LABELS = {"central": "Central", "department": "Förvaltning", "local": "Lokal", "apt": "Arbetsplatsträff (APT)"}
PERSON_ROLE_LABELS = {
    "hr": "HR", "manager": "Chef", "safety_rep": "Skyddsombud",
    "chief_safety_rep": "Huvudskyddsombud", "union_rep": "Facklig företrädare",
}


async def departments_and_unions() -> dict:
    departments = await service.choices("department")
    unions = await service.choices("union")
    return {
        "choices": {"department_id": departments, "union_id": unions, "union_ids": unions},
        "names": {"department": dict(departments), "union": dict(unions)},
    }


async def _no_lookups() -> dict:
    return {"choices": {}, "names": {}}


async def _group_lookups() -> dict:
    lookups = await departments_and_unions()
    people = await service.people_described()
    lookups["choices"]["member_ids"] = [(p["id"], p["name"]) for p in people]
    lookups["people"] = {p["id"]: p for p in people}
    lookups["choices"]["level"] = list(LEVEL_LABELS.items())
    lookups["choices"]["parent_group_id"] = await service.choices("group")
    return lookups


async def _person_lookups() -> dict:
    lookups = await departments_and_unions()
    lookups["choices"]["side"] = list(SIDE_LABELS.items())
    lookups["choices"]["roles"] = list(PERSON_ROLE_LABELS.items())
    return lookups


def _active(record, _):
    return ACTIVE_LABEL[record.active]


NAME = Field("name", "Namn", required=True)
ACTIVE = Field("active", "Aktiv", kind="checkbox", maxlength=None)

DEPARTMENTS = Register(
    slug="forvaltningar", title="Förvaltningar", singular="förvaltning", editors=ADMIN,
    columns=[
        Column("Namn", lambda r, _: r.name), Column("Kod", lambda r, _: r.code),
        Column("Diarieprefix", lambda r, _: r.diary_prefix), Column("Status", _active),
    ],
    fields=[
        NAME,
        Field("code", "Kod", required=True, maxlength=20, help="Kort unik kod, t.ex. KK.",
              hint="Bara bokstäver, siffror, bindestreck och understreck."),
        Field("diary_prefix", "Diarieprefix", required=True, maxlength=20, help="Inleder diarienumret, t.ex. KS i KS 2026/0042.",
              hint="Bara bokstäver och siffror."),
        ACTIVE,
    ],
    list=service.list_departments, get=service.get_department, create=service.create_department,
    update=service.update_department, deactivate=partial(service.deactivate, "department"),
    create_type=s.DepartmentCreate, update_type=s.DepartmentUpdate, lookups=_no_lookups,
)

UNIONS = Register(
    slug="fackforbund", title="Fackförbund", singular="fackförbund", new="Nytt", editors=ADMIN,
    columns=[
        Column("Namn", lambda r, _: r.name), Column("Förbund", lambda r, _: r.federation),
        Column("Huvudorganisation", lambda r, _: r.confederation), Column("E-post", lambda r, _: r.email),
        Column("Status", _active),
    ],
    fields=[
        NAME,
        Field("federation", "Förbund (centralt)", help="Den centrala organisationen, t.ex. Vision."),
        Field("confederation", "Huvudorganisation", maxlength=50, help="LO, TCO, Saco eller tomt."),
        Field("email", "E-post för kallelser", kind="email", maxlength=254, hint="Ange en giltig e-postadress."),
        ACTIVE,
    ],
    list=service.list_unions, get=service.get_union, create=service.create_union, update=service.update_union,
    deactivate=partial(service.deactivate, "union"), create_type=s.UnionCreate, update_type=s.UnionUpdate,
    lookups=_no_lookups,
)

PEOPLE = Register(
    slug="personer", title="Personer", singular="person", editors=ADMIN_OR_HR,
    columns=[
        Column("Namn", lambda r, _: r.name), Column("Titel", lambda r, _: r.title),
        Column("Sida", lambda r, _: SIDE_LABELS[r.side]),
        Column("Förvaltning / förbund", lambda r, n: n["union"].get(r.union_id) or n["department"].get(r.department_id) or ""),
        Column("Roller", lambda r, _: ", ".join(PERSON_ROLE_LABELS[x] for x in r.roles)),
        Column("Status", _active),
    ],
    fields=[
        NAME,
        Field("email", "E-post", kind="email", maxlength=254, hint="Ange en giltig e-postadress."),
        Field("title", "Titel"),
        Field("side", "Sida", kind="select", required=True, maxlength=None),
        Field("department_id", "Förvaltning", kind="select", maxlength=None, int_choices=True, source="department"),
        Field("union_id", "Fackförbund", kind="select", maxlength=None, int_choices=True, source="union",
              help="Krävs för personer på den fackliga sidan."),
        Field("roles", "Roller", kind="checkboxes", maxlength=None),
        ACTIVE,
    ],
    list=service.list_people, get=service.get_person, create=service.create_person, update=service.update_person,
    deactivate=partial(service.deactivate, "person"), create_type=s.PersonCreate, update_type=s.PersonUpdate,
    lookups=_person_lookups,
)

async def _group_outlook(viewer: object, group_id: int) -> dict:
    """The group's next meeting and its warnings (cadence, kallelse), shown on the group's page."""
    from samverkan.meetings.service import group_outlook

    meeting, found = await group_outlook(group_id)
    return {"outlook": {"meeting": meeting, "warnings": found}}


GROUPS = Register(
    slug="samverkansgrupper", title="Samverkansgrupper", singular="samverkansgrupp", editors=ADMIN_OR_HR,
    columns=[
        Column("Namn", lambda r, _: r.name), Column("Nivå", lambda r, _: LEVEL_LABELS[r.level]),
        Column("Förvaltning", lambda r, n: n["department"].get(r.department_id, "")),
        Column("Skyddskommitté", lambda r, _: "Ja" if r.safety_committee else ""),
        Column("Status", _active),
    ],
    fields=[
        NAME,
        Field("level", "Nivå", kind="select", required=True, maxlength=None),
        Field("department_id", "Förvaltning", kind="select", maxlength=None, int_choices=True, source="department",
              help="Krävs utom för den centrala gruppen."),
        Field("safety_committee", "Gruppen är också skyddskommitté", kind="checkbox", maxlength=None),
        Field("cadence_months", "Mötesintervall (månader)", kind="number", maxlength=None,
              help="Högst så här många månader mellan mötena, 1–12."),
        Field("parent_group_id", "Överordnad grupp", kind="select", maxlength=None, int_choices=True, source="group",
              help="Dit frågor lyfts: en APT:s förvaltningsgrupp, en förvaltningsgrupps centrala grupp."),
        Field("union_ids", "Fackförbund i gruppen", kind="checkboxes", maxlength=None, int_choices=True, source="union"),
        Field("member_ids", "Ledamöter", kind="people", maxlength=None, int_choices=True, source="person",
              help="Kryssa i ledamöterna. Titel och förvaltning eller förbund skiljer två med samma namn åt."),
        ACTIVE,
    ],
    list=service.list_groups, get=service.get_group, create=service.create_group, update=service.update_group,
    deactivate=partial(service.deactivate, "group"), create_type=s.GroupCreate, update_type=s.GroupUpdate,
    lookups=_group_lookups, detail_extra=lambda viewer, id: _group_outlook(viewer, id),
)

REGISTERS = [DEPARTMENTS, UNIONS, PEOPLE, GROUPS]
ROUTES = [route for register in REGISTERS for route in routes(register)]
