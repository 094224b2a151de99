"""Administrators manage logins on /anvandare: create, edit, set a password, deactivate."""

from __future__ import annotations

from conftest import csrf, login


async def _admin(client, make_caller):
    admin = await make_caller("admin")
    await login(client, admin.email, admin.password)
    return admin


async def test_create_a_union_login_and_use_it(client, make_caller, org):
    await _admin(client, make_caller)
    missing = await client.post(
        "/anvandare/ny", data={"name": "Vera", "email": "vera@lund.example", "role": "union", "union_id": "", "_csrf_token": csrf(client)}
    )
    assert missing.status_code == 422
    assert '<p class="error" id="union_id-error">En facklig användare måste höra till ett fackförbund.</p>' in missing.text
    created = await client.post(
        "/anvandare/ny",
        data={"name": "Vera", "email": "Vera@Lund.example", "role": "union", "union_id": str(org.union_id),
              "password": "hemligt-lösen-1", "active": "1", "_csrf_token": csrf(client)},
    )
    assert created.status_code == 302
    page = await client.get(created.headers["location"])
    assert "hemligt-lösen-1" not in page.text and 'value="vera@lund.example"' in page.text
    listing = await client.get("/anvandare?q=VERA")
    assert "Vision" in listing.text and "aldrig" in listing.text

    client.cookies.clear()
    await login(client, "vera@lund.example", "hemligt-lösen-1")
    assert (await client.get("/")).status_code == 200


async def test_edit_keeps_or_replaces_the_password(client, make_caller):
    await _admin(client, make_caller)
    hr = await make_caller("hr")
    form = {"name": "Ny Namn", "email": hr.email, "role": "hr", "active": "1", "_csrf_token": csrf(client)}
    assert (await client.post(f"/anvandare/{hr.user_id}", data={**form, "password": ""})).status_code == 302
    short = await client.post(f"/anvandare/{hr.user_id}", data={**form, "password": "kort"})
    assert short.status_code == 422 and "password-error" in short.text
    admin_cookies = dict(client.cookies)
    client.cookies.clear()
    await login(client, hr.email, hr.password)  # the old password still works
    client.cookies.clear()
    client.cookies.update(admin_cookies)
    assert (await client.post(f"/anvandare/{hr.user_id}", data={**form, "password": "ett-nytt-lösenord"})).status_code == 302
    client.cookies.clear()
    await login(client, hr.email, "ett-nytt-lösenord")


async def test_deactivating_a_login_stops_its_token(client, make_caller):
    await _admin(client, make_caller)
    hr = await make_caller("hr")
    assert (await client.get("/api/v1/me", headers=hr.headers)).status_code == 200
    assert (await client.post(f"/anvandare/{hr.user_id}/inaktivera", data={"_csrf_token": csrf(client)})).status_code == 302
    assert (await client.get("/api/v1/me", headers=hr.headers)).status_code == 401


async def test_an_admin_cannot_lock_themselves_out(client, make_caller):
    admin = await _admin(client, make_caller)
    deactivate = await client.post(f"/anvandare/{admin.user_id}/inaktivera", data={"_csrf_token": csrf(client)})
    assert deactivate.status_code == 409 and "Du kan inte inaktivera ditt eget konto." in deactivate.text
    demote = await client.post(
        f"/anvandare/{admin.user_id}",
        data={"name": "A", "email": admin.email, "role": "hr", "active": "1", "_csrf_token": csrf(client)},
    )
    assert demote.status_code == 422 and "Du kan inte ta bort din egen administratörsroll." in demote.text
    assert (await client.get("/")).status_code == 200  # still signed in, still admin
    assert (await client.get("/anvandare")).status_code == 200


async def test_only_admins_see_the_users_link(client, make_caller):
    await _admin(client, make_caller)
    assert 'href="/anvandare"' in (await client.get("/")).text
    client.cookies.clear()
    hr = await make_caller("hr")
    await login(client, hr.email, hr.password)
    assert 'href="/anvandare"' not in (await client.get("/")).text
