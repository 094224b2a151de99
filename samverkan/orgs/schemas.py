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
    id: int
    name: str
    code: str
    diary_prefix: str
    active: bool


class DepartmentCreate(Input):
    name: Name
    code: Code
    diary_prefix: DiaryPrefix
    active: bool = True


class DepartmentUpdate(Input):
    name: Name | UnsetType = UNSET
    code: Code | UnsetType = UNSET
    diary_prefix: DiaryPrefix | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class Union(Struct, kw_only=True):
    id: int
    name: str
    federation: str
    confederation: str
    email: str
    active: bool


class UnionCreate(Input):
    name: Name
    federation: ShortText = ""
    confederation: OneLine(50) = ""
    email: OptionalEmail | None = ""  # None or "": no notice address
    active: bool = True


class UnionUpdate(Input):
    name: Name | UnsetType = UNSET
    federation: ShortText | UnsetType = UNSET
    confederation: OneLine(50) | UnsetType = UNSET
    email: OptionalEmail | None | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class Person(Struct, kw_only=True):
    id: int
    name: str
    email: str | None
    title: str
    side: Side
    department_id: int | None
    union_id: int | None
    roles: list[PersonRole]
    active: bool


class PersonCreate(Input):
    name: Name
    side: Side
    email: Email | None = None
    title: ShortText = ""
    department_id: Id | None = None
    union_id: Id | None = None
    roles: Annotated[list[PersonRole], Meta(max_length=5)] = []
    active: bool = True


class PersonUpdate(Input):
    name: Name | UnsetType = UNSET
    side: Side | UnsetType = UNSET
    email: Email | None | UnsetType = UNSET
    title: ShortText | UnsetType = UNSET
    department_id: Id | None | UnsetType = UNSET
    union_id: Id | None | UnsetType = UNSET
    roles: Annotated[list[PersonRole], Meta(max_length=5)] | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class Group(Struct, kw_only=True):
    id: int
    name: str
    level: GroupLevel
    department_id: int | None
    union_ids: list[int]
    member_ids: list[int]
    safety_committee: bool
    cadence_months: int | None
    active: bool


Cadence = Annotated[int, Meta(ge=1, le=12)]
IdList = Annotated[list[Id], Meta(max_length=500)]


class GroupCreate(Input):
    name: Name
    level: GroupLevel
    department_id: Id | None = None
    union_ids: IdList = []
    member_ids: IdList = []
    safety_committee: bool = False
    cadence_months: Cadence | None = None
    active: bool = True


class GroupUpdate(Input):
    name: Name | UnsetType = UNSET
    level: GroupLevel | UnsetType = UNSET
    department_id: Id | None | UnsetType = UNSET
    union_ids: IdList | UnsetType = UNSET
    member_ids: IdList | UnsetType = UNSET
    safety_committee: bool | UnsetType = UNSET
    cadence_months: Cadence | None | UnsetType = UNSET
    active: bool | UnsetType = UNSET


def changes(patch: Struct) -> dict:
    """The fields a PATCH body actually set."""
    return {k: v for k, v in msgspec.structs.asdict(patch).items() if v is not UNSET}
