"""Who may call what: every route × every role, against a matrix written out by hand here.

The matrix is independent of the guards in the code, so a wrong guard fails a test; and a
route missing from the matrix fails too, so a new endpoint cannot go unchecked.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import csrf, login

ALL = {"admin", "hr", "department", "union"}
ADMIN = {"admin"}
ADMIN_HR = {"admin", "hr"}
EMPLOYER = {"admin", "hr", "department"}
PUBLIC = "public"

MATRIX: dict[tuple[str, str], set[str] | str] = {
    ("GET", "/health"): PUBLIC,
    # API: registry
    **{("GET", f"/api/v1/{r}"): ALL for r in ("departments", "unions", "people", "groups")},
    **{("GET", f"/api/v1/{r}/{{id}}"): ALL for r in ("departments", "unions", "people", "groups")},
    **{(m, p.format(r=r)): ADMIN for r in ("departments", "unions")
       for m, p in (("POST", "/api/v1/{r}"), ("PATCH", "/api/v1/{r}/{{id}}"), ("POST", "/api/v1/{r}/{{id}}/deactivate"))},
    **{(m, p.format(r=r)): ADMIN_HR for r in ("people", "groups")
       for m, p in (("POST", "/api/v1/{r}"), ("PATCH", "/api/v1/{r}/{{id}}"), ("POST", "/api/v1/{r}/{{id}}/deactivate"))},
    # API: matters and meetings (the services narrow "department" to its own department)
    ("GET", "/api/v1/matters"): ALL,
    ("POST", "/api/v1/matters"): EMPLOYER,
    ("GET", "/api/v1/matters/{id}"): ALL,
    ("PATCH", "/api/v1/matters/{id}"): EMPLOYER,
    ("GET", "/api/v1/matters/{id}/events"): ALL,
    ("POST", "/api/v1/matters/{id}/events"): EMPLOYER,
    ("PATCH", "/api/v1/matters/{id}/events/{event_id}"): EMPLOYER,
    ("DELETE", "/api/v1/matters/{id}/events/{event_id}"): EMPLOYER,
    ("GET", "/api/v1/meetings"): ALL,
    ("POST", "/api/v1/meetings"): EMPLOYER,
    ("GET", "/api/v1/meetings/{id}"): ALL,
    ("PATCH", "/api/v1/meetings/{id}"): EMPLOYER,
    ("GET", "/api/v1/meetings/{id}/participants"): ALL,
    ("POST", "/api/v1/meetings/{id}/participants"): EMPLOYER,
    ("PATCH", "/api/v1/meetings/{id}/participants/{participant_id}"): EMPLOYER,
    ("DELETE", "/api/v1/meetings/{id}/participants/{participant_id}"): EMPLOYER,
    ("GET", "/api/v1/meetings/{id}/agenda"): ALL,
    ("POST", "/api/v1/meetings/{id}/agenda"): EMPLOYER,
    ("GET", "/api/v1/meetings/{id}/agenda/{item_id}"): ALL,
    ("PATCH", "/api/v1/meetings/{id}/agenda/{item_id}"): EMPLOYER,
    ("DELETE", "/api/v1/meetings/{id}/agenda/{item_id}"): EMPLOYER,
    ("POST", "/api/v1/meetings/{id}/agenda/{item_id}/close"): EMPLOYER,
    ("GET", "/api/v1/groups/{id}/standard-agenda"): ALL,
    ("PUT", "/api/v1/groups/{id}/standard-agenda"): ADMIN_HR,
    ("GET", "/api/v1/deadline-calculator"): ALL,
    ("GET", "/api/v1/rules"): ALL,
    ("GET", "/api/v1/deadlines"): ALL,
    ("GET", "/api/v1/matters/{id}/deadlines"): ALL,
    ("POST", "/api/v1/deadlines/{id}/waive"): ADMIN_HR,
    ("POST", "/api/v1/rule-sets"): ADMIN,
    ("POST", "/api/v1/rule-sets/preview"): ADMIN,
    ("GET", "/api/v1/notifications"): ALL,
    ("POST", "/api/v1/notifications/{id}/read"): ALL,
    ("GET", "/api/v1/outbox"): ADMIN,
    ("POST", "/api/v1/outbox/{id}/retry"): ADMIN,
    ("POST", "/api/v1/me/calendar-feed"): ALL,
    ("GET", "/calendar/{token}"): PUBLIC,  # the secret in the path is the credential
    # API: documents (the service narrows: a union makes and fetches only its own and the common copies)
    **{(m, p): ALL for m, p in (
        ("POST", "/api/v1/meetings/{id}/documents"), ("GET", "/api/v1/meetings/{id}/documents"),
        ("GET", "/api/v1/meetings/{id}/documents.zip"), ("GET", "/api/v1/documents/{id}"), ("GET", "/api/v1/documents/{id}/pdf"),
        ("GET", "/api/v1/word-templates"), ("GET", "/api/v1/word-templates/{name}"), ("GET", "/api/v1/letterheads"))},
    # API: protocol justering and the audit trail
    **{(m, f"/api/v1/meetings/{{id}}/protocol{p}"): ALL for m, p in (
        ("GET", ""), ("POST", "/comments"), ("POST", "/proposals"), ("POST", "/approve"), ("GET", "/versions/{n}"))},
    **{(m, f"/api/v1/meetings/{{id}}/protocol{p}"): EMPLOYER for m, p in (
        ("POST", "/submit"), ("POST", "/proposals/{pid}/accept"), ("POST", "/proposals/{pid}/reject"))},
    ("POST", "/api/v1/meetings/{id}/protocol/reopen"): ADMIN_HR,
    ("GET", "/api/v1/protocols/waiting"): ALL,
    ("GET", "/api/v1/audit"): ADMIN,
    **{(m, f"/api/v1/{owner}/{{owner_id}}/{what}"): ADMIN for owner in ("departments", "unions")
       for m, what in (("GET", "word-templates/{name}"), ("PUT", "word-templates/{name}"), ("DELETE", "word-templates/{name}"),
                       ("PUT", "letterhead"), ("DELETE", "letterhead"))},  # the secret in the path is the credential
    # API: SAM (the service narrows reading to the departments one covers, and "department" to its own)
    **{(m, f"/api/v1/sam/{p}"): ALL for m, p in (
        ("GET", "risk-assessments"), ("GET", "risk-assessments/{id}"), ("GET", "risk-assessments/{id}/document"),
        ("GET", "actions"), ("GET", "actions/{id}"), ("GET", "annual-follow-ups"), ("GET", "annual-follow-ups/{id}"),
        ("GET", "annual-follow-ups/{id}/document"), ("GET", "safety-rep-requests"), ("POST", "safety-rep-requests"),
        ("GET", "safety-rep-requests/{id}"), ("GET", "departments/{id}/overview"),
        *[(m, f"{kind}/{{id}}/comments") for kind in ("risk-assessments", "actions", "annual-follow-ups", "safety-rep-requests")
          for m in ("GET", "POST")])},
    **{(m, f"/api/v1/sam/{p}"): EMPLOYER for m, p in (
        ("POST", "risk-assessments"), ("POST", "actions"), ("PATCH", "actions/{id}"), ("POST", "annual-follow-ups"),
        ("PATCH", "annual-follow-ups/{id}"), ("POST", "safety-rep-requests/{id}/acknowledge"),
        ("POST", "safety-rep-requests/{id}/answer"), ("PUT", "risk-assessments/{id}"), ("POST", "risk-assessments/{id}/close"),
        ("POST", "annual-follow-ups/{id}/close"))},
    # API: papers, the kallelse and agenda proposals (the services narrow to the meeting's or matter's scope,
    # "department" to its own department and proposing to a union party)
    **{(m, p): ALL for m, p in (
        ("GET", "/api/v1/meetings/{id}/papers"), ("GET", "/api/v1/matters/{id}/papers"), ("GET", "/api/v1/papers/{id}"),
        ("GET", "/api/v1/meetings/{id}/notice"), ("GET", "/api/v1/meetings/{id}/proposals"),
        ("POST", "/api/v1/meetings/{id}/proposals"), ("POST", "/api/v1/meetings/{id}/proposals/{pid}/papers"))},
    **{(m, p): EMPLOYER for m, p in (
        ("POST", "/api/v1/meetings/{id}/papers"), ("POST", "/api/v1/matters/{id}/papers"), ("DELETE", "/api/v1/papers/{id}"),
        ("POST", "/api/v1/meetings/{id}/notice"), ("POST", "/api/v1/meetings/{id}/proposals/{pid}/accept"),
        ("POST", "/api/v1/meetings/{id}/proposals/{pid}/decline"))},
    # Year plans, actions on agenda items and APT questions (the services narrow to the group's or
    # meeting's scope; "department" to its own department)
    **{(m, p): ALL for m, p in (
        ("GET", "/api/v1/actions/{id}"), ("GET", "/api/v1/groups/{id}/actions"), ("GET", "/api/v1/groups/{id}/annual-items"),
        ("GET", "/api/v1/groups/{id}/questions"), ("GET", "/api/v1/groups/{id}/year-plan/{year}/document"),
        ("GET", "/api/v1/meetings/{id}/actions"), ("GET", "/api/v1/questions/{id}"), ("POST", "/api/v1/questions/{id}/comments"),
        ("GET", "/atgarder/{id}"), ("GET", "/fragor/{id}"), ("POST", "/fragor/{id}/kommentarer"), ("GET", "/grupper"),
        ("GET", "/grupper/{id}"), ("GET", "/grupper/{id}/arsplan"), ("GET", "/grupper/{id}/arsplan/{year}/dokument"),
        ("GET", "/moten/{id}/atgarder"))},
    **{(m, p): EMPLOYER for m, p in (
        ("PATCH", "/api/v1/actions/{id}"), ("PUT", "/api/v1/groups/{id}/annual-items"), ("POST", "/api/v1/groups/{id}/year-plan"),
        ("POST", "/api/v1/meetings/{id}/agenda/{item_id}/actions"), ("POST", "/api/v1/meetings/{id}/questions"),
        ("POST", "/api/v1/questions/{id}/agenda"), ("POST", "/api/v1/questions/{id}/answer"),
        ("POST", "/api/v1/questions/{id}/escalate"), ("POST", "/atgarder/{id}"), ("POST", "/fragor/{id}/dagordning"),
        ("POST", "/fragor/{id}/lyft"), ("POST", "/fragor/{id}/svar"), ("POST", "/grupper/{id}/arsplan"),
        ("POST", "/moten/{id}/atgarder"), ("POST", "/moten/{id}/fragor"), ("POST", "/moten/{id}/fragor/{question_id}/lyft"))},
    # API: own account
    ("GET", "/api/v1/me"): ALL,
    ("GET", "/api/v1/me/tokens"): ALL,
    ("POST", "/api/v1/me/tokens"): ALL,
    ("POST", "/api/v1/me/tokens/{token_id}/revoke"): ALL,
    # Pages
    ("GET", "/logga-in"): PUBLIC,
    ("POST", "/logga-in"): PUBLIC,
    ("POST", "/logga-ut"): PUBLIC,
    ("GET", "/logga-in/sso"): PUBLIC,  # sign-on: the provider vouches for the person (test_sso.py)
    ("GET", "/logga-in/sso/klar"): PUBLIC,
    ("GET", "/logga-in/saml"): PUBLIC,
    ("POST", "/saml/acs"): PUBLIC,
    ("GET", "/saml/metadata"): PUBLIC,
    ("GET", "/"): ALL,
    ("GET", "/konto"): ALL,
    ("POST", "/konto/nycklar"): ALL,
    ("POST", "/konto/nycklar/{token_id}/aterkalla"): ALL,
    **{(m, p): ADMIN for m, p in (
        ("GET", "/anvandare"), ("GET", "/anvandare/{id}"), ("GET", "/anvandare/ny"), ("POST", "/anvandare/ny"),
        ("POST", "/anvandare/{id}"), ("POST", "/anvandare/{id}/inaktivera"))},
    ("GET", "/arenden"): ALL,
    ("GET", "/arenden/{id}"): ALL,
    **{(m, p): EMPLOYER for m, p in (
        ("GET", "/arenden/nytt"), ("POST", "/arenden/nytt"), ("GET", "/arenden/{id}/redigera"), ("POST", "/arenden/{id}/redigera"),
        ("POST", "/arenden/{id}/handelser"), ("POST", "/arenden/{id}/handelser/{event_id}"),
        ("POST", "/arenden/{id}/handelser/{event_id}/ta-bort"))},
    ("POST", "/arenden/{id}/frister/{deadline_id}/efterge"): ADMIN_HR,
    ("GET", "/frister"): ALL,
    ("GET", "/regler"): ALL,
    **{(m, p): ADMIN for m, p in (("GET", "/regler/ny"), ("POST", "/regler/ny"), ("GET", "/utkorg"), ("POST", "/utkorg/{id}/forsok-igen"))},
    ("GET", "/notiser"): ALL,
    ("POST", "/notiser/las"): ALL,
    ("POST", "/konto/kalender"): ALL,
    ("GET", "/moten"): ALL,
    ("GET", "/moten/{id}"): ALL,
    **{(m, p): ALL for m, p in (
        ("POST", "/moten/{id}/dokument"), ("GET", "/moten/{id}/dokument.zip"), ("GET", "/dokument/{id}"),
        ("GET", "/dokument/{id}/word"), ("GET", "/dokument/{id}/pdf"))},
    ("GET", "/att-justera"): ALL,
    **{(m, p): ALL for m, p in (
        ("GET", "/moten/{id}/protokoll"), ("POST", "/moten/{id}/protokoll/kommentar"), ("POST", "/moten/{id}/protokoll/forslag"),
        ("POST", "/moten/{id}/protokoll/justera"), ("GET", "/moten/{id}/protokoll/jamfor"))},
    **{(m, p): EMPLOYER for m, p in (
        ("POST", "/moten/{id}/protokoll/skicka"), ("POST", "/moten/{id}/protokoll/forslag/{pid}/godta"),
        ("POST", "/moten/{id}/protokoll/forslag/{pid}/avsla"))},
    ("POST", "/moten/{id}/protokoll/oppna"): ADMIN_HR,
    ("GET", "/logg"): ADMIN,
    ("GET", "/logg.csv"): ADMIN,
    **{(m, p): ADMIN for m, p in (
        ("GET", "/mallar"), ("POST", "/mallar"), ("POST", "/mallar/ta-bort"), ("POST", "/mallar/brevhuvud"),
        ("POST", "/mallar/brevhuvud/ta-bort"), ("GET", "/mallar/{name}"), ("GET", "/mallar/{name}/exempel"))},
    **{(m, p): EMPLOYER for m, p in (
        ("GET", "/moten/nytt"), ("POST", "/moten/nytt"), ("POST", "/moten/{id}/status"), ("POST", "/moten/{id}/andra"), ("POST", "/moten/{id}/deltagare"),
        ("POST", "/moten/varningar"), ("GET", "/moten/{id}/arendeforslag"), ("POST", "/moten/{id}/narvaro"), ("POST", "/moten/{id}/deltagare/{participant_id}/ta-bort"),
        ("POST", "/moten/{id}/punkter"), ("POST", "/moten/{id}/punkter/{item_id}"), ("POST", "/moten/{id}/punkter/{item_id}/flytta"),
        ("POST", "/moten/{id}/punkter/{item_id}/ta-bort"), ("POST", "/moten/{id}/punkter/{item_id}/avsluta"))},
    # Papers, the kallelse and proposals on pages
    **{(m, p): ALL for m, p in (("GET", "/underlag/{id}"), ("POST", "/moten/{id}/narvaroanmalan"), ("POST", "/moten/{id}/forslag"))},
    **{(m, p): EMPLOYER for m, p in (
        ("POST", "/moten/{id}/underlag"), ("POST", "/arenden/{id}/underlag"), ("POST", "/underlag/{id}/ta-bort"),
        ("POST", "/moten/{id}/kallelse"), ("POST", "/moten/{id}/forslag/{pid}"))},
    ("GET", "/kallelse/svar/{token}"): PUBLIC,  # the signed token in the path is the credential
    ("POST", "/kallelse/svar/{token}"): PUBLIC,
    # SAM pages
    **{(m, p): ALL for m, p in (
        ("GET", "/sam"), ("GET", "/sam/riskbedomningar/{id}"), ("GET", "/sam/riskbedomningar/{id}/dokument"),
        ("GET", "/sam/atgarder/{id}"), ("GET", "/sam/uppfoljningar/{id}"), ("GET", "/sam/uppfoljningar/{id}/dokument"),
        ("GET", "/sam/begaran/ny"), ("POST", "/sam/begaran/ny"), ("GET", "/sam/begaran/{id}"),
        *[("POST", f"/sam/{kind}/{{id}}/kommentarer") for kind in ("riskbedomningar", "atgarder", "uppfoljningar", "begaran")])},
    **{(m, p): EMPLOYER for m, p in (
        ("GET", "/sam/riskbedomningar/ny"), ("POST", "/sam/riskbedomningar/ny"), ("POST", "/sam/riskbedomningar/{id}/atgarder"),
        ("POST", "/sam/atgarder/{id}"), ("GET", "/sam/uppfoljningar/ny"), ("POST", "/sam/uppfoljningar/ny"),
        ("POST", "/sam/uppfoljningar/{id}/atgarder"), ("POST", "/sam/begaran/{id}/bekrafta"), ("POST", "/sam/begaran/{id}/besvara"),
        ("GET", "/sam/riskbedomningar/{id}/andra"), ("POST", "/sam/riskbedomningar/{id}/andra"), ("POST", "/sam/riskbedomningar/{id}/klar"),
        ("GET", "/sam/uppfoljningar/{id}/andra"), ("POST", "/sam/uppfoljningar/{id}/andra"), ("POST", "/sam/uppfoljningar/{id}/klar"))},
    ("GET", "/hjalp/mallar"): ALL,
    **{("GET", f"/{slug}"): ALL for slug in ("forvaltningar", "fackforbund", "personer", "samverkansgrupper")},
    **{("GET", f"/{slug}/{{id}}"): ALL for slug in ("forvaltningar", "fackforbund", "personer", "samverkansgrupper")},
    **{(m, p.format(s=slug)): editors
       for slug, editors in (("forvaltningar", ADMIN), ("fackforbund", ADMIN), ("personer", ADMIN_HR), ("samverkansgrupper", ADMIN_HR))
       for m, p in (("GET", "/{s}/ny"), ("POST", "/{s}/ny"), ("POST", "/{s}/{{id}}"), ("POST", "/{s}/{{id}}/inaktivera"))},
}


def _app_routes(app) -> list[tuple[str, str, object]]:
    """(method, path with {name} placeholders, handler) for every route of ours."""
    out = []
    for route in app.routes:
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        if path.startswith("/schema") or path.startswith("/static"):
            continue  # Litestar's own OpenAPI pages and static files: public by nature
        for handler in getattr(route, "route_handlers", []):
            for method in handler.http_methods:
                if method in {"HEAD", "OPTIONS"}:
                    continue
                out.append((method, path, handler))
    return out


async def test_every_route_is_in_the_matrix(app):
    routes = {(m, p) for m, p, _ in _app_routes(app)}
    assert routes - MATRIX.keys() == set(), "routes without an access expectation"
    assert MATRIX.keys() - routes == set(), "matrix entries for routes that do not exist"


async def test_every_handler_declares_who_may_call_it(app):
    from samverkan.accounts.access import Allow

    for method, path, handler in _app_routes(app):
        # Litestar wraps each guard in an AsyncCallable; the guard itself is .func
        guards = [g for g in handler.resolve_guards() if isinstance(getattr(g, "func", g), Allow)]
        public = handler.opt.get("public") is True
        assert len(guards) == 1 or public, f"{method} {path} declares neither a role guard nor public"
        assert not (guards and public), f"{method} {path} declares both"


PLACEHOLDERS = {"id": 1, "token": "okand.ics", "name": "protocol", "owner_id": 1, "pid": 1, "n": 1, "token_id": 1, "event_id": 1, "participant_id": 1, "item_id": 1, "deadline_id": 1, "year": 2026, "question_id": 1}


def _fill(path: str, ids: dict[str, int]) -> str:
    return path.format(**ids)


async def _ids_for(client, org, caller) -> dict[str, int]:
    from samverkan.accounts import service
    from samverkan.orgs import schemas as s
    from samverkan.orgs import service as orgs

    person = await orgs.create_person(s.PersonCreate(name="Per Holm", side="employer", department_id=org.department_id))
    group = await orgs.create_group(s.GroupCreate(name="FSG", level="department", department_id=org.department_id))
    _, token = await service.create_token(caller.user_id, "revocable")
    # Another login than the caller's own: an admin may not deactivate themselves.
    from samverkan.accounts.schemas import UserCreate

    other = await service.create_user(UserCreate(email="annan@test.example", name="Annan", role="hr"))
    # A matter and a meeting in the department and union of the department and union callers.
    from samverkan.accounts.service import Viewer
    from samverkan.matters import service as matters
    from samverkan.matters.schemas import EventCreate, MatterCreate
    from samverkan.meetings import schemas as ms
    from samverkan.meetings import service as meetings

    system = Viewer(other.id, other.email, other.name, "hr", None, None, None, "session")
    matter = await matters.create_matter(system, MatterCreate(title="Ärende", kind="dispute", department_id=org.department_id, union_ids=[org.union_id]))
    event = await matters.add_event(system, matter.id, EventCreate(type="meeting_held", date=dt.date(2026, 3, 2)))
    meeting = await meetings.create_meeting(system, ms.MeetingCreate(
        kind="negotiation", title="Möte", department_id=org.department_id, union_ids=[org.union_id],
        starts_at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc), ends_at=dt.datetime(2026, 3, 2, 10, tzinfo=dt.timezone.utc)))
    participant = await meetings.add_participant(system, meeting.id, ms.ParticipantCreate(person_id=person.id))
    item = await meetings.add_item(system, meeting.id, ms.AgendaItemCreate(title="Punkt"))
    await matters.add_event(system, matter.id, EventCreate(type="knowledge", date=dt.date(2026, 3, 1)))
    from samverkan.deadlines.tables import Deadline

    deadline = (await Deadline.select(Deadline.id).where(Deadline.matter == matter.id).first())["id"]
    # A record of each SAM kind in the department.
    from samverkan.sam import schemas as ss
    from samverkan.sam import service as sam

    assessment = await sam.create_risk_assessment(system, ss.RiskAssessmentCreate(
        department_id=org.department_id, title="Riskbedömning", date=dt.date(2026, 3, 2), reason="routine",
        participants=[ss.SamParticipant(name="Per Holm", role="manager")],
        risks=[ss.RiskCreate(description="Risk", likelihood=2, consequence=3)]), client.app.state.settings)
    action = await sam.create_action(system, ss.ActionCreate(what="Åtgärd", responsible="Per Holm", due=dt.date(2026, 4, 1),
                                                             risk_assessment_id=assessment.id))
    follow_up = await sam.create_follow_up(system, ss.AnnualFollowUpCreate(
        department_id=org.department_id, year=2026, date=dt.date(2026, 3, 2),
        checklist=[ss.ChecklistAnswer(element=e, answer="yes") for e in sam.rules.CHECKLIST]))
    request = await sam.create_request(system, ss.SafetyRepRequestCreate(
        department_id=org.department_id, title="Begäran", received_on=dt.date(2026, 3, 2), safety_rep_name="Sara"))
    return {"id": org.department_id, "risk_assessment": assessment.id, "action": action.id, "follow_up": follow_up.id,
            "request": request.id, "token_id": token.id, "person": person.id, "group": group.id, "user": other.id,
            "matter": matter.id, "event_id": event.id, "meeting": meeting.id, "participant_id": participant.id, "item_id": item.id,
            "deadline": deadline, "deadline_id": deadline, "owner_id": org.department_id, "year": 2026, "question_id": 1}


def _path_ids(path: str, ids: dict[str, int]) -> dict[str, int]:
    # Use a record of the right kind for each path, so an allowed call reaches its handler.
    record = ids["id"]
    if "/matters" in path or "/arenden" in path:
        record = ids["matter"]
    elif "/deadlines/" in path:
        record = ids["deadline"]
    elif "/meetings" in path or "/moten" in path:
        record = ids["meeting"]
    elif "/anvandare" in path:
        record = ids["user"]
    elif "/people" in path or "/personer" in path:
        record = ids["person"]
    elif "/groups" in path or "/samverkansgrupper" in path or "/grupper" in path:
        record = ids["group"]
    elif "/risk-assessments" in path or "/riskbedomningar" in path:
        record = ids["risk_assessment"]
    elif "/sam/actions" in path or "/atgarder" in path:
        record = ids["action"]
    elif "/annual-follow-ups" in path or "/uppfoljningar" in path:
        record = ids["follow_up"]
    elif "/safety-rep-requests" in path or "/begaran" in path:
        record = ids["request"]
    return {"id": record, "token": "okand.ics", "name": "protocol", "pid": 1, "n": 1, "year": 2026,
            **{k: v for k, v in ids.items() if k.endswith("_id")}}


@pytest.mark.parametrize("role", sorted(ALL))
async def test_api_matrix(client, app, org, make_caller, role):
    caller = await make_caller(
        role, department_id=org.department_id if role == "department" else None,
        union_id=org.union_id if role == "union" else None,
    )
    ids = await _ids_for(client, org, caller)
    for (method, path), allowed in sorted(MATRIX.items()):
        if not path.startswith("/api/"):
            continue
        url = _fill(path, _path_ids(path, ids))
        response = await client.request(method, url, headers=caller.headers, json={})
        if allowed == PUBLIC or role in allowed:
            assert response.status_code not in (401, 403), f"{role} {method} {url}: {response.status_code} {response.text}"
            assert response.status_code < 500, f"{role} {method} {url}: {response.status_code} {response.text}"
        else:
            assert response.status_code == 403, f"{role} {method} {url}: {response.status_code}"
            assert response.json()["status"] == 403


async def test_api_without_credentials_is_401(client, app, org):
    for (method, path), allowed in sorted(MATRIX.items()):
        if not path.startswith("/api/"):
            continue
        response = await client.request(method, _fill(path, PLACEHOLDERS), json={})
        assert response.status_code == 401, f"{method} {path}"
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json() == {"status": 401, "detail": "Du behöver logga in."}


@pytest.mark.parametrize("role", sorted(ALL))
async def test_page_matrix(client, org, make_caller, role):
    caller = await make_caller(
        role, department_id=org.department_id if role == "department" else None,
        union_id=org.union_id if role == "union" else None,
    )
    ids = await _ids_for(client, org, caller)
    await login(client, caller.email, caller.password)
    pages = sorted(((m, p), a) for (m, p), a in MATRIX.items() if not p.startswith(("/api/", "/health")))
    # Log out last: it ends the session the rest of the walk needs.
    pages.sort(key=lambda item: item[0][1] == "/logga-ut")
    for (method, path), allowed in pages:
        url = _fill(path, _path_ids(path, ids))
        if method == "GET":
            response = await client.get(url)
        else:
            response = await client.post(url, data={"_csrf_token": csrf(client)})
        if allowed == PUBLIC:
            # The login form answers 401 to an empty form: that is "wrong password", not "no access".
            assert response.status_code != 403, f"{role} {method} {url}"
        elif role in allowed:
            assert response.status_code not in (401, 403), f"{role} {method} {url}: {response.status_code}"
            assert response.status_code < 500, f"{role} {method} {url}: {response.status_code}"
            assert not response.headers.get("location", "").startswith("/logga-in?"), f"{role} {method} {url}"
        else:
            assert response.status_code == 403, f"{role} {method} {url}: {response.status_code}"
            assert "behörighet" in response.text


async def test_pages_without_session_redirect_to_login(client):
    for (method, path), allowed in sorted(MATRIX.items()):
        if path.startswith(("/api/", "/health")) or allowed == PUBLIC:
            continue
        url = _fill(path, PLACEHOLDERS)
        if method == "GET":
            response = await client.get(url)
            assert response.status_code == 302, f"{method} {path}"
            assert response.headers["location"] == f"/logga-in?next={url}"
        else:
            await client.get("/logga-in")  # a CSRF cookie, so the check reached is the login one
            response = await client.post(url, data={"_csrf_token": csrf(client)})
            assert response.status_code == 302, f"{method} {path}"
            assert response.headers["location"].startswith("/logga-in?next=")
