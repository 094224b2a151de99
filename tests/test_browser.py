"""End to end in a real headless Chromium: log in, search, edit, validation, roles, log out,
and axe-core on every page.

The browser talks to a real server (``samverkan serve --demo``) started here in a subprocess with a
database of its own: a fresh data dir for SQLite, or, when the suite runs on PostgreSQL, a fresh
database on the same server (dropped afterwards). It uses its connection pool like production.

Chromium treats http://127.0.0.1 as a secure context, so the Secure session and CSRF cookies work
without HTTPS and the server keeps ``SAMVERKAN_COOKIE_SECURE`` at its default (true).

A missing Chromium fails these tests; it never skips them.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from conftest import FROZEN_DAY, clock_env, separate_database

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
PASSWORD = "samverkan-demo"  # samverkan.demo.DEMO_PASSWORD
ADMIN = "admin@lund.example"
UNION = "vision@lund.example"
VOF = "Vård- och omsorgsförvaltningen"
START_TIMEOUT = 60.0  # seconds for migrations, demo data and start-up
REGISTERS = {  # URL -> heading of the list page
    "/forvaltningar": "Förvaltningar",
    "/fackforbund": "Fackförbund",
    "/personer": "Personer",
    "/samverkansgrupper": "Samverkansgrupper",
}
ADMIN_REGISTERS = {**REGISTERS, "/anvandare": "Användare"}


# --- the server -------------------------------------------------------------------------------


def api_client(server: "Server", token: str) -> httpx.AsyncClient:
    """The JSON API with a token, for a module's set-up. Idle connections are dropped after 2 s,
    before uvicorn closes them (5 s): a request sent on a connection the server is closing at that
    moment ends in a ReadError (CI saw it once)."""
    return httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30,
                             limits=httpx.Limits(keepalive_expiry=2))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, base_url: str, process: subprocess.Popen, log: Path) -> None:
        self.base_url = base_url
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-10_000:]

    def url(self, path: str) -> str:
        return self.base_url + path


async def _wait_until_up(server: Server, port: int) -> None:
    """Until /health answers 200 from *our* process (uvicorn says so only after it bound the port)."""
    deadline = time.monotonic() + START_TIMEOUT
    last = "no answer yet"
    async with httpx.AsyncClient(timeout=2) as http:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                pytest.fail(f"the server exited with code {server.process.returncode}:\n{server.output()}", pytrace=False)
            if f"running on http://127.0.0.1:{port}" in server.output():
                try:
                    response = await http.get(server.url("/health"))
                    if response.status_code == 200:
                        return
                    last = f"{response.status_code} {response.text[:200]}"
                except httpx.HTTPError as exc:
                    last = repr(exc)
            await asyncio.sleep(0.2)
    pytest.fail(f"the server did not answer /health within {START_TIMEOUT:.0f}s ({last}):\n{server.output()}", pytrace=False)


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[Server]:
    async with demo_server("samverkan_browser", **clock_env(FROZEN_DAY)) as running:
        yield running


@contextlib.asynccontextmanager
async def demo_server(name: str, demo: bool = True, port: int | None = None, **env_changes: str | None) -> AsyncIterator[Server]:
    """``samverkan serve --demo`` (or without ``--demo``: an empty database) on a free port (or
    ``port``) with a database nobody else uses; the server's ``env`` is kept so that the CLI can
    reach the same database. A change of None removes the variable."""
    workdir = Path(tempfile.mkdtemp(prefix=name.replace("_", "-") + "-"))
    try:
        async with separate_database(workdir, name) as env:
            # INFO: uvicorn announces the bound port, requests are logged
            env.update(SAMVERKAN_SECRET_KEY=secrets.token_urlsafe(48), SAMVERKAN_LOG_LEVEL="INFO")
            for key, value in env_changes.items():
                if value is None:
                    env.pop(key, None)
                else:
                    env[key] = value
            async with _serve(env, workdir, demo, port) as running:
                running.env = env
                yield running
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.asynccontextmanager
async def _serve(env: dict[str, str], workdir: Path, demo: bool, port: int | None = None) -> AsyncIterator[Server]:
    port = port or _free_port()
    log = workdir / "server.log"
    process = None
    try:
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "samverkan", "serve", *(["--demo"] if demo else []), "--host", "127.0.0.1", "--port", str(port)],
                env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        running = Server(f"http://127.0.0.1:{port}", process, log)
        await _wait_until_up(running, port)
        yield running
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


# --- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium package", pytrace=False)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def new_page(browser: Browser, server: Server):
    """Pages in fresh browser contexts (own cookies), closed after the test."""
    contexts = []

    async def make() -> Page:
        context = await browser.new_context(base_url=server.base_url, locale="sv-SE")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return await context.new_page()

    yield make
    for context in contexts:
        await context.close()


async def log_in(page: Page, email: str) -> None:
    await page.goto("/logga-in")
    await page.get_by_label("E-postadress").fill(email)
    await page.get_by_label("Lösenord").fill(PASSWORD)
    await page.get_by_role("button", name="Logga in").click()
    await expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/$"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Att göra")


async def main_menu(page: Page) -> Locator:
    """The main menu, opened first where it folds behind "Meny" (a phone, 640 px or less)."""
    # Once the page has loaded, its stylesheet too: before it, the folded menu counts as visible
    # (a person never sees the page unstyled; the stylesheet blocks the first paint).
    await page.wait_for_load_state("load")
    menu = page.get_by_role("navigation", name="Huvudmeny")
    if not await menu.is_visible():
        await page.get_by_text("Meny", exact=True).click()
        await expect(menu).to_be_visible()
    return menu


async def open_page(page: Page, path: str) -> None:
    """A full load that must give 200 and an HTML page (not JSON shown as text)."""
    response = await page.goto(path)
    assert response is not None, path
    assert response.status == 200, f"{path}: {response.status}"
    assert response.headers.get("content-type", "").startswith("text/html"), f"{path}: {response.headers.get('content-type')}"


async def first_record_path(page: Page, list_path: str) -> str:
    await open_page(page, list_path)
    href = await page.locator("#results tbody a").first.get_attribute("href")
    assert href and re.fullmatch(rf"{list_path}/\d+", href), href
    return href


_axe = Axe()


async def assert_accessible(page: Page, what: str) -> None:
    """No axe-core violation of impact serious or critical on the page as it is now."""
    results = await _axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {', '.join(map(str, n['target']))}: {n['html'][:200]}\n      {n.get('failureSummary', '')}" for n in v["nodes"])
        for v in bad
    )
    assert not bad, f"axe on {what} ({page.url}):\n{report}"


# --- the tests --------------------------------------------------------------------------------


async def test_admin_searches_edits_and_logs_out(new_page) -> None:
    page = await new_page()
    await log_in(page, ADMIN)

    # The registry through the menu; the search narrows the list as one types (htmx, no reload).
    await page.get_by_role("navigation", name="Huvudmeny").get_by_text("Register").click()  # the registers' submenu
    await page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Förvaltningar").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Förvaltningar")
    rows = page.locator("#results tbody tr")
    await expect(rows).to_have_count(11)
    await page.evaluate("window.notReloaded = true")
    await page.get_by_label("Sök bland förvaltningar").press_sequentially("vård", delay=50)
    await expect(rows).to_have_count(1)
    await expect(page.locator("#results caption")).to_have_text("1 träff")
    await expect(page).to_have_url(re.compile(r"/forvaltningar\?q=v%C3%A5rd"))
    assert await page.evaluate("window.notReloaded === true"), "the search reloaded the page instead of swapping the list"

    await page.get_by_role("link", name=VOF).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(VOF)
    detail_url = page.url
    assert re.search(r"/forvaltningar/\d+$", detail_url), detail_url
    name, prefix = page.get_by_label("Namn"), page.get_by_label("Diarieprefix")
    await expect(prefix).to_have_value("VO")

    # A valid change is saved.
    await prefix.fill("VON")
    await page.get_by_role("button", name="Spara").click()
    await expect(page).to_have_url(re.compile(r"/forvaltningar/\d+\?sparad=1$"))
    await expect(page.get_by_role("status")).to_have_text("Sparat.")
    await assert_accessible(page, "the department form after saving")
    await page.reload()
    await expect(page.get_by_label("Diarieprefix")).to_have_value("VON")

    # An empty name: a Swedish error next to the field, and nothing is stored (not even the prefix).
    await page.goto(detail_url)
    await page.get_by_label("Namn").fill("")
    await page.get_by_label("Diarieprefix").fill("XYZ")
    await page.get_by_role("button", name="Spara").click()
    error = page.locator("#name-error")
    await expect(error).to_have_text("Fältet måste fyllas i.")
    field = page.locator(".field.has-error")
    await expect(field).to_have_count(1)
    await expect(field.locator("#name")).to_be_visible()  # the message sits in the name field's own block
    await expect(field.locator("#name-error")).to_be_visible()
    await expect(name).to_have_attribute("aria-invalid", "true")
    await expect(name).to_have_attribute("aria-describedby", re.compile(r"\bname-error\b"))
    await expect(page.get_by_role("alert")).to_contain_text("Namn: Fältet måste fyllas i.")
    await assert_accessible(page, "the department form with an error")
    await open_page(page, urlsplit(detail_url).path)
    await expect(page.get_by_label("Namn")).to_have_value(VOF)
    await expect(page.get_by_label("Diarieprefix")).to_have_value("VON")

    # Logging out ends the session.
    await page.get_by_role("button", name="Logga ut").click()
    await expect(page).to_have_url(re.compile(r"/logga-in$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    await page.goto("/forvaltningar")
    await expect(page).to_have_url(re.compile(r"/logga-in\?next=(/|%2F)forvaltningar$"))


async def test_every_page_passes_axe(new_page) -> None:
    page = await new_page()
    await open_page(page, "/logga-in")
    await assert_accessible(page, "the login page")
    await log_in(page, ADMIN)
    await assert_accessible(page, "the start page")

    for list_path, heading in ADMIN_REGISTERS.items():
        await open_page(page, list_path)
        await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        await assert_accessible(page, f"the list {list_path}")
        await open_page(page, await first_record_path(page, list_path))
        await expect(page.get_by_role("button", name="Spara")).to_be_visible()
        await assert_accessible(page, f"a record of {list_path}")
        await open_page(page, f"{list_path}/ny")
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Ny ")
        await assert_accessible(page, f"the new-record form of {list_path}")

    # Matters: the list, a matter from the demo year (parties, deadlines, timeline), the new form.
    await open_page(page, "/arenden")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ärenden")
    await assert_accessible(page, "the matter list")
    await page.locator("#results tbody a").first.click()
    await expect(page.get_by_role("heading", name="Frister")).to_be_visible()
    await assert_accessible(page, "a matter with its deadlines")
    await open_page(page, "/arenden/nytt")
    await assert_accessible(page, "the new-matter form")

    await open_page(page, "/konto")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mitt konto")
    await assert_accessible(page, "the account page")
    await page.get_by_label("Beskrivning").fill("rapportskript")
    await page.get_by_role("button", name="Skapa nyckel").click()
    await expect(page.locator("#new-token")).to_have_text(re.compile(r"\S{20,}"))
    await assert_accessible(page, "the account page with a new API token")

    response = await page.goto("/forvaltningar/999999")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("heading", level=1)).to_have_text("Hittades inte")
    await assert_accessible(page, "the not-found page")


async def test_union_user_reads_but_cannot_edit(new_page) -> None:
    page = await new_page()
    await log_in(page, UNION)
    await assert_accessible(page, "the start page of a union user")
    for list_path, heading in REGISTERS.items():
        await open_page(page, list_path)
        await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert await page.locator("#results tbody a").count() > 0, f"{list_path} shows a union user nothing"
        await expect(page.get_by_role("link", name=re.compile(r"^Ny "))).to_have_count(0)
    await expect(page.get_by_role("link", name="Användare")).to_have_count(0)
    assert (await page.goto("/anvandare")).status == 403

    await page.goto("/forvaltningar")
    await page.get_by_role("link", name=VOF).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(VOF)
    await expect(page.get_by_label("Namn")).to_have_value(VOF)
    await expect(page.get_by_label("Namn")).to_be_disabled()
    await expect(page.get_by_role("button", name="Spara")).to_have_count(0)
    await expect(page.get_by_role("button", name="Inaktivera")).to_have_count(0)
    await assert_accessible(page, "a department as read by a union user")

    response = await page.goto("/forvaltningar/ny")
    assert response is not None and response.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ingen behörighet")
    await assert_accessible(page, "the forbidden page")
