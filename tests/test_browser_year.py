"""The samverkan year in a real headless Chromium against ``samverkan serve --demo``, by clicking
only: the VOF chef plans the FSG's meetings from the cadence and downloads the sammanträdesplan,
records a question at an APT and lifts it to the FSG; HR answers it there; the chef finds the
answer as Återkoppling at the APT's next meeting. axe-core on the pages, 390 px without overflow."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import AsyncIterator

import pytest
from docx import Document
from playwright.async_api import Page, expect


from conftest import FROZEN_DAY, clock_env
from test_browser import (  # noqa: F401  (browser and new_page are fixtures used by name)
    Server,
    assert_accessible,
    browser,
    demo_server,
    log_in,
    new_page,
)

pytestmark = pytest.mark.browser

CHEF = "vof@lund.example"
HR = "hr@lund.example"
FSG = "FSG Vård- och omsorgsförvaltningen"
APT = "APT Solgårdens särskilda boende"
QUESTION = "Kan vi få en gemensam introduktion för sommarvikarierna?"
ANSWER = "Ja, HR håller en gemensam introduktion i maj för alla boenden."


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[Server]:
    async with demo_server("samverkan_browser_year", **clock_env(FROZEN_DAY)) as running:
        yield running


async def _group(page: Page, name: str) -> None:
    await page.get_by_role("navigation").get_by_role("link", name="Grupper", exact=True).click()
    await page.get_by_role("link", name=name, exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(name)


async def _fits_390(page: Page, what: str) -> None:
    await page.set_viewport_size({"width": 390, "height": 800})
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{what}: {width} px wide at 390"
    await page.set_viewport_size({"width": 1366, "height": 900})


async def test_plan_ask_lift_answer_and_feedback(new_page) -> None:
    year = FROZEN_DAY.year + 2  # the demo has planned next year already
    chef = await new_page()
    await log_in(chef, CHEF)
    await _group(chef, FSG)
    await assert_accessible(chef, "the FSG's page")
    await chef.get_by_role("link", name=f"Årsplan {year - 1}").click()
    await chef.get_by_role("link", name=str(year), exact=True).click()
    await expect(chef.get_by_role("heading", level=1)).to_have_text(f"Årsplan {year}")
    await chef.get_by_role("button", name="Föreslå möten").click()
    await expect(chef.get_by_label("Möte 1", exact=True)).to_have_value(re.compile(rf"^{year}-"))
    await assert_accessible(chef, "the proposed year plan")
    await chef.get_by_role("button", name="Spara årsplanen").click()
    strip = chef.get_by_role("list", name=f"Året {year} månad för månad")
    await expect(strip.get_by_role("link")).to_have_count(4)
    await expect(strip).to_contain_text("Budget och verksamhetsplan")
    await assert_accessible(chef, "the saved year plan")
    await _fits_390(chef, "the year plan")
    async with chef.expect_download() as info:
        await chef.get_by_role("link", name="Ladda ned sammanträdesplanen (Word)").click()
    download = await info.value
    assert await download.failure() is None and download.suggested_filename.endswith(".docx")
    word = Document(io.BytesIO(Path(await download.path()).read_bytes()))
    assert any(p.text == f"Sammanträdesplan {year}" for p in word.paragraphs)
    assert sum(1 for t in word.tables for row in t.rows if row.cells[1].text.endswith(str(year))) == 4

    # At the APT's last meeting: a question, lifted to the FSG.
    await _group(chef, APT)
    await chef.locator("#moten").locator("xpath=following-sibling::ul[1]").get_by_role("link").first.click()
    await chef.get_by_role("link", name="Åtgärder, uppföljning av åtgärder och frågor från APT").click()
    await chef.get_by_label("Fråga", exact=True).fill(QUESTION)
    await chef.get_by_role("button", name="Registrera frågan").click()
    card = chef.locator("article.card", has_text=QUESTION)
    await expect(card).to_contain_text("Väntar på arbetsplatsträffen")
    await card.get_by_role("button", name=f"Lyft till {FSG}").click()
    card = chef.locator("article.card", has_text=QUESTION)
    await expect(card).to_contain_text(f"Lyft, väntar på svar: {FSG}")
    await assert_accessible(chef, "the APT meeting's questions")
    await _fits_390(chef, "the APT meeting's questions")

    # HR answers at the FSG.
    hr = await new_page()
    await log_in(hr, HR)
    await _group(hr, FSG)
    await hr.get_by_role("link", name=QUESTION).click()
    await assert_accessible(hr, "the question")
    await hr.get_by_label("Svar", exact=True).fill(ANSWER)
    await hr.get_by_role("button", name="Spara svaret").click()
    await expect(hr.locator("#svar")).to_contain_text(ANSWER)

    # The chef sees it at the APT's next meeting.
    await _group(chef, APT)
    await chef.locator("#moten").locator("xpath=following-sibling::ul[1]").get_by_role("link").last.click()
    await chef.get_by_role("link", name="Åtgärder, uppföljning av åtgärder och frågor från APT").click()
    feedback = chef.locator("article.card", has_text=QUESTION)
    await expect(feedback).to_contain_text(ANSWER)
    await assert_accessible(chef, "the feedback at the APT's next meeting")
