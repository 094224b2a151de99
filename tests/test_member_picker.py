"""The member picker of a samverkansgrupp: a table of people to tick, each with title and
department or union (two of one name told apart), posted as plain checkboxes (no JavaScript
needed); a reader sees the members as a table."""

from __future__ import annotations

from conftest import csrf, login


async def test_members_are_ticked_in_a_table_that_tells_two_of_one_name_apart(client, callers, org):
    from samverkan.orgs import schemas as s
    from samverkan.orgs import service

    people = await callers()
    others = await service.create_person(s.PersonCreate(name="Bo Berg", side="employer", title="Enhetschef",
                                                        department_id=org.other_department_id))
    chef = await service.create_person(s.PersonCreate(name="Anna Andersson", side="employer", title="Enhetschef",
                                                      department_id=org.department_id, roles=["manager"]))
    ombud = await service.create_person(s.PersonCreate(name="Anna Andersson", side="union", title="Skyddsombud",
                                                       union_id=org.union_id, roles=["safety_rep"]))
    await login(client, people["hr"].email, people["hr"].password)
    form = await client.get("/samverkansgrupper/ny")
    assert form.status_code == 200 and "multiple" not in form.text and 'type="search"' in form.text
    assert "<td>Enhetschef</td><td>Vård- och omsorgsförvaltningen</td>" in form.text
    assert "<td>Skyddsombud</td><td>Vision</td>" in form.text

    # Searching without JavaScript: the form comes back narrowed, what was typed and ticked kept, nothing saved.
    narrowed = await client.post("/samverkansgrupper/ny", data={
        "name": "FSG VOF", "level": "department", "member_ids": [str(chef.id)], "_search": "1", "_search_words": "vision ombud",
        "_csrf_token": csrf(client)})
    assert narrowed.status_code == 200 and 'value="FSG VOF"' in narrowed.text
    assert "<td>Skyddsombud</td><td>Vision</td>" in narrowed.text and f'value="{chef.id}" checked' in narrowed.text
    assert narrowed.text.count("<td>Enhetschef</td>") == 1 and others.name not in narrowed.text  # the ticked one stays
    assert (await service.list_groups()).total == 0

    created = await client.post("/samverkansgrupper/ny", data={
        "name": "FSG VOF", "level": "department", "department_id": str(org.department_id), "union_ids": [str(org.union_id)],
        "member_ids": [str(chef.id), str(ombud.id)], "active": "1", "_csrf_token": csrf(client)})
    assert created.status_code == 302, created.text
    group_id = int(created.headers["location"].split("/")[2].split("?")[0])
    assert (await service.get_group(group_id)).member_ids == sorted([chef.id, ombud.id])

    client.cookies.clear()
    await login(client, people["department"].email, people["department"].password)
    page = await client.get(f"/samverkansgrupper/{group_id}")
    assert page.status_code == 200 and 'type="checkbox" id="member_ids' not in page.text
    assert page.text.count("<td>Anna Andersson</td>") == 2 and "<td>Skyddsombud</td><td>Vision</td>" in page.text
