"""Paging and text search shared by every list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from msgspec import Meta, Struct
from piccolo.columns import Column
from piccolo.table import Table

T = TypeVar("T")



class Page(Struct, Generic[T]):
    """One page of a list."""

    items: Annotated[list[T], Meta(description="The records on this page, in the list's order.")]
    total: Annotated[int, Meta(description="How many records match, on every page together.")]


@dataclass(frozen=True)
class PageRequest:
    limit: int = 50
    offset: int = 0


def folded(*parts: str | None) -> str:
    """The search_text of a row: what a search may match, case-folded."""
    return " ".join(p for p in parts if p).casefold()


def matches(column: Column, q: str) -> Any:
    """A condition for "column contains every word of q" (case-insensitive, å/ä/ö too).

    LIKE wildcards typed by the user are dropped: the engines disagree on escaping them.
    """
    words = [w for w in q.casefold().replace("%", " ").replace("_", " ").split() if w]
    condition = None
    for word in words:
        part = column.like(f"%{word}%")
        condition = part if condition is None else condition & part
    return condition


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
