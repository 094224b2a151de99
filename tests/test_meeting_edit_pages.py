"""Planning and changing a meeting in the pages: parties as checkboxes with a justerare each,
warnings shown before saving (saved when confirmed), "Boka möte" from a matter, the group's next
meeting on its page, presence in one list and formalia without position fields."""

from __future__ import annotations

import re

import pytest

from conftest import csrf, login

pytestmark = pytest.mark.usefixtures("frozen")  # 2026-12-01 10:00 in Stockholm


@pytest.fixture
async def hr(client, make_caller):
    caller = await make_caller("hr")
    await login(client, caller.email, caller.password)
    return caller


async def _person(client, hr, **body) -> dict:
    r = await client.post("/api/v1/people", json=body, headers=hr.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_meeting_without_a_group_with_parties_and_justerare(client, hr, org):
    boss = await _person(client, hr, name="Bo Chef", side="employer", department_id=org.department_id)
    rep = await _person(client, hr, name="Vera Vision", side="union", union_id=org.union_id)
    form = (await client.get("/moten/nytt")).text
    assert f'name="union_ids" value="{org.other_union_id}"' in form and 'id="approver_employer"' in form
    body = {"kind": "negotiation", "title": "Förhandling", "department_id": str(org.department_id), "date": "2026-12-20",
            "start": "09:00", "end": "10:00", "place": "Rum 1", "union_ids": [str(org.union_id)], "chair_id": str(boss["id"]),
            "approver_employer": str(boss["id"]), f"approver_{org.other_union_id}": str(rep["id"]), "_csrf_token": csrf(client)}
    wrong = await client.post("/moten/nytt", data=body)
    assert wrong.status_code == 422 and f'id="approver_{org.other_union_id}-error">Justeraren ska företräda en part i mötet.' in wrong.text
    del body[f"approver_{org.other_union_id}"]
    body[f"approver_{org.union_id}"] = str(rep["id"])
    made = await client.post("/moten/nytt", data=body)
    assert made.status_code == 302, made.text
    meeting = (await client.get(f"/api/v1/meetings/{made.headers['location'].rsplit('/', 1)[1]}", headers=hr.headers)).json()
    assert meeting["union_ids"] == [org.union_id] and meeting["chair_id"] == boss["id"] and meeting["warnings"] == []
    assert {(a["union_id"], a["person_id"]) for a in meeting["approvers"]} == {(None, boss["id"]), (org.union_id, rep["id"])}


async def test_a_meeting_in_the_past_warns_before_it_is_saved(client, hr, org):
    before = (await client.get("/api/v1/meetings", headers=hr.headers)).json()["total"]
    body = {"kind": "samverkan", "title": "Efterhand", "department_id": str(org.department_id), "date": "2026-11-20",
            "start": "09:00", "end": "10:00", "_csrf_token": csrf(client)}
    shown = await client.post("/moten/nytt", data=body)
    assert shown.status_code == 200 and 'data-code="in_past"' in shown.text and "Skapa mötet ändå" in shown.text
    assert (await client.get("/api/v1/meetings", headers=hr.headers)).json()["total"] == before  # nothing written
    confirmed = re.search(r'name="confirmed" value="([^"]+)"', shown.text).group(1)
    assert (await client.post("/moten/nytt", data={**body, "confirmed": confirmed})).status_code == 302
    # The htmx preview says the same while the form is filled in.
    preview = await client.post("/moten/varningar", data=body, headers={"HX-Request": "true"})
    assert preview.status_code == 200 and 'data-code="in_past"' in preview.text


async def test_book_a_meeting_from_a_matter(client, hr, org):
    matter = (await client.post("/api/v1/matters", json={"title": "Nya scheman", "kind": "primary_negotiation", "department_id": org.department_id,
                                                          "union_ids": [org.other_union_id]}, headers=hr.headers)).json()
    page = (await client.get(f"/arenden/{matter['id']}")).text
    assert f'href="/moten/nytt?arende={matter["id"]}">Boka möte</a>' in page
    form = (await client.get(f"/moten/nytt?arende={matter['id']}")).text
    assert f'name="union_ids" value="{org.other_union_id}" checked' in form
    assert f'name="union_ids" value="{org.union_id}" checked' not in form
    assert f'<option value="{org.department_id}" selected>' in form and 'value="negotiation" selected' in form
    assert matter["diary_no"] in form
    made = await client.post("/moten/nytt", data={
        "kind": "negotiation", "title": "Förhandling om scheman", "department_id": str(org.department_id), "date": "2026-12-21",
        "start": "09:00", "end": "10:00", "union_ids": [str(org.other_union_id)], "arende": str(matter["id"]), "_csrf_token": csrf(client)})
    assert made.status_code == 302, made.text
    meeting = (await client.get(f"/api/v1/meetings/{made.headers['location'].rsplit('/', 1)[1]}", headers=hr.headers)).json()
    assert [(i["title"], i["kind"], i["matter_id"]) for i in meeting["agenda"]] == [("Nya scheman", "negotiation", matter["id"])]
    assert meeting["union_ids"] == [org.other_union_id]


async def test_edit_parties_and_time_and_moving_into_the_past_warns(client, hr, org):
    r = await client.post("/api/v1/meetings", json={"kind": "samverkan", "title": "Möte", "department_id": org.department_id,
                                                     "union_ids": [org.union_id], "starts_at": "2026-12-20T09:00:00",
                                                     "ends_at": "2026-12-20T10:00:00"}, headers=hr.headers)
    meeting = r.json()
    url = f"/moten/{meeting['id']}"
    page = (await client.get(url)).text
    assert 'action="/moten/%d/andra"' % meeting["id"] in page and 'value="2026-12-20"' in page
    body = {"title": "Möte", "date": "2026-12-22", "start": "13:00", "end": "14:00", "place": "Rum 2",
            "union_ids": [str(org.union_id), str(org.other_union_id)], "version": str(meeting["version"]), "_csrf_token": csrf(client)}
    bad = await client.post(f"{url}/andra", data={**body, "end": "12:00"})
    assert bad.status_code == 422 and 'id="end-error">Mötet måste sluta efter att det börjar.' in bad.text
    assert (await client.post(f"{url}/andra", data=body)).status_code == 302
    changed = (await client.get(f"/api/v1/meetings/{meeting['id']}", headers=hr.headers)).json()
    assert changed["union_ids"] == sorted([org.union_id, org.other_union_id]) and changed["place"] == "Rum 2"
    assert changed["starts_at"].startswith("2026-12-22T12:00")  # 13:00 in Stockholm
    past = {**body, "date": "2026-11-02", "version": str(changed["version"])}
    shown = await client.post(f"{url}/andra", data=past)
    assert shown.status_code == 200 and 'data-code="in_past"' in shown.text and "Spara ändå" in shown.text
    assert (await client.get(f"/api/v1/meetings/{meeting['id']}", headers=hr.headers)).json()["version"] == changed["version"]
    confirmed = re.search(r'name="confirmed" value="([^"]+)"', shown.text).group(1)
    assert (await client.post(f"{url}/andra", data={**past, "confirmed": confirmed})).status_code == 302
    moved = (await client.get(f"/api/v1/meetings/{meeting['id']}", headers=hr.headers)).json()
    assert [w["code"] for w in moved["warnings"]] == ["in_past"]
    # A change that brings no new warning saves at once.
    assert (await client.post(f"{url}/andra", data={**past, "place": "Rum 3", "version": str(moved["version"])})).status_code == 302


async def test_group_page_presence_and_formalia(client, hr, org):
    member = await _person(client, hr, name="Sara Skydd", side="union", union_id=org.union_id, roles=["safety_rep"])
    boss = await _person(client, hr, name="Bo Chef", side="employer", department_id=org.department_id)
    group = (await client.post("/api/v1/groups", json={
        "name": "FSG", "level": "department", "department_id": org.department_id, "union_ids": [org.union_id],
        "safety_committee": True, "member_ids": [member["id"], boss["id"]]}, headers=hr.headers)).json()
    page = (await client.get(f"/samverkansgrupper/{group['id']}")).text
    assert "Nästa möte" in page and "Inget möte är planerat." in page
    r = await client.post("/api/v1/meetings", json={"kind": "samverkan", "title": "FSG december", "group_id": group["id"],
                                                     "starts_at": "2026-12-10T09:00:00", "ends_at": "2026-12-10T11:00:00"}, headers=hr.headers)
    meeting = r.json()
    page = (await client.get(f"/samverkansgrupper/{group['id']}")).text
    assert "FSG december" in page and 'data-code="notice_late"' in page

    url = f"/moten/{meeting['id']}"
    page = (await client.get(url)).text
    assert "Sara Skydd" in page and "Skyddsombud" in page and "Bo Chef" in page  # the members take part
    assert page.count("<datalist") == 1 and "<select id=\"matter" not in page
    assert page.count('class="form item-form"') == 0  # the agenda is a list until an item is opened
    participants = {p["person_id"]: p["id"] for p in meeting["participants"]}
    saved = await client.post(f"{url}/narvaro", data={"present": [str(participants[member["id"]])], "_csrf_token": csrf(client)})
    assert saved.status_code == 302
    after = {p["person_id"]: p["present"] for p in (await client.get(f"/api/v1/meetings/{meeting['id']}", headers=hr.headers)).json()["participants"]}
    assert after == {member["id"]: True, boss["id"]: False}
    removed = await client.post(f"{url}/deltagare/{participants[boss['id']]}/ta-bort", data={"_csrf_token": csrf(client)})
    assert removed.status_code == 302

    opening = meeting["agenda"][0]
    assert opening["title"] == "Mötets öppnande"
    opened = (await client.get(f"{url}?punkt={opening['id']}")).text
    assert opened.count('class="form item-form"') == 1
    form = opened[opened.index('class="form item-form"'):opened.index("</form>", opened.index('class="form item-form"'))]
    assert "Arbetsgivarens ståndpunkt" not in form and "_outcome" not in form
    # An item linked through the shared list by its diary number; an unknown one is refused at the field.
    matter = (await client.post("/api/v1/matters", json={"title": "Buller", "kind": "work_environment", "department_id": org.department_id,
                                                          "union_ids": [org.union_id]}, headers=hr.headers)).json()
    assert f'<option value="{matter["diary_no"]}">Buller</option>' in (await client.get(url)).text
    unknown = await client.post(f"{url}/punkter", data={"title": "X", "kind": "samverkan", "matter": "XX 1999/1", "_csrf_token": csrf(client)})
    assert unknown.status_code == 422 and 'id="new_matter_id-error">Ärendet finns inte.' in unknown.text


async def test_the_matter_field_suggests_as_one_types(client, hr, make_caller, org):
    """The page draws the department's newest matters (matters.SUGGESTIONS) in its shared list;
    typing asks for those matching every word of the diary number or title (htmx), newest first,
    as the reader may see them: a department editor is not offered an individärende, another
    department's editor and a union reader get nothing."""
    from samverkan.matters.service import SUGGESTIONS

    made = []  # all made at the same moment (the frozen clock): the newest first means the highest id first
    for n in range(SUGGESTIONS + 5):
        made.append((await client.post("/api/v1/matters", json={
            "title": f"Schema {n} natt" if n % 2 else f"Lokaler {n}", "kind": "samverkan", "department_id": org.department_id,
            "union_ids": [org.union_id]}, headers=hr.headers)).json())
    personal = (await client.post("/api/v1/matters", json={
        "title": "Schema natt (en medarbetare)", "kind": "samverkan", "department_id": org.department_id,
        "union_ids": [org.union_id], "personal_data": True}, headers=hr.headers)).json()
    meeting = (await client.post("/api/v1/meetings", json={
        "kind": "samverkan", "title": "Samverkan", "department_id": org.department_id, "union_ids": [org.union_id],
        "starts_at": "2026-12-10T09:00:00", "ends_at": "2026-12-10T10:00:00"}, headers=hr.headers)).json()
    url = f"/moten/{meeting['id']}"

    page = (await client.get(url)).text
    listed = page[page.index('<datalist id="arenden">'):page.index("</datalist>")]
    assert listed.count("<option") == SUGGESTIONS and f'value="{personal["diary_no"]}"' in listed  # the newest, HR sees all
    assert f'hx-get="{url}/arendeforslag"' in page[page.index('id="new_matter"'):]

    def options(body: str) -> list[str]:
        return re.findall(r'<option value="([^"]+)">', body)

    night = await client.get(f"{url}/arendeforslag", params={"matter": "NATT schema"}, headers={"HX-Request": "true"})
    assert night.status_code == 200
    expected = [m["diary_no"] for m in reversed(made) if "natt" in m["title"]]
    assert options(night.text) == [personal["diary_no"], *expected][:SUGGESTIONS]
    one = await client.get(f"{url}/arendeforslag", params={"matter": made[3]["diary_no"]})
    assert options(one.text) == [made[3]["diary_no"]] and "Schema 3 natt" in one.text
    assert options((await client.get(f"{url}/arendeforslag", params={"matter": "  % "})).text) == options(listed)

    editor = await make_caller("department", department_id=org.department_id)
    client.cookies.clear()
    await login(client, editor.email, editor.password)
    assert personal["diary_no"] not in options((await client.get(f"{url}/arendeforslag", params={"matter": "natt"})).text)
    for caller in (await make_caller("department", department_id=org.other_department_id), await make_caller("union", union_id=org.union_id)):
        client.cookies.clear()
        await login(client, caller.email, caller.password)
        refused = await client.get(f"{url}/arendeforslag", params={"matter": "natt"})
        assert refused.status_code in (403, 404) and "<option" not in refused.text, caller.role
