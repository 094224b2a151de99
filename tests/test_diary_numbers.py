"""Generated diary numbers come from a counter row per series, taken in the transaction that
creates the matter (issue 14, fault 5): 90 matters created at the same moment get 90 distinct,
consecutive numbers and no false 409; numbers entered by hand still count in their series; the
migration seeds the counters from the numbers in use."""

from __future__ import annotations

import asyncio

import pytest

from samverkan import clock

pytestmark = pytest.mark.usefixtures("frozen")  # the series is the year of "today": the clock stands still


async def _create(viewer, department_id: int, n: int, diary_no: str | None = None):
    from samverkan.matters import schemas as s
    from samverkan.matters import service

    return await service.create_matter(viewer, s.MatterCreate(
        title=f"Ärende {n}", kind="other", department_id=department_id, diary_no=diary_no))


async def _hr(make_caller):
    """An HR user as the services see it (the Viewer its API token gives)."""
    from samverkan.accounts.service import viewer_from_token

    caller = await make_caller("hr")
    return await viewer_from_token(caller.headers["Authorization"].removeprefix("Bearer "))


async def test_ninety_matters_at_once_get_consecutive_numbers(make_caller, org):
    viewer = await _hr(make_caller)
    year = clock.today().year
    start = asyncio.Event()

    async def one(n: int):
        await start.wait()  # every task is waiting before any begins: they run at the same moment
        return await _create(viewer, org.department_id if n % 3 else org.other_department_id, n)

    tasks = [asyncio.create_task(one(n)) for n in range(90)]
    await asyncio.sleep(0)
    start.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    numbers = [m.diary_no for m in results]
    assert len(set(numbers)) == 90
    assert sorted(n for n in numbers if n.startswith("VO")) == [f"VO {year}/{i:04d}" for i in range(1, 61)]
    assert sorted(n for n in numbers if n.startswith("KS")) == [f"KS {year}/{i:04d}" for i in range(1, 31)]


async def test_numbers_entered_by_hand_count_in_their_series(make_caller, org):
    viewer = await _hr(make_caller)
    year = clock.today().year
    assert (await _create(viewer, org.department_id, 1)).diary_no == f"VO {year}/0001"
    await _create(viewer, org.department_id, 2, diary_no=f"VO {year}/0040")
    await _create(viewer, org.department_id, 3, diary_no=f"VO {year}/0007 b")  # below the counter: no step back
    await _create(viewer, org.department_id, 4, diary_no="XX 2026/0900")  # no department's prefix: no series
    assert (await _create(viewer, org.department_id, 5)).diary_no == f"VO {year}/0041"
    # A series met first through a number by hand starts after it.
    await _create(viewer, org.other_department_id, 6, diary_no=f"KS {year}/0012")
    assert (await _create(viewer, org.other_department_id, 7)).diary_no == f"KS {year}/0013"


async def test_a_number_changed_by_hand_moves_the_series_on(client, make_caller, org):
    viewer = await _hr(make_caller)
    year = clock.today().year
    first = await _create(viewer, org.department_id, 1)
    hr = await make_caller("hr")
    changed = await client.patch(f"/api/v1/matters/{first.id}", json={"diary_no": f"VO {year}/0020"}, headers=hr.headers)
    assert changed.status_code == 200, changed.text
    assert (await _create(viewer, org.department_id, 2)).diary_no == f"VO {year}/0021"


async def test_the_migration_seeds_counters_from_the_numbers_in_use(make_caller, org):
    from samverkan.matters.service import seed_diary_counters
    from samverkan.matters.tables import DiaryCounter

    viewer = await _hr(make_caller)
    year = clock.today().year
    for n in range(3):
        await _create(viewer, org.department_id, n)
    await _create(viewer, org.department_id, 3, diary_no=f"VO {year}/0009")
    await _create(viewer, org.other_department_id, 4)
    await DiaryCounter.delete(force=True)  # as before the migration
    await seed_diary_counters()
    counters = {r["series"]: r["last_serial"] for r in await DiaryCounter.select()}
    assert counters == {f"VO {year}/": 9, f"KS {year}/": 1}
    await seed_diary_counters()  # again: nothing changes
    assert {r["series"]: r["last_serial"] for r in await DiaryCounter.select()} == counters
    assert (await _create(viewer, org.department_id, 5)).diary_no == f"VO {year}/0010"
