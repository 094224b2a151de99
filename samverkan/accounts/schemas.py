"""Types of accounts and tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from samverkan.orgs.schemas import Email, Id, Input, Name
from samverkan.values import LINE, OneLine

Role = Literal["admin", "hr", "department", "union"]
Password = Annotated[str, Meta(min_length=10, max_length=200, pattern=LINE)]  # spaces are fine, control characters not


class User(Struct, kw_only=True):
    id: int
    email: str
    name: str
    role: Role
    department_id: int | None
    union_id: int | None
    person_id: int | None
    active: bool
    has_password: bool
    last_login_at: dt.datetime | None


class UserCreate(Input):
    email: Email
    name: Name
    role: Role
    department_id: Id | None = None
    union_id: Id | None = None
    password: Password | None = None
    active: bool = True


class UserUpdate(Input):
    email: Email | UnsetType = UNSET
    name: Name | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    department_id: Id | None | UnsetType = UNSET
    union_id: Id | None | UnsetType = UNSET
    active: bool | UnsetType = UNSET
    # None or absent: the password stays as it is.
    password: Password | None | UnsetType = UNSET


class ApiToken(Struct, kw_only=True):
    id: int
    label: str
    hint: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class ApiTokenCreate(Input):
    label: OneLine(100) = ""


class ApiTokenCreated(Struct, kw_only=True):
    """The only time the token itself is shown."""

    token: str
    record: ApiToken
