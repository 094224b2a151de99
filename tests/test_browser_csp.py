"""The Content-Security-Policy holds in a real Chromium: every demo role walks the site (the menu,
then one page of each kind linked from there) and no page reports a CSP violation, a console error
or an uncaught script error. htmx is exercised too: boosted navigation and the live search."""

from __future__ import annotations

import re
from typing import AsyncIterator
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page, expect

from conftest import FROZEN_DAY, clock_env
from test_browser import (  # noqa: F401  (browser and new_page are fixtures used by name)
    ADMIN,
    UNION,
    Server,
    browser,
    demo_server,
    log_in,
    new_page,
)

pytestmark = pytest.mark.browser

ROLES = [ADMIN, "hr@lund.example", "vof@lund.example", UNION, "skyddsombud.kommunal@lund.example"]
MAX_PAGES = 40  # per role: the menu and one page of each shape linked from it
# Files, not pages (a download is no page to check; links marked `download` are left out too), and what ends the session.
NOT_PAGES = re.compile(r"/(word|pdf|dokument|exempel)$|\.(zip|csv|ics|docx|pdf)$|^/(health|logga-ut|static/)|^/mallar/[^/]+$")

# Runs before any script of the page (Playwright's own injection is not subject to the policy).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective}: ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
});
"""


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[Server]:
    async with demo_server("samverkan_browser_csp", **clock_env(FROZEN_DAY)) as running:
        yield running


def _shape(path: str) -> str:
    """/arenden/17 and /arenden/18 are the same kind of page: visit one."""
    return re.sub(r"\d+", "N", path)


async def _links(page: Page) -> list[str]:
    hrefs = await page.locator("a[href^='/']:not([download])").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return [h.split("#")[0] for h in hrefs if h and not NOT_PAGES.search(urlsplit(h).path)]


async def _problems(page: Page, console: list[str]) -> list[str]:
    violations = await page.evaluate("window.__violations || []")
    return [*console, *violations]


@pytest.mark.parametrize("email", ROLES)
async def test_no_page_breaks_the_content_security_policy(new_page, email):
    page = await new_page()
    await page.context.add_init_script(LISTEN)
    console: list[str] = []
    page.on("console", lambda m: console.append(f"console {m.type}: {m.text} ({m.location.get('url')})") if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(f"script error: {e}"))

    await log_in(page, email)
    menu = await page.get_by_role("navigation", name="Huvudmeny").locator("a").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))")
    assert len(menu) >= 10, menu
    # Boosted navigation (htmx swaps the body) through the menu, then a live search (htmx swaps the list).
    await page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ärenden").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ärenden")
    await page.locator("#q").press_sequentially("avtal", delay=30)
    await expect(page).to_have_url(re.compile(r"q=avtal"))

    queue, seen, visited = list(menu), {_shape(p) for p in menu}, []
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        response = await page.goto(path)
        assert response is not None and response.status == 200, f"{email} {path}: {response and response.status}"
        visited.append(path)
        problems = await _problems(page, console)
        assert not problems, f"{email} on {path}:\n" + "\n".join(problems)
        for link in await _links(page):
            if _shape(link) not in seen:
                seen.add(_shape(link))
                queue.append(link)
    # The walk reached the pages behind the lists, not only the menu.
    assert any(re.fullmatch(r"/(arenden|moten)/\d+", p) for p in visited), visited
    assert len(visited) > len(menu), visited

    # The listener does catch a violation: an inline script added now is refused and reported.
    await page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.ran = 1";
                                   document.body.append(s); }""")
    await page.wait_for_function("window.__violations.length > 0")
    assert await page.evaluate("window.ran === undefined")
