"""The registry's version: a number the database draws anew whenever a union, a person, a
department or a group is added, changed or removed, so that a process may keep what it has read
of the registry (``orgs.service.meeting_registers``) and ask only for this number.

Every meeting page shows every person and union (its selects of chairs, justerare and
participants): reading and decoding them was a fifth of the page's time (issue 15's profiles),
and they change a few times a year. Triggers on the four tables, on both engines, write the
number, so no write path can forget it (the registry's service, the demo, SQL by hand). It is
random rather than counted: a database emptied and filled again (the tests do so between tests)
never shows a number a process has seen with other rows.
"""

from __future__ import annotations

TABLE = "registry_version"
SOURCES = ("trade_union", "person", "department", "collaboration_group")


def _draw(engine_type: str) -> str:
    value = "floor(random() * 9.0e18)::bigint" if engine_type == "postgres" else "random()"
    return (f"INSERT INTO {TABLE} (id, version) VALUES (1, {value}) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version")


def install(engine_type: str) -> list[str]:
    """The statements that make the table, its triggers and a first number."""
    statements = [f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)"]
    if engine_type == "postgres":
        statements.append(f"CREATE OR REPLACE FUNCTION {TABLE}_draw() RETURNS trigger LANGUAGE plpgsql AS $body$ "
                          f"BEGIN {_draw(engine_type)}; RETURN NULL; END $body$")
        for source in SOURCES:
            statements += [f"DROP TRIGGER IF EXISTS {TABLE}_draw ON {source}",
                           f"CREATE TRIGGER {TABLE}_draw AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {source} "
                           f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_draw()"]
    else:
        for source in SOURCES:
            for operation in ("INSERT", "UPDATE", "DELETE"):
                name = f"{TABLE}_{source}_{operation.lower()}"
                statements += [f"DROP TRIGGER IF EXISTS {name}",
                               f"CREATE TRIGGER {name} AFTER {operation} ON {source} BEGIN {_draw(engine_type)}; END"]
    statements.append(_draw(engine_type))
    return statements
