"""List endpoints run a fixed number of queries whatever the page size."""

from __future__ import annotations

import pytest

from conftest import QueryCounter


async def _seed(n: int, org) -> None:
    from samverkan.orgs.tables import CollaborationGroup, Department, GroupMember, GroupUnion, Person, TradeUnion

    await Department.insert(*[Department(name=f"D{i}", code=f"D{i}", diary_prefix="D", search_text=f"d{i}") for i in range(n)])
    await TradeUnion.insert(*[TradeUnion(name=f"U{i}", search_text=f"u{i}") for i in range(n)])
    await Person.insert(*[Person(name=f"P{i}", side="employer", search_text=f"p{i}") for i in range(n)])
    await CollaborationGroup.insert(*[CollaborationGroup(name=f"G{i}", level="central", search_text=f"g{i}") for i in range(n)])
    groups = await CollaborationGroup.select(CollaborationGroup.id)
    people = await Person.select(Person.id).limit(3)
    await GroupUnion.insert(*[GroupUnion(group=g["id"], trade_union=u) for g in groups for u in (org.union_id, org.other_union_id)])
    await GroupMember.insert(*[GroupMember(group=g["id"], person=p["id"]) for g in groups for p in people])


@pytest.mark.parametrize("resource", ["departments", "unions", "people", "groups"])
async def test_list_query_count_does_not_grow_with_page_size(client, callers, org, resource):
    admin = (await callers())["admin"]
    await _seed(120, org)
    # The first call of a token records its last use (one UPDATE a minute); keep that out of the count.
    await client.get("/api/v1/me", headers=admin.headers)
    counts = []
    for limit in (2, 100):
        with QueryCounter() as counter:
            response = await client.get(f"/api/v1/{resource}?limit={limit}", headers=admin.headers)
        assert response.status_code == 200 and len(response.json()["items"]) == limit
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 5  # the caller, the page, the total (and two link queries for groups)
