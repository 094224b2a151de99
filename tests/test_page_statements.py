"""Every page is built with a bounded number of SQL statements, none of them run once per row
(issue 15: "fixed statement counts for every page"). On the demo's year, each page of the site is
opened as an administrator (who sees every record) and as Vision's representative; the records
shown are the ones with the most rows under them (the matter with the most events, the meeting
with the longest agenda…), so a query run once per event, item or member shows up as the same
statement with many different values. Both engines; the clock stands still."""

from __future__ import annotations

import pytest

from conftest import QueryCounter, login

pytestmark = pytest.mark.usefixtures("frozen")

MOST_STATEMENTS = 25  # the largest page, the meeting page for a union, needs 24 on the demo
SAME_STATEMENT_VALUES = 2  # one statement with more sets of values than this: a query per row

# (path, roles that may open it); {name} is filled from the demo by RECORDS.
PAGES: list[tuple[str, set[str]]] = [
    ("/", {"admin", "union"}),
    ("/arenden", {"admin", "union"}),
    ("/arenden/{matter}", {"admin", "union"}),
    ("/arenden/{matter}/redigera", {"admin"}),
    ("/arenden/nytt", {"admin"}),
    ("/moten", {"admin", "union"}),
    ("/moten/{meeting}", {"admin", "union"}),
    ("/moten/nytt", {"admin"}),
    ("/moten/{held}/protokoll", {"admin", "union"}),
    ("/att-justera", {"admin", "union"}),
    ("/frister", {"admin", "union"}),
    ("/grupper", {"admin", "union"}),
    ("/grupper/{group}", {"admin", "union"}),
    ("/grupper/{group}/arsplan", {"admin", "union"}),
    ("/fragor/{question}", {"admin"}),
    ("/moten/{action_meeting}/atgarder", {"admin"}),
    ("/regler", {"admin", "union"}),
    ("/sam", {"admin", "union"}),
    ("/sam/riskbedomningar/{risk_assessment}", {"admin"}),
    ("/sam/atgarder/{sam_action}", {"admin"}),
    ("/sam/uppfoljningar/{follow_up}", {"admin"}),
    ("/sam/begaran/{request}", {"admin"}),
    ("/forvaltningar", {"admin", "union"}),
    ("/forvaltningar/{department}", {"admin", "union"}),
    ("/fackforbund", {"admin", "union"}),
    ("/fackforbund/{union}", {"admin", "union"}),
    ("/personer", {"admin", "union"}),
    ("/personer/{person}", {"admin", "union"}),
    ("/samverkansgrupper", {"admin", "union"}),
    ("/samverkansgrupper/{group}", {"admin", "union"}),
    ("/anvandare", {"admin"}),
    ("/anvandare/{user}", {"admin"}),
    ("/mallar", {"admin"}),
    ("/logg", {"admin"}),
    ("/utkorg", {"admin"}),
    ("/notiser", {"admin", "union"}),
    ("/konto", {"admin", "union"}),
]

# The record with the most rows under it; {party} narrows to records Vision is a party to.
RECORDS = {
    "matter": "SELECT m.id FROM matter m JOIN matter_party p ON p.matter = m.id AND p.trade_union = {party} "
              "ORDER BY (SELECT count(*) FROM matter_event e WHERE e.matter = m.id) DESC, m.id LIMIT 1",
    "meeting": "SELECT m.id FROM meeting m JOIN meeting_union u ON u.meeting = m.id AND u.trade_union = {party} "
               "ORDER BY (SELECT count(*) FROM agenda_item i WHERE i.meeting = m.id) DESC, m.id LIMIT 1",
    "held": "SELECT m.id FROM meeting m JOIN meeting_union u ON u.meeting = m.id AND u.trade_union = {party} "
            "WHERE m.protocol_state != 'draft' "
            "ORDER BY (SELECT count(*) FROM agenda_item i WHERE i.meeting = m.id) DESC, m.id LIMIT 1",
    "group": "SELECT g.id FROM collaboration_group g "
             "ORDER BY (SELECT count(*) FROM annual_item a WHERE a.\"group\" = g.id) "
             "+ (SELECT count(*) FROM group_member x WHERE x.\"group\" = g.id) DESC, g.id LIMIT 1",
    "question": "SELECT q.id FROM group_question q "
                "ORDER BY (SELECT count(*) FROM group_question_comment c WHERE c.question = q.id) DESC, q.id LIMIT 1",
    "action_meeting": "SELECT meeting AS id FROM agenda_action GROUP BY meeting ORDER BY count(*) DESC, meeting LIMIT 1",
    "risk_assessment": "SELECT a.id FROM risk_assessment a "
                       "ORDER BY (SELECT count(*) FROM risk r WHERE r.risk_assessment = a.id) DESC, a.id LIMIT 1",
    "sam_action": "SELECT id FROM sam_action ORDER BY id LIMIT 1",
    "follow_up": "SELECT id FROM annual_follow_up ORDER BY id LIMIT 1",
    "request": "SELECT r.id FROM safety_rep_request r "
               "ORDER BY (SELECT count(*) FROM sam_comment c WHERE c.subject = 'safety_rep_request' AND c.subject_id = r.id) DESC, "
               "r.id LIMIT 1",
    "department": "SELECT d.id FROM department d "
                  "ORDER BY (SELECT count(*) FROM collaboration_group g WHERE g.department = d.id) DESC, d.id LIMIT 1",
    "union": "SELECT {party} AS id",
    "person": "SELECT p.id FROM person p "
              "ORDER BY (SELECT count(*) FROM group_member m WHERE m.person = p.id) DESC, p.id LIMIT 1",
    "user": "SELECT id FROM app_user ORDER BY id LIMIT 1",
}


async def _records() -> dict[str, int]:
    from piccolo.querystring import QueryString

    from samverkan.database import engine
    from samverkan.orgs.tables import TradeUnion

    vision = (await TradeUnion.select(TradeUnion.id).where(TradeUnion.name == "Vision").first())["id"]
    found = {}
    for name, sql in RECORDS.items():
        rows = await engine().run_querystring(QueryString(sql.replace("{party}", str(vision))))
        assert rows, f"the demo has no {name}"
        found[name] = rows[0]["id"]
    return found


def _per_row(statements: list[tuple[str, tuple]]) -> dict[str, int]:
    """Statements run with more than SAME_STATEMENT_VALUES different sets of values."""
    values: dict[str, set] = {}
    for sql, args in statements:
        values.setdefault(sql, set()).add(args)
    return {sql[:160]: len(v) for sql, v in values.items() if len(v) > SAME_STATEMENT_VALUES}


@pytest.mark.parametrize("role", ["admin", "union"])
async def test_every_page_runs_a_bounded_number_of_statements_none_per_row(client, role):
    from samverkan import demo

    await demo.load()
    records = await _records()
    email = {"admin": f"admin@{demo.DOMAIN}", "union": f"vision@{demo.DOMAIN}"}[role]
    await login(client, email, demo.DEMO_PASSWORD)
    await client.get("/")  # the session's first request may record when it was last seen
    counts, faults = {}, []
    for path, roles in PAGES:
        if role not in roles:
            continue
        url = path.format(**records)
        with QueryCounter() as counter:
            response = await client.get(url)
        assert response.status_code == 200, (role, url, response.status_code)
        counts[url] = counter.count
        if counter.count > MOST_STATEMENTS:
            faults.append(f"{url}: {counter.count} statements")
        faults += [f"{url}: {n} × {sql}" for sql, n in _per_row(counter.statements).items()]
    assert not faults, "\n".join(faults) + f"\n(all: {counts})"
    assert len(counts) >= 20  # the pages were really opened
