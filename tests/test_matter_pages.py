"""The matter pages: register a matter, see the hold explained, record events, delete with a reason."""

from __future__ import annotations

import re

from conftest import csrf, login


async def _hr(client, make_caller):
    hr = await make_caller("hr")
    await login(client, hr.email, hr.password)
    return hr


async def test_register_a_matter_and_follow_its_hold(client, make_caller, org):
    await _hr(client, make_caller)
    missing = await client.post("/arenden/nytt", data={"title": "", "kind": "primary_negotiation", "department_id": str(org.department_id), "_csrf_token": csrf(client)})
    assert missing.status_code == 422 and '<p class="error" id="title-error">Fältet måste fyllas i.</p>' in missing.text
    created = await client.post("/arenden/nytt", data={
        "title": "Sammanslagning av hemtjänstområden", "kind": "primary_negotiation", "department_id": str(org.department_id),
        "union_ids": [str(org.union_id), str(org.other_union_id)], "_csrf_token": csrf(client)})
    assert created.status_code == 302
    page_url = created.headers["location"]
    page = await client.get(page_url)
    assert "Arbetsgivaren får inte besluta ännu" in page.text
    assert "Förhandlingen är inte avslutad med Kommunal och Vision." in page.text
    assert re.search(r'<span class="diary">VO \d{4}/0001</span>', page.text)

    refused = await client.post(f"{page_url}/handelser", data={"type": "decision_taken", "date": "2026-03-02", "_csrf_token": csrf(client)})
    assert refused.status_code == 422 and "inte avslutad" in refused.text
    bad_date = await client.post(f"{page_url}/handelser", data={"type": "meeting_held", "date": "2026-02-30", "_csrf_token": csrf(client)})
    assert bad_date.status_code == 422 and "Ange ett giltigt datum (ÅÅÅÅ-MM-DD)." in bad_date.text
    for union in (org.union_id, org.other_union_id):
        closed = await client.post(f"{page_url}/handelser", data={"type": "negotiation_closed", "date": "2026-03-02", "union_id": str(union),
                                                                  "outcome": "agreement", "_csrf_token": csrf(client)})
        assert closed.status_code == 302
    page = await client.get(page_url)
    assert "Arbetsgivaren får besluta" in page.text and "Avslutad i enighet" in page.text


async def test_delete_an_event_with_a_reason(client, make_caller, org):
    from samverkan.matters.tables import MatterEventChange

    await _hr(client, make_caller)
    created = await client.post("/arenden/nytt", data={"title": "Tvist om schema", "kind": "dispute", "department_id": str(org.department_id),
                                                       "union_ids": [str(org.union_id)], "_csrf_token": csrf(client)})
    url = created.headers["location"]
    await client.post(f"{url}/handelser", data={"type": "request_received", "date": "2025-12-17", "union_id": str(org.union_id), "_csrf_token": csrf(client)})
    event_id = re.search(r"/handelser/(\d+)/ta-bort", (await client.get(url)).text).group(1)
    no_reason = await client.post(f"{url}/handelser/{event_id}/ta-bort", data={"reason": "", "_csrf_token": csrf(client)})
    assert no_reason.status_code == 422 and "Ange varför händelsen tas bort." in no_reason.text
    done = await client.post(f"{url}/handelser/{event_id}/ta-bort", data={"reason": "Fel ärende", "_csrf_token": csrf(client)})
    assert done.status_code == 302
    assert "Inga händelser ännu." in (await client.get(url)).text
    assert [r["reason"] for r in await MatterEventChange.select()] == ["Fel ärende"]


async def test_list_filters_and_union_view(client, make_caller, org):
    hr = await _hr(client, make_caller)
    for title, union in (("Vision-ärende", org.union_id), ("Kommunal-ärende", org.other_union_id)):
        await client.post("/api/v1/matters", json={"title": title, "kind": "information", "department_id": org.department_id, "union_ids": [union]}, headers=hr.headers)
    everything = await client.get("/arenden?typ=&forvaltning=&forbund=&status=")
    assert "Vision-ärende" in everything.text and "Kommunal-ärende" in everything.text
    only = await client.get(f"/arenden?forbund={org.other_union_id}&forvaltning=bogus")
    assert "Kommunal-ärende" in only.text and "Vision-ärende" not in only.text
    client.cookies.clear()
    union = await make_caller("union", union_id=org.union_id)
    await login(client, union.email, union.password)
    mine = await client.get("/arenden")
    assert "Vision-ärende" in mine.text and "Kommunal-ärende" not in mine.text and "Nytt ärende" not in mine.text


async def test_correct_an_event_with_a_reason(client, make_caller, org):
    from samverkan.matters.tables import MatterEventChange

    await _hr(client, make_caller)
    created = await client.post("/arenden/nytt", data={"title": "Tvist", "kind": "dispute", "department_id": str(org.department_id),
                                                       "union_ids": [str(org.union_id)], "_csrf_token": csrf(client)})
    url = created.headers["location"]
    await client.post(f"{url}/handelser", data={"type": "request_received", "date": "2025-12-16", "union_id": str(org.union_id), "_csrf_token": csrf(client)})
    event_id = re.search(r"/handelser/(\d+)/ta-bort", (await client.get(url)).text).group(1)
    no_reason = await client.post(f"{url}/handelser/{event_id}", data={"date": "2025-12-17", "note": "", "_csrf_token": csrf(client)})
    assert no_reason.status_code == 422 and f'id="edit-{event_id}-error"' in no_reason.text
    fixed = await client.post(f"{url}/handelser/{event_id}", data={"date": "2025-12-17", "note": "Kom in onsdag", "reason": "Fel datum", "_csrf_token": csrf(client)})
    assert fixed.status_code == 302
    page = (await client.get(url)).text
    assert "2025-12-17" in page and "Kom in onsdag" in page
    assert [r["reason"] for r in await MatterEventChange.select()] == ["Fel datum"]


async def test_deadlines_on_the_matter_page(client, make_caller, org):
    await _hr(client, make_caller)
    created = await client.post("/arenden/nytt", data={"title": "Tvist om schema", "kind": "dispute", "department_id": str(org.department_id),
                                                       "union_ids": [str(org.union_id)], "_csrf_token": csrf(client)})
    url = created.headers["location"]
    await client.post(f"{url}/handelser", data={"type": "request_received", "date": "2025-12-17", "union_id": str(org.union_id), "_csrf_token": csrf(client)})
    page = (await client.get(url)).text
    assert "Förhandlingssammanträde inom två veckor" in page and "16 § 2 st. MBL" in page
    assert "2025-12-31 är nyårsafton och 2026-01-01 nyårsdagen; fristen går ut fredag 2026-01-02" in page
    assert "Missad" in page
    deadline_id = re.search(r"/frister/(\d+)/efterge", page).group(1)
    empty = await client.post(f"{url}/frister/{deadline_id}/efterge", data={"reason": "", "_csrf_token": csrf(client)})
    assert empty.status_code == 422 and "Ange varför fristen efterges." in empty.text
    ok = await client.post(f"{url}/frister/{deadline_id}/efterge", data={"reason": "Facket drog tillbaka begäran", "_csrf_token": csrf(client)})
    assert ok.status_code == 302
    assert "Eftergiven" in (await client.get(url)).text


async def test_the_decision_box_only_for_kinds_with_a_hold(client, make_caller, org):
    """A fresh dispute is about no employer decision: no box, and never "avslutad med alla parter"
    while its party is still "Pågår"."""
    await _hr(client, make_caller)
    created = await client.post("/arenden/nytt", data={
        "title": "Tvist om schema", "kind": "dispute", "department_id": str(org.department_id),
        "union_ids": [str(org.union_id)], "_csrf_token": csrf(client)})
    assert created.status_code == 302, created.text
    page = (await client.get(created.headers["location"])).text
    assert "hold-heading" not in page and "Förhandlingen är avslutad med alla parter" not in page and "får besluta" not in page
    info = await client.post("/arenden/nytt", data={
        "title": "Information om budget", "kind": "information", "department_id": str(org.department_id),
        "union_ids": [str(org.union_id)], "_csrf_token": csrf(client)})
    assert "hold-heading" not in (await client.get(info.headers["location"])).text
