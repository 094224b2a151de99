"""The meeting pages end to end in a real headless Chromium: a new meeting through the form with the
group's standard agenda, the agenda items that save as the minute-taker writes (htmx), a version
conflict between two minute-takers, a dropped connection, a union reader, and axe-core on the pages.

Like tests/test_browser.py (whose browser helpers are used here) the browser talks to a real
``samverkan serve --demo`` with a database of its own. What a test needs beyond the demo data it
makes itself through the JSON API with an hr token from ``samverkan token create``, so the tests
do not depend on the demo's meetings and can run in any order.

Set SCREENSHOTS_DIR to a directory to keep screenshots of a meeting page and of a
conflict (shot-meeting.png, shot-meeting-conflict.png).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any, AsyncIterator

import httpx
import pytest
from playwright.async_api import BrowserContext, Locator, Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout


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
VOF_GROUP = "FSG Vård- och omsorgsförvaltningen"
SAMVERKAN_ITEM = "§ 6 Samverkansfrågor"
# The standing work-environment items of a samverkansgrupp that is also the skyddskommitté
# (AML 6 kap. 9 §), right after the samverkan item.
WORK_ENVIRONMENT_ITEMS = [
    "§ 7 Arbetsmiljö: riskbedömningar och handlingsplaner",
    "§ 8 Arbetsmiljö: tillbud och arbetsskador",
    "§ 9 Arbetsmiljö: sjukfrånvaro och rehabilitering",
    "§ 10 Arbetsmiljö: företagshälsovård",
]
SAVED = re.compile(r"^Sparat \d\d:\d\d:\d\d$")
DIRTY = "Ändrat – inte sparat ännu"
SAVE_TIMEOUT = 10_000  # ms for an autosave to come back


# --- the server, with a way in for the API ---------------------------------------------------


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[Server]:
    async with demo_server("samverkan_browser_meeting", **clock_env(FROZEN_DAY)) as running:
        yield running


class Api:
    """The JSON API as hr, with the demo's ids looked up once."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.ids: dict[str, int] = {}

    async def get(self, path: str, **params: Any) -> Any:
        response = await self.http.get(path, params=params)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text[:500]}"
        return response.json()

    async def post(self, path: str, body: dict) -> Any:
        response = await self.http.post(path, json=body)
        assert response.status_code in (200, 201), f"POST {path}: {response.status_code} {response.text[:500]}"
        return response.json()

    async def one(self, path: str, name: str) -> int:
        found = [r["id"] for r in (await self.get(path, q=name.split()[-1], limit=100))["items"] if r["name"] == name]
        assert len(found) == 1, f"{path}: {name!r} found {len(found)} times"
        return found[0]

    async def create_meeting(self, title: str, *, days_ahead: int = 14, **fields: Any) -> dict:
        day = FROZEN_DAY + dt.timedelta(days=days_ahead)
        body = {"kind": "samverkan", "title": title, "starts_at": f"{day}T09:00:00", "ends_at": f"{day}T11:00:00",
                "place": "Kristallen, Lund", **fields}
        return await self.post("/api/v1/meetings", body)

    async def create_group_meeting(self, title: str) -> dict:
        """A samverkansmöte of the VOF group (also the skyddskommitté) with its standard agenda."""
        return await self.create_meeting(title, group_id=self.ids["group"], standard_agenda=True)

    async def item(self, meeting_id: int, title: str) -> dict:
        agenda = await self.get(f"/api/v1/meetings/{meeting_id}/agenda")
        found = [i for i in agenda if f"§ {i['number']} {i['title']}" == title]
        assert len(found) == 1, f"meeting {meeting_id}: {title!r} in {[i['title'] for i in agenda]}"
        return found[0]


@pytest.fixture(scope="module")
async def api(server: Server) -> AsyncIterator[Api]:
    made = subprocess.run(
        [sys.executable, "-m", "samverkan", "token", "create", HR, "--label", "browser-meeting-test"],
        env=server.env, capture_output=True, text=True, timeout=60,
    )
    assert made.returncode == 0, f"token create: {made.returncode}\n{made.stdout}\n{made.stderr}"
    token = made.stdout.strip().splitlines()[-1].strip()
    async with api_client(server, token) as http:
        client = Api(http)
        client.ids = {
            "group": await client.one("/api/v1/groups", VOF_GROUP),
            "department": await client.one("/api/v1/departments", VOF),
            "vision": await client.one("/api/v1/unions", "Vision"),
            "kommunal": await client.one("/api/v1/unions", "Kommunal"),
        }
        yield client


# --- helpers ----------------------------------------------------------------------------------


def unique(title: str) -> str:
    return f"{title} {secrets.token_hex(3)}"


def agenda_item(page: Page, heading: str) -> Locator:
    """The <article> of one agenda item, found by its heading ("§ 6 Samverkansfrågor")."""
    return page.locator("article.agenda-item").filter(has=page.get_by_role("heading", name=heading, exact=True))


async def open_item(page: Page, heading: str) -> Locator:
    """Open one agenda item for writing (the agenda is a list; one item is open at a time)."""
    await agenda_item(page, heading).get_by_role("link", name=re.compile("^Öppna §")).click()
    item = agenda_item(page, heading)
    await expect(item.locator("form.item-form")).to_have_count(1)
    return item


async def open_meeting(page: Page, meeting: dict) -> None:
    await open_page(page, f"/moten/{meeting['id']}")
    await expect(page.get_by_role("heading", level=1)).to_have_text(meeting["title"])


async def mark_state(item: Locator) -> None:
    """Empty the item's status line before an action that saves, so that expect_saved waits for the
    answer to that save and is not fooled by the "Sparat" of an earlier one."""
    await item.get_by_role("status").evaluate("line => { line.textContent = '' }")


async def expect_saved(item: Locator) -> None:
    """The server said "Sparat" after the last mark_state."""
    await expect(item.get_by_role("status")).to_have_text(SAVED, timeout=SAVE_TIMEOUT)


async def type_and_leave(field: Locator, text: str) -> None:
    """Write like a person (input events), then leave the field with Tab (the change event)."""
    await field.fill(text)
    await field.press("Tab")


async def screenshot(page: Page, name: str, around: Locator | None = None) -> None:
    directory = os.environ.get("SCREENSHOTS_DIR")
    if not directory:
        return
    await page.set_viewport_size({"width": 1280, "height": 1400})
    if around is not None:
        await around.evaluate("element => element.scrollIntoView({block: 'start'})")
    await page.screenshot(path=str(Path(directory) / name))


# --- the tests --------------------------------------------------------------------------------


async def test_hr_creates_a_meeting_with_the_standard_agenda(new_page, api: Api) -> None:
    page = await new_page()
    await log_in(page, HR)
    await page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Möten").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Möten")
    await expect(page.get_by_role("navigation", name="Kommande eller tidigare").get_by_role("link", name="Kommande")) \
        .to_have_attribute("aria-current", "page")
    await assert_accessible(page, "the list of meetings")

    await page.get_by_role("link", name="Nytt möte").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Nytt möte")
    await assert_accessible(page, "the new-meeting form")
    title = unique("FSG VOF extra möte")
    day = FROZEN_DAY + dt.timedelta(days=21)
    await page.get_by_label("Typ av möte").select_option(label="Samverkansmöte")
    await page.get_by_label("Rubrik").fill(title)
    await page.get_by_label("Samverkansgrupp").select_option(label=VOF_GROUP)
    await page.get_by_label("Förvaltning").select_option(label=VOF)
    await page.get_by_label("Datum").fill(day.isoformat())
    await page.get_by_label("Börjar").fill("13:00")
    await page.get_by_label("Slutar").fill("15:30")
    await page.get_by_label("Plats eller länk").fill("Kristallen, sammanträdesrum Lyran")
    await page.get_by_label("Börja med gruppens standarddagordning").check()
    await page.get_by_role("button", name="Skapa mötet").click()
    # The group's cadence may warn first (other tests plan meetings of this group): save anyway.
    anyway = page.get_by_role("button", name="Skapa mötet ändå")
    await expect(page.get_by_role("heading", level=1, name=title).or_(anyway)).to_have_count(1)
    if await anyway.count():
        await anyway.click()

    await expect(page).to_have_url(re.compile(r"/moten/\d+$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    facts = page.locator("dl.facts")
    await expect(facts).to_contain_text(f"{day.isoformat()} 13:00–15:30")
    await expect(facts).to_contain_text(VOF_GROUP)
    await expect(facts).to_contain_text(VOF)
    await expect(facts).to_contain_text("Vision")  # the group's unions are the parties
    await expect(facts).to_contain_text("Kristallen, sammanträdesrum Lyran")

    # The standard agenda, with the standing work-environment items of a skyddskommitté.
    headings = page.locator("article.agenda-item h3")
    await expect(headings.first).to_have_text("§ 1 Mötets öppnande")
    await expect(agenda_item(page, SAMVERKAN_ITEM)).to_have_count(1)
    for heading in WORK_ENVIRONMENT_ITEMS:
        item = agenda_item(page, heading)
        await expect(item).to_have_count(1)
        await expect(item.locator(".kind")).to_have_text("Arbetsmiljö")
    await expect(agenda_item(page, "§ 14 Mötets avslutande")).to_have_count(1)
    await expect(headings).to_have_count(14)
    await assert_accessible(page, "a new meeting's page")
    await screenshot(page, "shot-meeting.png")

    # The list shows it under Kommande, not under Tidigare.
    await open_page(page, "/moten")
    await expect(page.locator("#results").get_by_role("link", name=title)).to_have_count(1)
    await page.get_by_role("link", name="Tidigare").click()
    await expect(page).to_have_url(re.compile(r"/moten\?visa=tidigare$"))
    await expect(page.get_by_role("link", name="Tidigare")).to_have_attribute("aria-current", "page")
    await expect(page.locator("#results").get_by_role("link", name=title)).to_have_count(0)
    await assert_accessible(page, "the list of past meetings")


async def test_agenda_item_saves_as_one_writes(new_page, api: Api) -> None:
    meeting = await api.create_group_meeting(unique("Autosparning"))
    page = await new_page()
    await log_in(page, HR)
    await open_meeting(page, meeting)
    item = await open_item(page, SAMVERKAN_ITEM)
    text = item.get_by_label("Protokollstext")
    status = item.get_by_role("status")
    await expect(status).to_have_text("")

    written = "Arbetsgivaren informerade om sommarens bemanning.\nParterna är överens om att följa upp i maj."
    version = item.locator("input[name=version]")
    before = int(await version.input_value())
    await mark_state(item)
    await text.fill(written)
    await expect(status).to_have_text(DIRTY)
    await text.press("Tab")
    await expect_saved(item)
    await expect(version).to_have_value(str(before + 1))  # the next save starts from the saved version
    await expect(item.get_by_label("Arbetsgivarens ståndpunkt")).to_be_focused()  # the swap left the fields alone
    await expect(text).to_have_value(written)
    await assert_accessible(page, "a meeting page with a saved item")  # e.g. the contrast of "Sparat"
    await screenshot(page, "shot-meeting-saved.png", around=item)

    # A union's outcome (saved on change) and its protokollsanteckning (saved on leaving the field).
    vision = item.get_by_role("group", name="Vision")
    await mark_state(item)
    await vision.get_by_label("Utfall").select_option(label="Enighet")
    await expect_saved(item)
    note = "Vision vill att uppföljningen tar med nattpersonalen."
    await mark_state(item)
    await vision.get_by_label("Protokollsanteckning").fill(note)
    await expect(status).to_have_text(DIRTY)
    await vision.get_by_label("Protokollsanteckning").press("Tab")
    await expect_saved(item)

    await page.reload()
    await expect(page.get_by_role("heading", level=1)).to_have_text(meeting["title"])
    item = agenda_item(page, SAMVERKAN_ITEM)
    await expect(item.get_by_label("Protokollstext")).to_have_value(written)
    vision = item.get_by_role("group", name="Vision")
    await expect(vision.get_by_label("Utfall")).to_have_value("agreement")
    await expect(vision.get_by_label("Protokollsanteckning")).to_have_value(note)
    await expect(item.get_by_role("group", name="Kommunal").get_by_label("Utfall")).to_have_value("")
    await expect(item.get_by_role("status")).to_have_text("")

    saved = await api.item(meeting["id"], SAMVERKAN_ITEM)
    assert saved["text"] == written
    assert [(p["outcome"], p["note"]) for p in saved["positions"] if p["union_id"] == api.ids["vision"]] == [("agreement", note)]


async def test_conflict_keeps_both_texts_and_overwrites_only_on_purpose(new_page, api: Api) -> None:
    meeting = await api.create_group_meeting(unique("Samtidig redigering"))
    first, second = await new_page(), await new_page()
    await log_in(first, HR)
    await log_in(second, ADMIN)
    await open_meeting(first, meeting)
    await open_meeting(second, meeting)
    first_item, second_item = await open_item(first, SAMVERKAN_ITEM), await open_item(second, SAMVERKAN_ITEM)

    first_text = "Henriks anteckning: beslut om ny bemanningsplan."
    second_text = "Adminanteckning: frågan bordläggs till nästa möte."
    await first_item.get_by_label("Protokollstext").fill(first_text)
    await second_item.get_by_label("Protokollstext").fill(second_text)
    await mark_state(first_item)
    await first_item.get_by_label("Protokollstext").press("Tab")
    await expect_saved(first_item)

    # The second save starts from the version both opened: a conflict, nothing overwritten.
    await second_item.get_by_label("Protokollstext").press("Tab")
    notice = second_item.get_by_role("alert")
    await expect(notice).to_contain_text("Någon annan sparade punkten medan du skrev")
    await expect(notice.locator("blockquote")).to_contain_text(first_text)
    await expect(notice).to_contain_text("inte sparad")
    await expect(second_item.get_by_label("Protokollstext")).to_have_value(second_text)
    await expect(second_item.get_by_role("status")).to_have_text("Inte sparat – se meddelandet ovan.")
    assert await second_item.locator("form.item-form").get_attribute("data-unsaved") == "yes"  # leaving warns
    await assert_accessible(second, "a meeting page with a conflict")
    await screenshot(second, "shot-meeting-conflict.png", around=second_item)

    assert (await api.item(meeting["id"], SAMVERKAN_ITEM))["text"] == first_text
    await first.reload()
    await expect(agenda_item(first, SAMVERKAN_ITEM).get_by_label("Protokollstext")).to_have_value(first_text)

    # Saving again, knowingly, replaces the other text.
    await mark_state(second_item)
    await second_item.get_by_role("button", name="Spara", exact=True).click()
    await expect_saved(second_item)
    await expect(second_item.get_by_role("alert")).to_have_count(0)  # the notice no longer applies
    await expect(second_item.get_by_label("Protokollstext")).to_have_value(second_text)
    assert (await api.item(meeting["id"], SAMVERKAN_ITEM))["text"] == second_text
    await second.reload()
    await expect(agenda_item(second, SAMVERKAN_ITEM).get_by_label("Protokollstext")).to_have_value(second_text)
    await expect(agenda_item(second, SAMVERKAN_ITEM).get_by_role("alert")).to_have_count(0)
    await first.reload()
    await expect(agenda_item(first, SAMVERKAN_ITEM).get_by_label("Protokollstext")).to_have_value(second_text)


async def _back_online(context: BrowserContext, page: Page) -> None:
    """Reconnect. Chromium fires the window's online event itself; send one only if it did not."""
    await context.set_offline(False)
    try:
        await page.wait_for_function("window.onlineEvents > 0", timeout=3_000)
    except PlaywrightTimeout:
        await page.evaluate("window.dispatchEvent(new Event('online'))")


async def test_dropped_connection_keeps_the_text_and_saves_it_later(new_page, api: Api) -> None:
    meeting = await api.create_group_meeting(unique("Tappad anslutning"))
    page = await new_page()
    await log_in(page, HR)
    await open_meeting(page, meeting)
    item = await open_item(page, SAMVERKAN_ITEM)
    await page.evaluate("window.onlineEvents = 0; window.addEventListener('online', () => { window.onlineEvents++; })")
    text = item.get_by_label("Protokollstext")
    status = item.get_by_role("status")

    written = "Skrivet utan nät: parterna enades om en arbetsgrupp."
    await mark_state(item)
    await page.context.set_offline(True)
    await type_and_leave(text, written)
    await expect(status).to_contain_text("Inte sparat", timeout=SAVE_TIMEOUT)
    await expect(status).to_contain_text("ingen anslutning")
    await expect(text).to_have_value(written)
    assert (await api.item(meeting["id"], SAMVERKAN_ITEM))["text"] == ""
    await assert_accessible(page, "a meeting page with an item not saved")
    await screenshot(page, "shot-meeting-offline.png", around=item)

    await _back_online(page.context, page)
    await expect_saved(item)
    await expect(text).to_have_value(written)
    assert (await api.item(meeting["id"], SAMVERKAN_ITEM))["text"] == written
    await page.reload()
    await expect(agenda_item(page, SAMVERKAN_ITEM).get_by_label("Protokollstext")).to_have_value(written)


async def test_union_user_reads_own_meetings_only(new_page, api: Api) -> None:
    ours = await api.create_group_meeting(unique("Vision är part"))
    item = await api.item(ours["id"], SAMVERKAN_ITEM)
    recorded = "Arbetsgivaren redovisade bemanningen."
    response = await api.http.patch(f"/api/v1/meetings/{ours['id']}/agenda/{item['id']}", json={
        "text": recorded, "positions": [{"union_id": api.ids["vision"], "outcome": "agreement", "note": "Vision instämmer."}],
    })
    assert response.status_code == 200, response.text
    theirs = await api.create_meeting(unique("Bara Kommunal"), department_id=api.ids["department"],
                                      union_ids=[api.ids["kommunal"]])

    page = await new_page()
    await log_in(page, UNION)
    await open_page(page, "/moten")
    results = page.locator("#results")
    await expect(results.get_by_role("link", name=ours["title"])).to_have_count(1)
    await expect(results.get_by_role("link", name=theirs["title"])).to_have_count(0)
    await expect(page.get_by_role("link", name="Nytt möte")).to_have_count(0)

    await results.get_by_role("link", name=ours["title"]).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(ours["title"])
    agenda = page.locator(".agenda")
    await expect(agenda_item(page, SAMVERKAN_ITEM)).to_have_count(1)
    await expect(agenda_item(page, SAMVERKAN_ITEM)).to_contain_text(recorded)
    await expect(agenda_item(page, SAMVERKAN_ITEM)).to_contain_text("Vision: Enighet")
    await expect(agenda.locator("textarea, input:not([type=hidden]), select")).to_have_count(0)
    # The only text box is the agenda proposal's (a union party proposes items until the kallelse is sent).
    await expect(page.locator("main textarea")).to_have_count(1)
    await expect(page.get_by_role("textbox", name="Vad ni vill ta upp")).to_have_count(1)
    await expect(page.locator("form.item-form")).to_have_count(0)
    await expect(page.get_by_role("button", name="Spara")).to_have_count(0)
    await expect(page.get_by_role("heading", name="Ny punkt")).to_have_count(0)
    await assert_accessible(page, "a meeting as read by a union party")

    response = await page.goto(f"/moten/{theirs['id']}")
    assert response is not None and response.status == 404, response and response.status
    await expect(page.get_by_role("heading", level=1)).to_have_text("Hittades inte")
    await expect(page.get_by_text(theirs["title"])).to_have_count(0)
    response = await page.goto("/moten/nytt")
    assert response is not None and response.status == 403


# --- documents --------------------------------------------------------------------------------


async def _negotiation(api: Api, title: str) -> dict:
    """A negotiation with Vision and Kommunal and one decided item, as HR would have recorded it."""
    meeting = await api.create_meeting(title, kind="negotiation", department_id=api.ids["department"],
                                       union_ids=[api.ids["vision"], api.ids["kommunal"]])
    await api.post(f"/api/v1/meetings/{meeting['id']}/agenda", {
        "title": "Nya scheman i hemtjänsten", "kind": "negotiation", "text": "Tom & Jerry <b> – åäö",
        "employer_position": "Schemat gäller från 1 maj.",
        "positions": [{"union_id": api.ids["vision"], "outcome": "agreement", "note": "Vision följer upp i höst."},
                      {"union_id": api.ids["kommunal"], "outcome": "disagreement"}],
    })
    return meeting


async def _downloaded_text(page: Page, link: Locator) -> tuple[str, str]:
    """Clicks a download link as a person does, and re-opens the saved Word file: its Swedish
    file name and its text."""
    from samverkan.documents.render import text_of

    async with page.expect_download() as info:
        await link.click()
    download = await info.value
    assert await download.failure() is None
    assert download.suggested_filename.endswith(".docx")
    return download.suggested_filename, text_of(Path(await download.path()).read_bytes())


async def test_documents_are_made_previewed_and_downloaded_from_the_meeting_page(new_page, api: Api) -> None:
    meeting = await _negotiation(api, unique("Förhandling om scheman"))
    page = await new_page()
    await log_in(page, HR)
    await open_meeting(page, meeting)
    section = page.locator("form.document-form")
    await section.get_by_label("Dokument").select_option(label="Protokoll")
    await section.get_by_label("Exemplar").select_option(label="Exemplar för Vision")
    await section.get_by_role("button", name="Skapa dokumentet").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Protokoll")
    preview = page.get_by_role("article", name="Förhandsvisning av dokumentet")
    await expect(preview).to_contain_text("Protokoll fört vid förhandling enligt MBL")
    await expect(preview).to_contain_text("► Vision (ert exemplar): Parterna är överens")
    await expect(preview).to_contain_text("Tom & Jerry <b> – åäö")
    await assert_accessible(page, "a document's preview")
    name, text = await _downloaded_text(page, page.get_by_role("link", name="Ladda ner (Word)"))
    assert name.endswith("_Protokoll_" + meeting["starts_at"][:10] + "_Vision.docx"), name
    assert "Exemplar för Vision" in text and "Tom & Jerry <b> – åäö" in text and "Justeras" in text

    # An extract without choosing the item: the error at the field, in Swedish.
    await open_meeting(page, meeting)
    await section.get_by_label("Dokument").select_option(label="Protokollsutdrag")
    await section.get_by_role("button", name="Skapa dokumentet").click()
    await expect(page.locator("#document_item_id-error")).to_have_text("Välj vilken punkt utdraget ska gälla.")
    await expect(page.get_by_role("link", name="Punkt")).to_be_visible()
    await assert_accessible(page, "the meeting page with a document error")

    # The Vision representative finds the copy on the meeting page and downloads it (journey 4).
    union = await new_page()
    await log_in(union, UNION)
    await open_meeting(union, meeting)
    rows = union.locator("table.documents tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows).to_contain_text("Exemplar för Vision")
    name, text = await _downloaded_text(union, rows.get_by_role("link", name="Word"))
    assert name.endswith("_Vision.docx") and "► Vision (ert exemplar)" in text


async def test_administrator_uploads_a_template(new_page, tmp_path) -> None:
    from samverkan.documents.service import default_template

    page = await new_page()
    await log_in(page, ADMIN)
    await page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Mallar").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mallar och brevhuvuden")
    await assert_accessible(page, "the templates page")

    upload = page.locator("form[action='/mallar']")
    await upload.get_by_label("Mall").select_option(label="Kallelse med dagordning")
    await upload.get_by_label("Gäller för").select_option(label="Vision")
    (tmp_path / "inte-en-mall.docx").write_text("Det här är ingen Word-fil.")
    await upload.get_by_label("Word-fil (.docx)").set_input_files(tmp_path / "inte-en-mall.docx")
    await upload.get_by_role("button", name="Ladda upp").click()
    await expect(page.locator("#file-error")).to_have_text("Filen är inte ett Word-dokument (.docx).")
    await assert_accessible(page, "the templates page with an upload error")

    (tmp_path / "visions-dagordning.docx").write_bytes(default_template("agenda"))
    await upload.get_by_label("Word-fil (.docx)").set_input_files(tmp_path / "visions-dagordning.docx")
    await upload.get_by_role("button", name="Ladda upp").click()
    await expect(page.get_by_role("status")).to_contain_text("används nu")
    row = page.locator("tr", has_text="visions-dagordning.docx")
    await row.get_by_role("link", name="Exempel").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Exempel: Kallelse med dagordning")
    await expect(page.get_by_role("article")).to_contain_text("Förslag till dagordning")
    await assert_accessible(page, "a template's example")


# --- justering (journey 1 of design.md §2, from the meeting held to the Vision copy) ----------


async def test_journey_1_justering_in_two_browsers(new_page, api: Api) -> None:
    hr_person = await api.one("/api/v1/people", "Henrik Lindqvist")
    vision_person = await api.one("/api/v1/people", "Viktor Ekström")
    matter = await api.post("/api/v1/matters", {
        "title": unique("Schema för en medlem"), "kind": "dispute", "department_id": api.ids["department"],
        "union_ids": [api.ids["vision"]]})
    meeting = await api.create_meeting(unique("Tvisteförhandling om schema"), kind="negotiation", days_ahead=-1,
                                       department_id=api.ids["department"], union_ids=[api.ids["vision"]],
                                       chair_id=hr_person, minute_taker_id=hr_person,
                                       approvers=[{"union_id": None, "person_id": hr_person},
                                                  {"union_id": api.ids["vision"], "person_id": vision_person}])
    item = await api.post(f"/api/v1/meetings/{meeting['id']}/agenda", {
        "title": "Schemat", "kind": "negotiation", "matter_id": matter["id"], "text": "Vision begärde förhandling.",
        "positions": [{"union_id": api.ids["vision"], "outcome": "disagreement", "reservation": "schemat bryter mot avtalet"}]})
    await api.post(f"/api/v1/meetings/{meeting['id']}/agenda/{item['id']}/close", {})
    held = await api.http.patch(f"/api/v1/meetings/{meeting['id']}", json={"status": "held"})
    assert held.status_code == 200, held.text

    hr = await new_page()
    await log_in(hr, HR)
    await open_page(hr, f"/moten/{meeting['id']}/protokoll")
    await hr.get_by_role("button", name="Skicka för justering").click()
    await expect(hr.locator("#protocol-state")).to_have_text("Under justering")
    await expect(hr.get_by_role("article", name="Protokollet som det skrivs ut")).to_contain_text("Protokoll fört vid tvisteförhandling")
    await assert_accessible(hr, "the protocol in review, for HR")

    vision = await new_page()
    await log_in(vision, UNION)
    await vision.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Att justera").click()
    row = vision.locator("tr", has_text=meeting["title"])
    await expect(row).to_contain_text("Arbetsgivaren")
    await assert_accessible(vision, "Att justera")
    await row.get_by_role("link", name=meeting["title"]).click()
    await vision.get_by_label("Synpunkt").fill("Datumet i § 1 stämmer.")
    await vision.get_by_role("button", name="Lämna synpunkten").click()
    await expect(vision.locator(".comment").first).to_contain_text("Datumet i § 1 stämmer.")
    await vision.get_by_role("button", name="Justera för Vision").click()
    await expect(vision.locator("table.parties tr", has_text="Vision")).to_contain_text("✓")

    await hr.reload()
    await expect(hr.locator(".comment").first).to_contain_text("Datumet i § 1 stämmer.")
    await hr.get_by_role("button", name="Justera för Arbetsgivaren").click()
    await expect(hr.locator("#protocol-state")).to_have_text("Justerat")
    await expect(hr.get_by_role("status")).to_contain_text("låst")

    await vision.reload()
    await expect(vision.locator("#protocol-state")).to_have_text("Justerat")
    copy = vision.get_by_role("link", name="Exemplar för Vision")
    await expect(copy).to_have_count(1)
    await expect(vision.get_by_role("link", name="Arbetsgivarens exemplar")).to_have_count(0)
    name, text = await _downloaded_text(vision, vision.locator("li", has_text="Exemplar för Vision").get_by_role("link", name="Word"))
    assert name.endswith("_Vision.docx") and "Förhandlingen avslutas i oenighet" in text and "Exemplar för Vision" in text
    await assert_accessible(vision, "the approved protocol, for Vision")

    # The record is locked now: the meeting page offers no edits, and the API refuses them.
    refused = await api.http.patch(f"/api/v1/meetings/{meeting['id']}", json={"place": "Någon annanstans"})
    assert refused.status_code == 409
    # It ended in disagreement: the claim deadlines run from the day the negotiation closed.
    deadlines = {d["rule"] for d in await api.get(f"/api/v1/matters/{matter['id']}/deadlines")}
    assert {"MBL64-CENTRAL", "MBL65-SUIT"} <= deadlines, deadlines
