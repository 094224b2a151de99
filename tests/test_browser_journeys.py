"""Journeys 1, 2 and 4 of design.md §2 in a real Chromium on ``samverkan serve --demo``, driven
only by clicks and typing: no API calls and no fetching of links with the session; downloads go
through the browser's download event and the saved Word file is re-opened with python-docx.
Each journey counts its clicks and times each page it waits for, and prints them (run with -s).

Journey 4 and the justering of journey 1 use the demo's dispute (Vision's schedule), which at
first login waits for Vision's justering and then HR's; journey 2 registers its matter by hand.
Also here: a failed htmx request shows a Swedish message instead of nothing."""

from __future__ import annotations

import re
import time

import docx
import pytest
from playwright.async_api import Locator, Page, expect

from samverkan.demo.justering import WAITING_FOR_VISION
from test_browser import (  # noqa: F401  (browser, server and new_page are fixtures used by name)
    ADMIN,
    PASSWORD,
    UNION,
    assert_accessible,
    browser,
    new_page,
    server,
)

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)  # a shared CI machine; a person waits longer than that anyway

HR = "hr@lund.example"
KOMMUNAL = "skyddsombud.kommunal@lund.example"
NEW_NOTE = "Vision begär att schemat följs upp efter tre månader."
WIDTHS = (1366, 390)


class Journey:
    """Clicks and page times of one journey, as a person would live them."""

    def __init__(self, name: str) -> None:
        self.name, self.clicks, self.times = name, 0, []

    async def click(self, locator: Locator, waits_for: Locator | None = None, what: str = "") -> None:
        started = time.perf_counter()
        self.clicks += 1
        await locator.click()
        if waits_for is not None:
            await expect(waits_for).to_be_visible()
            self.times.append((what or "page", time.perf_counter() - started))

    def report(self) -> str:
        pages = ", ".join(f"{what} {seconds * 1000:.0f} ms" for what, seconds in self.times)
        slowest = max((s for _, s in self.times), default=0)
        line = f"{self.name}: {self.clicks} clicks; {len(self.times)} pages, slowest {slowest * 1000:.0f} ms: {pages}"
        print("\n" + line)
        return line


async def log_in(page: Page, j: Journey, email: str) -> None:
    await page.goto("/logga-in")  # typing the address is what a person does first
    await page.get_by_label("E-postadress").fill(email)
    await page.get_by_label("Lösenord").fill(PASSWORD)
    await j.click(page.get_by_role("button", name="Logga in"), page.get_by_role("heading", level=1, name="Att göra"), "start page")


async def accessible_at_both_widths(page: Page, what: str) -> None:
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 900})
        await assert_accessible(page, f"{what} at {width} px")
    await page.set_viewport_size({"width": 1366, "height": 900})


def section(page: Page, heading: str) -> Locator:
    return page.locator("section", has=page.get_by_role("heading", name=heading))


def saved_text(path: str) -> str:
    document = docx.Document(path)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


async def download(page: Page, j: Journey, link: Locator) -> tuple[str, str]:
    j.clicks += 1
    async with page.expect_download() as info:
        await link.click()
    saved = await info.value
    assert await saved.failure() is None
    return saved.suggested_filename, saved_text(await saved.path())


async def test_journeys_1_and_4_justering_by_clicking(new_page) -> None:
    """Vision sees its protocol waiting at login, proposes a new protokollsanteckning (outcome
    "Oförändrat"); HR sees the proposal on the start page, sees the difference, accepts; Vision is
    told, finds its disagreement kept, approves; HR approves; Vision downloads its justerade copy."""
    vision_j, hr_j = Journey("Journey 4 (Vision's week)"), Journey("Journey 1, justering (HR)")
    vision = await new_page()
    await log_in(vision, vision_j, UNION)
    waiting = section(vision, "Protokoll som väntar på er justering")
    await expect(waiting).to_contain_text(WAITING_FOR_VISION)
    await expect(waiting).to_contain_text("sista dag")
    await expect(section(vision, "Frister där ni är ansvarig part")).to_be_visible()
    await expect(section(vision, "Senast justerade protokoll").get_by_role("link", name="Ladda ner ert exemplar (Word)").first).to_be_visible()
    await accessible_at_both_widths(vision, "the union's start page")

    await vision_j.click(waiting.get_by_role("link", name=WAITING_FOR_VISION), vision.get_by_role("heading", name="Förslag till ändring"),
                         "protocol in review")
    await vision.get_by_label("Punkt", exact=True).last.select_option(label="§ 3 Förhandlingsfrågan: arbetstidsschema för socialsekreterare")
    await expect(vision.get_by_label("Ert ställningstagande")).to_have_value("")  # "Oförändrat"
    await vision.get_by_label("Er protokollsanteckning").fill(NEW_NOTE)
    await vision_j.click(vision.get_by_role("button", name="Föreslå ändringen"), vision.locator(".comment", has_text=NEW_NOTE), "proposal saved")
    await expect(vision.locator(".comment", has_text=NEW_NOTE)).to_contain_text("Väntar på protokollföraren")
    await accessible_at_both_widths(vision, "the protocol in review, for Vision")

    hr = await new_page()
    await log_in(hr, hr_j, HR)
    feedback = section(hr, "Förslag och synpunkter att ta ställning till")
    await expect(feedback).to_contain_text("1 förslag")
    await accessible_at_both_widths(hr, "HR's start page")
    await hr_j.click(feedback.get_by_role("link", name=WAITING_FOR_VISION), hr.get_by_role("heading", name="Förslag till ändring"), "protocol")
    proposal = hr.locator(".comment", has_text=NEW_NOTE)
    await hr_j.click(proposal.get_by_text("Godta (ny version)…"), proposal.get_by_role("table"), "difference shown")
    changes = proposal.get_by_role("table")
    await expect(changes).to_contain_text("Protokollsanteckning")
    await expect(changes).to_contain_text(NEW_NOTE)
    await expect(changes).not_to_contain_text("Ställningstagande")  # the outcome stays as it is
    await accessible_at_both_widths(hr, "the accept difference")
    await hr_j.click(proposal.get_by_role("button", name="Bekräfta: godta och skicka version 2"),
                     hr.get_by_text("2 (Under justering)"), "version 2 sent")
    await hr_j.click(hr.get_by_role("link", name="jämför med version 1"), hr.get_by_role("heading", name="Jämför version 1 och 2"), "comparison")
    diff = hr.locator("pre.diff")
    await expect(diff.locator(".added")).to_contain_text(NEW_NOTE)
    await expect(diff).to_contain_text("Vision: oenighet")
    await expect(diff.locator(".removed", has_text="oenighet")).to_have_count(0)
    await accessible_at_both_widths(hr, "the comparison")
    await hr_j.click(hr.get_by_role("link", name="Protokollet"), hr.get_by_role("heading", name="Förslag till ändring"), "protocol")

    # Vision is told (in the app; the same outbox row is its e-mail) and approves version 2.
    await vision_j.click(vision.get_by_role("link", name=re.compile("^Notiser")), vision.get_by_role("heading", level=1, name="Notiser"), "notices")
    notice = vision.get_by_role("link", name=re.compile("Ert förslag är godtaget"))
    await vision_j.click(notice.first, vision.get_by_role("heading", name="Förslag till ändring"), "protocol v2")
    await expect(vision.get_by_role("article", name="Protokollet som det skrivs ut")).to_contain_text(NEW_NOTE)
    await vision_j.click(vision.get_by_role("button", name="Justera för Vision"),
                         vision.locator("table.parties tr", has_text="Vision").get_by_text("✓", exact=False), "approved")

    await hr_j.click(hr.get_by_role("button", name="Justera för Arbetsgivaren"), hr.get_by_text("Protokollet är justerat av alla parter"),
                     "locked")
    await expect(hr.locator("#protocol-state")).to_have_text("Justerat")
    await accessible_at_both_widths(hr, "the approved protocol")

    # Journey 4: the copy from the start page, saved by the browser, re-opened with python-docx.
    await vision_j.click(vision.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Start"), vision.get_by_role("heading", level=1, name="Att göra"), "start page")
    recent = section(vision, "Senast justerade protokoll").locator("li", has_text=WAITING_FOR_VISION)
    name, text = await download(vision, vision_j, recent.get_by_role("link", name="Ladda ner ert exemplar (Word)"))
    assert name.endswith("_Vision.docx"), name
    assert "Exemplar för Vision" in text and NEW_NOTE in text and "oenighet" in text
    assert "Justering" in text and "För Vision: Viktor Ekström, justerat " in text and "För arbetsgivaren: Henrik Lindqvist, justerat " in text
    assert "Ort och datum" not in text and "kontrollsumma" in text

    await vision_j.click(vision.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Frister"), vision.get_by_role("heading", level=1, name="Frister"), "deadlines")
    await expect(vision.get_by_role("navigation", name="Ansvarig part").get_by_role("link", name="Våra")).to_have_attribute("aria-current", "page")
    await accessible_at_both_widths(vision, "the union's deadlines")
    vision_j.report()
    hr_j.report()


async def test_journey_1_registration_by_clicking(new_page) -> None:
    """HR registers Vision's written request received on Wed 2025-12-17: the 16 § meeting deadline
    falls on 2025-12-31 and moves to Fri 2026-01-02 (nyårsafton, nyårsdagen), with the reason shown.
    (Booking the meeting through the pages is the meeting editing of issue 17 point 3; the justering
    that follows is test_journeys_1_and_4_justering_by_clicking on the demo's dispute.)"""
    j = Journey("Journey 1, registration (HR)")
    hr = await new_page()
    await log_in(hr, j, HR)
    await j.click(hr.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ärenden"),
                  hr.get_by_role("heading", level=1, name="Ärenden"), "matters")
    await j.click(hr.get_by_role("link", name="Nytt ärende"), hr.get_by_role("heading", level=1, name="Nytt ärende"), "new matter form")
    title = f"Schema för en medlem {time.time_ns() % 100000}"
    await hr.get_by_label("Rubrik").fill(title)
    await hr.get_by_label("Typ av ärende").select_option(label="Tvisteförhandling")
    await hr.get_by_label("Förvaltning").select_option(label="Arbetsmarknads- och socialförvaltningen")
    j.clicks += 1
    await hr.get_by_role("checkbox", name="Vision", exact=True).check()
    await j.click(hr.get_by_role("button", name="Registrera ärendet"), hr.get_by_role("heading", level=1, name=re.compile(title)), "matter")
    await expect(hr.locator("section.hold")).to_have_count(0)  # a dispute is about no employer decision
    form = hr.locator("form.event-form")
    await form.get_by_label("Händelse").select_option(label="Framställan mottagen")
    await form.get_by_label("Datum").fill("2025-12-17")
    await form.get_by_label("Part").select_option(label="Vision")
    await j.click(form.get_by_role("button", name="Registrera"), hr.locator("ol.timeline li", has_text="Framställan mottagen, Vision"),
                  "request registered")
    deadline = hr.locator("table.deadlines tr", has_text="2026-01-02")
    await expect(deadline).to_contain_text("16 § 2 st. MBL")
    await expect(deadline).to_contain_text("2025-12-31 är nyårsafton och 2026-01-01 nyårsdagen")
    await accessible_at_both_widths(hr, "a dispute with its deadline")
    j.report()


async def test_journey_2_primary_negotiation_and_each_unions_copy(new_page) -> None:
    """HR registers an 11 § matter with Kommunal and Vision: the decision hold shows and stays while
    Kommunal's central negotiation (14 §) is open, and lifts when it closes. Kommunal downloads its
    own copy of an approved protocol, with its own position marked."""
    j = Journey("Journey 2 (11 § with hold)")
    hr = await new_page()
    await log_in(hr, j, HR)
    menu = hr.get_by_role("navigation", name="Huvudmeny")
    await j.click(menu.get_by_role("link", name="Ärenden"), hr.get_by_role("heading", level=1, name="Ärenden"), "matters")
    await j.click(hr.get_by_role("link", name="Nytt ärende"), hr.get_by_role("heading", level=1, name="Nytt ärende"), "new matter form")
    title = f"Sammanslagning av hemtjänstområden {time.time_ns() % 100000}"
    await hr.get_by_label("Rubrik").fill(title)
    await hr.get_by_label("Typ av ärende").select_option(label="Primär förhandling")
    await hr.get_by_label("Förvaltning").select_option(label="Vård- och omsorgsförvaltningen")
    for union in ("Kommunal", "Vision"):
        j.clicks += 1
        await hr.get_by_role("checkbox", name=union, exact=True).check()
    await j.click(hr.get_by_role("button", name="Registrera ärendet"), hr.get_by_role("heading", level=1, name=re.compile(title)), "matter")
    hold = hr.locator("section.hold")
    await expect(hold).to_contain_text("Arbetsgivaren får inte besluta ännu")
    await expect(hr.get_by_role("link", name="Gör en riskbedömning")).to_be_visible()  # a risk assessment is asked for
    await accessible_at_both_widths(hr, "a matter on hold")

    async def event(kind: str, union: str, outcome: str | None = None) -> None:
        form = hr.locator("form.event-form")
        await form.get_by_label("Händelse").select_option(label=kind)
        await form.get_by_label("Part").select_option(label=union)
        if outcome:
            await form.get_by_label("Utfall").select_option(label=outcome)
        await j.click(form.get_by_role("button", name="Registrera"), hr.locator("ol.timeline li", has_text=f"{kind}, {union}"), kind)

    await event("Förhandlingen avslutad", "Vision", "Enighet")
    await event("Förhandlingen avslutad", "Kommunal", "Oenighet")
    await event("Central förhandling begärd (14 § MBL)", "Kommunal")
    await expect(hold).to_contain_text("Arbetsgivaren får inte besluta ännu")
    await expect(hold).to_contain_text("Kommunal har begärt central förhandling (14 § MBL) som inte är avslutad.")
    await event("Central förhandling avslutad", "Kommunal", "Oenighet")
    await expect(hold).to_contain_text("Arbetsgivaren får besluta")
    await expect(hold).to_contain_text("Förhandlingen är avslutad med alla parter.")

    kommunal = await new_page()
    await log_in(kommunal, j, KOMMUNAL)
    recent = section(kommunal, "Senast justerade protokoll").get_by_role("link", name="Ladda ner ert exemplar (Word)").first
    name, text = await download(kommunal, j, recent)
    assert name.endswith("_Kommunal.docx") and "Exemplar för Kommunal" in text and "Exemplar för Vision" not in text
    assert "(ert exemplar)" in text and "Justering" in text
    j.report()


async def test_a_failed_htmx_request_shows_a_swedish_message(new_page) -> None:
    """A boosted click that ends in 404 is not silently dropped."""
    j = Journey("error toast")
    page = await new_page()
    await log_in(page, j, HR)
    # A link to a meeting that does not exist, boosted like every link on the page.
    await page.evaluate("""() => { const a = document.createElement('a'); a.href = '/moten/99999999'; a.textContent = 'Borttaget möte';
                                   document.querySelector('main').append(a); htmx.process(a); }""")
    await page.get_by_role("link", name="Borttaget möte").click()
    toast = page.locator("#toast")
    await expect(toast).to_be_visible()
    await expect(toast).to_contain_text("finns inte")
    await expect(toast).to_contain_text("(fel 404)")
    await assert_accessible(page, "the error message")
    await toast.get_by_role("button", name="Stäng").click()
    await expect(toast).to_be_hidden()


async def test_the_administrators_start_page_and_outbox_are_accessible(new_page) -> None:
    j = Journey("administrator")
    page = await new_page()
    await log_in(page, j, ADMIN)
    await expect(section(page, "Utkorgen")).to_contain_text("misslyckade")
    await accessible_at_both_widths(page, "the administrator's start page")
    await j.click(page.get_by_role("link", name="Till utkorgen"), page.get_by_role("heading", level=1, name="Utkorg"), "outbox")
    await expect(page.get_by_role("cell", name="Protokoll att justera").first).to_be_visible()  # the demo's justering mail
    await accessible_at_both_widths(page, "the outbox")
