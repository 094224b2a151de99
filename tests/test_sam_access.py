"""Who reads and changes SAM through the API: HR and admin everything; a department user their own
department only; a skyddsombud reads and comments on the departments they cover (their own, those
of the groups they sit in, every one for a huvudskyddsombud without a department) and registers
6:6a requests there, but changes nothing; other union users see nothing. The deadlines of SAM
items follow the same lines."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan import clock
from sam_fixtures import assessment, follow_up, safety_rep

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)

KINDS = ("risk-assessments", "actions", "annual-follow-ups", "safety-rep-requests")


async def _created(response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()


async def _sam_of(client, hr, department_id: int, tag: str) -> dict[str, dict]:
    """One of each SAM record in the department, made by HR."""
    ra = await _created(await client.post("/api/v1/sam/risk-assessments", json=assessment(
        department_id, title=f"Riskbedömning {tag}"), headers=hr.headers))
    action = await _created(await client.post("/api/v1/sam/actions", json={
        "risk_assessment_id": ra["id"], "risk_id": ra["risks"][0]["id"], "what": f"Åtgärd {tag}", "responsible": "Anna Chef",
        "due": (clock.today() + dt.timedelta(days=30)).isoformat()}, headers=hr.headers))
    fu = await _created(await client.post("/api/v1/sam/annual-follow-ups", json=follow_up(department_id, 2026), headers=hr.headers))
    request = await _created(await client.post("/api/v1/sam/safety-rep-requests", json={
        "department_id": department_id, "title": f"Begäran {tag}", "safety_rep_name": "Sara Skyddsombud",
        "received_on": (clock.today() - dt.timedelta(days=2)).isoformat()}, headers=hr.headers))
    return {"risk-assessments": ra, "actions": action, "annual-follow-ups": fu, "safety-rep-requests": request}


@pytest.fixture
async def world(client, callers, org):
    """Callers of every role and one of each SAM record in both departments."""
    people = await callers()
    own = await _sam_of(client, people["hr"], org.department_id, "egen")
    other = await _sam_of(client, people["hr"], org.other_department_id, "annan")
    return people, own, other


async def _listed(client, caller, kind: str) -> set[int]:
    r = await client.get(f"/api/v1/sam/{kind}", params={"limit": 500}, headers=caller.headers)
    assert r.status_code == 200, r.text
    return {item["id"] for item in r.json()["items"]}


async def _reads_all(client, caller, sam: dict[str, dict]) -> dict[str, int]:
    """kind → status of GET on the record, its comments and (once) the department's overview."""
    out = {}
    for kind in KINDS:
        out[kind] = (await client.get(f"/api/v1/sam/{kind}/{sam[kind]['id']}", headers=caller.headers)).status_code
        out[f"{kind}/comments"] = (await client.get(f"/api/v1/sam/{kind}/{sam[kind]['id']}/comments",
                                                    headers=caller.headers)).status_code
    department_id = sam["risk-assessments"]["department_id"]
    out["overview"] = (await client.get(f"/api/v1/sam/departments/{department_id}/overview", headers=caller.headers)).status_code
    return out


def _all(status: int) -> dict[str, int]:
    return {**{kind: status for kind in KINDS}, **{f"{kind}/comments": status for kind in KINDS}, "overview": status}


async def _changes(client, caller, sam: dict[str, dict]) -> dict[str, int]:
    """What each change the employer may make answers for this caller, on these records."""
    department_id = sam["risk-assessments"]["department_id"]
    today = clock.today().isoformat()
    request_id = sam["safety-rep-requests"]["id"]
    return {
        "create risk assessment": (await client.post("/api/v1/sam/risk-assessments", json=assessment(department_id),
                                                     headers=caller.headers)).status_code,
        "create follow-up": (await client.post("/api/v1/sam/annual-follow-ups", json=follow_up(department_id, 2025),
                                               headers=caller.headers)).status_code,
        "patch action": (await client.patch(f"/api/v1/sam/actions/{sam['actions']['id']}", json={"status": "in_progress"},
                                            headers=caller.headers)).status_code,
        "patch follow-up": (await client.patch(f"/api/v1/sam/annual-follow-ups/{sam['annual-follow-ups']['id']}",
                                               json={"summary": "Ändrad"}, headers=caller.headers)).status_code,
        "acknowledge": (await client.post(f"/api/v1/sam/safety-rep-requests/{request_id}/acknowledge",
                                          json={"acknowledged_on": today}, headers=caller.headers)).status_code,
        "answer": (await client.post(f"/api/v1/sam/safety-rep-requests/{request_id}/answer",
                                     json={"answered_on": today, "answer": "Vi åtgärdar det."}, headers=caller.headers)).status_code,
    }


async def _unchanged(client, hr, sam: dict[str, dict]) -> None:
    action = (await client.get(f"/api/v1/sam/actions/{sam['actions']['id']}", headers=hr.headers)).json()
    assert action["status"] == "planned" and action["version"] == sam["actions"]["version"]
    fu = (await client.get(f"/api/v1/sam/annual-follow-ups/{sam['annual-follow-ups']['id']}", headers=hr.headers)).json()
    assert fu["summary"] == sam["annual-follow-ups"]["summary"]
    request = (await client.get(f"/api/v1/sam/safety-rep-requests/{sam['safety-rep-requests']['id']}", headers=hr.headers)).json()
    assert request["acknowledged_on"] is None and request["answered_on"] is None and request["state"] == "received"


async def _person_id(email: str) -> int:
    from samverkan.orgs.tables import Person

    return (await Person.select(Person.id).where(Person.email == email).first())["id"]


# --- HR and admin ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hr", "admin"])
async def test_hr_and_admin_read_and_change_every_departments_sam(client, world, role):
    people, own, other = world
    caller = people[role]
    for kind in KINDS:
        assert await _listed(client, caller, kind) == {own[kind]["id"], other[kind]["id"]}, kind
    for sam in (own, other):
        assert await _reads_all(client, caller, sam) == _all(200)
    assert await _changes(client, caller, other) == {
        "create risk assessment": 201, "create follow-up": 201, "patch action": 200, "patch follow-up": 200, "acknowledge": 200,
        "answer": 200}
    r = await client.post("/api/v1/sam/actions", json={
        "risk_assessment_id": other["risk-assessments"]["id"], "what": "Ny åtgärd", "responsible": "Bo Chef",
        "due": (clock.today() + dt.timedelta(days=9)).isoformat()}, headers=caller.headers)
    assert r.status_code == 201 and r.json()["department_id"] == other["risk-assessments"]["department_id"]


# --- a department user ----------------------------------------------------------------------


async def test_a_department_user_sees_only_their_own_departments_sam(client, world):
    people, own, other = world
    department = people["department"]
    for kind in KINDS:
        assert await _listed(client, department, kind) == {own[kind]["id"]}, kind
        r = await client.get(f"/api/v1/sam/{kind}", params={"department_id": other["risk-assessments"]["department_id"]},
                             headers=department.headers)
        assert r.status_code == 200 and (r.json()["items"], r.json()["total"]) == ([], 0), kind
    assert await _reads_all(client, department, own) == _all(200)
    assert await _reads_all(client, department, other) == _all(404)


async def test_a_department_user_changes_their_own_department_and_nothing_of_another(client, world, org):
    from samverkan.sam.tables import Action, AnnualFollowUp, RiskAssessment

    people, own, other = world
    department = people["department"]
    counts = (await RiskAssessment.count(), await AnnualFollowUp.count(), await Action.count())
    refused = await _changes(client, department, other)
    for change, status in refused.items():
        assert status in (403, 404), (change, status)
    assert refused["create risk assessment"] == 403 and refused["create follow-up"] == 403  # the department exists: 403
    r = await client.post("/api/v1/sam/safety-rep-requests", json={
        "department_id": org.other_department_id, "title": "X", "safety_rep_name": "Y", "received_on": clock.today().isoformat()},
        headers=department.headers)
    assert r.status_code == 403
    # An action from another department's risk assessment is refused as if it did not exist.
    r = await client.post("/api/v1/sam/actions", json={
        "risk_assessment_id": other["risk-assessments"]["id"], "what": "Smyg", "responsible": "Bo",
        "due": (clock.today() + dt.timedelta(days=9)).isoformat()}, headers=department.headers)
    assert r.status_code in (400, 403, 404) and r.json()["field"] == "risk_assessment_id"
    r = await client.post(f"/api/v1/sam/actions/{other['actions']['id']}/comments", json={"text": "Hej"}, headers=department.headers)
    assert r.status_code == 404
    assert (await RiskAssessment.count(), await AnnualFollowUp.count(), await Action.count()) == counts
    await _unchanged(client, people["hr"], other)

    assert await _changes(client, department, own) == {
        "create risk assessment": 201, "create follow-up": 201, "patch action": 200, "patch follow-up": 200, "acknowledge": 200,
        "answer": 200}


# --- a skyddsombud ----------------------------------------------------------------------------


async def test_a_skyddsombud_reads_and_comments_on_their_own_department_but_changes_nothing(client, world, org, make_caller):
    people, own, other = world
    so = await safety_rep(make_caller, org.department_id, org.union_id)
    for kind in KINDS:
        assert await _listed(client, so, kind) == {own[kind]["id"]}, kind
    assert await _reads_all(client, so, own) == _all(200)
    assert await _reads_all(client, so, other) == _all(404)

    for kind in KINDS:
        r = await client.post(f"/api/v1/sam/{kind}/{own[kind]['id']}/comments", json={"text": f"Synpunkt på {kind}"},
                              headers=so.headers)
        assert r.status_code == 201, (kind, r.text)
        assert [(c["author"], c["text"]) for c in r.json()] == [("Test union", f"Synpunkt på {kind}")]
        r = await client.post(f"/api/v1/sam/{kind}/{other[kind]['id']}/comments", json={"text": "Smyg"}, headers=so.headers)
        assert r.status_code == 404, kind

    assert await _changes(client, so, own) == {
        "create risk assessment": 403, "create follow-up": 403, "patch action": 403, "patch follow-up": 403, "acknowledge": 403,
        "answer": 403}
    r = await client.post("/api/v1/sam/actions", json={
        "risk_assessment_id": own["risk-assessments"]["id"], "what": "Egen åtgärd", "responsible": "Sara",
        "due": (clock.today() + dt.timedelta(days=9)).isoformat()}, headers=so.headers)
    assert r.status_code == 403
    await _unchanged(client, people["hr"], own)


async def test_a_skyddsombud_registers_a_request_in_a_department_they_cover_and_in_no_other(client, world, org, make_caller):
    from samverkan.sam.tables import SafetyRepRequest

    people, own, other = world
    so = await safety_rep(make_caller, org.department_id, org.union_id)
    body = {"department_id": org.department_id, "title": "Buller i köket", "safety_rep_name": "Sara Skyddsombud",
            "received_on": clock.today().isoformat()}
    created = await _created(await client.post("/api/v1/sam/safety-rep-requests", json=body, headers=so.headers))
    assert created["department_id"] == org.department_id and created["state"] == "received"
    assert created["safety_rep_id"] == await _person_id(so.email) and created["union_id"] == org.union_id
    assert created["id"] in await _listed(client, people["department"], "safety-rep-requests")

    before = await SafetyRepRequest.count()
    r = await client.post("/api/v1/sam/safety-rep-requests", json={**body, "department_id": org.other_department_id},
                          headers=so.headers)
    assert r.status_code == 403 and r.json()["field"] == "department_id"
    assert await SafetyRepRequest.count() == before


async def test_a_skyddsombud_covers_the_departments_of_the_groups_they_sit_in(client, world, org, make_caller):
    people, own, other = world
    so = await safety_rep(make_caller, org.department_id, org.union_id)
    assert await _reads_all(client, so, other) == _all(404)

    group = await _created(await client.post("/api/v1/groups", json={
        "name": "Samverkansgrupp Kommunkontoret", "level": "department", "department_id": org.other_department_id,
        "union_ids": [org.union_id], "member_ids": [await _person_id(so.email)], "safety_committee": True},
        headers=people["hr"].headers))
    assert group["member_ids"] == [await _person_id(so.email)]

    for kind in KINDS:
        assert await _listed(client, so, kind) == {own[kind]["id"], other[kind]["id"]}, kind
    assert await _reads_all(client, so, other) == _all(200)
    r = await client.post(f"/api/v1/sam/risk-assessments/{other['risk-assessments']['id']}/comments",
                          json={"text": "Skyddskommittén vill se handlingsplanen"}, headers=so.headers)
    assert r.status_code == 201
    r = await client.post("/api/v1/sam/safety-rep-requests", json={
        "department_id": org.other_department_id, "title": "Trasiga stolar", "safety_rep_name": "Sara Skyddsombud",
        "received_on": clock.today().isoformat()}, headers=so.headers)
    assert r.status_code == 201, r.text
    assert await _changes(client, so, other) == {
        "create risk assessment": 403, "create follow-up": 403, "patch action": 403, "patch follow-up": 403, "acknowledge": 403,
        "answer": 403}

    # Out of the group: the other department is closed again.
    r = await client.patch(f"/api/v1/groups/{group['id']}", json={"member_ids": []}, headers=people["hr"].headers)
    assert r.status_code == 200, r.text
    assert await _reads_all(client, so, other) == _all(404)


async def test_a_huvudskyddsombud_without_a_department_covers_every_department(client, world, org, make_caller):
    people, own, other = world
    chief = await safety_rep(make_caller, org.department_id, org.union_id, chief=True)
    for kind in KINDS:
        assert await _listed(client, chief, kind) == {own[kind]["id"], other[kind]["id"]}, kind
    for sam in (own, other):
        assert await _reads_all(client, chief, sam) == _all(200)
    r = await client.post("/api/v1/sam/safety-rep-requests", json={
        "department_id": org.other_department_id, "title": "Hot och våld i receptionen", "safety_rep_name": "Sara Skyddsombud",
        "received_on": clock.today().isoformat()}, headers=chief.headers)
    assert r.status_code == 201, r.text
    assert await _changes(client, chief, other) == {
        "create risk assessment": 403, "create follow-up": 403, "patch action": 403, "patch follow-up": 403, "acknowledge": 403,
        "answer": 403}
    await _unchanged(client, people["hr"], other)


# --- other union users ------------------------------------------------------------------------


async def _union_user(variant: str, make_caller, callers_people, org):
    from samverkan.orgs import schemas as s
    from samverkan.orgs import service

    if variant == "no person":
        return callers_people["union"]
    if variant == "union rep":
        person = await service.create_person(s.PersonCreate(
            name="Ulf Ombud", side="union", email="ulf.ombud@test.example", department_id=org.department_id,
            union_id=org.union_id, roles=["union_rep"]))
        return await make_caller("union", union_id=org.union_id, email=person.email)
    so = await safety_rep(make_caller, org.department_id, org.union_id)  # no longer active in the registry
    await service.update_person(await _person_id(so.email), s.PersonUpdate(active=False))
    return so


@pytest.mark.parametrize("variant", ["no person", "union rep", "inactive skyddsombud"])
async def test_a_union_user_who_is_not_skyddsombud_sees_no_sam(client, world, org, make_caller, variant):
    from samverkan.sam.tables import SafetyRepRequest

    people, own, other = world
    union = await _union_user(variant, make_caller, people, org)
    for kind in KINDS:
        assert await _listed(client, union, kind) == set(), kind
    for sam in (own, other):
        assert await _reads_all(client, union, sam) == _all(404)
    r = await client.post(f"/api/v1/sam/actions/{own['actions']['id']}/comments", json={"text": "Hej"}, headers=union.headers)
    assert r.status_code == 404
    before = await SafetyRepRequest.count()
    r = await client.post("/api/v1/sam/safety-rep-requests", json={
        "department_id": org.department_id, "title": "X", "safety_rep_name": "Y", "received_on": clock.today().isoformat()},
        headers=union.headers)
    assert r.status_code == 403
    assert await SafetyRepRequest.count() == before


# --- comments -----------------------------------------------------------------------------------


async def test_comments_are_listed_in_order_with_their_authors_names(client, world, org, make_caller):
    people, own, _ = world
    so = await safety_rep(make_caller, org.department_id, org.union_id)
    path = f"/api/v1/sam/safety-rep-requests/{own['safety-rep-requests']['id']}/comments"
    assert (await client.get(path, headers=people["hr"].headers)).json() == []
    for caller, text in ((so, "Ventilationen är fortfarande dålig."), (people["department"], "Tekniker bokad till fredag."),
                         (people["hr"], "  Noterat av HR.  ")):
        assert (await client.post(path, json={"text": text}, headers=caller.headers)).status_code == 201
    for reader in (people["admin"], people["department"], so):
        listed = (await client.get(path, headers=reader.headers)).json()
        assert [(c["author"], c["text"]) for c in listed] == [
            ("Test union", "Ventilationen är fortfarande dålig."), ("Test department", "Tekniker bokad till fredag."),
            ("Test hr", "Noterat av HR.")]
        assert len({c["id"] for c in listed}) == 3 and all(c["created_at"] for c in listed)
    # The comments of one record are not another's.
    other_path = f"/api/v1/sam/risk-assessments/{own['risk-assessments']['id']}/comments"
    assert (await client.get(other_path, headers=people["hr"].headers)).json() == []
    blank = await client.post(path, json={"text": "   "}, headers=so.headers)
    assert blank.status_code == 400 and blank.json()["field"] == "text"


# --- deadlines ----------------------------------------------------------------------------------


async def _sam_deadlines(client, caller) -> set[tuple[str, int]]:
    r = await client.get("/api/v1/deadlines", params={"limit": 500}, headers=caller.headers)
    assert r.status_code == 200, r.text
    return {(d["subject"], d["subject_id"]) for d in r.json()["items"] if d["matter_id"] is None}


def _deadline_keys(sam: dict[str, dict]) -> set[tuple[str, int]]:
    return {("sam_action", sam["actions"]["id"]), ("annual_follow_up", sam["annual-follow-ups"]["id"]),
            ("safety_rep_request", sam["safety-rep-requests"]["id"])}


async def test_sam_deadlines_are_visible_to_exactly_those_who_read_the_departments_sam(client, world, org, make_caller):
    people, own, other = world
    own_keys, other_keys = _deadline_keys(own), _deadline_keys(other)
    assert await _sam_deadlines(client, people["hr"]) == own_keys | other_keys  # each record made its deadline
    expected = {
        "admin": own_keys | other_keys,
        "hr": own_keys | other_keys,
        "department": own_keys,
        "other department": other_keys,
        "skyddsombud": own_keys,
        "huvudskyddsombud": own_keys | other_keys,
        "union": set(),
    }
    viewers = {
        **{role: people[role] for role in ("admin", "hr", "department", "union")},
        "other department": await make_caller("department", department_id=org.other_department_id),
        "skyddsombud": await safety_rep(make_caller, org.department_id, org.union_id),
        "huvudskyddsombud": await safety_rep(make_caller, org.department_id, org.other_union_id, chief=True),
    }
    seen = {name: await _sam_deadlines(client, viewer) for name, viewer in viewers.items()}
    assert seen == expected

    # Filtering by another department does not open it.
    r = await client.get("/api/v1/deadlines", params={"department_id": org.other_department_id},
                         headers=people["department"].headers)
    assert r.json()["total"] == 0
    so = viewers["skyddsombud"]
    r = await client.get("/api/v1/deadlines", params={"department_id": org.department_id}, headers=so.headers)
    assert {(d["subject"], d["subject_id"]) for d in r.json()["items"]} == own_keys
