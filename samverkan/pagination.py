"""Paging and text search shared by every list.

Two ways through a long list: ``offset`` (rows to skip, which the database still reads) and the
keyset cursor ``after`` (the position after the last row of a page, which an index finds at once
however deep the page). The large lists (matters, meetings, deadlines) count their matches only
up to ``TOTAL_CAP``: a count stops there instead of reading every row.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Generic, Mapping, NamedTuple, TypeVar

import msgspec
from msgspec import Meta, Struct
from piccolo.columns import Column, Date, Timestamptz
from piccolo.columns.combination import And, Or, Where, WhereRaw
from piccolo.querystring import QueryString
from piccolo.table import Table

from samverkan.database import Param, Prepared, engine
from samverkan.errors import Invalid

T = TypeVar("T")

TOTAL_CAP = 1000


class Page(Struct, Generic[T]):
    """One page of a list."""

    items: Annotated[list[T], Meta(description="The records on this page, in the list's order.")]
    total: Annotated[int, Meta(description=(
        "How many records match, on every page together. Matters, meetings and deadlines count only up to "
        f"{TOTAL_CAP:,}: with more matches `total` is {TOTAL_CAP:,} and `total_capped` is true."))]
    total_capped: Annotated[bool, Meta(description=f"More than `total` records match (the count stopped at {TOTAL_CAP:,}).")] = False
    next: Annotated[str | None, Meta(description=(
        "The cursor of the next page: send it as `after` (with the same filters) for the rows that follow this "
        "page. null on the last page. Matters, meetings and deadlines only."))] = None


@dataclass(frozen=True)
class PageRequest:
    limit: int = 50
    offset: int = 0
    after: str | None = None  # a cursor from Page.next


def folded(*parts: str | None) -> str:
    """The search_text of a row: what a search may match, case-folded."""
    return " ".join(p for p in parts if p).casefold()


def _words(q: str) -> list[str]:
    # LIKE wildcards typed by the user are dropped: the engines disagree on escaping them.
    return [w for w in q.casefold().replace("%", " ").replace("_", " ").split() if w]


def matches(column: Column, q: str) -> Any:
    """A condition for "column contains every word of q" (case-insensitive, å/ä/ö too)."""
    condition = None
    for word in _words(q):
        part = column.like(f"%{word}%")
        condition = part if condition is None else condition & part
    return condition


def search_values(q: str | None) -> dict[str, str]:
    """The values of a search for a list with a shape (fetch_window): ``search0``… per word."""
    return {f"search{n}": f"%{word}%" for n, word in enumerate(_words(q or ""))}


def matching(column: Column, values: dict[str, str]) -> list[Any]:
    """``matches`` as conditions with Params, named as ``search_values`` names them."""
    sql = column._meta.get_full_name(with_alias=False)
    return [WhereRaw(f"{sql} LIKE {{}}", Param(name)) for name in values]


def given(**filters: Any) -> dict[str, Any]:
    """The filters a caller gave (a value that is not None, empty or zero), in order: with the
    search's words, what a list's shape is made of."""
    return {name: value for name, value in filters.items() if value}


def page_count(page: Page, size: int, current: int) -> int:
    """How many pages a pager offers: all, or with a capped total at least the next one."""
    pages = max(1, -(-page.total // size))
    return max(pages, current + (len(page.items) == size)) if page.total_capped else pages


BAD_CURSOR = "Ogiltig markör: använd värdet av next från föregående sida."


def _encode_cursor(table: type[Table], value: Any, id: int) -> str:
    text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
    return base64.urlsafe_b64encode(msgspec.json.encode([table._meta.tablename, text, id])).decode().rstrip("=")


def _decode_cursor(table: type[Table], order_by: Column, cursor: str) -> tuple[Any, int]:
    """(order value, id) of a cursor this list made; anything else is a 400 naming `after`."""
    try:
        name, text, id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if name != table._meta.tablename or type(id) is not int or not 1 <= id <= 2**31 - 1:
            raise ValueError
        if isinstance(order_by, Timestamptz):
            value = dt.datetime.fromisoformat(text)
            if value.tzinfo is None or not 1900 <= value.year <= 2200:
                raise ValueError
        elif isinstance(order_by, Date):
            value = dt.date.fromisoformat(text)
        elif isinstance(text, (str, int)) and not isinstance(text, bool):
            value = text
        else:
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Invalid(BAD_CURSOR, field="after") from None
    return value, id


class Party(WhereRaw):
    """"The union is a party to the row", through a link table with a unique (row, union) index
    and an index (trade_union, row). In a page it is a correlated EXISTS: the database walks the
    list's order index and stops after one page. In the capped count it becomes a join that
    starts from the union's links (``_capped_count``): an EXISTS there would probe every row of
    the table for a union that is a party to few of them."""

    __slots__ = ("join",)

    def __init__(self, link: str, link_column: str, outer: str, union_id: Any, per_row: bool = False) -> None:
        # per_row, for a Party inside an OR: PostgreSQL would otherwise hash all of the union's
        # links before the first row (42,000 for a large union at 100,000 matters: a deadline page
        # 10 ms instead of 0.3 ms); OFFSET 0 keeps the subquery as it is, probed row by row along
        # the list's index. (SQLite probes row by row anyway, and has no OFFSET without LIMIT.)
        fence = " OFFSET 0" if per_row and engine().engine_type == "postgres" else ""
        super().__init__(f"EXISTS (SELECT 1 FROM {link} WHERE {link}.{link_column} = {outer} AND {link}.trade_union = {{}}{fence})",
                         union_id)
        self.join = QueryString(f"JOIN {link} AS party ON party.{link_column} = {outer} AND party.trade_union = {{}}", union_id)


class PartyOr(WhereRaw):
    """"The union is a party to the row (``party``), or ``other`` holds": a union's deadlines
    are its matters' and those of the actions of meetings it sees. In a page an OR of the two. In
    the capped count the union of the rows reached from the union's links (as for a lone Party)
    and those ``other`` picks: with the OR the count probed row after row of the whole table (a
    union's deadline list at 300,000 deadlines: 2.3 of its 2.4 ms)."""

    __slots__ = ("party", "other")

    def __init__(self, party: Party, other: WhereRaw) -> None:
        super().__init__("({} OR {})", party.querystring, other.querystring)
        self.party, self.other = party, other


_ALL_COLUMNS: dict[tuple[type[Table], str], str] = {}


def all_columns(table: type[Table]) -> str:
    """Every column's select string as Piccolo writes it, built once per table and engine:
    building a select anew costs a list more CPU than the database takes to answer it (about
    0.1 ms per statement; issue 15's profiles)."""
    engine_type = engine().engine_type
    sql = _ALL_COLUMNS.get((table, engine_type))
    if sql is None:
        sql = _ALL_COLUMNS[(table, engine_type)] = ", ".join(
            c.get_select_string(engine_type=engine_type).compile_string(engine_type=engine_type)[0] for c in table._meta.columns)
    return sql


def _own_columns(condition: Any) -> bool:
    """The condition reads only the table's own columns (one reached through a foreign key
    would need a join; scopes write such conditions as subqueries)."""
    if isinstance(condition, (And, Or)):
        return _own_columns(condition.first) and _own_columns(condition.second)
    if isinstance(condition, Where):
        return not condition.column._meta.call_chain
    return isinstance(condition, WhereRaw)


def _condition(where: list[Any]) -> QueryString | None:
    """All of ``where`` together, as SQL; None for no conditions. Built once per list: a scope's
    subqueries (a union's meetings and matters) are Piccolo selects, built anew each time."""
    if not where:
        return None
    condition = where[0]
    for w in where[1:]:
        condition = And(condition, w)
    return condition.querystring


def _where_clause(*conditions: QueryString | None) -> QueryString:
    """`` WHERE a AND b …`` of the conditions given, or nothing."""
    given = [c for c in conditions if c is not None]
    return QueryString(" WHERE " + " AND ".join(["{}"] * len(given)), *given) if given else QueryString("")


def _literal(sql: str) -> str:
    """SQL put into a QueryString's template. It must hold no brace: QueryString hands out its
    values by the parts of its template, and an escaped brace makes a part of its own."""
    if "{" in sql or "}" in sql:
        raise ValueError("SQL for a QueryString's template must hold no brace (write chr(123) for one)")
    return sql


def select_sql(columns: str, table: type[Table], where: list[Any]) -> QueryString:
    """``SELECT columns FROM table WHERE …`` for columns Piccolo cannot write (an expression)."""
    return QueryString(f"SELECT {_literal(columns)} FROM {table._meta.get_formatted_tablename()}{{}}",
                       _where_clause(_condition([w for w in where if w is not None])))


async def select_where(columns: str, table: type[Table], where: list[Any]) -> list[dict]:
    return await _rows(select_sql(columns, table, where))


async def _rows(querystring: QueryString) -> list[dict]:
    db = engine()
    return db.transform_response_to_dicts(await db.run_querystring(querystring)) or []


def _capped_count(table: type[Table], party: Party | PartyOr | None, rest: QueryString | None) -> QueryString:
    """``SELECT COUNT(*) …`` of the matches up to TOTAL_CAP + 1: reads at most that many rows,
    whatever the table's size (of a PartyOr up to that many of each half, counted once). A lone
    Party is a join from the union's links here (see Party), a PartyOr such a join and its
    ``other`` apart; ``rest`` is every other condition."""
    name = table._meta.get_formatted_tablename()
    select = f"SELECT {name}.{table._meta.primary_key._meta.db_column_name} AS id FROM {name}{{}}{{}} LIMIT {TOTAL_CAP + 1}"
    if isinstance(party, PartyOr):
        # Each half a subquery of its own: SQLite allows no LIMIT inside a compound select.
        inner = QueryString(f"SELECT id FROM ({select}) AS linked UNION SELECT id FROM ({select}) AS other",
                            party.party.join, _where_clause(rest), QueryString(""), _where_clause(party.other.querystring, rest))
    else:
        inner = QueryString(select, party.join if party is not None else QueryString(""), _where_clause(rest))
    return QueryString("SELECT COUNT(*) AS n FROM ({}) AS capped", inner)


_TOTAL = "window_total"  # the count's column in a window's rows (a name no table has)


class _WindowSql(NamedTuple):
    page: Prepared  # the page's rows, each with the capped count beside them
    count: Prepared  # the count alone, for an empty page


# A window's statements by its shape (fetch_window): a few per kind of reader and combination of
# filters, so the bound is only against a caller that makes up shapes.
_WINDOWS: dict[tuple, _WindowSql] = {}
_WINDOWS_KEPT = 1000


def _window_sql(table: type[Table], where: list[Any], order_by: Column, descending: bool, select: str | None,
                after: bool) -> _WindowSql:
    where = [w for w in where if w is not None]
    if not all(map(_own_columns, where)):
        raise ValueError(f"{table._meta.tablename}: a list's condition reaches a column through a foreign key; use a subquery")
    pk = table._meta.primary_key
    if after:  # the rows after the cursor's (order value, id)
        value, id = Param("window_after_value"), Param("window_after_id")
        where.append((order_by < value) | ((order_by == value) & (pk < id)) if descending else
                     (order_by > value) | ((order_by == value) & (pk > id)))
    parties = [w for w in where if isinstance(w, (Party, PartyOr))]
    party = parties[0] if len(parties) == 1 else None
    rest = _condition([w for w in where if w is not party])
    count = _capped_count(table, party, rest)
    direction = "DESC" if descending else "ASC"
    order = ", ".join(f"{c._meta.get_full_name(with_alias=False)} {direction}" for c in (order_by, pk))
    page = QueryString(
        # The count is a subquery the database runs once, beside the page's own columns.
        f"SELECT ({{}}) AS {_TOTAL}, {_literal(select) if select else all_columns(table)} FROM {table._meta.get_formatted_tablename()}{{}} ORDER BY {order} LIMIT {{}} OFFSET {{}}",
        count, _where_clause(rest, party.querystring if party is not None else None), Param("window_limit"), Param("window_offset"))
    return _WindowSql(Prepared(lambda: page), Prepared(lambda: count))


async def fetch_window(
    table: type[Table], where: Callable[[], list[Any]], order_by: Column, page: PageRequest, *, shape: tuple,
    values: dict[str, Any], descending: bool = False, select: str | None = None,
) -> tuple[list[Mapping[str, Any]], Page]:
    """A page of a large list: its rows (one more is read to know whether a next page exists),
    and a Page without items carrying the capped total and the next cursor. One statement: the
    count rides along with the page (on PostgreSQL every statement is a round trip); only an
    empty page asks for it on its own. The rows are read-only mappings.

    The SQL is written here from parts built once per table (every column's select string, or
    ``select``: the columns to read instead, which must include the order column and the primary
    key) and the conditions. Conditions read the table's own columns only (another table's go in
    a subquery).

    Building and compiling the SQL cost a deadline list more CPU than the database took to answer
    it (issue 15), so it is built once per ``shape`` (a key for the list's kind of reader and the
    filters given): ``where`` returns the conditions with ``Param``s in place of ``values``, and is
    called only for a shape not seen before."""
    values = {**values, "window_limit": int(page.limit) + 1, "window_offset": int(page.offset)}
    if page.after is not None:
        values["window_after_value"], values["window_after_id"] = _decode_cursor(table, order_by, page.after)
    key = (engine().engine_type, table, shape, order_by, descending, select, page.after is not None)
    sql = _WINDOWS.get(key)
    if sql is None:
        if len(_WINDOWS) >= _WINDOWS_KEPT:
            _WINDOWS.clear()
        sql = _WINDOWS[key] = _window_sql(table, where(), order_by, descending, select, page.after is not None)
    rows = await sql.page.mappings(**values)
    n = rows[0][_TOTAL] if rows else (await sql.count.rows(**values))[0]["n"]  # an empty page has no row to carry it
    next = None
    if len(rows) > page.limit:
        rows = rows[:page.limit]
        last = rows[-1]
        next = _encode_cursor(table, last[order_by._meta.name], last[table._meta.primary_key._meta.name])
    return rows, Page(items=[], total=min(n, TOTAL_CAP), total_capped=n > TOTAL_CAP, next=next)


async def fetch_page(
    table: type[Table], where: list[Any], order_by: Column, page: PageRequest, descending: bool = False
) -> tuple[list[dict], int]:
    """One query for the rows and one for the total, whatever the page size."""
    where = [w for w in where if w is not None]
    rows = await (
        table.select().where(*where)
        .order_by(order_by, ascending=not descending).order_by(table._meta.primary_key, ascending=not descending)
        .limit(page.limit).offset(page.offset)
    )
    total = await table.count().where(*where)
    return rows, total
