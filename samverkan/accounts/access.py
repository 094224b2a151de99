"""Who may call what. Every route handler declares one of these guards, or ``opt={"public": True}``.
A guard admits by role; what a viewer may see and change inside a route is ``accounts.rights``.

A test walks every route and fails when one declares neither.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from samverkan.accounts.service import ROLES, Viewer

PUBLIC = {"public": True}


class Allow:
    """A guard that lets in signed-in users whose role is one of ``roles``."""

    def __init__(self, *roles: str) -> None:
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles: {unknown}")
        self.roles = frozenset(roles)

    # async: Litestar runs a synchronous guard on a worker thread, a thread hop per request.
    async def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        viewer: Viewer | None = connection.scope.get("user")
        if viewer is None:
            raise NotAuthorizedException("Du behöver logga in.")
        if not self.admits(viewer):
            raise PermissionDeniedException("Din roll får inte göra det här.")

    def admits(self, viewer: Viewer | None) -> bool:
        return viewer is not None and viewer.role in self.roles

    def __repr__(self) -> str:
        return f"Allow({', '.join(sorted(self.roles))})"


async def _authorize_connection(self: BaseRouteHandler, connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    # Litestar's own hands each guard a copy.copy() of the route handler: 4 % of an API read's CPU
    # (issue 15's profiles). Every guard here is an Allow, which reads the connection only.
    for guard in self.resolve_guards():
        await guard(connection, self)  # type: ignore[misc]


BaseRouteHandler.authorize_connection = _authorize_connection  # type: ignore[method-assign]

SIGNED_IN = Allow(*ROLES)
ADMIN = Allow("admin")
ADMIN_OR_HR = Allow("admin", "hr")
EMPLOYER = Allow("admin", "hr", "department")  # the employer side; services narrow "department" further
