"""JSON API of the registry under /api/v1. Thin: parse, call the service, answer."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, get, patch, post
from litestar.params import FromQuery, JSONBody

from samverkan.accounts.access import ADMIN, ADMIN_OR_HR, SIGNED_IN
from samverkan.orgs import schemas as s
from samverkan.orgs import service
from samverkan.pagination import Page, PageRequest
from samverkan.web.openapi import errors
from samverkan.web.params import FilterId, Limit, Offset, RecordId, SearchText


class DepartmentController(Controller):
    path = "/departments"
    tags = ["Registry"]

    @get(guards=[SIGNED_IN], summary="List departments (förvaltningar)", responses=errors())
    async def list_departments(
        self, q: SearchText = None, active: FromQuery[bool | None] = None,
        limit: Limit = 50, offset: Offset = 0,
    ) -> Page[s.Department]:
        """A page of departments (förvaltningar), sorted by name; `q` searches the name, code and diary prefix.
        `active`: active or inactive only.
        Who: every signed-in role."""
        return await service.list_departments(q, active, PageRequest(limit, offset))

    @get("/{id:int}", guards=[SIGNED_IN], summary="Get one department (förvaltning)", responses=errors(404))
    async def get_department(self, id: RecordId) -> s.Department:
        """The department (förvaltning) with this id. Who: every signed-in role."""
        return await service.get_department(id)

    @post(guards=[ADMIN], summary="Create a department (förvaltning)", responses=errors(403, 409, 413))
    async def create_department(self, data: JSONBody[s.DepartmentCreate]) -> s.Department:
        """Registers a new department (förvaltning) and answers 201 with it. Who: admin."""
        return await service.create_department(data)

    @patch("/{id:int}", guards=[ADMIN], summary="Change a department (förvaltning)", responses=errors(403, 404, 409, 413))
    async def update_department(self, id: RecordId, data: JSONBody[s.DepartmentUpdate]) -> s.Department:
        """Changes the fields sent and answers with the whole record; `{"active": true}` brings back a
        deactivated one. Who: admin."""
        return await service.update_department(id, data)

    @post("/{id:int}/deactivate", guards=[ADMIN], status_code=200, summary="Deactivate a department (förvaltning)",
          responses=errors(403, 404))
    async def deactivate_department(self, id: RecordId) -> s.Department:
        """Registers are never deleted: sets `active` to false, and the record stays where it is used.
        Who: admin."""
        return await service.deactivate("department", id)


class UnionController(Controller):
    path = "/unions"
    tags = ["Registry"]

    @get(guards=[SIGNED_IN], summary="List unions (fackförbund)", responses=errors())
    async def list_unions(
        self, q: SearchText = None, active: FromQuery[bool | None] = None,
        limit: Limit = 50, offset: Offset = 0,
    ) -> Page[s.Union]:
        """A page of unions (fackförbund), sorted by name; `q` searches the name, federation and confederation.
        `active`: active or inactive only.
        Who: every signed-in role."""
        return await service.list_unions(q, active, PageRequest(limit, offset))

    @get("/{id:int}", guards=[SIGNED_IN], summary="Get one union (fackförbund)", responses=errors(404))
    async def get_union(self, id: RecordId) -> s.Union:
        """The union (fackförbund) with this id. Who: every signed-in role."""
        return await service.get_union(id)

    @post(guards=[ADMIN], summary="Create a union (fackförbund)", responses=errors(403, 409, 413))
    async def create_union(self, data: JSONBody[s.UnionCreate]) -> s.Union:
        """Registers a new union (fackförbund) and answers 201 with it. Who: admin."""
        return await service.create_union(data)

    @patch("/{id:int}", guards=[ADMIN], summary="Change a union (fackförbund)", responses=errors(403, 404, 409, 413))
    async def update_union(self, id: RecordId, data: JSONBody[s.UnionUpdate]) -> s.Union:
        """Changes the fields sent and answers with the whole record; `{"active": true}` brings back a
        deactivated one. Who: admin."""
        return await service.update_union(id, data)

    @post("/{id:int}/deactivate", guards=[ADMIN], status_code=200, summary="Deactivate a union (fackförbund)",
          responses=errors(403, 404))
    async def deactivate_union(self, id: RecordId) -> s.Union:
        """Registers are never deleted: sets `active` to false, and the record stays where it is used.
        Who: admin."""
        return await service.deactivate("union", id)


class PersonController(Controller):
    path = "/people"
    tags = ["Registry"]

    @get(guards=[SIGNED_IN], summary="List people", responses=errors())
    async def list_people(
        self, q: SearchText = None, active: FromQuery[bool | None] = None,
        side: FromQuery[Literal["employer", "union"] | None] = None,
        department_id: FilterId = None, union_id: FilterId = None,
        limit: Limit = 50, offset: Offset = 0,
    ) -> Page[s.Person]:
        """A page of people, sorted by name; `q` searches the name, e-mail and title.
        `active`: active or inactive only. Filters: `side`, `department_id`, `union_id`.
        Who: every signed-in role."""
        return await service.list_people(q, active, side, department_id, union_id, PageRequest(limit, offset))

    @get("/{id:int}", guards=[SIGNED_IN], summary="Get one person", responses=errors(404))
    async def get_person(self, id: RecordId) -> s.Person:
        """The person with this id. Who: every signed-in role."""
        return await service.get_person(id)

    @post(guards=[ADMIN_OR_HR], summary="Create a person", responses=errors(403, 409, 413))
    async def create_person(self, data: JSONBody[s.PersonCreate]) -> s.Person:
        """Registers a new person and answers 201 with it. Who: admin and hr."""
        return await service.create_person(data)

    @patch("/{id:int}", guards=[ADMIN_OR_HR], summary="Change a person", responses=errors(403, 404, 409, 413))
    async def update_person(self, id: RecordId, data: JSONBody[s.PersonUpdate]) -> s.Person:
        """Changes the fields sent and answers with the whole record; `{"active": true}` brings back a
        deactivated one. Who: admin and hr."""
        return await service.update_person(id, data)

    @post("/{id:int}/deactivate", guards=[ADMIN_OR_HR], status_code=200, summary="Deactivate a person",
          responses=errors(403, 404))
    async def deactivate_person(self, id: RecordId) -> s.Person:
        """Registers are never deleted: sets `active` to false, and the record stays where it is used.
        Who: admin and hr."""
        return await service.deactivate("person", id)


class GroupController(Controller):
    path = "/groups"
    tags = ["Registry"]

    @get(guards=[SIGNED_IN], summary="List collaboration groups (samverkansgrupper)", responses=errors())
    async def list_groups(
        self, q: SearchText = None, active: FromQuery[bool | None] = None,
        department_id: FilterId = None, limit: Limit = 50, offset: Offset = 0,
    ) -> Page[s.Group]:
        """A page of collaboration groups (samverkansgrupper), sorted by name; `q` searches the name.
        `active`: active or inactive only. Filter: `department_id`.
        Who: every signed-in role."""
        return await service.list_groups(q, active, department_id, PageRequest(limit, offset))

    @get("/{id:int}", guards=[SIGNED_IN], summary="Get one collaboration group (samverkansgrupp)", responses=errors(404))
    async def get_group(self, id: RecordId) -> s.Group:
        """The collaboration group (samverkansgrupp) with this id. Who: every signed-in role."""
        return await service.get_group(id)

    @post(guards=[ADMIN_OR_HR], summary="Create a collaboration group (samverkansgrupp)", responses=errors(403, 413))
    async def create_group(self, data: JSONBody[s.GroupCreate]) -> s.Group:
        """Registers a new collaboration group (samverkansgrupp) and answers 201 with it. Who: admin and hr."""
        return await service.create_group(data)

    @patch("/{id:int}", guards=[ADMIN_OR_HR], summary="Change a collaboration group (samverkansgrupp)", responses=errors(403, 404, 413))
    async def update_group(self, id: RecordId, data: JSONBody[s.GroupUpdate]) -> s.Group:
        """Changes the fields sent and answers with the whole record; `{"active": true}` brings back a
        deactivated one. Who: admin and hr."""
        return await service.update_group(id, data)

    @post("/{id:int}/deactivate", guards=[ADMIN_OR_HR], status_code=200, summary="Deactivate a collaboration group (samverkansgrupp)",
          responses=errors(403, 404))
    async def deactivate_group(self, id: RecordId) -> s.Group:
        """Registers are never deleted: sets `active` to false, and the record stays where it is used.
        Who: admin and hr."""
        return await service.deactivate("group", id)


CONTROLLERS = [DepartmentController, UnionController, PersonController, GroupController]
