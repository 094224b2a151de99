"""The SAM pages in a real headless Chromium against ``samverkan serve --demo``: a department
makes a risk assessment through the form (an error first, by field), adds an action to the plan
and marks it done; a skyddsombud reads the overview, comments, and sees that an unanswered 6:6a
request may go to Arbetsmiljöverket; axe-core on the pages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import AsyncIterator

import pytest
from playwright.async_api import expect

from samverkan.documents.render import text_of

from conftest import FROZEN_DAY, clock_env
from test_browser import (  # noqa: F401  (browser and new_page are fixtures used by name)
    VOF,
    Server,
    demo_server,
    assert_accessible,
    browser,
    log_in,
    new_page,
    open_page,
)

pytestmark = pytest.mark.browser

DEPARTMENT = "vof@lund.example"
SAFETY_REP = "skyddsombud.kommunal@lund.example"


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[Server]:
    async with demo_server("samverkan_browser_sam", **clock_env(FROZEN_DAY)) as running:
        yield running


async def test_a_department_makes_a_risk_assessment_and_works_its_action_plan(new_page):
    page = await new_page()
    await log_in(page, DEPARTMENT)
    await open_page(page, "/sam")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Systematiskt arbetsmiljöarbete")
    await expect(page.locator("#forvaltning")).to_have_value(re.compile(r"\d+"))
    await assert_accessible(page, "SAM-översikten")

    await page.get_by_role("link", name="Ny riskbedömning").click()
    await page.get_by_label("Rubrik").fill("Nya arbetstider i nattpatrullen")
    await page.get_by_label("Deltagare 1, namn").fill("Vera Mårtensson")
    await page.get_by_label("Deltagare 2, namn").fill("Örjan Nilsson")
    await page.get_by_label("Deltagare 2, roll").select_option("safety_rep")
    await page.get_by_label("Risk 1", exact=True).fill("Trötthet vid långa pass")
    await page.get_by_label("Sannolikhet", exact=True).select_option("4")
    await page.get_by_label("Konsekvens", exact=True).select_option("4")
    await page.get_by_label("Datum").fill("")
    await page.get_by_role("button", name="Spara riskbedömningen").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Datum")
    await expect(page.locator("#date-error")).to_be_visible()
    await expect(page.get_by_label("Risk 1", exact=True)).to_have_value("Trötthet vid långa pass")  # nothing typed is lost
    await assert_accessible(page, "riskbedömningens formulär med fel")

    await page.get_by_label("Datum").fill(FROZEN_DAY.isoformat())
    await page.get_by_role("button", name="Spara riskbedömningen").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Nya arbetstider i nattpatrullen")
    await expect(page.locator("td .level-very_high")).to_have_text("Mycket hög")
    await assert_accessible(page, "riskbedömningen")

    await page.locator("#what").fill("Kortare nattpass")
    await page.locator("#responsible").fill("Vera Mårtensson")
    await page.locator("#due").fill((FROZEN_DAY + dt.timedelta(days=30)).isoformat())
    await page.get_by_role("button", name="Lägg till i handlingsplanen").click()
    await page.get_by_role("link", name="Kortare nattpass").click()
    await page.get_by_label("Status").select_option("done")
    await page.get_by_label("Klar den").fill(FROZEN_DAY.isoformat())
    await page.get_by_label("Uppföljning: fick åtgärden avsedd effekt?").fill("Färre sjukskrivningar")
    await page.get_by_role("button", name="Spara").click()
    await expect(page.locator("dl.facts")).to_contain_text("Klar " + FROZEN_DAY.isoformat())
    await assert_accessible(page, "åtgärden")

    # The Word file of the risk assessment, with the department's name in it.
    await page.get_by_role("link", name=re.compile("Riskbedömning")).first.click()
    link = page.get_by_role("link", name="Ladda ner riskbedömning med handlingsplan (Word)")
    async with page.expect_download() as info:
        await link.click()
    download = await info.value
    assert await download.failure() is None and download.suggested_filename.endswith(".docx")
    saved = Path(await download.path()).read_bytes()
    assert len(saved) > 10_000
    assert "Vård- och omsorgsförvaltningen" in text_of(saved)  # re-opened with python-docx


async def test_a_skyddsombud_sees_the_overview_comments_and_is_told_of_arbetsmiljoverket(new_page):
    page = await new_page()
    await log_in(page, SAFETY_REP)
    await open_page(page, "/sam")
    await expect(page.get_by_role("link", name="Ny riskbedömning")).to_have_count(0)
    await expect(page.get_by_role("heading", level=2).first).to_have_text(VOF)
    overdue = page.locator("#begaran tr.missed a").first
    await overdue.click()
    await expect(page.get_by_role("alert").filter(has_text="Arbetsmiljöverket")).to_contain_text("inget besked")
    await expect(page.get_by_role("button", name="Spara beskedet")).to_have_count(0)
    await page.get_by_label("Ny kommentar").fill("Vi har inte fått något besked.")
    await page.get_by_role("button", name="Kommentera").click()
    await expect(page.locator("#kommentarer")).to_contain_text("Vi har inte fått något besked.")
    await assert_accessible(page, "begäran enligt 6:6a")
