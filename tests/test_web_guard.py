"""CSRF bound to the session and checked with Origin; X-Forwarded-For only from trusted proxies;
HSTS and the Content-Security-Policy on every answer."""

from __future__ import annotations

import dataclasses
import re
import secrets

import httpx
import pytest

from conftest import login
from test_browser import demo_server

NEW_DEPARTMENT = {"name": "Kulturförvaltningen", "code": "KU", "diary_prefix": "KU"}
OWN_ORIGIN = "https://testserver.local"  # the test client's base URL


def _page_token(html: str) -> str:
    """The token as the page carries it, in the hidden field of a form."""
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


async def _departments(client, admin) -> list[str]:
    response = await client.get("/api/v1/departments?limit=500", headers=admin.headers)
    return [d["code"] for d in response.json()["items"]]


async def test_a_token_from_an_anonymous_visit_fails_with_hrs_session_and_the_pages_token_passes(client, make_caller):
    admin = await make_caller("admin")
    await client.get("/logga-in")
    anonymous = client.cookies.get("csrftoken")
    assert anonymous
    await login(client, admin.email, admin.password)
    assert client.cookies.get("csrftoken") == anonymous  # the anonymous pair is still in the jar

    forged = await client.post("/forvaltningar/ny", data={**NEW_DEPARTMENT, "_csrf_token": anonymous})
    assert forged.status_code == 403
    assert "Formuläret hade gått ut" in forged.text
    by_header = await client.post("/forvaltningar/ny", data=NEW_DEPARTMENT, headers={"x-csrftoken": anonymous})
    assert by_header.status_code == 403
    assert "KU" not in await _departments(client, admin)

    token = _page_token((await client.get("/forvaltningar/ny")).text)
    assert token != anonymous
    created = await client.post("/forvaltningar/ny", data={**NEW_DEPARTMENT, "_csrf_token": token})
    assert created.status_code in (302, 303), created.text
    assert "KU" in await _departments(client, admin)


async def test_a_token_of_another_session_fails(client, make_caller):
    admin = await make_caller("admin")
    await login(client, admin.email, admin.password)
    first = _page_token((await client.get("/forvaltningar/ny")).text)
    client.cookies.delete("samverkan_session")
    await login(client, admin.email, admin.password)  # a new session, a new cookie
    second = _page_token((await client.get("/forvaltningar/ny")).text)
    assert first != second
    assert (await client.post("/forvaltningar/ny", data={**NEW_DEPARTMENT, "_csrf_token": first})).status_code == 403
    # htmx sends the page's token as a header (base.html's hx-headers)
    ok = await client.post("/forvaltningar/ny", data=NEW_DEPARTMENT, headers={"x-csrftoken": second})
    assert ok.status_code in (302, 303), ok.text


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"Origin": "https://angripare.example"}, False),
        ({"Origin": "null"}, False),
        ({"Origin": "http://testserver.local"}, False),  # another scheme is another origin
        ({"Sec-Fetch-Site": "cross-site"}, False),
        ({"Origin": OWN_ORIGIN, "Sec-Fetch-Site": "same-origin"}, True),
        ({"Origin": "http://127.0.0.1:8000"}, True),  # SAMVERKAN_BASE_URL's origin (the default)
        ({"Sec-Fetch-Site": "same-origin"}, True),
        ({}, True),  # an older browser that sends neither
    ],
)
async def test_a_change_must_come_from_our_own_origin(client, make_caller, headers, allowed):
    admin = await make_caller("admin")
    await login(client, admin.email, admin.password)
    token = _page_token((await client.get("/forvaltningar/ny")).text)
    response = await client.post("/forvaltningar/ny", data={**NEW_DEPARTMENT, "_csrf_token": token}, headers=headers)
    if allowed:
        assert response.status_code in (302, 303), response.text
        assert "KU" in await _departments(client, admin)
    else:
        assert response.status_code == 403
        assert "annan webbplats" in response.text
        assert "KU" not in await _departments(client, admin)


async def test_the_login_form_works_from_our_origin_and_not_from_another(client, make_caller):
    admin = await make_caller("admin")
    token = _page_token((await client.get("/logga-in")).text)
    form = {"email": admin.email, "password": admin.password, "_csrf_token": token}
    foreign = await client.post("/logga-in", data=form, headers={"Origin": "https://angripare.example"})
    assert foreign.status_code == 403
    assert "samverkan_session" not in client.cookies
    assert (await client.post("/logga-in", data={**form, "_csrf_token": "x" * 128})).status_code == 403
    response = await client.post("/logga-in", data=form, headers={"Origin": OWN_ORIGIN})
    assert response.status_code in (302, 303), response.text
    assert client.cookies.get("samverkan_session")
    assert (await client.get("/")).status_code == 200


async def test_every_answer_carries_the_policy_and_hsts_when_cookies_are_secure(client, settings, make_caller):
    admin = await make_caller("admin")
    assert settings.cookie_secure
    for path, headers in [("/logga-in", {}), ("/api/v1/me", admin.headers), ("/static/app.css", {}), ("/finns-inte", {})]:
        response = await client.get(path, headers=headers)
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self';" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains", path


async def test_no_hsts_when_cookies_may_travel_over_plain_http(settings):
    from litestar.testing import AsyncTestClient

    from samverkan.app import create_app

    app = create_app(dataclasses.replace(settings, cookie_secure=False))
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as plain:
        response = await plain.get("/logga-in")
    assert response.status_code == 200
    assert "strict-transport-security" not in response.headers
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_the_client_is_the_rightmost_address_that_is_not_a_trusted_proxy():
    import ipaddress

    from samverkan.web.hardening import client_address

    proxies = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"))
    chain = ["203.0.113.66, 198.51.100.7", "10.1.2.3"]  # the client wrote the first address itself
    assert client_address("127.0.0.1", chain, proxies) == "198.51.100.7"
    assert client_address("192.0.2.1", chain, proxies) == "192.0.2.1"  # not a proxy of ours: header ignored
    assert client_address("127.0.0.1", [], proxies) == "127.0.0.1"
    assert client_address("127.0.0.1", ["10.0.0.5"], proxies) == "10.0.0.5"  # only proxies: the farthest
    assert client_address("127.0.0.1", ["198.51.100.7"], ()) == "127.0.0.1"


async def _throttled_after_guesses(base_url: str, forwarded_for) -> bool:
    """Four guesses per permitted failure from what X-Forwarded-For names; is the next login throttled?
    Each guess is at another account, so only the per-address limit (4 × 1 failures) can trip."""
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        token = (await http.get("/logga-in")).cookies.get("csrftoken")
        http.cookies.clear()  # the cookie is Secure: httpx would not send it over http, so it goes by hand
        who = secrets.token_hex(3)  # accounts of their own: only the address can be throttled
        statuses = []
        for i in range(6):
            response = await http.post(
                "/logga-in", headers={"X-Forwarded-For": forwarded_for(i), "Cookie": f"csrftoken={token}"},
                data={"email": f"gissning{i}-{who}@test.example", "password": "x" * 12, "_csrf_token": token},
            )
            statuses.append(response.status_code)
        assert set(statuses) <= {401, 429}, statuses
        return statuses[-1] == 429


async def test_x_forwarded_for_counts_only_from_a_trusted_proxy():
    def spoofed(i: int) -> str:
        return f"198.51.100.{i + 1}"  # a new address each time: escapes the throttle if believed

    def behind_proxy(i: int) -> str:
        return f"203.0.113.{i + 1}, 192.0.2.10"  # the client forges the left part; the proxy adds the right

    async with demo_server("samverkan_proxy_none", SAMVERKAN_LOGIN_MAX_FAILURES="1") as server:
        # Trusting nobody (the default): every guess is from 127.0.0.1 and the address is throttled.
        assert await _throttled_after_guesses(server.base_url, spoofed)
    async with demo_server("samverkan_proxy_trusted", SAMVERKAN_LOGIN_MAX_FAILURES="1",
                           SAMVERKAN_TRUSTED_PROXIES="127.0.0.0/8, ::1") as server:
        assert not await _throttled_after_guesses(server.base_url, spoofed)  # six clients, one guess each
        # ...but only the rightmost untrusted address is the client: forging the rest does not help.
        assert await _throttled_after_guesses(server.base_url, behind_proxy)
