"""From the identity provider's groups to a role in samverkan: IT decides who may do what by groups.

The map is data (``SAMVERKAN_OIDC_GROUP_MAP``, JSON): a group's name or object id →
``{"role": "admin|hr|department|union", "department": CODE, "union": NAME}``. Pure: no database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

ROLES = ("admin", "hr", "department", "union")
# For SAMVERKAN_SSO_ROLE_CONFLICT=widest: who sees more. A department and a union user see
# different things, so neither is wider than the other.
WIDTH = {"admin": 3, "hr": 2, "department": 1, "union": 1}


class GroupMapError(ValueError):
    """The map itself is wrong (a setting error, named at start)."""


class NoAccess(Exception):
    """The person's groups give no role, or roles that cannot be combined (the message says which)."""


@dataclass(frozen=True)
class Grant:
    role: str
    department: str | None = None  # a department's code, for role department
    union: str | None = None  # a union's name, for role union


def parse(raw: str) -> dict[str, Grant]:
    """The map from its JSON text; raise GroupMapError naming the first bad entry."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise GroupMapError(f"not JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(data, dict):
        raise GroupMapError("must be a JSON object of group → {role, department, union}")
    grants: dict[str, Grant] = {}
    for group, entry in data.items():
        if not isinstance(entry, dict) or set(entry) - {"role", "department", "union"}:
            raise GroupMapError(f"group {group!r}: expected an object with role, department, union")
        role = entry.get("role")
        if role not in ROLES:
            raise GroupMapError(f"group {group!r}: role must be one of {', '.join(ROLES)}")
        department, union = entry.get("department"), entry.get("union")
        if (role == "department") != bool(department) or (role == "union") != bool(union):
            raise GroupMapError(f"group {group!r}: role department needs department (a code), role union needs union (a name), and only they")
        grants[group] = Grant(role, department, union)
    return grants


def resolve(groups: list[str], grants: dict[str, Grant], widest: bool) -> Grant:
    """The one grant a person's groups give. Several different grants: the widest one when the
    setting allows it and one is wider than all others, else NoAccess (an administrator must fix
    the groups: guessing could give a union representative the employer's view)."""
    found = sorted({grants[g] for g in groups if g in grants}, key=lambda g: (-WIDTH[g.role], g.role, g.department or "", g.union or ""))
    if not found:
        raise NoAccess("Dina grupper ger ingen roll i samverkan.")
    if len(found) == 1:
        return found[0]
    if widest and WIDTH[found[0].role] > WIDTH[found[1].role]:
        return found[0]
    names = ", ".join(_describe(g) for g in found)
    raise NoAccess(f"Dina grupper ger olika roller i samverkan ({names}); en administratör behöver rätta grupperna.")


def _describe(grant: Grant) -> str:
    label = {"admin": "administratör", "hr": "HR", "department": "förvaltning", "union": "fackförbund"}[grant.role]
    return f"{label} {grant.department or grant.union}" if grant.department or grant.union else label
