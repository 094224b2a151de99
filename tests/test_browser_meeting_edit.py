"""Journey 3 of design.md §2 by clicking only, on a desktop (1366×800) and on a phone (390×844):
HR plans an FSG meeting (the group is the skyddskommitté) past its three-month cadence and is
warned before saving, changes the meeting's parties and time, ticks who is present, opens one
item of the compact agenda and writes in it; a meeting booked from a matter's "Boka möte" starts
with the matter's department, parties and item. axe-core on every page touched, at both widths."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect


from conftest import FROZEN_DAY, clock_env
from test_browser import (  # noqa: F401  (browser is a fixture used by name)
    VOF,
    Server,
    assert_accessible,
    browser,
    demo_server,
    log_in,
    main_menu,
)

pytestmark = pytest.mark.browser

HR = "hr@lund.example"
VOF_GROUP = "FSG Vård- och omsorgsförvaltningen"
SIZES = {"desktop": ({"width": 1366, "height": 800}, False), "phone": ({"width": 390, "height": 844}, True)}
SAVED = re.compile(r"^Sparat \d\d:\d\d:\d\d$")


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[Server]:
    async with demo_server("samverkan_browser_meeting_edit", **clock_env(FROZEN_DAY)) as running:
        yield running


@pytest.fixture(params=list(SIZES))
async def page(request, browser: Browser, server: Server) -> AsyncIterator[Page]:
    viewport, mobile = SIZES[request.param]
    context = await browser.new_context(base_url=server.base_url, locale="sv-SE", viewport=viewport, is_mobile=mobile,
                                        has_touch=mobile)
    context.set_default_timeout(10_000)
    page = await context.new_page()
    page.size = request.param  # type: ignore[attr-defined]
    yield page
    await context.close()


async def _go(page: Page, name: str) -> None:
    """Follow a menu link (on a phone the menu first needs opening: test_browser.main_menu)."""
    await (await main_menu(page)).get_by_role("link", name=name).click()


async def test_journey_3_plan_edit_attend_and_write(page: Page) -> None:
    wide = page.size == "desktop"  # type: ignore[attr-defined]
    # Each run's meeting is more than three months after the group's last one: past the demo's
    # year plan for next year (the FSG meets through next December) and past the other run's meeting.
    days = 550 if wide else 750
    day = FROZEN_DAY + dt.timedelta(days=days)
    title = f"FSG VOF {page.size} {secrets.token_hex(2)}"  # type: ignore[attr-defined]
    await log_in(page, HR)
    await _go(page, "Möten")
    await page.get_by_role("link", name="Nytt möte").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Nytt möte")
    await page.get_by_label("Typ av möte").select_option(label="Samverkansmöte")
    await page.get_by_label("Rubrik").fill(title)
    await page.get_by_label("Samverkansgrupp").select_option(label=VOF_GROUP)
    await page.get_by_label("Datum").fill(day.isoformat())
    await page.get_by_label("Börjar").fill("09:00")
    await page.get_by_label("Slutar").fill("11:00")
    await page.get_by_label("Plats eller länk").fill("Kristallen")
    await page.get_by_role("button", name="Skapa mötet").click()

    # Past the skyddskommittén's cadence: warned before anything is saved.
    warnings = page.locator(".warnings")
    await expect(warnings).to_contain_text("Mer än 3 månader sedan gruppens föregående möte")
    await expect(warnings).to_contain_text("8 a § arbetsmiljöförordningen")
    await expect(page.get_by_label("Rubrik")).to_have_value(title)
    await assert_accessible(page, f"the new-meeting form with a cadence warning ({page.size})")  # type: ignore[attr-defined]
    await page.get_by_role("button", name="Skapa mötet ändå").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await expect(page.locator(".warnings")).to_contain_text("Mer än 3 månader")  # the meeting page says it too

    # The group's members take part; presence is ticked in one list.
    participants = page.locator("table.participants tbody tr")
    await expect(participants.filter(has_text="Skyddsombud").first).to_be_visible()
    count = await participants.count()
    assert count >= 4, count
    await participants.nth(0).get_by_role("checkbox").check()
    await participants.nth(1).get_by_role("checkbox").check()
    await page.get_by_role("button", name="Spara närvaron").click()
    await expect(page.locator("table.participants tbody tr").nth(0).get_by_role("checkbox")).to_be_checked()
    await expect(page.locator("table.participants tbody tr").nth(1).get_by_role("checkbox")).to_be_checked()
    await expect(page.locator("table.participants tbody tr").nth(2).get_by_role("checkbox")).not_to_be_checked()

    # Change the parties and the time.
    await page.get_by_text("Ändra tid, plats, parter och roller").click()
    form = page.locator("form[action$='/andra']")
    await form.get_by_role("checkbox", name="Akademikerförbundet SSR", exact=True).uncheck()
    await form.get_by_label("Datum").fill((day + dt.timedelta(days=1)).isoformat())
    await form.get_by_label("Börjar").fill("13:00")
    await form.get_by_label("Slutar").fill("15:00")
    await form.get_by_role("button", name="Spara ändringarna").click()
    facts = page.locator("dl.facts").first
    await expect(facts).to_contain_text(f"{(day + dt.timedelta(days=1)).isoformat()} 13:00–15:00")
    await expect(facts).not_to_contain_text("Akademikerförbundet SSR")
    await expect(facts).to_contain_text("Vision")
    await assert_accessible(page, f"a meeting page ({page.size})")  # type: ignore[attr-defined]

    # The compact agenda: a list; one item opens for writing at a time; formalia have no positions.
    rows = page.locator("article.agenda-item")
    await expect(rows).to_have_count(14)  # the standard agenda has had "Uppföljning av åtgärder" since the year plans
    await expect(page.locator("form.item-form")).to_have_count(0)
    item = rows.filter(has=page.get_by_role("heading", name="§ 6 Samverkansfrågor", exact=True))
    await item.get_by_role("link", name=re.compile("^Öppna §")).click()
    item = page.locator("article.agenda-item").filter(has=page.get_by_role("heading", name="§ 6 Samverkansfrågor", exact=True))
    await expect(page.locator("form.item-form")).to_have_count(1)
    written = "Arbetsgivaren informerade om bemanningen i sommar."
    await item.get_by_label("Protokollstext").fill(written)
    await item.get_by_label("Protokollstext").press("Tab")
    await expect(item.get_by_role("status")).to_have_text(SAVED)
    await assert_accessible(page, f"a meeting page with one item open ({page.size})")  # type: ignore[attr-defined]

    opening = page.locator("article.agenda-item").filter(has=page.get_by_role("heading", name="§ 1 Mötets öppnande", exact=True))
    await opening.get_by_role("link", name=re.compile("^Öppna §")).click()
    opening = page.locator("article.agenda-item").filter(has=page.get_by_role("heading", name="§ 1 Mötets öppnande", exact=True))
    await expect(opening.locator("form.item-form")).to_have_count(1)
    await expect(page.locator("form.item-form")).to_have_count(1)  # § 6 closed again
    await expect(opening.get_by_label("Arbetsgivarens ståndpunkt")).to_have_count(0)
    await expect(opening.get_by_label("Utfall")).to_have_count(0)
    item = page.locator("article.agenda-item").filter(has=page.get_by_role("heading", name="§ 6 Samverkansfrågor", exact=True))
    await item.get_by_role("link", name=re.compile("^Öppna §")).click()
    await expect(page.get_by_label("Protokollstext")).to_have_value(written)


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
async def test_book_a_meeting_from_a_matter(page: Page) -> None:
    await log_in(page, HR)
    await _go(page, "Ärenden")
    await page.locator("#results tbody a").first.click()
    diary = (await page.locator("h1 .diary").text_content() or "").strip()
    matter_title = (await page.get_by_role("heading", level=1).text_content() or "").replace(diary, "", 1).strip()
    await page.get_by_role("link", name="Boka möte").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Nytt möte")
    await expect(page.get_by_text(f"{diary} {matter_title}")).to_be_visible()
    await assert_accessible(page, f"the new-meeting form from a matter ({page.size})")  # type: ignore[attr-defined]
    title = f"Bokat {page.size} {secrets.token_hex(2)}"  # type: ignore[attr-defined]
    await page.get_by_label("Rubrik").fill(title)
    await page.get_by_role("button", name="Skapa mötet").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    item = page.locator("article.agenda-item")
    await expect(item).to_have_count(1)
    await expect(item).to_contain_text(matter_title)
    await expect(item.get_by_role("link", name=diary)).to_have_count(1)


async def test_the_matter_field_suggests_as_one_types(page: Page) -> None:
    """A new item's "Ärende (diarienummer)": the page offers the department's newest matters, and
    typing asks for those matching what is typed (htmx), so any matter is found, not only the
    newest ones drawn with the page."""
    await log_in(page, HR)
    await _go(page, "Ärenden")
    await page.locator("#results tbody a").first.click()
    diary = (await page.locator("h1 .diary").text_content() or "").strip()
    await page.get_by_role("link", name="Boka möte").click()
    title = f"Förslag {page.size} {secrets.token_hex(2)}"  # type: ignore[attr-defined]
    await page.get_by_label("Rubrik").fill(title)
    await page.get_by_role("button", name="Skapa mötet").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    offered = page.locator("datalist#arenden option")
    assert await offered.count() > 1  # the department's newest matters
    field = page.get_by_label("Ärende (diarienummer)")
    await field.press_sequentially(diary, delay=20)
    await expect(offered).to_have_count(1)
    await expect(offered).to_have_attribute("value", diary)
    await page.locator("#new_title").fill("Uppföljning")
    await page.get_by_role("button", name="Lägg till punkten").click()
    added = page.get_by_role("article", name=re.compile("Uppföljning$"))  # opened for writing, linked to the matter
    await expect(added.get_by_label("Ärende (diarienummer)")).to_have_value(diary)
    await assert_accessible(page, f"the meeting page after a suggested matter ({page.size})")  # type: ignore[attr-defined]
