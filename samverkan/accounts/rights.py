"""The viewer's rights, in one place: every "may this user…" of the services, pages and templates
asks here instead of comparing role strings. Pure: plain values in, booleans out.

The four roles (``accounts.service.ROLES``):

- ``admin``: everything, and the administration (users, templates, the audit log, the outbox);
- ``hr``: the employer centrally: every department, individärenden, waiving deadlines, reopening
  a protocol;
- ``department``: the employer in one department (``viewer.department_id``), never individärenden;
- ``union``: one local union (``viewer.union_id``), only where it is a party.

The queries that narrow lists to what a viewer sees (``scope()`` in matters and meetings) build on
these predicates; the route guards (``accounts.access``) admit by role before a handler runs.
"""

from __future__ import annotations

from typing import Protocol


class Viewer(Protocol):
    """What the rights read of ``accounts.service.Viewer`` (not imported: that module queries tables)."""

    role: str
    department_id: int | None

ADMIN, HR, DEPARTMENT, UNION = "admin", "hr", "department", "union"
CENTRAL = frozenset({ADMIN, HR})
EMPLOYER_SIDE = frozenset({ADMIN, HR, DEPARTMENT})


def is_admin(viewer: Viewer) -> bool:
    """An administrator: users, templates, rule sets, the audit log and the outbox."""
    return viewer.role == ADMIN


def sees_all(viewer: Viewer) -> bool:
    """HR or an administrator: every department's records, individärenden included, and what the
    employer decides centrally (waiving a deadline, reopening a protocol)."""
    return viewer.role in CENTRAL


def is_employer(viewer: Viewer) -> bool:
    """The employer side (admin, HR or a department user), as opposed to a union."""
    return viewer.role in EMPLOYER_SIDE


def is_department(viewer: Viewer) -> bool:
    """A department user: the employer in ``viewer.department_id`` only."""
    return viewer.role == DEPARTMENT


def is_union(viewer: Viewer) -> bool:
    """A union user: ``viewer.union_id``, only where that union is a party."""
    return viewer.role == UNION


def may_change_department(viewer: Viewer, department_id: int | None) -> bool:
    """May write the employer's records (matters, meetings, SAM) of this department."""
    return sees_all(viewer) or (is_department(viewer) and department_id is not None and department_id == viewer.department_id)
