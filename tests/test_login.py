"""Login, sessions, logout, the throttle and CSRF on forms."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import csrf, login
from samverkan import clock

pytestmark = pytest.mark.usefixtures("frozen")  # sessions and the throttle go by the clock: it stands still


async def _post_login(client, email: str, password: str, **extra):
    await client.get("/logga-in")
    return await client.post("/logga-in", data={"email": email, "password": password, "_csrf_token": csrf(client), **extra})


async def test_login_sets_a_locked_down_session_cookie(client, make_caller):
    caller = await make_caller("hr")
    response = await _post_login(client, caller.email, caller.password, next="/personer")
    assert response.status_code == 302
    assert response.headers["location"] == "/personer"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("samverkan_session="))
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite"} <= flags
    assert "samesite=lax" in cookie.lower()
    assert (await client.get("/")).status_code == 200


async def test_wrong_password_and_unknown_account_look_the_same(client, make_caller):
    caller = await make_caller("hr")
    wrong = await _post_login(client, caller.email, "fel-lösenord-123")
    unknown = await _post_login(client, "ingen@test.example", "fel-lösenord-123")
    assert wrong.status_code == unknown.status_code == 401
    assert "Fel e-postadress eller lösenord." in wrong.text
    # The pages differ only in the address echoed back into the form.
    assert wrong.text.replace(caller.email, "X").replace(csrf(client), "") == unknown.text.replace("ingen@test.example", "X").replace(csrf(client), "")


async def test_throttle_per_account(client, make_caller, settings):
    caller = await make_caller("hr")
    other = await make_caller("admin")
    for _ in range(settings.login_max_failures):
        assert (await _post_login(client, caller.email, "fel-lösenord-123")).status_code == 401
    throttled = await _post_login(client, caller.email, caller.password)
    assert throttled.status_code == 429
    assert "För många misslyckade inloggningar" in throttled.text
    # An unknown account is throttled the same way, so the throttle does not reveal accounts.
    for _ in range(settings.login_max_failures):
        await _post_login(client, "ingen@test.example", "x" * 12)
    assert (await _post_login(client, "ingen@test.example", "x" * 12)).status_code == 429
    # Another account from the same address still gets in (the address limit is higher).
    assert (await _post_login(client, other.email, other.password)).status_code == 302


async def test_throttle_per_address(client, make_caller, settings):
    from samverkan.accounts.service import ADDRESS_FAILURE_FACTOR

    caller = await make_caller("hr")
    for i in range(settings.login_max_failures * ADDRESS_FAILURE_FACTOR):
        await _post_login(client, f"gissning{i}@test.example", "x" * 12)
    assert (await _post_login(client, caller.email, caller.password)).status_code == 429


async def test_logout_ends_the_session(client, make_caller, org):
    caller = await make_caller("union", union_id=org.union_id)
    await login(client, caller.email, caller.password)
    old = client.cookies.get("samverkan_session")
    response = await client.post("/logga-ut", data={"_csrf_token": csrf(client)})
    assert response.status_code == 302 and response.headers["location"] == "/logga-in"
    client.cookies.set("samverkan_session", old, domain="testserver.local")
    assert (await client.get("/")).status_code == 302  # the old key is gone from the database


async def test_expired_session_is_refused(client, make_caller):
    from samverkan.accounts.tables import UserSession

    caller = await make_caller("hr")
    await login(client, caller.email, caller.password)
    await UserSession.update({UserSession.expires_at: clock.now() - dt.timedelta(seconds=1)}).where(
        UserSession.user == caller.user_id
    )
    assert (await client.get("/")).status_code == 302


async def test_inactive_user_cannot_log_in_or_use_a_session(client, make_caller):
    from samverkan.accounts.tables import User

    caller = await make_caller("hr")
    await login(client, caller.email, caller.password)
    await User.update({User.active: False}).where(User.id == caller.user_id)
    assert (await client.get("/")).status_code == 302
    assert (await _post_login(client, caller.email, caller.password)).status_code == 401
    assert (await client.get("/api/v1/me", headers=caller.headers)).status_code == 401


async def test_forms_need_the_csrf_token(client, make_caller):
    caller = await make_caller("admin")
    await client.get("/logga-in")
    no_token = await client.post("/logga-in", data={"email": caller.email, "password": caller.password})
    assert no_token.status_code == 403
    await login(client, caller.email, caller.password)
    forged = await client.post("/forvaltningar/ny", data={"name": "X", "code": "X", "diary_prefix": "X", "_csrf_token": "forged"})
    assert forged.status_code == 403
    assert "Ladda om sidan" in forged.text
    from samverkan.orgs.tables import Department

    assert await Department.count() == 0


async def test_next_only_leads_within_the_site(client, make_caller):
    caller = await make_caller("hr")
    for target in ("//evil.example/x", "https://evil.example/", "\\\\evil.example", "javascript:alert(1)"):
        response = await _post_login(client, caller.email, caller.password, next=target)
        assert response.headers["location"] == "/", target
