"""The deadline and reminder pages end to end in a real headless Chromium: the deadlines dashboard
(/frister) for HR and for a union party, the rule catalogue (/regler) and the administrators'
editor of a local rule set (/regler/ny) with its errors, preview and save, the notifications
(/notiser) and the badge in the header after a sweep, the outbox (/utkorg) with its filters, and
the warning that reminders are not being sent while no sweep has run. axe-core on every page.

Like tests/test_browser.py (whose browser helpers are used here) the browser talks to a real
``samverkan serve --demo`` with a database of its own, with the in-process scheduler off, so that
no sweep runs unless a test runs one (``samverkan sweep --once`` with the server's environment and
no SMTP server: mail goes to the log). What a test needs beyond the demo data it makes itself
through the JSON API with an hr token from ``samverkan token create``.

The stale-sweep banner can only be seen before the first sweep, so a module fixture loads a page
right after start-up and keeps it; the fixture that sweeps depends on it. The tests can therefore
run in any order.

Set SCREENSHOTS_DIR to a directory to keep screenshots of the pages (shot-deadlines-*.png).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import AsyncIterator

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from test_browser_meeting import Api as MeetingApi
from conftest import FROZEN_DAY, clock_env
from test_browser import (  # noqa: F401  (browser and new_page are fixtures used by name)
    ADMIN,
    UNION,
    VOF,
    Server,
    api_client,
    demo_server,
    assert_accessible,
    browser,
    log_in,
    new_page,
    open_page,
)

pytestmark = pytest.mark.browser

HR = "hr@lund.example"
DEPARTMENT_USER = "vof@lund.example"  # the demo's department user of VOF
OVERDUE = "Passerade och inte uppfyllda"
THIS_WEEK = "Går ut inom en vecka"
THIS_MONTH = "Går ut inom 30 dagar"
PROTOCOL_RULE = "AGR-PROTOCOL-APPROVAL"  # "Protokollet justeras", 14 days by default
STALE_WARNING = "Påminnelser skickas inte just nu"
STALE_CACHE_SECONDS = 30  # samverkan.web.page_status._STALE_CHECK_SECONDS


def today() -> dt.date:
    """Today in Sweden, as the server counts: its clock is put on FROZEN_DAY (conftest.clock_env)."""
    return FROZEN_DAY


def unique(title: str) -> str:
    return f"{title} {secrets.token_hex(3)}"


def run_cli(server: Server, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "samverkan", *args], env=server.env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"samverkan {' '.join(args)}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


# --- the server, with a way in for the API ---------------------------------------------------


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[Server]:
    """The demo with the scheduler off and no SMTP server (mail goes to the log)."""
    no_smtp = {k: None for k in os.environ if k.startswith("SAMVERKAN_SMTP_")}
    async with demo_server("samverkan_browser_deadlines", SAMVERKAN_SCHEDULER="false", **no_smtp, **clock_env(FROZEN_DAY)) as running:
        yield running


class Api(MeetingApi):
    """The JSON API as hr (the meeting tests' helper), and a matter with an event."""

    async def matter_with_event(self, title: str, event: str, day: dt.date) -> dict:
        """A 38 § MBL matter (16 § 2 st. applies to it, not to 11–13 §§) in VOF with Vision as party, and one event of Vision's."""
        matter = await self.post("/api/v1/matters", {
            "title": title, "kind": "contracting_out", "department_id": self.ids["department"],
            "union_ids": [self.ids["vision"]],
        })
        await self.post(f"/api/v1/matters/{matter['id']}/events", {
            "type": event, "date": day.isoformat(), "union_id": self.ids["vision"], "note": "Skapad av webbläsartestet.",
        })
        return matter

    async def deadline(self, matter_id: int, rule: str) -> dict:
        found = [d for d in await self.get(f"/api/v1/matters/{matter_id}/deadlines") if d["rule"] == rule]
        assert len(found) == 1, f"matter {matter_id}: {rule} found {len(found)} times"
        return found[0]


@pytest.fixture(scope="module")
async def api(server: Server) -> AsyncIterator[Api]:
    token = run_cli(server, "token", "create", HR, "--label", "browser-deadlines-test").strip().splitlines()[-1].strip()
    async with api_client(server, token) as http:
        client = Api(http)
        client.ids = {
            "department": await client.one("/api/v1/departments", VOF),
            "vision": await client.one("/api/v1/unions", "Vision"),
        }
        yield client


@pytest.fixture(scope="module")
async def soon(api: Api) -> dict:
    """A matter whose 16 § meeting (two weeks from Vision's request, ten days ago) is due within the
    coming week; made before any sweep, so the sweep reminds its employer side of it."""
    matter = await api.matter_with_event(unique("Förhandling på begäran om schemaläggning"), "request_received",
                                         today() - dt.timedelta(days=10))
    matter["deadline"] = await api.deadline(matter["id"], "MBL16-MEET-LOCAL")
    return matter


@pytest.fixture(scope="module")
async def before_sweep(browser: Browser, server: Server) -> AsyncIterator[Page]:
    """A page loaded as admin right after start-up, before any sweep, kept open for the module."""
    context = await browser.new_context(base_url=server.base_url, locale="sv-SE")
    context.set_default_timeout(10_000)
    try:
        page = await context.new_page()
        await log_in(page, ADMIN)
        await open_page(page, "/")  # a full load (not an htmx swap)
        yield page
    finally:
        await context.close()


@pytest.fixture(scope="module")
def swept(server: Server, soon: dict, before_sweep: Page) -> float:
    """One sweep, after the matter due soon exists and the page before any sweep was loaded.
    Gives the time.monotonic() at which it finished."""
    run_cli(server, "sweep", "--once")
    return time.monotonic()


# --- helpers ----------------------------------------------------------------------------------


def section(page: Page, heading: str) -> Locator:
    return page.locator("section").filter(has=page.get_by_role("heading", level=2, name=re.compile(rf"^{re.escape(heading)}")))


def matter_row(where: Locator, matter: dict) -> Locator:
    return where.locator("tbody tr").filter(has=where.page.get_by_role("link", name=matter["diary_no"], exact=True))


async def screenshot(page: Page, name: str) -> None:
    directory = os.environ.get("SCREENSHOTS_DIR")
    if directory:
        await page.set_viewport_size({"width": 1280, "height": 1000})
        await page.screenshot(path=str(Path(directory) / f"shot-deadlines-{name}.png"), full_page=True)


def messages(count: int) -> str:
    return f"{count} meddelande" if count == 1 else f"{count} meddelanden"


def header_notices(page: Page) -> Locator:
    return page.locator("header .who").get_by_role("link", name=re.compile(r"^Notiser"))


# --- the tests --------------------------------------------------------------------------------


async def test_stale_sweep_warning_before_any_sweep(before_sweep: Page) -> None:
    page = before_sweep
    banner = page.get_by_role("alert").filter(has_text=STALE_WARNING)
    await expect(banner).to_have_count(1)
    await expect(banner).to_contain_text("inget svep har gått klart på över tio minuter")
    await expect(banner.get_by_role("link", name="utkorgen")).to_have_attribute("href", "/utkorg")  # an admin's way on
    await assert_accessible(page, "a page with the stale-sweep warning")
    await screenshot(page, "stale-warning")


async def test_dashboard_shows_a_deadline_due_this_week(new_page, api: Api, soon: dict, swept: float) -> None:
    # The sweep changes nothing here; run early, it lets the banner's cache expire while the other
    # tests run (test_stale_warning_goes_after_a_sweep).
    due = dt.date.fromisoformat(soon["deadline"]["due"])
    assert today() <= due <= today() + dt.timedelta(days=7), f"the 16 § deadline is due {due}, not within the week"

    for who in (HR, UNION):  # the employer side, and Vision as the matter's party
        page = await new_page()
        await log_in(page, who)
        await page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Frister").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Frister")
        await expect(page).to_have_url(re.compile(r"/frister$"))
        if who == UNION:  # a union first sees its own deadlines; the meeting is the employer's to call
            await expect(matter_row(section(page, THIS_WEEK), soon)).to_have_count(0)
            await page.get_by_role("navigation", name="Ansvarig part").get_by_role("link", name="Alla").click()
            await expect(page).to_have_url(re.compile(r"/frister\?ansvar=alla$"))
        for heading in (OVERDUE, THIS_WEEK, THIS_MONTH):
            await expect(section(page, heading)).to_have_count(1)
        row = matter_row(section(page, THIS_WEEK), soon)
        await expect(row).to_have_count(1)
        await expect(row).to_contain_text(due.isoformat())
        await expect(row).to_contain_text("Förhandlingssammanträde")
        await expect(row).to_contain_text("16 § 2 st. MBL")
        await expect(row).to_contain_text(soon["title"])
        for heading in (OVERDUE, THIS_MONTH):
            await expect(matter_row(section(page, heading), soon)).to_have_count(0)
        await assert_accessible(page, f"the deadlines dashboard as {who}")
        await screenshot(page, f"dashboard-{who.split('@')[0]}")

        await row.get_by_role("link", name=soon["diary_no"], exact=True).click()
        await expect(page).to_have_url(re.compile(rf"/arenden/{soon['id']}#frister$"))
        await expect(page.get_by_role("heading", level=1)).to_contain_text(soon["title"])
        deadlines = page.locator("table.deadlines")
        await expect(deadlines.locator("tr").filter(has_text="Förhandlingssammanträde")).to_contain_text(due.isoformat())


async def test_admin_makes_a_local_rule_set_version(new_page, api: Api) -> None:
    # A meeting held today starts a protocol deadline (14 days) that the new version moves to 21.
    matter = await api.matter_with_event(unique("Förhandling om nya arbetstider"), "meeting_held", today())
    before = dt.date.fromisoformat((await api.deadline(matter["id"], PROTOCOL_RULE))["due"])
    assert before == today() + dt.timedelta(days=14), before
    after = today() + dt.timedelta(days=21)

    page = await new_page()
    await log_in(page, ADMIN)
    await page.get_by_role("navigation", name="Huvudmeny").get_by_text("Register").click()  # the registers' submenu
    await page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Fristregler").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Fristregler")
    await page.get_by_role("link", name="Ny version av en lokal regeluppsättning").click()
    await expect(page).to_have_url(re.compile(r"/regler/ny$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ny version av en lokal regeluppsättning")

    name = unique("Lunds samverkansavtal 2026")
    await page.get_by_label("Namn").fill(name)
    await page.get_by_label("Gäller från").fill(today().isoformat())
    rule = page.locator("tbody tr").filter(has=page.locator("code", has_text=PROTOCOL_RULE))
    await expect(rule).to_have_count(1)
    await rule.get_by_role("checkbox", name=re.compile(r"^Ändra ")).check()
    length = rule.get_by_role("textbox", name=re.compile(r"^Längd för "))
    await expect(length).to_have_value("14")
    await length.fill("-1")
    await page.get_by_role("button", name="Förhandsgranska").click()

    # The error sits in the rule's own length cell, tied to the field; the summary says what to fix.
    error = rule.locator(f'[id="{PROTOCOL_RULE}.length-error"]')
    await expect(error).to_have_text("Längden måste vara ett heltal från 1 till 1000.")
    length = rule.get_by_role("textbox", name=re.compile(r"^Längd för "))
    await expect(length).to_have_attribute("aria-invalid", "true")
    await expect(length).to_have_attribute("aria-describedby", f"{PROTOCOL_RULE}.length-error")
    await expect(length).to_have_value("-1")  # what was typed stays
    await expect(rule.get_by_role("checkbox", name=re.compile(r"^Ändra "))).to_be_checked()
    await expect(page.get_by_label("Namn")).to_have_value(name)
    summary = page.locator(".error-summary")
    await expect(summary).to_have_attribute("role", "alert")
    await expect(summary.get_by_role("heading")).to_have_text("Något behöver rättas")
    await expect(summary).to_contain_text("Längden måste vara ett heltal från 1 till 1000.")
    await expect(page.locator("#preview")).to_have_count(0)
    await assert_accessible(page, "the rule-set editor with an error")
    await screenshot(page, "rule-set-error")

    # Fixed: the preview lists the open deadline that would move, and nothing is stored yet.
    await length.fill("21")
    await page.get_by_role("button", name="Förhandsgranska").click()
    preview = page.locator("#preview")
    await expect(preview.get_by_role("heading", level=2)).to_have_text(re.compile(r"^Förhandsgranskning: \d+ "))
    await expect(page.locator(".error-summary")).to_have_count(0)
    moved = matter_row(preview, matter)
    await expect(moved).to_have_count(1)
    await expect(moved.locator("td").nth(2)).to_have_text(before.isoformat())
    await expect(moved.locator("td").nth(3)).to_have_text(after.isoformat())
    await expect(rule.get_by_role("textbox", name=re.compile(r"^Längd för "))).to_have_value("21")
    await assert_accessible(page, "the rule-set editor with a preview")
    await screenshot(page, "rule-set-preview")
    assert (await api.deadline(matter["id"], PROTOCOL_RULE))["due"] == before.isoformat()

    await page.get_by_role("button", name="Spara versionen").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Versionen är sparad")
    status = page.get_by_role("status")
    await expect(status).to_contain_text(name)
    await expect(status).to_contain_text(f"hela kommunen från {today().isoformat()}")
    await expect(status).to_contain_text(re.compile(r"(?<!\d)(1 öppen frist|(?!1 )\d+ öppna frister) flyttades"))
    saved = matter_row(page.locator("table.moves"), matter)
    await expect(saved.locator("td").nth(3)).to_have_text(after.isoformat())
    await assert_accessible(page, "the saved rule-set version")
    await screenshot(page, "rule-set-saved")
    assert (await api.deadline(matter["id"], PROTOCOL_RULE))["due"] == after.isoformat()

    # The catalogue shows the new version to everyone.
    await page.get_by_role("link", name="Till fristreglerna").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Fristregler")
    version = page.locator("section").filter(has=page.get_by_role("heading", level=2, name=name, exact=True))
    await expect(version).to_contain_text(f"Gäller hela kommunen från {today().isoformat()}")
    await expect(version.locator("tbody tr").filter(has_text=PROTOCOL_RULE)).to_contain_text("21 dagar")
    await expect(page.locator("main")).not_to_contain_text(re.compile(r"(?<!\d)1 (dagar|veckor|månader|arbetsdagar)\b"))  # "1 månad"
    await assert_accessible(page, "the rule catalogue")
    await screenshot(page, "rules")

    reader = await new_page()
    await log_in(reader, UNION)
    await open_page(reader, "/regler")
    await expect(reader.get_by_role("heading", level=2, name=name, exact=True)).to_have_count(1)
    await expect(reader.get_by_role("link", name="Ny version av en lokal regeluppsättning")).to_have_count(0)
    response = await reader.goto("/regler/ny")
    assert response is not None and response.status == 403, response and response.status


async def test_notifications_after_a_sweep(new_page, soon: dict, swept: float) -> None:
    page = await new_page()
    await log_in(page, DEPARTMENT_USER)
    await open_page(page, "/")  # a full load: the header counts the unread
    badge = header_notices(page).locator(".badge")
    await expect(badge).to_have_text(re.compile(r"^\d+ olästa$"))
    unread = int((await badge.inner_text()).split()[0])
    assert unread >= 1

    assert await header_notices(page).get_attribute("href") == "/notiser"
    await open_page(page, "/notiser")  # a full load (for the header after an htmx swap, see the next test)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Notiser")
    await expect(header_notices(page)).to_have_attribute("aria-current", "page")
    await expect(header_notices(page).locator(".badge")).to_have_text(f"{unread} olästa")
    reminder = page.locator("ul.notifications li").filter(has_text=f"({soon['diary_no']})").filter(has_text="Förhandlingssammanträde")
    await expect(reminder).to_have_count(1)
    await expect(reminder).to_contain_text("Oläst:")
    await expect(reminder.get_by_role("link")).to_contain_text("Förhandlingssammanträde")
    await expect(reminder.get_by_role("link")).to_have_attribute("href", f"/arenden/{soon['id']}")
    await assert_accessible(page, "the notifications with unread ones")
    await screenshot(page, "notifications")

    await page.get_by_role("button", name="Markera alla som lästa").click()
    await expect(page).to_have_url(re.compile(r"/notiser$"))
    await expect(page.get_by_role("button", name="Markera alla som lästa")).to_have_count(0)
    await expect(header_notices(page).locator(".badge")).to_have_count(0)
    await expect(reminder).to_have_count(1)
    await expect(reminder).not_to_contain_text("Oläst:")
    await page.reload()
    await expect(header_notices(page).locator(".badge")).to_have_count(0)
    await expect(page.locator("ul.notifications")).not_to_contain_text("Oläst:")
    await assert_accessible(page, "the notifications, all read")

    await reminder.get_by_role("link").click()
    await expect(page).to_have_url(re.compile(rf"/arenden/{soon['id']}$"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text(soon["title"])


async def test_header_keeps_its_status_after_htmx_navigation(new_page, soon: dict, swept: float) -> None:
    """The body is hx-boost'ed: a click on a link swaps in the whole next page, header included. The
    header must then still count the unread, and /notiser still offer to mark them read."""
    page = await new_page()
    await log_in(page, HR)  # the matter's creator: reminded of its 16 § meeting, never marks it read here
    await open_page(page, "/")
    badge = header_notices(page).locator(".badge")
    await expect(badge).to_have_text(re.compile(r"^\d+ olästa$"))
    unread = await badge.inner_text()

    await page.evaluate("window.notReloaded = true")
    await page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Frister").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Frister")
    assert await page.evaluate("window.notReloaded === true"), "the link was not followed by htmx"
    await expect(badge).to_have_text(unread)

    await header_notices(page).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Notiser")
    await expect(badge).to_have_text(unread)
    await expect(page.get_by_role("button", name="Markera alla som lästa")).to_be_visible()


async def test_outbox_lists_the_planned_mail_and_filters_by_state(new_page, swept: float) -> None:
    page = await new_page()
    await log_in(page, ADMIN)
    await page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utkorg").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Utkorg")
    await expect(page.locator("main p.help").first).not_to_contain_text("inget ännu")  # the sweep is shown
    filters = page.get_by_role("navigation", name="Filtrera på läge")
    await expect(filters.get_by_role("link", name="Alla")).to_have_attribute("aria-current", "page")
    total = int((await page.locator("main table caption").inner_text()).split()[0])
    assert total >= 1, "the sweep planned no mail"
    counts = {}
    for label in ("Väntar", "Skickas", "Skickat", "Misslyckat", "Inte skickat (fristen stängd)"):
        text = await filters.get_by_role("link", name=re.compile(rf"^{re.escape(label)} \(\d+\)$")).inner_text()
        counts[label] = int(re.search(r"\((\d+)\)$", text)[1])
    assert sum(counts.values()) == total, (counts, total)
    assert counts["Skickat"] >= 1, counts  # no SMTP server: mail "sent" into the log
    await expect(page.locator("main tbody tr").first).to_contain_text("@")
    await assert_accessible(page, "the outbox")
    await screenshot(page, "outbox")

    await filters.get_by_role("link", name=re.compile(r"^Skickat \(")).click()
    await expect(page).to_have_url(re.compile(r"/utkorg\?status=sent$"))
    await expect(filters.get_by_role("link", name=re.compile(r"^Skickat \("))).to_have_attribute("aria-current", "page")
    await expect(filters.get_by_role("link", name="Alla")).not_to_have_attribute("aria-current", "page")
    await expect(page.locator("main table caption")).to_have_text(messages(counts["Skickat"]))
    states = page.locator("main tbody tr td:nth-child(5)")
    await expect(states).to_have_count(min(counts["Skickat"], 50))
    for text in await states.all_inner_texts():
        assert text.startswith("Skickat"), text
    await assert_accessible(page, "the outbox filtered on sent")

    await filters.get_by_role("link", name=re.compile(r"^Misslyckat \(")).click()
    await expect(page).to_have_url(re.compile(r"/utkorg\?status=failed$"))
    await expect(page.locator("main table caption")).to_have_text(messages(counts["Misslyckat"]))
    if not counts["Misslyckat"]:
        await expect(page.locator("main tbody")).to_have_text("Inga meddelanden.")

    await filters.get_by_role("link", name="Alla").click()
    await expect(page).to_have_url(re.compile(r"/utkorg$"))
    await expect(page.locator("main table caption")).to_have_text(messages(total))

    # Not for anyone else.
    other = await new_page()
    await log_in(other, HR)
    await expect(other.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utkorg")).to_have_count(0)
    response = await other.goto("/utkorg")
    assert response is not None and response.status == 403, response and response.status


async def test_stale_warning_goes_after_a_sweep(new_page, swept: float) -> None:
    """The banner's state is cached for 30 s per process: wait out what was cached before the sweep."""
    wait = swept + STALE_CACHE_SECONDS + 1 - time.monotonic()
    if wait > 0:
        await asyncio.sleep(wait)
    page = await new_page()
    await log_in(page, HR)
    await open_page(page, "/frister")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Frister")
    await expect(page.get_by_text(STALE_WARNING)).to_have_count(0)
