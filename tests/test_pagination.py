"""Keyset pagination (`after` / `next`) and capped totals of the large lists, on both engines."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import QueryCounter

pytestmark = pytest.mark.usefixtures("frozen")  # deadlines and meeting warnings count from "today"

LISTS = ["matters", "meetings", "deadlines"]
N = 23  # per union alone; as many again with both unions


@pytest.fixture
async def rows(org):
    """Matters (with a deadline each) and meetings: a third of them the first union's alone, a
    third the other's, a third both; few distinct sort values, so that the id breaks the ties."""
    from samverkan.deadlines.tables import Deadline
    from samverkan.matters.tables import Matter, MatterParty
    from samverkan.meetings.tables import Meeting, MeetingUnion

    unions = [[org.union_id], [org.other_union_id], [org.union_id, org.other_union_id]]
    at = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    await Matter.insert(*[Matter(diary_no=f"VO 2026/{i:04d}", title=f"M{i}", kind="dispute", department=org.department_id,
                                 search_text=f"m{i}", created_at=at + dt.timedelta(days=i % 4)) for i in range(3 * N)])
    matters = [m["id"] for m in await Matter.select(Matter.id).order_by(Matter.id)]
    await MatterParty.insert(*[MatterParty(matter=m, trade_union=u) for i, m in enumerate(matters) for u in unions[i % 3]])
    await Deadline.insert(*[Deadline(matter=m, rule_id="MBL16-MEET-LOCAL", department=org.department_id, start=dt.date(2026, 3, 2),
                                     unadjusted_due=dt.date(2026, 3, 9), due=dt.date(2026, 3, 9 + i % 3), responsible="employer")
                            for i, m in enumerate(matters)])
    await Meeting.insert(*[Meeting(kind="samverkan", title=f"Möte {i}", department=org.department_id, starts_at=at + dt.timedelta(days=i % 5),
                                   ends_at=at + dt.timedelta(days=i % 5, hours=1), search_text=f"möte {i}") for i in range(3 * N)])
    meetings = [m["id"] for m in await Meeting.select(Meeting.id).order_by(Meeting.id)]
    await MeetingUnion.insert(*[MeetingUnion(meeting=m, trade_union=u) for i, m in enumerate(meetings) for u in unions[i % 3]])


async def _get(client, caller, url: str) -> dict:
    response = await client.get(url, headers=caller.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _walk(client, caller, path: str, limit: int) -> list[int]:
    """Every id, page by page through `next`."""
    ids, after = [], None
    while True:
        body = await _get(client, caller, f"/api/v1/{path}?limit={limit}" + (f"&after={after}" if after else ""))
        ids += [item["id"] for item in body["items"]]
        assert len(body["items"]) <= limit
        after = body["next"]
        if after is None:
            return ids


@pytest.mark.parametrize("path", LISTS)
async def test_the_cursor_walks_the_whole_list_in_order_for_every_scope(client, callers, rows, path):
    everyone = await callers()
    for role in ("admin", "union"):
        whole = await _get(client, everyone[role], f"/api/v1/{path}?limit=500")
        assert whole["next"] is None and whole["total_capped"] is False
        expected = [item["id"] for item in whole["items"]]
        assert len(expected) == (3 * N if role == "admin" else 2 * N)  # the union: its own and the shared ones
        assert await _walk(client, everyone[role], path, limit=7) == expected
        # The offset form still works and agrees with the cursor.
        page = await _get(client, everyone[role], f"/api/v1/{path}?limit=7&offset=14")
        assert [item["id"] for item in page["items"]] == expected[14:21] and page["total"] == len(expected)
        # A page past the end is empty and still counts (the count rides with the page's rows otherwise).
        past = await _get(client, everyone[role], f"/api/v1/{path}?limit=7&offset={len(expected)}")
        assert past["items"] == [] and past["total"] == len(expected) and past["next"] is None


async def test_a_cursor_page_does_not_move_when_rows_are_added_before_it(client, callers, rows, org):
    from samverkan.matters.tables import Matter

    admin = (await callers())["admin"]
    first = await _get(client, admin, "/api/v1/matters?limit=10")
    second = await _get(client, admin, f"/api/v1/matters?limit=10&after={first['next']}")
    # A newer matter arrives: with an offset the second page would shift by one, with the cursor not.
    await Matter.insert(Matter(diary_no="VO 2026/9999", title="Ny", kind="dispute", department=org.department_id,
                               created_at=dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)))
    again = await _get(client, admin, f"/api/v1/matters?limit=10&after={first['next']}")
    assert again["items"] == second["items"] and again["next"] == second["next"]


@pytest.mark.parametrize("path", LISTS)
async def test_a_bad_cursor_is_a_400_naming_after(client, callers, rows, path):
    admin = (await callers())["admin"]
    other = "meetings" if path != "meetings" else "matters"
    foreign = (await _get(client, admin, f"/api/v1/{other}?limit=2"))["next"]  # a cursor of another list
    for bad in ("nonsense", "WyJtYXR0ZXIiXQ", foreign, "x" * 201):
        response = await client.get(f"/api/v1/{path}?after={bad}", headers=admin.headers)
        assert response.status_code == 400, (bad, response.text)
        assert response.json()["field"] == "after"


@pytest.mark.parametrize("path", LISTS)
async def test_the_total_stops_counting_at_the_cap(client, callers, rows, path, monkeypatch):
    from samverkan import pagination

    monkeypatch.setattr(pagination, "TOTAL_CAP", 10)
    everyone = await callers()
    for role in ("admin", "union"):
        body = await _get(client, everyone[role], f"/api/v1/{path}?limit=3")
        assert (body["total"], body["total_capped"]) == (10, True)
    # Under the cap the count is exact, also for a union's scope (counted through its links).
    body = await _get(client, everyone["union"], f"/api/v1/{path}?limit=3&department_id=999999")
    assert (body["total"], body["total_capped"]) == (0, False)


@pytest.mark.parametrize("path", LISTS)
async def test_a_cursor_page_runs_as_many_queries_as_the_first(client, callers, rows, path):
    everyone = await callers()
    for role in ("admin", "union"):
        caller = everyone[role]
        await client.get("/api/v1/me", headers=caller.headers)  # the token's last use is recorded once a minute
        first = await _get(client, caller, f"/api/v1/{path}?limit=5")
        counts = []
        for url in (f"/api/v1/{path}?limit=5", f"/api/v1/{path}?limit=50&after={first['next']}"):
            with QueryCounter() as counter:
                await _get(client, caller, url)
            counts.append(counter.count)
        assert counts[0] == counts[1], (path, role, counts)


async def test_a_list_asked_again_with_other_values_answers_for_those(client, callers, make_caller, rows, org):
    """A list's statement is built once per shape (the reader's kind and the filters given) and
    sent with each request's values (pagination.fetch_window): the same shape with other words,
    unions, dates or callers answers for those, never for the values it was built with."""
    everyone = await callers()
    admin, union = everyone["admin"], everyone["union"]
    other_union = await make_caller("union", union_id=org.other_union_id)

    def numbers(body: dict, prefix: str) -> set[int]:
        return {int(item["title"].removeprefix(prefix)) for item in body["items"]}

    for path, prefix, text in (("matters", "M", "m{}"), ("meetings", "Möte ", "möte {}")):
        for q in ("m1", "m2", "öte 3", "1 2"):  # one word, then two: each its own shape
            body = await _get(client, admin, f"/api/v1/{path}?limit=500&q={q}")
            assert numbers(body, prefix) == {i for i in range(3 * N) if all(w in text.format(i) for w in q.split())}, (path, q)
        by_union = [numbers(await _get(client, admin, f"/api/v1/{path}?limit=500&union_id={u}"), prefix)
                    for u in (org.union_id, org.other_union_id)]
        assert by_union == [{i for i in range(3 * N) if i % 3 != 1}, {i for i in range(3 * N) if i % 3 != 0}], path
        own = [numbers(await _get(client, caller, f"/api/v1/{path}?limit=500"), prefix) for caller in (union, other_union)]
        assert own == by_union, path
    for day, expected in (("2026-03-09", 2 * N), ("2026-03-10", N), ("2026-03-11", 0)):
        assert (await _get(client, admin, f"/api/v1/deadlines?limit=500&due_after={day}"))["total"] == expected


def test_sql_with_a_brace_is_refused_for_a_template():
    """Piccolo's QueryString hands out values by the parts of its template, and an escaped brace
    makes a part of its own: the values would land in the wrong places (a meeting read on
    PostgreSQL lost its WHERE this way). Such SQL is refused, not run."""
    from piccolo.columns.combination import WhereRaw

    from samverkan.database import flattened
    from samverkan.matters.tables import Matter
    from samverkan.pagination import select_sql

    with pytest.raises(ValueError, match="brace"):
        select_sql("'{' AS x", Matter, [Matter.id == 1])
    with pytest.raises(ValueError, match="brace"):
        flattened(WhereRaw("title = '{{}}' OR id = {}", 1))
    assert select_sql("chr(123) AS x", Matter, [Matter.id == 1]).compile_string("sqlite") == (
        'SELECT chr(123) AS x FROM "matter" WHERE "matter"."id" = ?', [1])
