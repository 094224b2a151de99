"""Issue 16: deadlines and holds as the statute says, fault by fault. Every expected date is counted
by hand in the test (Lag 1930:173: a period in weeks or months ends on the same weekday or date
number; an end on a Saturday, Sunday or holiday moves to the next working day)."""

from __future__ import annotations

import pytest

from conftest import login

pytestmark = pytest.mark.usefixtures("frozen")  # "today" is 2026-12-01 (conftest.FROZEN_AT)


@pytest.fixture
async def people(callers):
    return await callers()


async def _matter(client, hr, org, kind: str, **extra) -> dict:
    r = await client.post("/api/v1/matters", json={"title": f"Ärende {kind}", "kind": kind, "department_id": org.department_id,
                                                   "union_ids": [org.union_id], **extra}, headers=hr.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def _event(client, hr, matter, status: int = 201, **body):
    r = await client.post(f"/api/v1/matters/{matter['id']}/events", json=body, headers=hr.headers)
    assert r.status_code == status, r.text
    return r.json()


async def _deadlines(client, caller, matter) -> dict[str, dict]:
    r = await client.get(f"/api/v1/matters/{matter['id']}/deadlines", headers=caller.headers)
    assert r.status_code == 200, r.text
    return {d["rule"]: d for d in r.json() if d["state"] != "superseded"}


async def _get(client, caller, matter) -> dict:
    return (await client.get(f"/api/v1/matters/{matter['id']}", headers=caller.headers)).json()


# --- fault 1: a late act is a missed deadline ------------------------------------------------------


async def test_fault_1_an_act_after_the_due_day_is_missed_and_says_when(client, people, org):
    hr = people["hr"]
    matter = await _matter(client, hr, org, "dispute")
    # 16 § 2 st.: "sammanträdet hållas inom två veckor" from the request: 2025-12-17 + 2 weeks =
    # 2025-12-31 (nyårsafton), 2026-01-01 (nyårsdagen) → fredag 2026-01-02. Held 2026-01-20: late.
    await _event(client, hr, matter, type="request_received", date="2025-12-17", union_id=org.union_id)
    await _event(client, hr, matter, type="meeting_held", date="2026-01-20")
    # 64 § 1 st.: a request within four months of knowledge: 2025-06-01 + 4 months = onsdag 2025-10-01.
    # 64 § 3 st.: "Påkallar part ej förhandling inom föreskriven tid, förlorar han rätten till förhandling och talan."
    await _event(client, hr, matter, type="knowledge", date="2025-06-01")
    await _event(client, hr, matter, type="request_sent", date="2025-12-17", union_id=org.union_id)
    deadlines = await _deadlines(client, hr, matter)
    meeting, request = deadlines["MBL16-MEET-LOCAL"], deadlines["MBL64-LOCAL-KNOW"]
    assert (meeting["due"], meeting["state"], meeting["met_on"]) == ("2026-01-02", "missed", "2026-01-20")
    assert (request["due"], request["state"], request["met_on"]) == ("2025-10-01", "missed", "2025-12-17")

    # It counts as missed wherever missed ones are counted: the list, the digests and feeds that ask for them.
    missed = (await client.get(f"/api/v1/deadlines?state=missed&matter_id={matter['id']}", headers=hr.headers)).json()
    assert {d["rule"] for d in missed["items"]} >= {"MBL16-MEET-LOCAL", "MBL64-LOCAL-KNOW"}
    met = (await client.get(f"/api/v1/deadlines?state=met&matter_id={matter['id']}", headers=hr.headers)).json()
    assert met["total"] == 0

    # In time stays met: the same meeting moved to the due day itself.
    on_time = await _matter(client, hr, org, "dispute")
    await _event(client, hr, on_time, type="request_received", date="2025-12-17", union_id=org.union_id)
    await _event(client, hr, on_time, type="meeting_held", date="2026-01-02")
    assert (await _deadlines(client, hr, on_time))["MBL16-MEET-LOCAL"]["state"] == "met"

    # Shown on the matter page and on /frister, in Swedish.
    await login(client, hr.email, hr.password)
    assert "fullgjord för sent 2026-01-20" in (await client.get(f"/arenden/{matter['id']}")).text
    dashboard = (await client.get("/frister")).text
    assert "fullgjord för sent 2026-01-20" in dashboard and "fullgjord för sent 2025-12-17" in dashboard


# --- fault 2: a frånträdesbesked ends the local negotiation ------------------------------------------


async def test_fault_2_a_withdrawal_notice_starts_the_central_and_suit_periods(client, people, org):
    hr = people["hr"]
    dispute = await _matter(client, hr, org, "dispute")
    await _event(client, hr, dispute, type="meeting_held", date="2026-03-10", union_id=org.union_id)
    # 16 § 3 st.: the negotiation "skall ... anses avslutad, när part som har fullgjort sin
    # förhandlingsskyldighet har givit motparten skriftligt besked om att han frånträder förhandlingen".
    await _event(client, hr, dispute, type="withdrawal_notice", date="2026-03-10", union_id=org.union_id)
    deadlines = await _deadlines(client, hr, dispute)
    # 64 § 1 st.: central negotiation within two months: 2026-05-10 is a Sunday → måndag 2026-05-11.
    assert (deadlines["MBL64-CENTRAL"]["unadjusted_due"], deadlines["MBL64-CENTRAL"]["due"]) == ("2026-05-10", "2026-05-11")
    # 65 §: suit within three months of the end: onsdag 2026-06-10.
    assert deadlines["MBL65-SUIT"]["due"] == "2026-06-10"

    # In an 11 § matter the besked opens the window for central negotiation (14 §; the agreement's
    # seven days, not moved: 2026-03-17) and ends the local hold for that party.
    primary = await _matter(client, hr, org, "primary_negotiation")
    await _event(client, hr, primary, type="meeting_held", date="2026-03-10")
    await _event(client, hr, primary, type="withdrawal_notice", date="2026-03-10", union_id=org.union_id)
    assert (await _deadlines(client, hr, primary))["AGR-CENTRAL-REQ"]["due"] == "2026-03-17"
    after = await _get(client, hr, primary)
    assert after["decision_allowed"] and after["parties"][0]["state"] == "withdrawn"


# --- fault 4: a withdrawal that cannot be true is refused --------------------------------------------


async def test_fault_4_a_withdrawal_before_a_meeting_or_after_the_close_is_refused(client, people, org):
    hr = people["hr"]
    matter = await _matter(client, hr, org, "primary_negotiation")
    none_held = await _event(client, hr, matter, 400, type="withdrawal_notice", date="2026-03-10", union_id=org.union_id)
    assert none_held["field"] == "type" and "Inget förhandlingssammanträde" in none_held["detail"]
    assert not (await _get(client, hr, matter))["decision_allowed"]  # the 11 § hold stays

    await _event(client, hr, matter, type="meeting_held", date="2026-03-10", union_id=org.union_id)
    early = await _event(client, hr, matter, 400, type="withdrawal_notice", date="2026-03-04", union_id=org.union_id)
    assert early["field"] == "date" and "2026-03-04" in early["detail"] and "2026-03-10" in early["detail"]

    await _event(client, hr, matter, type="negotiation_closed", date="2026-03-10", union_id=org.union_id, outcome="agreement")
    closed = await _event(client, hr, matter, 400, type="withdrawal_notice", date="2026-03-12", union_id=org.union_id)
    assert closed["field"] == "type" and "avslutades redan 2026-03-10" in closed["detail"]


# --- fault 3: the claimant is responsible ------------------------------------------------------------


async def test_fault_3_the_claimant_is_the_party_that_must_act(client, people, org):
    hr = people["hr"]
    # The municipality claims damages from a union: 64–66 §§ bind the employer.
    claim = await _matter(client, hr, org, "dispute", claimant="employer")
    assert claim["claimant"] == "employer"
    await _event(client, hr, claim, type="knowledge", date="2026-03-02")
    await _event(client, hr, claim, type="meeting_held", date="2026-03-10")
    await _event(client, hr, claim, type="negotiation_closed", date="2026-03-10", union_id=org.union_id, outcome="disagreement")
    deadlines = await _deadlines(client, hr, claim)
    # 64 § 1 st.: 2026-03-02 + 4 months = torsdag 2026-07-02, the employer's to meet.
    assert (deadlines["MBL64-LOCAL-KNOW"]["due"], deadlines["MBL64-LOCAL-KNOW"]["responsible"]) == ("2026-07-02", "employer")
    assert deadlines["MBL64-CENTRAL"]["responsible"] == deadlines["MBL65-SUIT"]["responsible"] == "employer"
    assert "MBL66-MEMBER" not in deadlines  # 66 § is a member's right, not the employer's

    # Not recorded: the union, as before the claimant was recorded; a change moves the responsibility.
    unknown = await _matter(client, hr, org, "dispute")
    assert unknown["claimant"] is None
    await _event(client, hr, unknown, type="meeting_held", date="2026-03-10")
    await _event(client, hr, unknown, type="negotiation_closed", date="2026-03-10", union_id=org.union_id, outcome="disagreement")
    assert (await _deadlines(client, hr, unknown))["MBL64-CENTRAL"]["responsible"] == "union"
    r = await client.patch(f"/api/v1/matters/{unknown['id']}", json={"claimant": "employer"}, headers=hr.headers)
    assert r.status_code == 200, r.text
    assert (await _deadlines(client, hr, unknown))["MBL64-CENTRAL"]["responsible"] == "employer"
    bad = await client.patch(f"/api/v1/matters/{unknown['id']}", json={"claimant": "kommunen"}, headers=hr.headers)
    assert bad.status_code == 400 and bad.json()["field"] == "claimant"


# --- fault 6: 13 § and 14 § matters hold the decision ---------------------------------------------------


@pytest.mark.parametrize("kind", ["negotiation_13", "central_negotiation"])
async def test_fault_6_13_and_14_section_matters_hold_the_decision(client, people, org, kind):
    hr = people["hr"]
    # 13 §: negotiation "enligt vad som sägs i 11 och 12 §§"; 14 § 2 st.: the decision waits for the central one.
    matter = await _matter(client, hr, org, kind)
    await _event(client, hr, matter, type="meeting_held", date="2026-03-10")
    refused = await _event(client, hr, matter, 409, type="decision_taken", date="2026-03-11")
    assert refused["field"] == "type" and "synnerliga skäl" in refused["detail"]
    await _event(client, hr, matter, type="negotiation_closed", date="2026-03-12", union_id=org.union_id, outcome="disagreement")
    await _event(client, hr, matter, type="decision_taken", date="2026-03-13")


# --- fault 7: 16 § 2 st. does not apply to 11–13 §§ -----------------------------------------------------


async def test_fault_7_no_statutory_meeting_limit_for_11_to_13_section_matters(client, people, org):
    hr, admin = people["hr"], people["admin"]
    # 16 § 2 st.: "I annat fall än som avses i 11–13 §§" the meeting within two weeks: a 12 § request gets none.
    on_request = await _matter(client, hr, org, "negotiation_on_request")
    await _event(client, hr, on_request, type="request_received", date="2026-03-02", union_id=org.union_id)
    assert not {"MBL16-MEET-LOCAL", "AGR-MEET-LOCAL"} & set(await _deadlines(client, hr, on_request))
    # A dispute (10 §) still has it: 2026-03-02 + 2 weeks = måndag 2026-03-16, the law's.
    dispute = await _matter(client, hr, org, "dispute")
    await _event(client, hr, dispute, type="request_received", date="2026-03-02", union_id=org.union_id)
    assert (await _deadlines(client, hr, dispute))["MBL16-MEET-LOCAL"]["due"] == "2026-03-16"

    # Where the local agreement sets a limit, it applies, labelled as the agreement's: ten days, not moved.
    body = {"name": "Samverkansavtal 2026", "effective_from": "2026-01-01", "department_id": None,
            "rules": [{"rule": "AGR-MEET-LOCAL", "length": 10, "unit": "days"}]}
    assert (await client.post("/api/v1/rule-sets", json=body, headers=admin.headers)).status_code == 201
    agreed = await _matter(client, hr, org, "negotiation_on_request")
    await _event(client, hr, agreed, type="request_received", date="2026-03-02", union_id=org.union_id)
    deadline = (await _deadlines(client, hr, agreed))["AGR-MEET-LOCAL"]
    assert deadline["due"] == "2026-03-12" and "avtal" in deadline["basis"].lower() and "MBL16-MEET-LOCAL" not in await _deadlines(
        client, hr, agreed)
    rules = {r["id"]: r for r in (await client.get("/api/v1/rules", headers=hr.headers)).json()[0]["rules"]}
    assert rules["AGR-MEET-LOCAL"]["statutory"] is False


# --- fault 5: the 39 § veto -------------------------------------------------------------------------


async def test_fault_5_a_veto_holds_the_decision_until_lifted(client, people, org):
    hr = people["hr"]
    matter = await _matter(client, hr, org, "contracting_out")
    early = await _event(client, hr, matter, 400, type="veto", date="2026-03-02", union_id=org.union_id, note="Seriös entreprenör saknas")
    assert early["field"] == "type"
    await _event(client, hr, matter, type="meeting_held", date="2026-03-02")
    await _event(client, hr, matter, type="negotiation_closed", date="2026-03-02", union_id=org.union_id, outcome="disagreement")
    await _event(client, hr, matter, type="central_requested", date="2026-03-03", union_id=org.union_id)
    # 16 § 2 st.: the central meeting within three weeks of the request: 2026-03-03 + 3 weeks = tisdag 2026-03-24.
    assert (await _deadlines(client, hr, matter))["MBL16-MEET-CENTRAL"]["due"] == "2026-03-24"
    await _event(client, hr, matter, type="central_closed", date="2026-03-20", union_id=org.union_id, outcome="disagreement")
    assert (await _get(client, hr, matter))["decision_allowed"]
    # 39 §: after the central negotiation the central organisation may veto; the employer then "får ...
    # inte fatta beslut om eller verkställa" the measure.
    no_grounds = await _event(client, hr, matter, 400, type="veto", date="2026-03-23", union_id=org.union_id)
    assert no_grounds["field"] == "note"
    await _event(client, hr, matter, type="veto", date="2026-03-23", union_id=org.union_id, note="Risk för brott mot kollektivavtal")
    held = await _get(client, hr, matter)
    assert not held["decision_allowed"] and "veto (39 § MBL)" in held["hold_reason"] and held["parties"][0]["state"] == "veto"
    await _event(client, hr, matter, 409, type="decision_taken", date="2026-03-24")
    # An exception does not lift a veto; its lifting (or a court that sets it aside, 40–41 §§) does.
    await _event(client, hr, matter, type="exception_recorded", date="2026-03-24", note="Brådskande")
    assert not (await _get(client, hr, matter))["decision_allowed"]
    await _event(client, hr, matter, type="veto_lifted", date="2026-04-02", union_id=org.union_id, note="Arbetsdomstolen AD 2026 nr 1")
    assert (await _get(client, hr, matter))["decision_allowed"]


# --- fault 8: rules that were only in the calculator ----------------------------------------------------


async def test_fault_8_rules_derived_from_events(client, people, org):
    hr = people["hr"]
    matter = await _matter(client, hr, org, "dispute")
    # 16 § 2 st. binds the party asked too: the municipality asks, the union meets within two weeks:
    # 2026-03-02 + 2 weeks = måndag 2026-03-16, the union's.
    await _event(client, hr, matter, type="request_sent", date="2026-03-02", union_id=org.union_id)
    # 65 § 2 st.: negotiation hindered; suit within three months of the day it should at the latest have
    # been held: 2026-03-16 + 3 months = tisdag 2026-06-16.
    await _event(client, hr, matter, type="negotiation_hindered", date="2026-03-16", union_id=org.union_id)
    deadlines = await _deadlines(client, hr, matter)
    assert (deadlines["MBL16-MEET-LOCAL"]["due"], deadlines["MBL16-MEET-LOCAL"]["responsible"]) == ("2026-03-16", "union")
    assert deadlines["MBL65-SUIT-HINDER"]["due"] == "2026-06-16"

    member = await _matter(client, hr, org, "dispute")
    await _event(client, hr, member, type="meeting_held", date="2026-03-10")
    await _event(client, hr, member, type="negotiation_closed", date="2026-03-10", union_id=org.union_id, outcome="disagreement")
    deadlines = await _deadlines(client, hr, member)
    # 65 §: 2026-03-10 + 3 months = onsdag 2026-06-10; 66 § 1 st.: the member's own suit "inom en månad"
    # after the organisation's time ran out: 2026-06-10 + 1 month = fredag 2026-07-10.
    assert deadlines["MBL65-SUIT"]["due"] == "2026-06-10" and deadlines["MBL66-MEMBER"]["due"] == "2026-07-10"
    # A suit brought in time meets both.
    await _event(client, hr, member, type="suit_filed", date="2026-06-01", union_id=org.union_id)
    deadlines = await _deadlines(client, hr, member)
    assert deadlines["MBL65-SUIT"]["state"] == deadlines["MBL66-MEMBER"]["state"] == "met"


async def test_fault_8_priority_secrecy_and_transfer(client, people, org):
    hr = people["hr"]
    matter = await _matter(client, hr, org, "dispute")
    # 34 § 3 st./35 §: against the union's tolkningsföreträde the employer "omedelbart påkalla förhandling";
    # 37 §: then sue within ten days of the end, or ask for central negotiation within ten days:
    # 2026-03-10 + 10 days = fredag 2026-03-20, the employer's.
    await _event(client, hr, matter, type="priority_claimed", date="2026-03-02", union_id=org.union_id)
    await _event(client, hr, matter, type="meeting_held", date="2026-03-10")
    await _event(client, hr, matter, type="negotiation_closed", date="2026-03-10", union_id=org.union_id, outcome="disagreement")
    # 21 § 2 st.: secrecy not agreed; suit within ten days: fredag 2026-03-20.
    await _event(client, hr, matter, type="secrecy_disagreement", date="2026-03-10")
    # 28 § 2 st.: the union may end the transferred agreement within 30 days of the notice: onsdag 2026-04-01.
    await _event(client, hr, matter, type="transfer_notice", date="2026-03-02", union_id=org.union_id)
    deadlines = await _deadlines(client, hr, matter)
    assert {r: (deadlines[r]["due"], deadlines[r]["responsible"]) for r in
            ("MBL37-CENTRAL", "MBL37-SUIT", "MBL21-SUIT-SECRECY", "MBL28-TERMINATE-CA")} == {
        "MBL37-CENTRAL": ("2026-03-20", "employer"), "MBL37-SUIT": ("2026-03-20", "employer"),
        "MBL21-SUIT-SECRECY": ("2026-03-20", "employer"), "MBL28-TERMINATE-CA": ("2026-04-01", "union")}
