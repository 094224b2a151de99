"""`samverkan render` as a real process: the file it writes is the document the API serves."""

from __future__ import annotations

from meeting_fixtures import negotiation, staff  # noqa: F401 (fixtures)
from test_cli import run

from samverkan.documents.render import text_of


async def test_render_writes_the_union_copy(client, staff, org, negotiation, tmp_path):
    out = tmp_path / "vision.docx"
    result = run("render", "protocol", "--meeting", str(negotiation["meeting"]["id"]), "--audience", f"union:{org.union_id}",
                 "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "Protokoll_2026-03-02_Vision.docx" in result.stdout
    text = text_of(out.read_bytes())
    assert "Exemplar för Vision" in text and "Protokoll fört vid lokal förhandling enligt 11 § MBL" in text
    listed = (await client.get(f"/api/v1/meetings/{negotiation['meeting']['id']}/documents", headers=staff["hr"].headers)).json()
    assert len(listed) == 1 and listed[0]["audience"] == f"union:{org.union_id}"
    served = await client.get(f"/api/v1/documents/{listed[0]['id']}", headers=staff["hr"].headers)
    assert served.content == out.read_bytes()


async def test_render_errors_name_the_problem(client, negotiation, tmp_path):
    meeting_id = str(negotiation["meeting"]["id"])
    wrong_kind = run("render", "agenda", "--meeting", meeting_id, "--output", str(tmp_path / "x.docx"))
    assert wrong_kind.returncode == 1 and "kind:" in wrong_kind.stderr
    bad_audience = run("render", "protocol", "--meeting", meeting_id, "--audience", "union:x", "--output", str(tmp_path / "x.docx"))
    assert bad_audience.returncode == 1 and "audience:" in bad_audience.stderr
    missing = run("render", "protocol", "--meeting", "999999", "--output", str(tmp_path / "x.docx"))
    assert missing.returncode == 1 and "999999" in missing.stderr
    assert not (tmp_path / "x.docx").exists()
    extract = run("render", "extract", "--meeting", meeting_id, "--item", str(negotiation["item"]["id"]), "--output", str(tmp_path / "e.docx"))
    assert extract.returncode == 0, extract.stderr
    assert "Protokollsutdrag – § 1 Sammanslagning" in text_of((tmp_path / "e.docx").read_bytes())
    usage = run("render", "minutes", "--meeting", meeting_id, "--output", str(tmp_path / "x.docx"))
    assert usage.returncode == 2
