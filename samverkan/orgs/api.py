"""JSON API of the registry under /api/v1. Thin: parse, call the service, answer."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, get, patch, post
from litestar.params import FromQuery, JSONBody

from samverkan.accounts.access import ADMIN, ADMIN_OR_HR, SIGNED_IN
from samverkan.orgs import schemas as s
from samverkan.orgs import service
from samverkan.pagination import Page, PageRequest
from samverkan.web.params import FilterId, Limit, Offset, RecordId, SearchText


class DepartmentController(Controller):
    path = "/departments"
    tags = ["Registry"]

    @get(guards=[SIGNED_IN])
    async def list_departments(
        self, q: SearchText = None, active: FromQuery[bool | None] = None,
        limit: Limit = 50, offset: Offset = 0,
    ) -> Page[s.Department]:
        return await service.list_departments(q, active, PageRequest(limit, offset))

    @get("/{id:int}", guards=[SIGNED_IN])
    async def get_department(self, id: RecordId) -> s.Department:
        return await service.get_department(id)

    @post(guards=[ADMIN])
    async def create_department(self, data: JSONBody[s.DepartmentCreate]) -> s.Department:
        return await service.create_department(data)

    @patch("/{id:int}", guards=[ADMIN])
    async def update_department(self, id: RecordId, data: JSONBody[s.DepartmentUpdate]) -> s.Department:
        return await service.update_department(id, data)

    @post("/{id:int}/deactivate", guards=[ADMIN], status_code=200)
    async def deactivate_department(self, id: RecordId) -> s.Department:
        return await service.deactivate("department", id)


class UnionController(Controller):
    path = "/unions"
    tags = ["Registry"]

    @get(guards=[SIGNED_IN])
    async def list_unions(
        self, q: SearchText = None, active: FromQuery[bool | None] = None,
        limit: Limit = 50, offset: Offset = 0,
    ) -> Page[s.Union]:
        return await service.list_unions(q, active, PageRequest(limit, offset))

    @get("/{id:int}", guards=[SIGNED_IN])
    async def get_union(self, id: RecordId) -> s.Union:
        return await service.get_union(id)

    @post(guards=[ADMIN])
    async def create_union(self, data: JSONBody[s.UnionCreate]) -> s.Union:
        return await service.create_union(data)

    @patch("/{id:int}", guards=[ADMIN])
    async def update_union(self, id: RecordId, data: JSONBody[s.UnionUpdate]) -> s.Union:
        return await service.update_union(id, data)

    @post("/{id:int}/deactivate", guards=[ADMIN], status_code=200)
    async def deactivate_union(self, id: RecordId) -> s.Union:
        return await service.deactivate("union", id)


class PersonController(Controller):
    path = "/people"
    tags = ["Registry"]

    @get(guards=[SIGNED_IN])
    async def list_people(
        self, q: SearchText = None, active: FromQuery[bool | None] = None,
        side: FromQuery[Literal["employer", "union"] | None] = None,
        department_id: FilterId = None, union_id: FilterId = None,
        limit: Limit = 50, offset: Offset = 0,
    ) -> Page[s.Person]:
        return await service.list_people(q, active, side, department_id, union_id, PageRequest(limit, offset))

    @get("/{id:int}", guards=[SIGNED_IN])
    async def get_person(self, id: RecordId) -> s.Person:
        return await service.get_person(id)

    @post(guards=[ADMIN_OR_HR])
    async def create_person(self, data: JSONBody[s.PersonCreate]) -> s.Person:
        return await service.create_person(data)

    @patch("/{id:int}", guards=[ADMIN_OR_HR])
    async def update_person(self, id: RecordId, data: JSONBody[s.PersonUpdate]) -> s.Person:
        return await service.update_person(id, data)

    @post("/{id:int}/deactivate", guards=[ADMIN_OR_HR], status_code=200)
    async def deactivate_person(self, id: RecordId) -> s.Person:
        return await service.deactivate("person", id)


class GroupController(Controller):
    path = "/groups"
    tags = ["Registry"]

    @get(guards=[SIGNED_IN])
    async def list_groups(
        self, q: SearchText = None, active: FromQuery[bool | None] = None,
        department_id: FilterId = None, limit: Limit = 50, offset: Offset = 0,
    ) -> Page[s.Group]:
        return await service.list_groups(q, active, department_id, PageRequest(limit, offset))

    @get("/{id:int}", guards=[SIGNED_IN])
    async def get_group(self, id: RecordId) -> s.Group:
        return await service.get_group(id)

    @post(guards=[ADMIN_OR_HR])
    async def create_group(self, data: JSONBody[s.GroupCreate]) -> s.Group:
        return await service.create_group(data)

    @patch("/{id:int}", guards=[ADMIN_OR_HR])
    async def update_group(self, id: RecordId, data: JSONBody[s.GroupUpdate]) -> s.Group:
        return await service.update_group(id, data)

    @post("/{id:int}/deactivate", guards=[ADMIN_OR_HR], status_code=200)
    async def deactivate_group(self, id: RecordId) -> s.Group:
        return await service.deactivate("group", id)


CONTROLLERS = [DepartmentController, UnionController, PersonController, GroupController]
