"""The meeting page: the minute-taker's record, saved as it goes; conflicts shown, never overwritten."""

from __future__ import annotations

import re

from conftest import csrf, login

HTMX = {"HX-Request": "true"}


async def _meeting(client, make_caller, org, **fields):
    hr = await make_caller("hr")
    await login(client, hr.email, hr.password)
    await client.post("/api/v1/groups", json={"name": "FSG", "level": "department", "department_id": org.department_id,
                                              "union_ids": [org.union_id, org.other_union_id], "safety_committee": True}, headers=hr.headers)
    body = {"kind": "samverkan", "title": "FSG mars", "group_id": "1", "date": "2026-03-02", "start": "09:00", "end": "11:00",
            "standard_agenda": "1", "_csrf_token": csrf(client), **fields}
    warned = await client.post("/moten/nytt", data=body)  # in the past: warned first, saved when confirmed
    assert warned.status_code == 200 and 'data-code="in_past"' in warned.text
    confirmed = re.search(r'name="confirmed" value="([^"]+)"', warned.text).group(1)
    response = await client.post("/moten/nytt", data={**body, "confirmed": confirmed})
    assert response.status_code == 302, response.text
    return hr, response.headers["location"]


async def _item(client, url: str, title: str) -> tuple[str, str]:
    """The item's id, and its version from its form once opened (one item is open at a time)."""
    page = (await client.get(url)).text
    block = page[:page.index(f"{title}</h3>")]
    item_id = re.findall(r'id="punkt-(\d+)"', block)[-1]
    opened = (await client.get(f"{url}?punkt={item_id}")).text
    assert opened.count('class="form item-form"') == 1
    version = re.search(rf'name="version" value="(\d+)" id="version-{item_id}"', opened).group(1)
    return item_id, version


async def test_new_meeting_gets_the_committee_agenda_and_errors_in_swedish(client, make_caller, org):
    await _meeting(client, make_caller, org)
    bad = await client.post("/moten/nytt", data={"kind": "samverkan", "title": "X", "date": "2026-03-02", "start": "10:00", "end": "09:00", "_csrf_token": csrf(client)})
    assert bad.status_code == 422 and '<p class="error" id="end-error">Mötet måste sluta efter att det börjar.</p>' in bad.text
    page = await client.get("/moten/1")
    assert "§ 1 Mötets öppnande" in page.text and "Arbetsmiljö: tillbud och arbetsskador" in page.text
    assert "2026-03-02 09:00" in page.text  # shown in Swedish time, stored in UTC


async def test_autosave_answers_only_with_the_new_version(client, make_caller, org):
    _, url = await _meeting(client, make_caller, org)
    item_id, version = await _item(client, url, "Samverkansfrågor")
    saved = await client.post(f"{url}/punkter/{item_id}", headers=HTMX, data={
        "title": "Samverkansfrågor", "kind": "samverkan", "text": "Budgeten gicks igenom.", "version": version,
        f"u{org.other_union_id}_outcome": "disagreement", f"u{org.other_union_id}_note": "Kommunal: för låg bemanning.",
        f"u{org.other_union_id}_central": "1", "_csrf_token": csrf(client)})
    assert saved.status_code == 200 and saved.headers["hx-reswap"] == "none"
    assert f'value="{int(version) + 1}" id="version-{item_id}" hx-swap-oob="true"' in saved.text and "Sparat " in saved.text
    page = (await client.get(url)).text
    assert "Kommunal: Oenighet (begär central förhandling)" in page and "Budgeten gicks igenom." not in page  # at a glance
    page = (await client.get(f"{url}?punkt={item_id}")).text
    assert "Budgeten gicks igenom." in page and "Kommunal: för låg bemanning." in page


async def test_two_editors_get_a_conflict_not_an_overwrite(client, make_caller, org):
    _, url = await _meeting(client, make_caller, org)
    item_id, version = await _item(client, url, "Övriga frågor")
    first = await client.post(f"{url}/punkter/{item_id}", headers=HTMX, data={"title": "Övriga frågor", "kind": "other", "text": "Första", "version": version, "_csrf_token": csrf(client)})
    assert first.status_code == 200
    second = await client.post(f"{url}/punkter/{item_id}", headers=HTMX, data={"title": "Övriga frågor", "kind": "other", "text": "Andra", "version": version, "_csrf_token": csrf(client)})
    assert second.status_code == 409
    assert "Någon annan sparade punkten medan du skrev" in second.text
    assert "Första" in second.text and ">Andra</textarea>" in second.text  # both shown: theirs saved, mine kept
    assert f'value="{int(version) + 1}"' in second.text  # saving again now replaces theirs, knowingly
    assert 'data-unsaved="yes"' in second.text and "Inte sparat – se meddelandet ovan." in second.text
    opened = (await client.get(f"{url}?punkt={item_id}")).text
    assert "Första" in opened and ">Andra<" not in opened


async def test_without_javascript_the_form_redirects(client, make_caller, org):
    _, url = await _meeting(client, make_caller, org)
    item_id, version = await _item(client, url, "Nästa möte")
    plain = await client.post(f"{url}/punkter/{item_id}", data={"title": "Nästa möte", "kind": "formalities", "text": "2 juni", "version": version, "_csrf_token": csrf(client)})
    assert plain.status_code == 302 and plain.headers["location"] == f"{url}?punkt={item_id}#punkt-{item_id}"


async def test_close_an_item_from_the_page(client, make_caller, org):
    hr, url = await _meeting(client, make_caller, org)
    matter = (await client.post("/api/v1/matters", json={"title": "Ny organisation", "kind": "samverkan", "department_id": org.department_id,
                                                         "union_ids": [org.union_id]}, headers=hr.headers)).json()
    added = await client.post(f"{url}/punkter", data={"title": "Ny organisation", "kind": "samverkan", "matter": matter["diary_no"], "_csrf_token": csrf(client)})
    assert added.status_code == 302
    item_id, version = await _item(client, url, "Ny organisation")
    early = await client.post(f"{url}/punkter/{item_id}/avsluta", data={"_csrf_token": csrf(client)})
    assert early.status_code == 422 and "Ange enighet eller oenighet för Vision" in early.text
    await client.post(f"{url}/punkter/{item_id}", data={"title": "Ny organisation", "kind": "samverkan", "matter_id": str(matter["id"]),
                                                        f"u{org.union_id}_outcome": "agreement", "version": version, "_csrf_token": csrf(client)})
    assert (await client.post(f"{url}/punkter/{item_id}/avsluta", data={"_csrf_token": csrf(client)})).status_code == 302
    after = (await client.get(f"/api/v1/matters/{matter['id']}", headers=hr.headers)).json()
    assert after["decision_allowed"] is True and after["events"][0]["type"] == "negotiation_closed"


async def test_status_participants_and_readers(client, make_caller, org):
    hr, url = await _meeting(client, make_caller, org)
    person = (await client.post("/api/v1/people", json={"name": "Åsa Holm", "side": "union", "union_id": org.union_id}, headers=hr.headers)).json()
    assert (await client.post(f"{url}/deltagare", data={"person_id": str(person["id"]), "role": "safety_rep", "_csrf_token": csrf(client)})).status_code == 302
    page = (await client.get(url)).text
    participant = re.search(r'name="present" value="(\d+)"', page).group(1)
    assert (await client.post(f"{url}/narvaro", headers=HTMX, data={"present": participant, "_csrf_token": csrf(client)})).status_code == 204
    assert (await client.post(f"{url}/status", data={"status": "held", "_csrf_token": csrf(client)})).status_code == 302
    page = (await client.get(url)).text
    assert "Hållet" in page and "Åsa Holm" in page
    wrong = await client.post(f"{url}/status", data={"status": "planned", "_csrf_token": csrf(client)})
    assert wrong.status_code == 422 and "kan inte bli planerat" in wrong.text
    client.cookies.clear()
    union = await make_caller("union", union_id=org.union_id)
    await login(client, union.email, union.password)
    read = await client.get(url)
    assert read.status_code == 200 and "<textarea" not in read.text and "Mötets öppnande" in read.text
    assert (await client.get("/moten?visa=tidigare")).status_code == 200


async def test_chair_minute_taker_and_justerare(client, make_caller, org):
    hr, url = await _meeting(client, make_caller, org)
    chair = (await client.post("/api/v1/people", json={"name": "Per Holm", "side": "employer", "department_id": org.department_id}, headers=hr.headers)).json()
    rep = (await client.post("/api/v1/people", json={"name": "Åsa Holm", "side": "union", "union_id": org.union_id}, headers=hr.headers)).json()
    version = re.search(r'name="version" value="(\d+)">\s*<input type="hidden" name="meeting_id"', (await client.get(url)).text).group(1)
    await client.post(f"{url}/status", data={"status": "held", "_csrf_token": csrf(client)})  # held: the roles only
    version = str(int(version) + 1)
    wrong_side = await client.post(f"{url}/andra", data={"chair_id": str(chair["id"]), f"approver_{org.other_union_id}": str(rep["id"]),
                                                         "version": version, "_csrf_token": csrf(client)})
    assert wrong_side.status_code == 422 and "Justeraren ska höra till den part hen justerar för." in wrong_side.text
    ok = await client.post(f"{url}/andra", data={"chair_id": str(chair["id"]), "minute_taker_id": str(chair["id"]), "approver_employer": str(chair["id"]),
                                                 f"approver_{org.union_id}": str(rep["id"]), "version": version, "_csrf_token": csrf(client)})
    assert ok.status_code == 302
    meeting = (await client.get(f"/api/v1/meetings/{url.rsplit('/', 1)[1]}", headers=hr.headers)).json()
    assert meeting["chair_id"] == chair["id"]
    assert sorted(meeting["approvers"], key=lambda a: a["union_id"] or 0) == [
        {"union_id": None, "person_id": chair["id"]}, {"union_id": org.union_id, "person_id": rep["id"]}]
