"""JSON written by the database, in the form msgspec writes it.

Used where the database writes JSON for the API (matters.stored_json, a meeting's parts): the same keys
in the same order as the msgspec Struct, and values in msgspec's forms (``true``/``false``, a
day as ``2026-03-01``, a time of day as ``09:00:00``, a moment as ``2026-03-01T07:30:00Z`` or
with six decimals when it has microseconds).

Each function takes the engine's type and SQL expressions and answers an SQL expression whose
value is JSON text (``Json``), the same bytes on both engines. Column names inside ``array`` are
the linked table's own, unqualified.
"""

from __future__ import annotations


class Json(str):
    """An SQL expression whose value is JSON already (an object, an array, true/false/null)."""


def _pg(value: str) -> str:
    """A value as JSON text on PostgreSQL: to_json of a scalar (a string quoted and escaped)."""
    return value if isinstance(value, Json) else f"COALESCE(to_json({value})::text, 'null')"


def obj(engine_type: str, *pairs: tuple[str, str]) -> Json:
    """An object of (key, expression) pairs, in that order."""
    if engine_type == "postgres":
        # Joined text rather than json_build_object, which writes " : " and ", " between members:
        # the same bytes as SQLite's json_object and msgspec (a tenth smaller). The braces are
        # chr(): a brace in the SQL text would be taken for a placeholder by Piccolo's QueryString.
        members = " || ',' || ".join(f"""'"{key}":' || {_pg(value)}""" for key, value in pairs)
        return Json(f"(chr(123) || {members} || chr(125))")
    return Json("json_object(" + ", ".join(f"'{key}', {value}" for key, value in pairs) + ")")


def array(engine_type: str, element: str, table: str, where: str, order: str, *, nested: bool = True) -> Json:
    """The array of ``element`` for each row of ``table`` matching ``where``, in ``order``;
    ``[]`` for none. ``nested=False``: a column of its own, not a member of other JSON."""
    if engine_type == "postgres":
        return Json(f"COALESCE((SELECT '[' || string_agg({_pg(element)}, ',' ORDER BY {order}) || ']' FROM {table} "
                    f"WHERE {where}), '[]')")
    # SQLite 3.40 has no ORDER BY in an aggregate; it keeps an ordered subquery's order for one
    # (it does not flatten it into the aggregate); named as the table, for an array nested in
    # ``element`` to refer to its row. json(): JSON, not a string, to json_object (it parses the
    # text again: a column of its own goes without, a tenth of a meeting page's statement).
    rows = f"(SELECT json_group_array({element}) FROM (SELECT * FROM {table} WHERE {where} ORDER BY {order}) AS {table})"
    return Json(f"json({rows})" if nested else rows)


def boolean(engine_type: str, column: str) -> Json:
    """true, false or null."""
    if engine_type == "postgres":
        return Json(_pg(column))
    return Json(f"json(CASE WHEN {column} IS NULL THEN 'null' WHEN {column} THEN 'true' ELSE 'false' END)")


def moment(engine_type: str, column: str) -> str:
    """A Timestamptz as msgspec writes an aware datetime in UTC."""
    if engine_type == "postgres":
        utc = f"({column} AT TIME ZONE 'UTC')"
        return (f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN extract(microseconds FROM {utc})::bigint % 1000000 = 0 "
                f"THEN '' ELSE to_char({utc}, '.US') END || 'Z')")
    # Piccolo stores an aware value as str() of it in UTC ("2026-03-01 07:30:00.484300+00:00")
    # and a naive one (UTC too) without the offset.
    return f"(replace(replace({column}, '+00:00', ''), ' ', 'T') || 'Z')"


def as_bytes(engine_type: str, text: str) -> str:
    """JSON text read as UTF-8 bytes, to be sent on as they are (msgspec.Raw of a str encodes it
    again: 5 % of a page of matters on PostgreSQL)."""
    return f"convert_to({text}, 'UTF8')" if engine_type == "postgres" else f"CAST({text} AS BLOB)"
