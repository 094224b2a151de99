"""Each matter's JSON, kept by the database in ``matter_json`` and read by the API as it is.

A page of matters answers each matter with its parties and events; building that per request
cost a page of 20 matters (90 events) 0.5 ms of Python or 0.3 ms of SQLite's JSON functions
(issue 15's profiles), most of the request. Matters are read far more often than written, so the
database writes a matter's JSON (s.Matter, in msgspec's form: see json_sql) whenever the matter,
one of its parties or one of its events changes: triggers on the three tables, on both engines,
so no write path can forget it. A list then reads one stored text per matter.

The JSON depends on these three tables only (ids, not names, of unions and departments).
``tests/test_stored_json.py`` compares every stored text with msgspec's encoding of the rows:
a change to s.Matter that is not followed by a migration calling ``install`` again fails there.
"""

from __future__ import annotations

from samverkan import json_sql as j

TABLE = "matter_json"
SOURCES = ("matter", "matter_party", "matter_event")


def matter_json(engine_type: str) -> str:
    """A matter's JSON as the API answers it, for the row of ``"matter"`` in the query."""
    m = '"matter"'
    event = j.obj(engine_type, ("id", "id"), ("type", "type"), ("date", "date"), ("time", "time"), ("union_id", "trade_union"),
                  ("outcome", "outcome"), ("note", "note"), ("agenda_item_id", "agenda_item_id"),
                  ("created_at", j.moment(engine_type, "created_at")))
    party = j.obj(engine_type, ("union_id", "trade_union"), ("state", "state"))
    parties = f"matter_party.matter = {m}.id"
    return j.obj(
        engine_type, ("id", f"{m}.id"), ("diary_no", f"{m}.diary_no"), ("title", f"{m}.title"),
        ("description", f"{m}.description"), ("kind", f"{m}.kind"), ("department_id", f"{m}.department"),
        ("union_ids", j.array(engine_type, "trade_union", "matter_party", parties, "trade_union")),
        ("parties", j.array(engine_type, party, "matter_party", parties, "trade_union")),
        ("personal_data", j.boolean(engine_type, f"{m}.personal_data")), ("claimant", f"{m}.claimant"),
        ("status", f"{m}.status"), ("decision_allowed", j.boolean(engine_type, f"{m}.decision_allowed")),
        ("hold_reason", f"NULLIF({m}.hold_reason, '')"),
        ("events", j.array(engine_type, event, "matter_event",
                           f"matter_event.matter = {m}.id AND matter_event.deleted_at IS NULL", "date, id")),
        ("version", f"{m}.version"), ("created_at", j.moment(engine_type, f"{m}.created_at")),
    )


def _write(engine_type: str, matter_id: str) -> str:
    return (f'INSERT INTO {TABLE} (matter, json) SELECT "matter".id, {matter_json(engine_type)} FROM "matter" '
            f'WHERE "matter".id = {matter_id} ON CONFLICT (matter) DO UPDATE SET json = excluded.json')


def install(engine_type: str) -> list[str]:
    """The statements that make (or make again) the table, its triggers and every matter's JSON."""
    statements = [f"CREATE TABLE IF NOT EXISTS {TABLE} (matter INTEGER PRIMARY KEY REFERENCES matter (id) ON DELETE CASCADE, "
                  "json TEXT NOT NULL)"]
    if engine_type == "postgres":
        # Two transactions changing one matter at once would each write the JSON of what they
        # see, the later without the earlier's change: the matter's row is locked first, and
        # the statement after it (a new snapshot, at READ COMMITTED) sees what was committed.
        statements.append(f"""
            CREATE OR REPLACE FUNCTION {TABLE}_write() RETURNS trigger LANGUAGE plpgsql AS $body$
            DECLARE changed integer;
            BEGIN
                IF TG_TABLE_NAME = 'matter' THEN changed := NEW.id;
                ELSIF TG_OP = 'DELETE' THEN changed := OLD.matter;
                ELSE changed := NEW.matter;
                END IF;
                PERFORM 1 FROM matter WHERE matter.id = changed FOR UPDATE;
                {_write(engine_type, "changed")};
                RETURN NULL;
            END $body$""")
        for source in SOURCES:
            deletes = "" if source == "matter" else " OR DELETE"
            statements += [f"DROP TRIGGER IF EXISTS {TABLE}_write ON {source}",
                           f"CREATE TRIGGER {TABLE}_write AFTER INSERT OR UPDATE{deletes} ON {source} "
                           f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_write()"]
    else:
        for source in SOURCES:
            key = "id" if source == "matter" else "matter"
            for operation in ("INSERT", "UPDATE") + (() if source == "matter" else ("DELETE",)):
                row = "OLD" if operation == "DELETE" else "NEW"
                name = f"{TABLE}_{source}_{operation.lower()}"
                statements += [f"DROP TRIGGER IF EXISTS {name}",
                               f"CREATE TRIGGER {name} AFTER {operation} ON {source} BEGIN "
                               f"{_write(engine_type, f'{row}.{key}')}; END"]
    statements.append(_write(engine_type, '"matter".id'))
    return statements
