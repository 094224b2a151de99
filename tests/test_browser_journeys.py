"""Journeys 1, 2 and 4 of design.md §2 in a real Chromium on ``samverkan serve --demo``, driven
only by clicks and typing: no API calls and no fetching of links with the session; downloads go
through the browser's download event and the saved Word file is re-opened with python-docx.
Each journey counts its clicks and times each page it waits for, and prints them (run with -s).

Journey 1 runs whole at 1366×800 (the request, "Boka möte", a paper, the kallelse, which the
server mails to a real SMTP server, the protocol and its justering); its registration and booking
also on a phone (390×844). Journey 4 uses the demo's dispute (Vision's schedule), which at first
login waits for Vision's justering; journey 2 registers its matter by hand.
Also here: a failed htmx request shows a Swedish message instead of nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.message
import re
import time
from pathlib import Path
from typing import AsyncIterator, Iterator

import docx
import pytest
from paper_files import docx as paper_docx
from playwright.async_api import Browser, Locator, Page, expect

from conftest import FROZEN_DAY, clock_env
from samverkan.deadlines.calendar import is_working_day
from samverkan.demo.justering import WAITING_FOR_VISION
from test_browser import (  # noqa: F401  (browser and new_page are fixtures used by name)
    ADMIN,
    PASSWORD,
    UNION,
    Server,
    assert_accessible,
    browser,
    demo_server,
    main_menu,
    new_page,
)
from smtp_server import SmtpServer

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)  # a shared CI machine; a person waits longer than that anyway

HR = "hr@lund.example"
KOMMUNAL = "skyddsombud.kommunal@lund.example"
VISION_NOTICES = "vision@fack.lund.example"  # the union's address for kallelser (the demo's)
NEW_NOTE = "Vision begär att schemat följs upp efter tre månader."
WIDTHS = (1366, 390)
SIZES = {"desktop": ({"width": 1366, "height": 800}, False), "phone": ({"width": 390, "height": 844}, True)}


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as running:
        yield running


@pytest.fixture(scope="module")
async def server(smtp: SmtpServer) -> AsyncIterator[Server]:
    """The demo, sending its mail to a real SMTP server and sweeping the outbox every 5 seconds."""
    async with demo_server("samverkan_browser_journeys", **smtp.env(), **clock_env(FROZEN_DAY), SAMVERKAN_SCHEDULER="true",
                           SAMVERKAN_SWEEP_SECONDS="5") as running:
        yield running


async def mail_to(smtp: SmtpServer, address: str, subject_part: str) -> email.message.EmailMessage:
    """The message the sweep delivered to ``address``, waited for (the sweep ticks every 5 s)."""
    for _ in range(120):
        with smtp.recorder.lock:
            found = [m for m in smtp.recorder.messages if address in str(m["To"]) and subject_part in str(m["Subject"])]
        if found:
            return found[-1]
        await asyncio.sleep(0.25)
    with smtp.recorder.lock:
        seen = [(str(m["To"]), str(m["Subject"])) for m in smtp.recorder.messages]
    pytest.fail(f"no mail to {address} about {subject_part!r}; received: {seen}")


def working_day(days_ahead: int) -> dt.date:
    day = FROZEN_DAY + dt.timedelta(days=days_ahead)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


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


async def register_request(hr: Page, j: Journey) -> str:
    """HR registers Vision's written request received on Wed 2025-12-17: the 16 § meeting deadline
    falls on 2025-12-31 and moves to Fri 2026-01-02 (nyårsafton, nyårsdagen), with the reason shown.
    Returns the matter's title."""
    await log_in(hr, j, HR)
    await j.click((await main_menu(hr)).get_by_role("link", name="Ärenden"), hr.get_by_role("heading", level=1, name="Ärenden"), "matters")
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
    return title


async def fits(page: Page, what: str) -> None:
    """axe-core finds nothing serious, and on a phone nothing is wider than the screen."""
    await assert_accessible(page, what)
    width, screen = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= screen, f"{what}: {width} px wide on a {screen} px screen"


async def book_meeting(hr: Page, j: Journey, matter_title: str, day: dt.date, check: bool = False) -> str:
    """"Boka möte" on the matter page: the form starts with the matter's department, parties and
    item; HR sets the time, the place and the justerare and saves. Returns the meeting's title."""
    await j.click(hr.get_by_role("link", name="Boka möte"), hr.get_by_role("heading", level=1, name="Nytt möte"), "new meeting form")
    await expect(hr.locator("form.meeting-form")).to_contain_text(matter_title)
    await expect(hr.get_by_role("checkbox", name="Vision", exact=True)).to_be_checked()
    await expect(hr.get_by_label("Förvaltning")).to_have_value(re.compile(r"^\d+$"))
    title = f"Förhandling: {matter_title}"
    await hr.get_by_label("Rubrik").fill(title)
    await hr.get_by_label("Datum").fill(day.isoformat())
    await hr.get_by_label("Börjar").fill("09:00")
    await hr.get_by_label("Slutar").fill("10:00")
    await hr.get_by_label("Plats eller länk").fill("Stadshuset, rum 3")
    await hr.get_by_label("Justerare för arbetsgivaren").select_option(label="Henrik Lindqvist")
    await hr.get_by_label("Justerare för Vision").select_option(label="Viktor Ekström")
    if check:
        await fits(hr, "the new-meeting form from a matter")
    await j.click(hr.get_by_role("button", name="Skapa mötet"), hr.get_by_role("heading", level=1, name=title), "meeting saved")
    item = hr.locator("article.agenda-item")
    await expect(item).to_have_count(1)
    await expect(item).to_contain_text(matter_title)
    await expect(hr.locator("dl.facts").first).to_contain_text(f"{day.isoformat()} 09:00–10:00")
    return title


async def sized_page(browser: Browser, server: Server, size: str) -> Page:
    viewport, mobile = SIZES[size]
    context = await browser.new_context(base_url=server.base_url, locale="sv-SE", viewport=viewport, is_mobile=mobile, has_touch=mobile)
    context.set_default_timeout(10_000)
    return await context.new_page()


async def test_journey_1_booking_on_a_phone(browser: Browser, server: Server) -> None:
    """The registration and "Boka möte" at 390×844, where the main menu folds."""
    j = Journey("Journey 1, registration and booking on a phone (HR)")
    hr = await sized_page(browser, server, "phone")
    try:
        title = await register_request(hr, j)
        await fits(hr, "a dispute with its deadline at 390 px")
        await book_meeting(hr, j, title, working_day(22), check=True)
        await fits(hr, "the booked meeting at 390 px")
        j.report()
    finally:
        await hr.context.close()


async def test_journey_1_by_clicking(browser: Browser, server: Server, smtp: SmtpServer, tmp_path: Path) -> None:
    """Journey 1 at 1366×800, from the request to the justerade protocol: HR registers the request
    (the deadline moved past nyårsafton), books the meeting from the matter, uploads a paper and
    sends the kallelse (listed on the meeting); Vision's representative opens the paper and the
    kallelse from the meeting page (saved by the browser, re-opened with python-docx); HR records
    the disagreement, marks the meeting held and sends the protocol; Vision and HR justera, and the
    claim deadlines (64 §, 65 §) appear on the matter."""
    j, vision_j = Journey("Journey 1 (HR)"), Journey("Journey 1 (Vision)")
    hr = await sized_page(browser, server, "desktop")
    vision = await sized_page(browser, server, "desktop")
    try:
        matter_title = await register_request(hr, j)
        await accessible_at_both_widths(hr, "a dispute with its deadline")
        title = await book_meeting(hr, j, matter_title, working_day(21))

        paper = tmp_path / "Schemaförslag för socialsekreterare.docx"
        paper.write_bytes(paper_docx("Schemaförslag med tre veckors rullning"))
        j.clicks += 1  # choosing the file
        await hr.get_by_label("Filer").set_input_files(paper)
        await j.click(hr.get_by_role("button", name="Ladda upp"),
                      hr.locator("table.papers").get_by_role("link", name="Schemaförslag för socialsekreterare"), "paper uploaded")
        await j.click(hr.get_by_role("button", name="Skicka kallelse"), hr.locator("table.sends"), "kallelse sent")
        sends = hr.locator("table.sends")
        await expect(sends).to_contain_text("Kallelse")
        await expect(sends).to_contain_text("Vision")
        await expect(hr.locator("dl.facts").first).to_contain_text("Kallat")
        await expect(hr.get_by_role("button", name="Skicka kallelsen igen")).to_be_visible()
        await accessible_at_both_widths(hr, "the called meeting")

        # Vision's representative finds the meeting on the start page and opens what was sent.
        await log_in(vision, vision_j, UNION)
        await vision_j.click(section(vision, "Kommande möten").get_by_role("link", name=title),
                             vision.get_by_role("heading", level=1, name=title), "meeting")
        name, text = await download(vision, vision_j, vision.locator("table.papers").get_by_role("link", name="Schemaförslag för socialsekreterare"))
        assert name == "Schemaförslag för socialsekreterare.docx" and "Schemaförslag med tre veckors rullning" in text
        kallelse = vision.locator("table.documents tr", has_text="Kallelse")
        name, text = await download(vision, vision_j, kallelse.get_by_role("link", name="Word"))
        assert name.endswith("_Vision.docx") and "kallelse till tvisteförhandling" in text and matter_title in text, name
        assert "Schemaförslag för socialsekreterare" in text  # the paper is a bilaga
        await accessible_at_both_widths(vision, "the meeting page for Vision")

        # The same kallelse reached Vision's notice address by e-mail, with the calendar invitation.
        mail = await mail_to(smtp, VISION_NOTICES, f"Kallelse: {title}")
        parts = {part.get_content_type(): part for part in mail.walk()}
        assert "text/calendar" in parts and "METHOD:REQUEST" in parts["text/calendar"].get_content(), list(parts)
        attachments = [part.get_filename() for part in mail.iter_attachments()]
        assert any(name and name.endswith("_Vision.docx") for name in attachments), attachments

        # The meeting is held: the disagreement is recorded and the item closed, the protocol sent.
        item = hr.locator("article.agenda-item")
        await j.click(item.get_by_role("link", name=re.compile("^Öppna")), hr.locator("form.item-form"), "item open")
        form = hr.locator("form.item-form")
        await form.get_by_label("Arbetsgivarens ståndpunkt").fill("Schemat gäller från den 1 februari.")
        await form.get_by_label("Utfall").select_option(label="Oenighet")
        await j.click(form.get_by_role("button", name="Spara"), form.get_by_role("status").filter(has_text=re.compile("^Sparat")), "item saved")
        await j.click(hr.get_by_role("button", name=re.compile("^Avsluta förhandlingen i ärendet")),
                      hr.locator("article.agenda-item .tag", has_text="avslutad"), "negotiation closed")
        await j.click(hr.get_by_role("button", name="Markera som hållet"), hr.locator("dl.facts").first.get_by_text("Hållet"), "held")
        await j.click(hr.locator("dl.facts").first.get_by_role("link", name="Utkast"), hr.get_by_role("heading", level=1, name=f"Protokoll: {title}"),
                      "protocol")
        await j.click(hr.get_by_role("button", name="Skicka för justering"), hr.locator("#protocol-state", has_text="Under justering"),
                      "sent for justering")

        # Justering: Vision first (from its start page), then HR; the protocol locks.
        await vision_j.click((await main_menu(vision)).get_by_role("link", name="Start"), vision.get_by_role("heading", level=1, name="Att göra"),
                             "start page")
        await vision_j.click(section(vision, "Protokoll som väntar på er justering").get_by_role("link", name=title),
                             vision.get_by_role("heading", level=1, name=f"Protokoll: {title}"), "protocol in review")
        await expect(vision.get_by_role("article", name="Protokollet som det skrivs ut")).to_contain_text("oenighet")
        await vision_j.click(vision.get_by_role("button", name="Justera för Vision"),
                             vision.locator("table.parties tr", has_text="Vision").get_by_text("✓", exact=False), "approved")
        await hr.reload()  # HR comes back to the protocol
        j.clicks += 1
        await j.click(hr.get_by_role("button", name="Justera för Arbetsgivaren"), hr.get_by_text("Protokollet är justerat av alla parter"),
                      "locked")
        await expect(hr.locator("#protocol-state")).to_have_text("Justerat")

        # It ended in disagreement: the claim deadlines appear on the matter.
        await j.click(hr.get_by_role("link", name=title, exact=True), hr.get_by_role("heading", level=1, name=title), "meeting")
        await j.click(hr.locator("article.agenda-item a[href^='/arenden/']"),
                      hr.get_by_role("heading", level=1, name=re.compile(matter_title)), "matter")
        deadlines = hr.locator("table.deadlines")
        await expect(deadlines).to_contain_text("64 §")
        await expect(deadlines).to_contain_text("65 §")
        await accessible_at_both_widths(hr, "the matter after the negotiation")
        j.report()
        vision_j.report()
    finally:
        await hr.context.close()
        await vision.context.close()


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
    # A link to a meeting that does not exist, boosted like every link on the page. htmx is a
    # deferred script: the heading can be on screen before it has run.
    await page.wait_for_function("() => window.htmx !== undefined")
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
