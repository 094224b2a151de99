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
    """A login: a person who may sign in, with one role."""

    id: Annotated[int, Meta(description="The record's id.")]
    email: Annotated[str, Meta(description="The login's e-mail address (lower case).")]
    name: Annotated[str, Meta(description="The user's name.")]
    role: Annotated[Role, Meta(description="admin, hr, department or union: what the user may do (docs/access.md).")]
    department_id: Annotated[int | None, Meta(description="A department user's department; null for other roles.")]
    union_id: Annotated[int | None, Meta(description="A union user's union; null for other roles.")]
    person_id: Annotated[int | None, Meta(
        description="The registry person with the same e-mail address when the login was made, or null.")]
    active: Annotated[bool, Meta(
        description="False when the login is deactivated: it can no longer sign in, its tokens stop working.")]
    has_password: Annotated[bool, Meta(
        description="Whether a password is set (false: sign-in only via another route).")]
    break_glass: Annotated[bool, Meta(
        description="A break-glass account: signs in with its password also when password login is off (docs/sso.md).")] = False
    last_login_at: Annotated[dt.datetime | None, Meta(
        description="When the user last signed in to the pages, or null.")]


class UserCreate(Input):
    email: Email
    name: Name
    role: Role
    department_id: Id | None = None
    union_id: Id | None = None
    password: Password | None = None
    active: bool = True
    break_glass: bool = False


class UserUpdate(Input):
    email: Email | UnsetType = UNSET
    name: Name | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    department_id: Id | None | UnsetType = UNSET
    union_id: Id | None | UnsetType = UNSET
    active: bool | UnsetType = UNSET
    break_glass: bool | UnsetType = UNSET
    # None or absent: the password stays as it is.
    password: Password | None | UnsetType = UNSET


class ApiToken(Struct, kw_only=True):
    """An API token, without the secret: only its hint."""

    id: Annotated[int, Meta(description="The record's id.")]
    label: Annotated[str, Meta(description="What the token is for, as its owner named it.")]
    hint: Annotated[str, Meta(description="The token's first 10 characters, to tell tokens apart.")]
    created_at: Annotated[dt.datetime, Meta(description="When the record was made (UTC).")]
    last_used_at: Annotated[dt.datetime | None, Meta(
        description="When it was last used (updated at most once a minute), or null.")]
    revoked_at: Annotated[dt.datetime | None, Meta(description="When it was revoked, or null while it works.")]


class ApiTokenCreate(Input):
    """The body that creates a API token."""

    label: Annotated[OneLine(100), Meta(description="What the token is for (up to 100 characters); may be empty.")] = ""


class ApiTokenCreated(Struct, kw_only=True):
    """The only time the token itself is shown."""

    token: Annotated[str, Meta(
        description="The token itself (svk_…): send it as `Authorization: Bearer …`. Shown once.")]
    record: Annotated[ApiToken, Meta(description="The stored token, as lists show it.")]
