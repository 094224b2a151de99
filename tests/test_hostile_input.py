"""Input that used to reach the database or the decoder and come back as a 500: NUL characters
(PostgreSQL cannot store them), ids beyond 32 bits, file parts where text was expected, JSON
nested too deep, digits that are not ASCII. Each must be a clear 4xx on both engines."""

from __future__ import annotations

import asyncio

import pytest

from conftest import csrf, login
from samverkan.web.hardening import CSP


@pytest.fixture
async def admin(callers):
    return (await callers())["admin"]


async def test_nul_characters_are_refused_everywhere(client, admin):
    from samverkan.orgs.tables import Department

    before = await Department.count()
    for response in (
        await client.post("/api/v1/departments", json={"name": "A\u0000B", "code": "X", "diary_prefix": "X"}, headers=admin.headers),
        await client.get("/api/v1/departments?q=a%00b", headers=admin.headers),
        await client.post("/api/v1/me/tokens", json={"label": "x\u0000"}, headers=admin.headers),
    ):
        assert response.status_code == 400, response.text
        assert response.json()["detail"] == "Texten innehåller ett otillåtet tecken (NUL)."
    # The login form, without being signed in.
    await client.get("/logga-in")
    page = await client.post("/logga-in", data={"email": "a\u0000@b.se", "password": "x" * 12, "_csrf_token": csrf(client)})
    assert page.status_code == 400 and "otillåtet tecken" in page.text
    # Escaped backslashes are ordinary text, not a NUL.
    ok = await client.post("/api/v1/departments", json={"name": "Sökväg C:\\u0000", "code": "Y", "diary_prefix": "Y"}, headers=admin.headers)
    assert ok.status_code == 201 and ok.json()["name"] == "Sökväg C:\\u0000"
    assert await Department.count() == before + 1


@pytest.mark.parametrize("path", ["people?department_id=", "people?union_id=", "groups?department_id=", "matters?department_id=",
                                  "meetings?group_id="])
async def test_filter_ids_out_of_range_are_400(client, admin, path):
    response = await client.get(f"/api/v1/{path}99999999999999", headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["field"] == path.split("?")[1].rstrip("=")


async def test_file_parts_where_text_was_expected(client, make_caller, org):
    await client.get("/logga-in")
    login_with_file = await client.post("/logga-in", data={"email": "a@b.se", "password": "x" * 12, "_csrf_token": csrf(client)},
                                        files={"next": ("x.txt", b"/evil", "text/plain")})
    assert login_with_file.status_code == 401
    hr = await make_caller("hr")
    await login(client, hr.email, hr.password)
    person = await client.post("/personer/ny", data={"name": "Åsa", "side": "employer", "_csrf_token": csrf(client)},
                               files={"department_id": ("d.txt", b"1", "text/plain")})
    assert person.status_code == 302  # the file part is ignored: no department


async def test_deeply_nested_json_is_400(client, admin):
    response = await client.post("/api/v1/departments", content=b"[" * 100_000, headers={**admin.headers, "Content-Type": "application/json"})
    assert response.status_code == 400


async def test_digits_that_are_not_ascii(client, make_caller, org):
    hr = await make_caller("hr")
    await login(client, hr.email, hr.password)
    for value in ("²", "١"):
        response = await client.post("/samverkansgrupper/ny", data={"name": "G", "level": "central", "cadence_months": value, "_csrf_token": csrf(client)})
        assert response.status_code == 422 and "Ange ett heltal." in response.text


async def test_protective_headers(client, make_caller):
    hr = await make_caller("hr")
    await login(client, hr.email, hr.password)
    page = await client.get("/konto")
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["content-security-policy"] == CSP
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"
    static = await client.get("/static/app.css")
    assert "no-store" not in static.headers.get("cache-control", "")


async def test_parallel_wrong_passwords_are_all_counted(client, make_caller, settings):
    from samverkan.accounts.service import LoginFailed, LoginThrottled, authenticate

    hr = await make_caller("hr")
    results = await asyncio.gather(
        *(authenticate(hr.email, "fel-lösenord", f"10.0.0.{i}", settings) for i in range(12)), return_exceptions=True
    )
    checked = [r for r in results if isinstance(r, LoginFailed)]
    throttled = [r for r in results if isinstance(r, LoginThrottled)]
    assert len(checked) <= settings.login_max_failures and len(checked) + len(throttled) == 12
    with pytest.raises(LoginThrottled):
        await authenticate(hr.email, hr.password, "10.0.1.1", settings)


async def test_a_new_password_ends_old_sessions(client, make_caller):
    from samverkan.accounts import service
    from samverkan.accounts.schemas import UserUpdate

    hr = await make_caller("hr")
    await login(client, hr.email, hr.password)
    await service.update_user(hr.user_id, UserUpdate(password="ett-helt-nytt-lösenord"))
    assert (await client.get("/")).status_code == 302


async def test_union_without_notice_address_from_the_page(client, make_caller):
    admin = await make_caller("admin")
    await login(client, admin.email, admin.password)
    created = await client.post("/fackforbund/ny", data={"name": "DIK", "email": "", "active": "1", "_csrf_token": csrf(client)})
    assert created.status_code == 302


async def test_saving_a_form_keeps_links_to_inactive_records(client, make_caller, org):
    from samverkan.orgs import schemas as s
    from samverkan.orgs import service

    group = await service.create_group(s.GroupCreate(name="FSG", level="department", department_id=org.department_id,
                                                     union_ids=[org.union_id, org.other_union_id]))
    await service.deactivate("union", org.other_union_id)
    hr = await make_caller("hr")
    await login(client, hr.email, hr.password)
    form = await client.get(f"/samverkansgrupper/{group.id}")
    assert "Kommunal (inaktiv)" in form.text
    # The browser posts what the form shows: both unions checked.
    saved = await client.post(f"/samverkansgrupper/{group.id}", data={
        "name": "FSG", "level": "department", "department_id": str(org.department_id),
        "union_ids": [str(org.union_id), str(org.other_union_id)], "active": "1", "_csrf_token": csrf(client)})
    assert saved.status_code == 302
    assert (await service.get_group(group.id)).union_ids == sorted([org.union_id, org.other_union_id])


async def test_login_next_with_control_characters(client, make_caller):
    hr = await make_caller("hr")
    await client.get("/logga-in")
    response = await client.post("/logga-in", data={"email": hr.email, "password": hr.password, "next": "/\n/x", "_csrf_token": csrf(client)})
    assert response.headers["location"] == "/"


async def test_nul_in_a_multipart_form(client, make_caller):
    from samverkan.orgs.tables import Person

    hr = await make_caller("hr")
    await login(client, hr.email, hr.password)
    response = await client.post("/personer/ny", data={"name": "A\u0000B", "side": "employer", "_csrf_token": csrf(client)},
                                 files={"ignored": ("x.txt", b"x", "text/plain")})
    assert response.status_code == 400 and "otillåtet tecken" in response.text
    assert await Person.count() == 0
