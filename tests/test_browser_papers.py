"""Papers and the kallelse in a real headless Chromium, by clicking: HR uploads two papers to a
meeting and sends the kallelse; Vision's representative opens a paper from the meeting page (a
download, re-opened with python-docx) and answers "Jag kommer", which shows as närvaroanmälan.
axe-core on the meeting page at 390 and 1366 px. The meeting itself is made through the API (as in
tests/test_browser_meeting.py), the journey only clicks and types."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import AsyncIterator

import pytest
from docx import Document
from paper_files import PDF, docx
from playwright.async_api import expect

from conftest import FROZEN_DAY, clock_env
from test_browser import UNION, Server, api_client, assert_accessible, browser, demo_server, log_in, new_page, open_page  # noqa: F401
from test_browser_meeting import HR, VOF, Api, unique

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[Server]:
    async with demo_server("samverkan_browser_papers", **clock_env(FROZEN_DAY)) as running:
        yield running


@pytest.fixture(scope="module")
async def api(server: Server) -> AsyncIterator[Api]:
    made = subprocess.run([sys.executable, "-m", "samverkan", "token", "create", HR, "--label", "browser-papers-test"],
                          env=server.env, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1].strip()
    async with api_client(server, token) as http:
        client = Api(http)
        client.ids = {"department": await client.one("/api/v1/departments", VOF), "vision": await client.one("/api/v1/unions", "Vision")}
        yield client


async def test_hr_uploads_and_calls_and_the_union_reads_and_answers(new_page, api: Api, tmp_path: Path) -> None:
    meeting = await api.create_meeting(unique("Samverkan om bemanningen"), days_ahead=21, department_id=api.ids["department"],
                                       union_ids=[api.ids["vision"]])
    viktor = [p for p in (await api.get("/api/v1/people", q="Ekström", limit=100))["items"] if p["email"] == UNION][0]
    await api.post(f"/api/v1/meetings/{meeting['id']}/participants", {"person_id": viktor["id"]})
    plan, budget = tmp_path / "Bemanningsplan åäö.docx", tmp_path / "Budget 2027.pdf"
    plan.write_bytes(docx("Bemanningsplan för hemtjänsten"))
    budget.write_bytes(PDF)

    hr = await new_page()
    await log_in(hr, HR)
    await open_page(hr, f"/moten/{meeting['id']}")
    await hr.get_by_label("Filer").set_input_files([plan, budget])
    await hr.get_by_role("button", name="Ladda upp").click()
    papers = hr.locator("table.papers")
    await expect(papers.get_by_role("link", name="Bemanningsplan åäö")).to_be_visible()
    await expect(papers.get_by_role("link", name="Budget 2027")).to_be_visible()
    await hr.get_by_role("button", name="Skicka kallelse").click()
    sends = hr.locator("table.sends")
    await expect(sends).to_contain_text("Viktor Ekström")
    await expect(hr.locator("dl.facts")).to_contain_text("Kallat")

    union = await new_page()
    await log_in(union, UNION)
    await open_page(union, f"/moten/{meeting['id']}")
    async with union.expect_download() as info:
        await union.locator("table.papers").get_by_role("link", name="Bemanningsplan åäö").click()
    download = await info.value
    assert await download.failure() is None and download.suggested_filename == "Bemanningsplan åäö.docx"
    opened = Document(io.BytesIO(Path(await download.path()).read_bytes()))
    assert opened.paragraphs[0].text == "Bemanningsplan för hemtjänsten"

    await union.locator("form.my-reply").get_by_role("button", name="Jag kommer").click()
    await expect(union.locator("form.my-reply")).to_contain_text("Ditt svar: du kommer")
    await expect(union.locator("table.replies")).to_contain_text("Viktor Ekström")
    await expect(union.locator("table.replies")).to_contain_text("Kommer")
    for width in (390, 1366):
        await union.set_viewport_size({"width": width, "height": 900})
        await assert_accessible(union, f"the meeting page at {width} px")
    await hr.reload()
    await expect(hr.locator("table.replies")).to_contain_text("Kommer")
    await assert_accessible(hr, "the meeting page for HR")
