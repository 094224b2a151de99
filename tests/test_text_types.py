"""Control characters and noncharacters in free text (issue 14, fault 3): one-line text refuses
every control character, multi-line text allows only TAB and LF, through the API, the pages and
the types themselves. A BEL in a meeting title used to make every document of the meeting 500
and the protocol impossible to lock; now it never gets in."""

from __future__ import annotations

import functools
import typing

import msgspec
import pytest

from conftest import csrf, login
from sam_fixtures import assessment, follow_up

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)

# Refused in every free-text field, one-line or multi-line.
REFUSED = {
    "SOH": "\x01", "BEL": "\x07", "VT": "\x0b", "FF": "\x0c", "ESC": "\x1b", "DEL": "\x7f", "NEL (C1)": "\x85",
    "CR": "\r", "U+FFFE": "\ufffe", "U+FFFF": "\uffff", "U+FDD0": "\ufdd0", "U+10FFFF": "\U0010ffff",
    "LINE SEPARATOR": "\u2028",
}
# Refused in one-line text, allowed in multi-line text.
LINE_BREAKS = {"TAB": "\t", "LF": "\n"}


def _input_structs() -> list[type]:
    import samverkan.app  # noqa: F401 - imports every area's schemas
    from samverkan.values import Checked

    found, todo = [], list(Checked.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def _bare(info: msgspec.inspect.Type) -> msgspec.inspect.Type:
    """The type under a field's Meta(description=…)."""
    return info.type if isinstance(info, msgspec.inspect.Metadata) else info


def _text_fields() -> list[tuple[type, str, object]]:
    """Every (Struct, field, type) of every input Struct whose type holds a string."""
    fields = []
    for cls in _input_structs():
        hints = typing.get_type_hints(cls, include_extras=True)
        for name in cls.__struct_fields__:
            info = _bare(msgspec.inspect.type_info(hints[name]))
            members = info.types if isinstance(info, msgspec.inspect.UnionType) else (info,)
            if any(isinstance(_bare(m), msgspec.inspect.StrType) for m in members):
                fields.append((cls, name, hints[name]))
    return fields


MULTI_LINE_FIELDS = {
    "MatterCreate.description", "MatterUpdate.description", "EventCreate.note", "EventUpdate.note",
    "AgendaItemCreate.text", "AgendaItemCreate.employer_position", "AgendaItemUpdate.text", "AgendaItemUpdate.employer_position",
    "Position.note", "Position.reservation", "ProposalCreate.note", "ProposalCreate.reservation", "CommentCreate.text",
    "SamCommentCreate.text",
    "RuleSetCreate.note", "RiskCreate.description", "RiskCreate.measures", "RiskAssessmentCreate.description",
    "ActionUpdate.follow_up", "ChecklistAnswer.comment", "AnnualFollowUpCreate.participants", "AnnualFollowUpCreate.summary",
    "AnnualFollowUpUpdate.participants", "AnnualFollowUpUpdate.summary", "SafetyRepRequestCreate.description",
    "SafetyRepRequestAnswer.answer", "RiskAssessmentUpdate.description", "RiskEdit.description", "RiskEdit.measures",
    "PaperRemoval.reason", "AgendaProposalCreate.text", "AgendaProposalDecline.reason",
    "MeetingActionUpdate.reason", "QuestionCreate.text", "QuestionCommentCreate.text", "Answer.text",
}


def _accepts(type_, value: str) -> bool:
    try:
        msgspec.convert(value, type_)
    except msgspec.ValidationError:
        return False
    return True


def test_every_text_field_of_every_input_struct_refuses_control_characters():
    fields = _text_fields()
    assert len(fields) > 60  # the walk found the schemas
    multi_line = set()
    for cls, name, type_ in fields:
        where = f"{cls.__name__}.{name}"
        sample = "x@lund.se" if "email" in name else ("KK" if name in ("code", "diary_prefix") else "Åsa – 12 %")
        if name == "password":
            sample = "ett långt lösenord"
        assert _accepts(type_, sample), where
        for label, char in REFUSED.items():
            assert not _accepts(type_, sample[:1] + char + sample[1:]), f"{where} took {label}"
        breaks = [_accepts(type_, sample[:1] + char + sample[1:]) for char in LINE_BREAKS.values()]
        assert breaks in ([True, True], [False, False]), where
        if breaks[0]:
            multi_line.add(where)
    assert multi_line == MULTI_LINE_FIELDS


def test_nul_and_lone_surrogates_are_refused_by_the_types():
    from samverkan import values

    for char in ("\x00", "\ud800", "\udfff"):
        assert values.refused(f"a{char}b") and values.refused(f"a{char}b", multi_line=True)
    assert not values.refused("a\tb\nc", multi_line=True) and values.refused("a\tb")
    assert values.refused("a\r\nb", multi_line=True)  # CR LF is the pages' to turn into LF


async def create(client, caller, path: str, body: dict) -> dict:
    """POST to the API as ``caller``; it must answer 201."""
    response = await client.post(f"/api/v1/{path}", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def world(client, callers, org):
    """One of each record the API writes to, made through the API."""
    from samverkan import clock

    staff = await callers()
    made = functools.partial(create, client, staff["hr"])
    today = clock.today()
    matter = await made("matters", {"title": "Omorganisation", "kind": "dispute", "department_id": org.department_id,
                                    "union_ids": [org.union_id]})
    event = await made(f"matters/{matter['id']}/events", {"type": "knowledge", "date": today.isoformat(),
                                                          "union_id": org.union_id})
    meeting = await made("meetings", {"kind": "negotiation", "title": "Förhandling", "department_id": org.department_id,
                                      "union_ids": [org.union_id], "starts_at": f"{today}T09:00:00+01:00",
                                      "ends_at": f"{today}T10:00:00+01:00"})
    item = await made(f"meetings/{meeting['id']}/agenda", {"title": "Punkt", "kind": "negotiation", "matter_id": matter["id"]})
    person = await made("people", {"name": "Per Ek", "side": "employer", "department_id": org.department_id})
    group = await made("groups", {"name": "Samverkansgruppen", "level": "department", "department_id": org.department_id})
    risk = await made("sam/risk-assessments", assessment(org.department_id))
    action = await made("sam/actions", {"what": "Larm", "responsible": "Anna", "due": today.isoformat(), "risk_assessment_id": risk["id"]})
    annual = await made("sam/annual-follow-ups", follow_up(org.department_id, today.year - 1))
    request = await made("sam/safety-rep-requests", {"department_id": org.department_id, "title": "Buller", "received_on": today.isoformat(),
                                                     "safety_rep_name": "Sara"})
    deadlines = (await client.get(f"/api/v1/matters/{matter['id']}/deadlines", headers=staff["hr"].headers)).json()
    return {"staff": staff, "org": org, "matter": matter, "event": event, "meeting": meeting, "item": item, "person": person,
            "group": group, "risk": risk, "action": action, "annual": annual, "request": request, "deadline": deadlines[0],
            "today": today.isoformat()}


def _api_cases(w: dict, bad: str) -> list[tuple[str, str, dict, str]]:
    """(method, path, body, the field named in the answer): at least one text field of every input Struct."""
    o, today = w["org"], w["today"]
    m, mt, it = w["matter"]["id"], w["meeting"]["id"], w["item"]["id"]
    return [
        ("POST", "departments", {"name": f"Förvaltning{bad}", "code": "NY", "diary_prefix": "NY"}, "name"),
        ("PATCH", f"departments/{o.department_id}", {"name": f"Ny{bad}"}, "name"),
        ("POST", "unions", {"name": "Lärarna", "federation": f"Sveriges{bad}lärare"}, "federation"),
        ("PATCH", f"unions/{o.union_id}", {"confederation": f"TCO{bad}"}, "confederation"),
        ("POST", "people", {"name": f"Eva{bad}", "side": "employer", "department_id": o.department_id}, "name"),
        ("PATCH", f"people/{w['person']['id']}", {"title": f"Chef{bad}"}, "title"),
        ("POST", "groups", {"name": f"Grupp{bad}", "level": "local", "department_id": o.department_id}, "name"),
        ("PATCH", f"groups/{w['group']['id']}", {"name": f"Grupp{bad}"}, "name"),
        ("PUT", f"groups/{w['group']['id']}/standard-agenda", {"items": [{"title": f"Punkt{bad}", "kind": "other"}]}, "items[0].title"),
        ("POST", "me/tokens", {"label": f"skript{bad}"}, "label"),
        ("POST", "matters", {"title": f"Ärende{bad}", "kind": "information", "department_id": o.department_id}, "title"),
        ("POST", "matters", {"title": "Ärende", "kind": "information", "department_id": o.department_id, "diary_no": f"KS{bad}1"},
         "diary_no"),
        ("PATCH", f"matters/{m}", {"description": f"Bakgrund{bad}"}, "description"),
        ("POST", f"matters/{m}/events", {"type": "knowledge", "date": today, "note": f"Anteckning{bad}"}, "note"),
        ("PATCH", f"matters/{m}/events/{w['event']['id']}", {"reason": f"Fel datum{bad}", "note": "x"}, "reason"),
        ("DELETE", f"matters/{m}/events/{w['event']['id']}", {"reason": f"Dubblett{bad}"}, "reason"),
        ("POST", f"deadlines/{w['deadline']['id']}/waive", {"reason": f"Överenskommet{bad}"}, "reason"),
        ("POST", "rule-sets", {"name": f"Lokalt avtal{bad}", "effective_from": today, "rules": []}, "name"),
        ("POST", "rule-sets/preview", {"name": "Lokalt", "effective_from": today, "rules": [], "note": f"§ 3{bad}"}, "note"),
        ("POST", "meetings", {"kind": "samverkan", "title": f"Möte{bad}", "department_id": o.department_id,
                              "starts_at": f"{today}T09:00:00+01:00", "ends_at": f"{today}T10:00:00+01:00"}, "title"),
        ("PATCH", f"meetings/{mt}", {"place": f"Stadshuset{bad}"}, "place"),
        ("POST", f"meetings/{mt}/agenda", {"title": "Punkt", "text": f"Bakgrund{bad}"}, "text"),
        ("PATCH", f"meetings/{mt}/agenda/{it}", {"positions": [{"union_id": o.union_id, "note": f"Anteckning{bad}"}]}, "positions[0].note"),
        ("POST", f"meetings/{mt}/documents", {"kind": "notice", "attachments": [f"Bilaga{bad}"]}, "attachments[0]"),
        ("POST", f"meetings/{mt}/protocol/comments", {"text": f"Synpunkt{bad}"}, "text"),
        ("POST", f"meetings/{mt}/protocol/proposals", {"agenda_item_id": it, "reservation": f"Reservation{bad}"}, "reservation"),
        ("POST", f"meetings/{mt}/protocol/proposals/1/reject", {"reason": f"Nej{bad}"}, "reason"),
        ("POST", f"meetings/{mt}/protocol/reopen", {"reason": f"Fel{bad}"}, "reason"),
        ("POST", "sam/risk-assessments", assessment(o.department_id, title=f"Riskbedömning{bad}"), "title"),
        ("POST", "sam/risk-assessments", assessment(o.department_id, participants=[{"name": f"Anna{bad}", "role": "manager"}]),
         "participants[0].name"),
        ("POST", "sam/risk-assessments", assessment(o.department_id, risks=[{"description": f"Risk{bad}", "likelihood": 1,
                                                                             "consequence": 1}]), "risks[0].description"),
        ("POST", "sam/actions", {"what": f"Åtgärd{bad}", "responsible": "Anna", "due": today, "risk_assessment_id": w["risk"]["id"]}, "what"),
        ("PATCH", f"sam/actions/{w['action']['id']}", {"follow_up": f"Fungerar{bad}"}, "follow_up"),
        ("POST", "sam/annual-follow-ups", follow_up(o.department_id, 2020, summary=f"Sammanfattning{bad}"), "summary"),
        ("POST", "sam/annual-follow-ups", follow_up(o.department_id, 2020, checklist=[{"element": "policy", "answer": "yes",
                                                                                        "comment": f"Bra{bad}"}]), "checklist[0].comment"),
        ("POST", "sam/annual-follow-ups", follow_up(o.department_id, 2020, improvements=[{"what": f"Mer{bad}", "responsible": "A",
                                                                                           "due": today}]), "improvements[0].what"),
        ("PATCH", f"sam/annual-follow-ups/{w['annual']['id']}", {"participants": f"Alla{bad}"}, "participants"),
        ("POST", "sam/safety-rep-requests", {"department_id": o.department_id, "title": "Buller", "received_on": today,
                                             "safety_rep_name": f"Sara{bad}"}, "safety_rep_name"),
        ("POST", f"sam/safety-rep-requests/{w['request']['id']}/answer", {"answer": f"Svar{bad}", "answered_on": today}, "answer"),
        ("POST", f"sam/risk-assessments/{w['risk']['id']}/comments", {"text": f"Kommentar{bad}"}, "text"),
    ]


async def _counts() -> dict[str, int]:
    """Rows of every table: nothing may be written by a refused request."""
    from conftest import _tables

    return {table._meta.tablename: await table.count() for table in _tables()}


@pytest.mark.parametrize("label", [*REFUSED, "TAB in one-line", "LF in one-line"])
async def test_api_refuses_the_character_naming_the_field(client, world, label):
    bad = REFUSED.get(label) or LINE_BREAKS[label.split()[0]]
    hr, admin = world["staff"]["hr"], world["staff"]["admin"]
    cases = _api_cases(world, bad)
    if label in ("TAB in one-line", "LF in one-line"):  # only the one-line fields
        multi = {"description", "note", "text", "follow_up", "summary", "answer", "participants", "risks[0].description",
                 "positions[0].note", "checklist[0].comment", "reservation"}
        cases = [c for c in cases if c[3] not in multi]
    before = await _counts()
    for method, path, body, field in cases:
        headers = admin.headers if path.startswith(("departments", "unions", "rule-sets")) else hr.headers
        response = await client.request(method, f"/api/v1/{path}", json=body, headers=headers)
        assert response.status_code == 400, (method, path, response.status_code, response.text)
        answer = response.json()
        assert answer["field"] == field, (path, answer)
        assert "matching regex" not in answer["detail"], answer  # said in words, not as the pattern
    assert await _counts() == before


async def test_multi_line_text_keeps_tab_and_lf(client, world):
    hr = world["staff"]["hr"]
    text = "Första raden\n\tindragen rad\nsista"
    created = await client.post("/api/v1/matters", json={"title": "Ärende", "kind": "information",
                                                          "department_id": world["org"].department_id, "description": text},
                                headers=hr.headers)
    assert created.status_code == 201, created.text
    stored = await client.get(f"/api/v1/matters/{created.json()['id']}", headers=hr.headers)
    assert stored.json()["description"] == text
    crlf = await client.post("/api/v1/matters", json={"title": "Ärende", "kind": "information",
                                                       "department_id": world["org"].department_id, "description": "a\r\nb"},
                             headers=hr.headers)
    assert crlf.status_code == 400 and crlf.json()["field"] == "description"


async def test_a_bel_in_a_meeting_title_or_item_text_never_gets_in(client, world):
    """The issue's reproduction: BEL in a title or an item's text made every document 500."""
    hr, meeting, item = world["staff"]["hr"], world["meeting"], world["item"]
    for path, body, field in (
        (f"meetings/{meeting['id']}", {"title": "Möte\x07"}, "title"),
        (f"meetings/{meeting['id']}/agenda/{item['id']}", {"text": "\x07" * 20_000}, "text"),
    ):
        response = await client.patch(f"/api/v1/{path}", json=body, headers=hr.headers)
        assert response.status_code == 400 and response.json()["field"] == field, response.text
    # The meeting is as it was, and its documents can be made.
    assert (await client.get(f"/api/v1/meetings/{meeting['id']}", headers=hr.headers)).json()["title"] == "Förhandling"
    document = await client.post(f"/api/v1/meetings/{meeting['id']}/documents", json={"kind": "notice"}, headers=hr.headers)
    assert document.status_code == 201, document.text


# --- pages -------------------------------------------------------------------------------

LINE_MESSAGE = "Får inte innehålla radbrytning, tabb eller andra kontrolltecken."
TEXT_MESSAGE = "Får inte innehålla kontrolltecken (bara tabb och radbrytning är tillåtna)."


def _page_cases(w: dict, bad: str) -> list[tuple[str, dict, str]]:
    """(path, form, the Swedish message shown): a form per area, one-line and multi-line fields."""
    o, today = w["org"], w["today"]
    m, mt, it = w["matter"]["id"], w["meeting"]["id"], w["item"]["id"]
    return [
        ("/forvaltningar/ny", {"name": f"Förvaltning{bad}", "code": "NY", "diary_prefix": "NY"}, LINE_MESSAGE),
        ("/personer/ny", {"name": f"Eva{bad}", "side": "employer"}, LINE_MESSAGE),
        ("/anvandare/ny", {"email": "ny@lund.se", "name": f"Ny{bad}", "role": "hr"}, LINE_MESSAGE),
        ("/konto/nycklar", {"label": f"skript{bad}"}, LINE_MESSAGE),
        ("/arenden/nytt", {"title": f"Ärende{bad}", "kind": "information", "department_id": str(o.department_id)}, LINE_MESSAGE),
        (f"/arenden/{m}/handelser", {"type": "knowledge", "date": today, "note": f"Anteckning{bad}"}, TEXT_MESSAGE),
        ("/moten/nytt", {"kind": "samverkan", "title": f"Möte{bad}", "department_id": str(o.department_id), "date": today,
                         "start": "09:00", "end": "10:00"}, LINE_MESSAGE),
        (f"/moten/{mt}/punkter", {"title": f"Punkt{bad}", "kind": "other"}, LINE_MESSAGE),
        (f"/moten/{mt}/punkter/{it}", {"title": "Punkt", "kind": "negotiation", "text": f"Bakgrund{bad}"}, TEXT_MESSAGE),
        (f"/moten/{mt}/protokoll/kommentar", {"text": f"Synpunkt{bad}"}, TEXT_MESSAGE),
        (f"/moten/{mt}/protokoll/oppna", {"reason": f"Fel{bad}"}, LINE_MESSAGE),
        ("/regler/ny", {"name": f"Avtal{bad}", "effective_from": today, "note": ""}, LINE_MESSAGE),
        ("/regler/ny", {"name": "Avtal", "effective_from": today, "note": f"§ 3{bad}"}, TEXT_MESSAGE),
        ("/sam/begaran/ny", {"department_id": str(o.department_id), "title": f"Buller{bad}", "received_on": today,
                             "safety_rep_name": "Sara"}, LINE_MESSAGE),
        (f"/sam/atgarder/{w['action']['id']}", {"what": "Larm", "responsible": "Anna", "due": today, "status": "planned",
                                                "follow_up": f"Ja{bad}", "version": str(w["action"]["version"])}, TEXT_MESSAGE),
        (f"/sam/riskbedomningar/{w['risk']['id']}/kommentarer", {"text": f"Kommentar{bad}"}, TEXT_MESSAGE),
        ("/mallar/brevhuvud", {"scope": f"department:{o.department_id}", "text": f"Kommunen{bad}"},
         "Brevhuvudet får inte innehålla kontrolltecken (bara radbrytningar)."),
    ]


@pytest.mark.parametrize("label", ["BEL", "ESC", "DEL", "NEL (C1)", "U+FFFE", "U+FFFF", "VT"])
async def test_pages_refuse_the_character_in_swedish_next_to_the_field(client, world, label):
    admin = world["staff"]["admin"]
    await login(client, admin.email, admin.password)
    before = await _counts()
    for path, form, message in _page_cases(world, REFUSED[label]):
        response = await client.post(path, data={**form, "_csrf_token": csrf(client)})
        assert response.status_code == 422, (path, response.status_code, response.text[:2000])
        assert message in response.text, path
    assert await _counts() == before


async def test_pages_turn_crlf_into_lf_and_refuse_line_breaks_in_one_line_fields(client, world):
    admin = world["staff"]["admin"]
    await login(client, admin.email, admin.password)
    m = world["matter"]["id"]
    added = await client.post(f"/arenden/{m}/handelser", data={"type": "knowledge", "date": world["today"],
                                                              "note": "Rad ett\r\n\tRad två", "_csrf_token": csrf(client)})
    assert added.status_code in (302, 303), added.text[:2000]
    events = (await client.get(f"/api/v1/matters/{m}", headers=admin.headers)).json()["events"]
    assert [e["note"] for e in events if e["note"]] == ["Rad ett\n\tRad två"]
    title = await client.post("/arenden/nytt", data={"title": "Ärende\r\nmed radbrytning", "kind": "information",
                                                      "department_id": str(world["org"].department_id), "_csrf_token": csrf(client)})
    assert title.status_code == 422 and LINE_MESSAGE in title.text
    assert "Rubrik</a>: " + LINE_MESSAGE in title.text  # the summary names the field



async def test_command_line_refuses_control_characters_naming_the_field(client, org):
    from test_cli import run

    from samverkan.accounts.tables import ApiToken, User

    name = run("user", "create", "ny@lund.example", "--name", "Ny\x07Användare", "--role", "hr")
    assert name.returncode == 1 and "$.name" in name.stderr and "control characters" in name.stderr, name.stderr
    assert run("user", "create", "ok@lund.example", "--name", "Ok", "--role", "hr").returncode == 0
    label = run("token", "create", "ok@lund.example", "--label", "skript\x1b")
    assert label.returncode == 1 and "$.label" in label.stderr, label.stderr
    assert [r["email"] for r in await User.select(User.email)] == ["ok@lund.example"]
    assert await ApiToken.count() == 0
