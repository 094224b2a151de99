"""The registry pages: browse, search, edit; errors in Swedish next to the field."""

from __future__ import annotations

import re

from conftest import csrf, login


async def _as(client, make_caller, role, org=None):
    kwargs = {}
    if role == "department":
        kwargs["department_id"] = org.department_id
    if role == "union":
        kwargs["union_id"] = org.union_id
    caller = await make_caller(role, **kwargs)
    await login(client, caller.email, caller.password)
    return caller


async def test_admin_creates_and_edits_a_department(client, make_caller):
    from samverkan.orgs.tables import Department

    await _as(client, make_caller, "admin")
    form = await client.get("/forvaltningar/ny")
    assert form.status_code == 200 and '<label for="name">Namn' in form.text
    created = await client.post(
        "/forvaltningar/ny",
        data={"name": "Miljöförvaltningen", "code": "MF", "diary_prefix": "MN", "active": "1", "_csrf_token": csrf(client)},
    )
    assert created.status_code == 302
    location = created.headers["location"]
    assert re.fullmatch(r"/forvaltningar/\d+\?sparad=1", location)
    page = await client.get(location)
    assert "Sparat." in page.text and 'value="MN"' in page.text

    department_id = int(location.split("/")[2].split("?")[0])
    updated = await client.post(
        f"/forvaltningar/{department_id}",
        data={"name": "Miljöförvaltningen", "code": "MF", "diary_prefix": "MIN", "active": "1", "_csrf_token": csrf(client)},
    )
    assert updated.status_code == 302
    row = await Department.select().where(Department.id == department_id).first()
    assert row["diary_prefix"] == "MIN" and row["active"] is True


async def test_form_errors_are_swedish_and_next_to_the_field(client, make_caller, org):
    from samverkan.orgs.tables import Department

    await _as(client, make_caller, "admin")
    empty = await client.post(
        f"/forvaltningar/{org.department_id}", data={"name": " ", "code": "VOF", "diary_prefix": "VO", "_csrf_token": csrf(client)}
    )
    assert empty.status_code == 422
    assert '<p class="error" id="name-error">Fältet måste fyllas i.</p>' in empty.text
    assert 'aria-invalid="true"' in empty.text and 'aria-describedby="name-error"' in empty.text
    assert 'value=" "' in empty.text  # what was typed is kept

    duplicate = await client.post(
        f"/forvaltningar/{org.department_id}", data={"name": "X", "code": "KK", "diary_prefix": "VO", "_csrf_token": csrf(client)}
    )
    assert duplicate.status_code == 422
    assert "Koden används redan av en annan förvaltning." in duplicate.text

    too_long = await client.post(
        f"/forvaltningar/{org.department_id}", data={"name": "x" * 300, "code": "VOF", "diary_prefix": "VO", "_csrf_token": csrf(client)}
    )
    assert "Högst 200 tecken." in too_long.text
    row = await Department.select().where(Department.id == org.department_id).first()
    assert row["name"] == "Vård- och omsorgsförvaltningen"  # nothing written by the failed posts


async def test_person_form_rules_in_swedish(client, make_caller, org):
    await _as(client, make_caller, "hr")
    response = await client.post(
        "/personer/ny", data={"name": "Åsa Holm", "side": "union", "union_id": "", "email": "", "_csrf_token": csrf(client)}
    )
    assert response.status_code == 422
    assert "Ange fackförbund för en person på den fackliga sidan." in response.text
    bad_mail = await client.post(
        "/personer/ny", data={"name": "Åsa Holm", "side": "employer", "email": "åsa@", "_csrf_token": csrf(client)}
    )
    assert "Ange en giltig e-postadress." in bad_mail.text
    ok = await client.post(
        "/personer/ny",
        data={"name": "Åsa Holm", "side": "union", "union_id": str(org.union_id), "roles": ["safety_rep", "union_rep"],
              "email": "asa@lund.example", "active": "1", "_csrf_token": csrf(client)},
    )
    assert ok.status_code == 302
    listing = await client.get("/personer?q=åsa")
    assert "Åsa Holm" in listing.text and "Skyddsombud, Facklig företrädare" in listing.text and "Vision" in listing.text


async def test_group_form_with_unions(client, make_caller, org):
    from samverkan.orgs import service

    await _as(client, make_caller, "hr")
    response = await client.post(
        "/samverkansgrupper/ny",
        data={"name": "FSG VOF", "level": "department", "department_id": str(org.department_id),
              "union_ids": [str(org.union_id), str(org.other_union_id)], "safety_committee": "1", "cadence_months": "3",
              "active": "1", "_csrf_token": csrf(client)},
    )
    assert response.status_code == 302, response.text
    group_id = int(response.headers["location"].split("/")[2].split("?")[0])
    group = await service.get_group(group_id)
    assert group.union_ids == sorted([org.union_id, org.other_union_id]) and group.safety_committee and group.cadence_months == 3
    bad = await client.post(
        f"/samverkansgrupper/{group_id}",
        data={"name": "FSG VOF", "level": "department", "department_id": str(org.department_id), "cadence_months": "13",
              "_csrf_token": csrf(client)},
    )
    assert bad.status_code == 422 and "Talet måste vara högst 12." in bad.text


async def test_list_search_and_inactive(client, make_caller, org):
    from samverkan.orgs import service

    await service.deactivate("department", org.other_department_id)
    await _as(client, make_caller, "union", org)
    listing = await client.get("/forvaltningar")
    assert "Vård- och omsorgsförvaltningen" in listing.text and "Kommunkontoret" not in listing.text
    assert "1 träff" in listing.text
    everything = await client.get("/forvaltningar?visa=alla")
    assert "Kommunkontoret" in everything.text and "2 träffar" in everything.text
    searched = await client.get("/forvaltningar?q=VÅRD&visa=alla")
    assert "Vård- och omsorgsförvaltningen" in searched.text and "Kommunkontoret" not in searched.text


async def test_readers_see_no_edit_controls(client, make_caller, org):
    await _as(client, make_caller, "union", org)
    page = await client.get(f"/forvaltningar/{org.department_id}")
    assert page.status_code == 200
    assert "<fieldset disabled" in page.text and ">Spara</button>" not in page.text and "Inaktivera" not in page.text
    assert "Ny förvaltning" not in (await client.get("/forvaltningar")).text


async def test_missing_record_page_is_swedish_404(client, make_caller):
    await _as(client, make_caller, "hr")
    response = await client.get("/fackforbund/424242")
    assert response.status_code == 404
    assert "Fackförbundet 424242 finns inte." in response.text
    assert (await client.get("/ingen-sida")).status_code == 404


async def test_pages_escape_user_text(client, make_caller):
    from samverkan.orgs import schemas as s
    from samverkan.orgs import service

    union = await service.create_union(s.UnionCreate(name='<script>alert("x")</script> & Co'))
    await _as(client, make_caller, "hr")
    page = await client.get(f"/fackforbund/{union.id}")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in page.text
