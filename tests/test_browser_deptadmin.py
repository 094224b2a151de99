"""The department's and the administrator's work in Chromium, by clicks and typing only, at
1366×800 and on a 390×844 phone: a risk assessment made, edited with an added row (the high risk
warns until it has an action) and its action on /frister; the administrator's broken template
refused with its reason and a good one accepted; one rule changed and exactly its deadlines in the
preview; the menu on one line with one item current. axe-core on every page touched."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import AsyncIterator

import pytest
from docx import Document
from playwright.async_api import Browser, Page, expect

from conftest import FROZEN_DAY, clock_env
from samverkan.deadlines.catalogue import BY_ID
from samverkan.documents.service import default_template
from word_files import docx_of

from test_browser import (  # noqa: F401  (browser is a fixture used by name)
    ADMIN,
    Server,
    assert_accessible,
    browser,
    demo_server,
    log_in,
    main_menu,
)

pytestmark = pytest.mark.browser

DEPARTMENT = "vof@lund.example"
SIZES = {"desktop": {"viewport": {"width": 1366, "height": 800}},
         "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}}
PROTOCOL = BY_ID["AGR-PROTOCOL-APPROVAL"]


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[Server]:
    async with demo_server("samverkan_browser_deptadmin", **clock_env(FROZEN_DAY)) as running:
        yield running


@pytest.fixture(params=list(SIZES))
async def page(request, browser: Browser, server: Server) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=server.base_url, locale="sv-SE", **SIZES[request.param])
    context.set_default_timeout(10_000)
    page = await context.new_page()
    page.size = request.param  # type: ignore[attr-defined]
    yield page
    await context.close()




async def test_a_risk_assessment_is_edited_with_an_added_row_and_its_action_is_on_the_deadlines(page: Page):
    title = f"Nya lokaler för hemtjänsten ({page.size})"
    await log_in(page, DEPARTMENT)
    await (await main_menu(page)).get_by_role("link", name="Arbetsmiljö").click()
    await page.get_by_role("link", name="Ny riskbedömning").click()
    await page.get_by_label("Rubrik").fill(title)
    await page.get_by_label("Deltagare 1 från registret").select_option(index=1)  # a person of the register
    await page.get_by_label("Deltagare 2, namn").fill("Örjan Nilsson")
    await page.get_by_label("Risk 1", exact=True).fill("Tunga lyft i trånga rum")
    await page.get_by_label("Sannolikhet", exact=True).select_option("4")
    await page.get_by_label("Konsekvens", exact=True).select_option("3")
    await assert_accessible(page, "the risk-assessment form")
    await page.get_by_role("button", name="Spara riskbedömningen").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await expect(page.locator("#utan-atgard")).to_contain_text("ingen åtgärd")  # a high risk without action warns
    await expect(page.locator("table.matrix td .risk-no")).to_have_count(1)
    await assert_accessible(page, "the risk assessment")

    await page.get_by_role("link", name="Ändra riskbedömningen").click()
    await page.get_by_role("button", name="Lägg till en risk").click()
    await page.get_by_label("Risk 2", exact=True).fill("Buller från ventilationen")
    await assert_accessible(page, "the risk-assessment form with an added row")
    await page.get_by_label("Rubrik").press("Enter")  # Enter saves (not "Ta bort" of the first row)
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await expect(page.get_by_role("cell", name="Buller från ventilationen")).to_be_visible()
    await expect(page.locator("table.matrix td .risk-no")).to_have_count(2)

    what = f"Lyfthjälpmedel i alla rum ({page.size})"
    await page.locator("#what").fill(what)
    await page.locator("#risk_id").select_option(index=1)
    await page.locator("#responsible").fill("Vera Mårtensson")
    await page.locator("#due").fill((FROZEN_DAY + dt.timedelta(days=20)).isoformat())
    await page.get_by_role("button", name="Lägg till i handlingsplanen").click()
    await expect(page.get_by_role("link", name=what)).to_be_visible()
    await expect(page.locator("#utan-atgard")).to_have_count(0)

    await (await main_menu(page)).get_by_role("link", name="Frister").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Frister")
    await expect(page.get_by_role("link", name=re.compile(re.escape(what)))).to_be_visible()


def _protocol_with(text: str) -> bytes:
    document = Document(io.BytesIO(default_template("protocol")))
    document.paragraphs[0].insert_paragraph_before(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def test_the_administrator_uploads_templates_and_previews_one_rule_change(page: Page, tmp_path):
    await log_in(page, ADMIN)
    if page.size == "desktop":  # the whole menu on one line, one item current
        await (await main_menu(page)).get_by_role("link", name="Mallar").click()
        heights = await page.evaluate("[...document.querySelectorAll('nav > ul > li')].map(li => li.getBoundingClientRect().top)")
        assert len(set(heights)) == 1, heights
        await expect(page.locator("header [aria-current=page]")).to_have_count(1)
    else:
        await (await main_menu(page)).get_by_role("link", name="Mallar").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mallar och brevhuvuden")

    broken, good = tmp_path / "trasig.docx", tmp_path / "bra.docx"
    broken.write_bytes(docx_of("Rubrik {{ title }"))
    good.write_bytes(_protocol_with(f"EGEN MALL {page.size.upper()}"))
    upload = page.locator("form[action='/mallar']")
    await upload.get_by_label("Mall", exact=True).select_option("protocol")
    await upload.get_by_label("Gäller för", exact=True).select_option(index=1)
    await upload.get_by_label("Word-fil (.docx)").set_input_files(broken)
    await page.get_by_role("button", name="Ladda upp").click()
    await expect(page.locator("#file-error")).to_contain_text("fel i en mallkod")
    await expect(page.get_by_label("Word-fil (.docx)")).to_have_attribute("aria-invalid", "true")
    await assert_accessible(page, "the templates page with a refused upload")

    await upload.get_by_label("Mall", exact=True).select_option("protocol")
    await upload.get_by_label("Gäller för", exact=True).select_option(index=1)
    await upload.get_by_label("Word-fil (.docx)").set_input_files(good)
    await page.get_by_role("button", name="Ladda upp").click()
    await expect(page.get_by_role("status")).to_contain_text("används nu")
    await page.get_by_role("link", name="hjälpen om mallar").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Word-mall")
    await assert_accessible(page, "the help on templates")

    await (await main_menu(page)).get_by_text("Register").click()
    await (await main_menu(page)).get_by_role("link", name="Fristregler").click()
    await page.get_by_role("link", name="Ny version av en lokal regeluppsättning").click()
    await page.get_by_label("Namn").fill(f"Justering på sju arbetsdagar ({page.size})")
    await page.get_by_label("Gäller från").fill((FROZEN_DAY - dt.timedelta(days=365)).isoformat())  # reaches the demo's open ones
    rule = page.locator("tbody tr").filter(has=page.locator("code", has_text=PROTOCOL.id))
    await rule.get_by_role("checkbox", name=re.compile(r"^Ändra ")).check()
    await rule.get_by_role("textbox", name=re.compile(r"^Längd för ")).fill("7")
    await rule.get_by_role("combobox", name=re.compile(r"^Enhet för ")).select_option("working_days")
    await page.get_by_role("button", name="Förhandsgranska").click()
    preview = page.locator("#preview")
    await expect(preview.get_by_role("heading", level=2)).to_contain_text("Förhandsgranskning")
    rows = preview.locator("tbody tr")
    assert await rows.count() >= 1
    for i in range(await rows.count()):  # exactly the changed rule's deadlines, each with why
        await expect(rows.nth(i).locator("td").nth(1)).to_have_text(PROTOCOL.title)
        await expect(rows.nth(i).locator("td").nth(4)).to_contain_text("till 7 arbetsdagar")
    await assert_accessible(page, "the rule-change preview")
