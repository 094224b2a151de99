"""Input and output types of the registry (msgspec Structs: X, XCreate, XUpdate)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from samverkan.values import END, NEVER, Checked, OneLine

# Free text: see samverkan/values.py (no control characters; "filled": not only spaces).
Name = OneLine(200, filled=True)
ShortText = OneLine(200)
# Codes and prefixes are stored in upper case (KK, KS), so "kk" and "KK" are the same code.
Code = Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9ÅÄÖåäö_-]+" + END)]
DiaryPrefix = Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[A-Za-zÅÄÖåäö0-9]+" + END)]
_ADDRESS = f"[^@\\s{NEVER}]+@[^@\\s{NEVER}]+\\.[^@\\s{NEVER}]+{END}"
Email = Annotated[str, Meta(max_length=254, pattern=f"^{_ADDRESS}")]
OptionalEmail = Annotated[str, Meta(max_length=254, pattern=f"^(?:{_ADDRESS}|{END})")]
Id = Annotated[int, Meta(ge=1, le=2**31 - 1)]

Side = Literal["employer", "union"]
GroupLevel = Literal["central", "department", "local", "apt"]
PersonRole = Literal["hr", "manager", "safety_rep", "chief_safety_rep", "union_rep"]

# Person role -> boolean column; the API speaks in a list of roles.
PERSON_ROLE_COLUMNS: dict[str, str] = {
    "hr": "is_hr",
    "manager": "is_manager",
    "safety_rep": "is_safety_rep",
    "chief_safety_rep": "is_chief_safety_rep",
    "union_rep": "is_union_rep",
}


class Input(Checked, forbid_unknown_fields=True, kw_only=True):
    """Base for request bodies: unknown fields are an error, not silently dropped; dates are checked."""


class Department(Struct, kw_only=True):
    """A department (förvaltning) of the municipality."""

    id: Annotated[int, Meta(description="The record's id.")]
    name: Annotated[str, Meta(description="The department's name.")]
    code: Annotated[str, Meta(description="A short code, unique, stored in upper case (e.g. VOF).")]
    diary_prefix: Annotated[str, Meta(description="The prefix of its matters' diary numbers (e.g. VO → VO 2026/0001).")]
    active: Annotated[bool, Meta(description="False when deactivated; registers are never deleted.")]


class DepartmentCreate(Input):
    """The body that creates a department."""

    name: Annotated[Name, Meta(description="The department's name.")]
    code: Annotated[Code, Meta(description="A short code, unique, stored in upper case (e.g. VOF).")]
    diary_prefix: Annotated[DiaryPrefix, Meta(
        description="The prefix of its matters' diary numbers (e.g. VO → VO 2026/0001).")]
    active: Annotated[bool, Meta(description="False when deactivated; registers are never deleted.")] = True


class DepartmentUpdate(Input):
    """The body that changes a department: only the fields sent change."""

    name: Annotated[Name, Meta(description="The department's name.")] | UnsetType = UNSET
    code: Annotated[Code, Meta(
        description="A short code, unique, stored in upper case (e.g. VOF).")] | UnsetType = UNSET
    diary_prefix: Annotated[DiaryPrefix, Meta(
        description="The prefix of its matters' diary numbers (e.g. VO → VO 2026/0001).")] | UnsetType = UNSET
    active: Annotated[bool, Meta(
        description="False when deactivated; registers are never deleted.")] | UnsetType = UNSET


class Union(Struct, kw_only=True):
    """A trade union (fackförbund), a party to negotiations."""

    id: Annotated[int, Meta(description="The record's id.")]
    name: Annotated[str, Meta(description="The union's name, unique (e.g. Vision).")]
    federation: Annotated[str, Meta(
        description="The national federation (förbund), e.g. Svenska Kommunalarbetareförbundet.")]
    confederation: Annotated[str, Meta(description="The confederation (LO, TCO, Saco), or empty.")]
    email: Annotated[str, Meta(description="The union's own e-mail address for notices; empty or null: none.")]
    active: Annotated[bool, Meta(description="False when deactivated; registers are never deleted.")]


class UnionCreate(Input):
    """The body that creates a union."""

    name: Annotated[Name, Meta(description="The union's name, unique (e.g. Vision).")]
    federation: Annotated[ShortText, Meta(
        description="The national federation (förbund), e.g. Svenska Kommunalarbetareförbundet.")] = ""
    confederation: Annotated[OneLine(50), Meta(description="The confederation (LO, TCO, Saco), or empty.")] = ""
    email: Annotated[OptionalEmail | None, Meta(description="The union's own e-mail address for notices; empty or null: none.")] = ""
    active: Annotated[bool, Meta(description="False when deactivated; registers are never deleted.")] = True


class UnionUpdate(Input):
    """The body that changes a union: only the fields sent change."""

    name: Annotated[Name, Meta(description="The union's name, unique (e.g. Vision).")] | UnsetType = UNSET
    federation: Annotated[ShortText, Meta(
        description="The national federation (förbund), e.g. Svenska Kommunalarbetareförbundet.")] | UnsetType = UNSET
    confederation: Annotated[OneLine(50), Meta(
        description="The confederation (LO, TCO, Saco), or empty.")] | UnsetType = UNSET
    email: Annotated[OptionalEmail, Meta(
        description="The union's own e-mail address for notices; empty or null: none.")] | None | UnsetType = UNSET
    active: Annotated[bool, Meta(
        description="False when deactivated; registers are never deleted.")] | UnsetType = UNSET


class Person(Struct, kw_only=True):
    """A person in the registry: on the employer side or a union's."""

    id: Annotated[int, Meta(description="The record's id.")]
    name: Annotated[str, Meta(description="Full name.")]
    email: Annotated[str | None, Meta(description="E-mail address (stored in lower case), unique; null or empty when unknown.")]
    title: Annotated[str, Meta(description="Job title, or empty.")]
    side: Annotated[Side, Meta(description="`employer` or `union`.")]
    department_id: Annotated[int | None, Meta(description="The department the person works in, or null.")]
    union_id: Annotated[int | None, Meta(
        description="The union the person represents: required on the union side, null on the employer side.")]
    roles: Annotated[list[PersonRole], Meta(
        description="What the person is in co-determination: hr, manager, safety_rep, chief_safety_rep, union_rep.")]
    active: Annotated[bool, Meta(description="False when deactivated; registers are never deleted.")]


class PersonCreate(Input):
    """The body that creates a person."""

    name: Annotated[Name, Meta(description="Full name.")]
    side: Annotated[Side, Meta(description="`employer` or `union`.")]
    email: Annotated[Email | None, Meta(
        description="E-mail address (stored in lower case), unique; empty when unknown.")] = None
    title: Annotated[ShortText, Meta(description="Job title, or empty.")] = ""
    department_id: Annotated[Id | None, Meta(description="The department the person works in, or null.")] = None
    union_id: Annotated[Id | None, Meta(
        description="The union the person represents: required on the union side, null on the employer side.")] = None
    roles: Annotated[list[PersonRole], Meta(max_length=5, description=(
        "What the person is in co-determination: hr, manager, safety_rep, chief_safety_rep, union_rep."))] = []
    active: Annotated[bool, Meta(description="False when deactivated; registers are never deleted.")] = True


class PersonUpdate(Input):
    """The body that changes a person: only the fields sent change."""

    name: Annotated[Name, Meta(description="Full name.")] | UnsetType = UNSET
    side: Annotated[Side, Meta(description="`employer` or `union`.")] | UnsetType = UNSET
    email: Annotated[Email, Meta(
        description="E-mail address (stored in lower case), unique; empty when unknown.")] | None | UnsetType = UNSET
    title: Annotated[ShortText, Meta(description="Job title, or empty.")] | UnsetType = UNSET
    department_id: Annotated[Id, Meta(
        description="The department the person works in, or null.")] | None | UnsetType = UNSET
    union_id: Annotated[Id, Meta(description=(
        "The union the person represents: required on the union side, null on the employer side."))] | None | UnsetType = UNSET
    roles: Annotated[list[PersonRole], Meta(max_length=5, description=(
        "What the person is in co-determination: hr, manager, safety_rep, chief_safety_rep, union_rep."))] | UnsetType = UNSET
    active: Annotated[bool, Meta(
        description="False when deactivated; registers are never deleted.")] | UnsetType = UNSET


class Group(Struct, kw_only=True):
    """A collaboration group (samverkansgrupp): who meets, for which department."""

    id: Annotated[int, Meta(description="The record's id.")]
    name: Annotated[str, Meta(description="The group's name.")]
    level: Annotated[GroupLevel, Meta(description="central, department, local or apt (arbetsplatsträff).")]
    department_id: Annotated[int | None, Meta(
        description="The department the group belongs to; null for a central group.")]
    union_ids: Annotated[list[int], Meta(description="The member unions, the parties of its meetings.")]
    member_ids: Annotated[list[int], Meta(description="The people in the group.")]
    safety_committee: Annotated[bool, Meta(
        description="Whether the group is also the skyddskommitté (it then meets at least every three months).")]
    cadence_months: Annotated[int | None, Meta(
        description="How often the skyddskommitté must meet, in months (1–3); null when not a skyddskommitté.")]
    parent_group_id: Annotated[int | None, Meta(
        description="The group questions are lifted to (an APT's FSG, an FSG's central group); null at the top.")] = None
    active: Annotated[bool, Meta(description="False when deactivated; registers are never deleted.")]


Cadence = Annotated[int, Meta(ge=1, le=12)]
IdList = Annotated[list[Id], Meta(max_length=500)]


class GroupCreate(Input):
    """The body that creates a collaboration group."""

    name: Annotated[Name, Meta(description="The group's name.")]
    level: Annotated[GroupLevel, Meta(description="central, department, local or apt (arbetsplatsträff).")]
    department_id: Annotated[Id | None, Meta(
        description="The department the group belongs to; null for a central group.")] = None
    union_ids: Annotated[IdList, Meta(description="The member unions, the parties of its meetings.")] = []
    member_ids: Annotated[IdList, Meta(description="The people in the group.")] = []
    safety_committee: Annotated[bool, Meta(description=(
        "Whether the group is also the skyddskommitté (it then meets at least every three months)."))] = False
    cadence_months: Annotated[Cadence | None, Meta(
        description="How often the skyddskommitté must meet, in months (1–3); null when not a skyddskommitté.")] = None
    parent_group_id: Annotated[Id | None, Meta(
        description="The group questions are lifted to (an APT's FSG, an FSG's central group); null at the top.")] = None
    active: Annotated[bool, Meta(description="False when deactivated; registers are never deleted.")] = True


class GroupUpdate(Input):
    """The body that changes a collaboration group: only the fields sent change."""

    name: Annotated[Name, Meta(description="The group's name.")] | UnsetType = UNSET
    level: Annotated[GroupLevel, Meta(
        description="central, department, local or apt (arbetsplatsträff).")] | UnsetType = UNSET
    department_id: Annotated[Id, Meta(
        description="The department the group belongs to; null for a central group.")] | None | UnsetType = UNSET
    union_ids: Annotated[IdList, Meta(
        description="The member unions, the parties of its meetings.")] | UnsetType = UNSET
    member_ids: Annotated[IdList, Meta(description="The people in the group.")] | UnsetType = UNSET
    safety_committee: Annotated[bool, Meta(description=(
        "Whether the group is also the skyddskommitté (it then meets at least every three months)."))] | UnsetType = UNSET
    cadence_months: Annotated[Cadence, Meta(description=(
        "How often the skyddskommitté must meet, in months (1–3); null when not a skyddskommitté."))] | None | UnsetType = UNSET
    parent_group_id: Annotated[Id, Meta(description=(
        "The group questions are lifted to (an APT's FSG, an FSG's central group); null at the top."))] | None | UnsetType = UNSET
    active: Annotated[bool, Meta(
        description="False when deactivated; registers are never deleted.")] | UnsetType = UNSET


def changes(patch: Struct) -> dict:
    """The fields a PATCH body actually set."""
    return {k: v for k, v in msgspec.structs.asdict(patch).items() if v is not UNSET}
