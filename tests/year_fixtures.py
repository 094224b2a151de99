"""A department's FSG (a skyddskommitté) with an APT under it and a central group above it,
people and an HR login, for the tests of actions, questions and year plans."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass
class Pyramid:
    csg: dict
    fsg: dict
    apt: dict
    chef: dict  # the APT's manager (a person)
    rep: dict  # a Vision representative in the FSG
    meeting: dict  # an FSG meeting in the autumn
    item: dict  # its "Samverkansfrågor" item


async def _post(client, path, body, caller):
    r = await client.post(path, json=body, headers=caller.headers)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
async def staff(callers):
    return await callers()


@pytest.fixture
async def pyramid(client, staff, org) -> Pyramid:
    hr = staff["hr"]
    chef = await _post(client, "/api/v1/people", {"name": "Karin Holm", "side": "employer", "department_id": org.department_id,
                                                   "email": "karin.holm@lund.example", "roles": ["manager"]}, hr)
    rep = await _post(client, "/api/v1/people", {"name": "Sara Öberg", "side": "union", "union_id": org.union_id,
                                                 "email": "sara.oberg@vision.example"}, hr)
    csg = await _post(client, "/api/v1/groups", {"name": "Central samverkansgrupp", "level": "central",
                                                 "union_ids": [org.union_id, org.other_union_id]}, hr)
    fsg = await _post(client, "/api/v1/groups", {"name": "FSG VOF", "level": "department", "department_id": org.department_id,
                                                 "union_ids": [org.union_id], "member_ids": [chef["id"], rep["id"]],
                                                 "safety_committee": True, "cadence_months": 3, "parent_group_id": csg["id"]}, hr)
    apt = await _post(client, "/api/v1/groups", {"name": "APT Solgården", "level": "apt", "department_id": org.department_id,
                                                 "union_ids": [org.union_id], "parent_group_id": fsg["id"]}, hr)
    meeting = await _post(client, "/api/v1/meetings", {
        "kind": "safety_committee", "title": "FSG VOF oktober", "group_id": fsg["id"],
        "starts_at": "2026-10-06T13:00:00", "ends_at": "2026-10-06T15:00:00"}, hr)
    item = next(i for i in meeting["agenda"] if i["title"] == "Samverkansfrågor")
    return Pyramid(csg, fsg, apt, chef, rep, meeting, item)
