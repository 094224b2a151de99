"""Signing in with the municipality's account in a real Chromium, clicks and typing only: the
login page → the OpenID Provider's own login page → back in samverkan as the union representative
the groups say, on their start page (tests/test_sso.py has the protocol cases)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.async_api import expect

from identity_providers import CLIENT_ID, CLIENT_SECRET, OpenIdProvider, free_port
from test_browser import assert_accessible, browser, demo_server  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.browser


async def test_a_union_representative_signs_in_with_the_municipality_s_account(browser):  # noqa: F811
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with OpenIdProvider(base + "/logga-in/sso/klar", base + "/logga-in") as provider:
        provider.person("karin.fack", "Karin Fack", "karin.fack@lund.example", ["sg-vision-ombud"])
        async with demo_server(
            "sso-browser", port=port, SAMVERKAN_BASE_URL=base, SAMVERKAN_COOKIE_SECURE="false",
            SAMVERKAN_OIDC_ISSUER=provider.issuer, SAMVERKAN_OIDC_CLIENT_ID=CLIENT_ID, SAMVERKAN_OIDC_CLIENT_SECRET=CLIENT_SECRET,
            SAMVERKAN_OIDC_GROUP_MAP=json.dumps({"sg-vision-ombud": {"role": "union", "union": "Vision"}}),
            SAMVERKAN_PASSWORD_LOGIN="false", AUTHLIB_INSECURE_TRANSPORT="1",  # the test provider speaks http
        ) as server:
            # On the desktop from the login page to the start page; on the phone from a link in a mail.
            for width, height, path in ((1366, 800, "/"), (390, 844, "/att-justera")):
                context = await browser.new_context(base_url=server.base_url, locale="sv-SE",
                                                    viewport={"width": width, "height": height}, is_mobile=width < 500)
                context.set_default_timeout(15_000)
                page = await context.new_page()
                await page.goto(path)
                await expect(page).to_have_url(re.compile(r"/logga-in"))
                await assert_accessible(page, f"the login page with sign-on at {width} px")
                await page.get_by_role("link", name="Logga in med kommunens konto").click()
                # The provider's own page: type the login and a password, press its button.
                await page.locator("input[name=login]").fill("karin.fack")
                await page.locator("input[name=password]").fill("vad-som-helst")
                await page.get_by_role("button", name="Sign-in").click()
                await expect(page).to_have_url(base + path)
                await expect(page.locator("header")).to_contain_text("Karin Fack")
                await expect(page.locator("header")).to_contain_text("Fackförbund")
                await context.close()
