"""Bearer API tokens: created, shown once, stored hashed, revocable, last-used time; the API
takes tokens and no cookies, the pages take cookies and no tokens."""

from __future__ import annotations

import hashlib

from conftest import csrf, login


async def test_token_lifecycle_over_the_api(client, make_caller, org):
    from samverkan.accounts.tables import ApiToken

    caller = await make_caller("union", union_id=org.union_id)
    created = await client.post("/api/v1/me/tokens", json={"label": "rapportskript"}, headers=caller.headers)
    assert created.status_code == 201
    token = created.json()["token"]
    record = created.json()["record"]
    assert token.startswith("svk_") and record["label"] == "rapportskript" and token.startswith(record["hint"])

    # Stored as a hash only.
    rows = await ApiToken.select(ApiToken.token_hash).where(ApiToken.id == record["id"])
    assert rows[0]["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert not await ApiToken.exists().where(ApiToken.token_hash == token)

    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["email"] == caller.email
    listed = (await client.get("/api/v1/me/tokens", headers=caller.headers)).json()
    used = next(t for t in listed if t["id"] == record["id"])
    assert used["last_used_at"] is not None
    assert "token" not in used  # never shown again

    revoked = await client.post(f"/api/v1/me/tokens/{record['id']}/revoke", headers=caller.headers)
    assert revoked.status_code == 204
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})).status_code == 401


async def test_cannot_revoke_someone_elses_token(client, make_caller):
    owner = await make_caller("hr")
    other = await make_caller("hr")
    token_id = (await client.get("/api/v1/me/tokens", headers=owner.headers)).json()[0]["id"]
    assert (await client.post(f"/api/v1/me/tokens/{token_id}/revoke", headers=other.headers)).status_code == 404
    assert (await client.get("/api/v1/me", headers=owner.headers)).status_code == 200


async def test_garbage_tokens_are_401(client):
    for value in ("Bearer", "Bearer svk_nope", "Bearer nope", "Basic dXNlcjpwYXNz", "svk_x"):
        response = await client.get("/api/v1/departments", headers={"Authorization": value})
        assert response.status_code == 401, value


async def test_api_ignores_session_cookies_and_pages_ignore_tokens(client, make_caller):
    caller = await make_caller("admin")
    await login(client, caller.email, caller.password)
    assert (await client.get("/api/v1/departments")).status_code == 401
    client.cookies.clear()
    page = await client.get("/forvaltningar", headers=caller.headers)
    assert page.status_code == 302


async def test_token_made_on_the_account_page(client, make_caller, org):
    caller = await make_caller("department", department_id=org.department_id)
    await login(client, caller.email, caller.password)
    page = await client.post("/konto/nycklar", data={"label": "från sidan", "_csrf_token": csrf(client)})
    assert page.status_code == 201
    import re

    token = re.search(r'id="new-token">(svk_[^<]+)<', page.text).group(1)
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})).status_code == 200
    # Shown once: the account page afterwards has only the hint.
    again = await client.get("/konto")
    assert token not in again.text and "från sidan" in again.text
