"""Every page on a phone and on paper.

Each role of the demo visits every page of the site map at 390×844 (a phone: ``is_mobile``, touch)
and no page may be wider than the screen (``document.documentElement.scrollWidth``); axe-core finds
nothing serious or critical there. At 1366×800 the main menu stays on one line. Printed, a meeting,
its protocol and the deadlines show their content without the menu, the forms' buttons or the
footer.

One server and one browser for the module; one logged-in context per role and width, reused by
the tests.
"""

from __future__ import annotations

import re
from typing import AsyncIterator, Awaitable, Callable
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from conftest import FROZEN_DAY, clock_env
from test_browser import (  # noqa: F401  (browser is a fixture used by name)
    ADMIN,
    VOF,
    Server,
    assert_accessible,
    browser,
    demo_server,
    log_in,
    main_menu,
)

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 800}}
PAPER = {"width": 700, "height": 1000}  # about an A4 page's printable width at 96 dpi
# The union login is Kommunal's skyddsombud: a party to matters and meetings, and a reader of SAM.
ROLES = {"admin": ADMIN, "hr": "hr@lund.example", "department": "vof@lund.example", "union": "skyddsombud.kommunal@lund.example"}
EVERYONE = frozenset(ROLES)
EMPLOYER = frozenset({"admin", "hr", "department"})
ADMIN_ONLY = frozenset({"admin"})
AXE_ROLES = {"admin"}  # axe on every page at 390 px: the administrator sees every page, and axe is slow
# At 1366 px the other browser tests run axe on their pages; here the pages the issue names.
AXE_WIDE = {"/", "/frister", "/sam", "/arenden", "/moten"}
AXE_WIDE_RECORDS = r"/moten/\d+(/protokoll)?"


async def _choose_vof(page: Page) -> None:
    """The demo's SAM records are VOF's: show them (the page starts with the viewer's first department)."""
    await page.get_by_label("Förvaltning").select_option(label=VOF)
    await page.get_by_role("button", name="Visa").click()
    await expect(page.get_by_role("heading", level=2, name=VOF)).to_be_visible()


async def _make_document(page: Page) -> None:
    await page.get_by_role("button", name="Skapa dokumentet").click()
    await expect(page).to_have_url(re.compile(r"/dokument/\d+$"))


# The site map: every page, who may open it, and optionally what to click there before it is
# checked. "N" stands for a record's id: the page opened is the first link of that shape met on the
# pages visited before (so a list comes before its records), else on the record pages met so far.
# A page added to the service is added here.
SITE_MAP: list[tuple[str, frozenset[str]] | tuple[str, frozenset[str], Callable[[Page], Awaitable[None]]]] = [
    ("/", EVERYONE),
    ("/arenden", EVERYONE),
    ("/arenden/N", EVERYONE),
    ("/arenden/N/redigera", EMPLOYER),
    ("/arenden/nytt", EMPLOYER),
    ("/moten", EVERYONE),
    ("/moten/N", EVERYONE),
    ("/moten/nytt", EMPLOYER),
    ("/att-justera", EVERYONE),
    ("/moten/N/protokoll", EVERYONE),
    ("/moten/N", EVERYONE, _make_document),  # the demo has no documents: make one
    ("/frister", EVERYONE),
    ("/grupper", EVERYONE),
    ("/grupper/N", EVERYONE),
    ("/grupper/N/arsplan", EVERYONE),
    ("/fragor/N", EMPLOYER),
    ("/atgarder/N", EMPLOYER),
    ("/regler", EVERYONE),
    ("/regler/ny", ADMIN_ONLY),
    ("/sam", EVERYONE, _choose_vof),
    ("/sam/riskbedomningar/N", EVERYONE),
    ("/sam/riskbedomningar/ny", EMPLOYER),
    ("/sam/atgarder/N", EVERYONE),
    ("/sam/uppfoljningar/N", EVERYONE),
    ("/sam/uppfoljningar/ny", EMPLOYER),
    ("/sam/begaran/N", EVERYONE),
    ("/sam/begaran/ny", EVERYONE),
    ("/forvaltningar", EVERYONE),
    ("/forvaltningar/N", EVERYONE),
    ("/forvaltningar/ny", ADMIN_ONLY),
    ("/fackforbund", EVERYONE),
    ("/fackforbund/N", EVERYONE),
    ("/fackforbund/ny", ADMIN_ONLY),
    ("/personer", EVERYONE),
    ("/personer/N", EVERYONE),
    ("/personer/ny", ADMIN_ONLY),
    ("/samverkansgrupper", EVERYONE),
    ("/samverkansgrupper/N", EVERYONE),
    ("/samverkansgrupper/ny", ADMIN_ONLY),
    ("/anvandare", ADMIN_ONLY),
    ("/anvandare/N", ADMIN_ONLY),
    ("/anvandare/ny", ADMIN_ONLY),
    ("/mallar", ADMIN_ONLY),
    ("/hjalp/mallar", ADMIN_ONLY),
    ("/logg", ADMIN_ONLY),
    ("/utkorg", ADMIN_ONLY),
    ("/notiser", EVERYONE),
    ("/konto", EVERYONE),
]

# What sticks out past the right edge: the outermost such elements, for the failure message.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [...document.body.querySelectorAll("*")].filter(e => e.getBoundingClientRect().right > width + 0.5);
  return out.filter(e => !out.includes(e.parentElement)).slice(0, 5).map(e =>
    `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.className && typeof e.className === "string" ? "." + e.className.trim().replace(/\\s+/g, ".") : ""}`
    + ` right=${Math.round(e.getBoundingClientRect().right)}: ${(e.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60)}`);
}"""


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[Server]:
    async with demo_server("samverkan_browser_phone", **clock_env(FROZEN_DAY)) as running:
        yield running


@pytest.fixture(scope="module")
async def signed_in(browser: Browser, server: Server) -> AsyncIterator:
    """A logged-in page per (role, width), made on first use and kept for the module."""
    contexts: dict[tuple[str, str], BrowserContext] = {}
    pages: dict[tuple[str, str], Page] = {}

    async def get(role: str, width: str = "phone") -> Page:
        if (role, width) not in pages:
            context = await browser.new_context(base_url=server.base_url, locale="sv-SE", **(PHONE if width == "phone" else DESKTOP))
            context.set_default_timeout(10_000)
            contexts[role, width] = context
            page = await context.new_page()
            await log_in(page, ROLES[role])
            pages[role, width] = page
        return pages[role, width]

    yield get
    for context in contexts.values():
        await context.close()


async def _links(page: Page) -> list[str]:
    return await page.locator("a[href^='/']").evaluate_all("els => els.map(e => e.getAttribute('href').split(/[?#]/)[0])")


def _shape(entry: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(entry).replace("N", r"\d+") + "$")


DETAIL_SHAPES = [_shape(entry) for entry, *_ in SITE_MAP if "N" in entry]
MAX_DETOURS = 8  # pages opened to find a link of a shape not met yet


async def _visit_site_map(page: Page, role: str) -> AsyncIterator[str]:
    """Opens each page of the site map the role may see, yielding its path once loaded. A record
    page whose link was not met yet is looked for on the record pages met so far, in order."""
    met: dict[str, None] = {}  # links in the order met
    visited: set[str] = set()

    async def visit(path: str, then: list | None = None) -> str:
        response = await page.goto(path)
        assert response is not None and response.status == 200, f"{role} {path}: {response and response.status}"
        assert response.headers.get("content-type", "").startswith("text/html"), f"{role} {path}: not a page"
        for action in then or ():
            await action(page)
        path = urlsplit(page.url).path
        visited.add(path)
        met.update(dict.fromkeys(await _links(page)))
        return path

    for entry, roles, *then in SITE_MAP:
        if role not in roles:
            continue
        if "N" not in entry:
            yield await visit(entry, then)
            continue
        shape = _shape(entry)
        for _ in range(MAX_DETOURS):
            if any(shape.match(link) for link in met):
                break
            detour = next((link for link in met if link not in visited and any(s.match(link) for s in DETAIL_SHAPES)), None)
            if detour is None:
                break
            yield await visit(detour)
        path = next((link for link in met if shape.match(link)), None)
        assert path, f"{role}: no link to {entry} on the pages visited: {sorted(visited)}"
        if path not in visited or then:
            yield await visit(path, then)


@pytest.mark.parametrize("role", ROLES)
async def test_every_page_fits_a_phone(signed_in, role):
    page = await signed_in(role)
    too_wide = []
    async for path in _visit_site_map(page, role):
        width = await page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["viewport"]["width"]:
            too_wide.append(f"{path}: {width} px\n    " + "\n    ".join(await page.evaluate(OVERFLOW)))
        if role in AXE_ROLES:
            await assert_accessible(page, f"{path} on a phone as {role}")
    assert not too_wide, f"{role}: pages wider than the phone:\n" + "\n".join(too_wide)


async def test_the_menu_folds_on_a_phone(browser, server, signed_in):
    """Behind "Meny" on a phone, with JavaScript off too; it opens and leads on."""
    context = await browser.new_context(base_url=server.base_url, locale="sv-SE", java_script_enabled=False, **PHONE)
    context.set_default_timeout(10_000)
    try:
        page = await context.new_page()
        await log_in(page, ROLES["union"])
        menu = page.get_by_role("navigation", name="Huvudmeny")
        await expect(menu).to_be_hidden()
        await page.get_by_text("Meny", exact=True).click()
        await expect(menu).to_be_visible()
        await menu.get_by_role("link", name="Möten").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Möten")
        await expect(menu).to_be_hidden()
        await page.get_by_role("checkbox", name="Meny").check()  # the keyboard's way: the box itself
        await expect(menu).to_be_visible()
    finally:
        await context.close()
    # With script (htmx boosts the links), and axe on the open menu.
    page = await signed_in("admin")
    await page.goto("/")
    menu = await main_menu(page)
    await assert_accessible(page, "the open menu on a phone")
    await menu.get_by_role("link", name="Frister").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Frister")
    await expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_hidden()


async def test_every_page_fits_a_wide_screen_with_the_menu_on_one_line(signed_in):
    """At 1366 px the administrator's menu, the longest, keeps to one line on every page."""
    page = await signed_in("admin", "desktop")
    problems = []
    async for path in _visit_site_map(page, "admin"):
        lines = await page.get_by_role("navigation", name="Huvudmeny").locator(":scope > ul > li").evaluate_all(
            "els => new Set(els.map(e => e.getBoundingClientRect().top)).size")
        width = await page.evaluate("document.documentElement.scrollWidth")
        if lines != 1 or width > DESKTOP["viewport"]["width"]:
            problems.append(f"{path}: the menu on {lines} lines, the page {width} px wide")
        if path in AXE_WIDE or re.fullmatch(AXE_WIDE_RECORDS, path):
            await assert_accessible(page, f"{path} at 1366 px")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("what", ["meeting", "protocol", "deadlines"])
async def test_printed_pages_show_the_content_without_menu_or_buttons(signed_in, what):
    page = await signed_in("admin", "desktop")
    await page.goto("/moten")
    meeting = await page.locator("#results a[href^='/moten/']").first.get_attribute("href")
    path = {"meeting": meeting, "protocol": f"{meeting}/protokoll", "deadlines": "/frister"}[what]
    response = await page.goto(path)
    assert response is not None and response.status == 200, path
    await expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_visible()
    await page.emulate_media(media="print")
    await page.set_viewport_size(PAPER)
    try:
        await expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_hidden()
        await expect(page.get_by_role("button")).to_have_count(0)
        await expect(page.get_by_role("link", name="Logga ut")).to_have_count(0)
        await expect(page.get_by_role("contentinfo")).to_be_hidden()
        await expect(page.get_by_role("heading", level=1)).to_be_visible()
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PAPER["width"], f"{path} printed is {width} px wide:\n" + "\n".join(await page.evaluate(OVERFLOW))
    finally:
        await page.emulate_media(media="screen")
        await page.set_viewport_size(DESKTOP["viewport"])
