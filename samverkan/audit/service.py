"""Recording changes and reading the audit trail. ``record()`` is called by the services inside
the transaction of the change it describes, so a change and its entry are written together or
not at all."""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, AsyncIterator

import msgspec
from piccolo.querystring import QueryString

from samverkan.accounts import rights
from samverkan import clock
from samverkan.audit import chain
from samverkan.audit import schemas as s
from samverkan.audit.tables import AuditEntry
from samverkan.database import engine
from samverkan.errors import Forbidden
from samverkan.pagination import Page, PageRequest, fetch_page

if TYPE_CHECKING:  # accounts records its own changes here
    from samverkan.accounts.service import Viewer

# The caller of the request being served (set by web.auth): the actor when a service has no viewer.
ACTOR: ContextVar["Viewer | None"] = ContextVar("audit_actor", default=None)

# Any constant, the same in every instance: entries are appended one at a time, in id order.
CHAIN_LOCK_KEY = 7_365_726_162


def as_json(value: Any) -> str:
    return "" if value is None else msgspec.json.encode(value, order="sorted").decode()


def _at(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


async def record(viewer: Viewer | None, action: str, entity: str, entity_id: int | None,
                 before: Any = None, after: Any = None) -> None:
    """Append an entry for a change; ``before``/``after`` are the record (a Struct or plain data).
    Without a viewer the request's caller is the actor; outside a request, "samverkan"."""
    viewer = viewer or ACTOR.get()
    async with engine().transaction():
        if engine().engine_type == "postgres":
            # Held to the end of the transaction: the next entry waits for this one's hash.
            await engine().run_querystring(QueryString("SELECT pg_advisory_xact_lock({})", CHAIN_LOCK_KEY))
        last = await AuditEntry.select(AuditEntry.hash).order_by(AuditEntry.id, ascending=False).first()
        prev = last["hash"] if last else chain.GENESIS
        at = clock.now()
        entry = {
            "at": _at(at), "actor_id": viewer.user_id if viewer and viewer.user_id else None,
            "actor_name": viewer.name if viewer else "samverkan", "action": action, "entity": entity,
            "entity_id": entity_id, "before": as_json(before), "after": as_json(after),
        }
        await AuditEntry.insert(AuditEntry(
            at=at, actor_id=entry["actor_id"], actor_name=entry["actor_name"], action=action, entity=entity,
            entity_id=entity_id, before=entry["before"], after=entry["after"], prev_hash=prev,
            hash=chain.entry_hash(prev, entry),
        ))


async def _entries_in_order(batch: int = 5000) -> AsyncIterator[dict]:
    last_id = 0
    while rows := await AuditEntry.select().where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch):
        for row in rows:
            yield {**row, "at": _at(row["at"])}
        last_id = rows[-1]["id"]


async def verify() -> tuple[int, int | None, str]:
    """(entries checked, the first broken entry's id or None, why)."""
    prev, count = chain.GENESIS, 0
    async for entry in _entries_in_order():
        why = chain.problem(prev, entry)
        if why:
            return count, entry["id"], why
        prev, count = entry["hash"], count + 1
    return count, None, ""


def _out(row: dict) -> s.AuditEntry:
    return s.AuditEntry(
        id=row["id"], at=row["at"], actor_id=row["actor_id"], actor_name=row["actor_name"], action=row["action"],
        entity=row["entity"], entity_id=row["entity_id"],
        before=msgspec.json.decode(row["before"]) if row["before"] else None,
        after=msgspec.json.decode(row["after"]) if row["after"] else None, hash=row["hash"],
    )


def _filters(entity: str | None, entity_id: int | None, actor_id: int | None, from_: dt.date | None, to: dt.date | None) -> list:
    where = []
    if entity:
        where.append(AuditEntry.entity == entity)
    if entity_id is not None:
        where.append(AuditEntry.entity_id == entity_id)
    if actor_id is not None:
        where.append(AuditEntry.actor_id == actor_id)
    if from_:
        where.append(AuditEntry.at >= dt.datetime.combine(from_, dt.time(), tzinfo=clock.STOCKHOLM))
    if to:
        where.append(AuditEntry.at < dt.datetime.combine(to + dt.timedelta(days=1), dt.time(), tzinfo=clock.STOCKHOLM))
    return where


def _admin_only(viewer: Viewer) -> None:
    if not rights.is_admin(viewer):
        raise Forbidden("Loggen är till för administratörer.")


async def entries(viewer: Viewer, entity: str | None = None, entity_id: int | None = None, actor_id: int | None = None,
                  from_: dt.date | None = None, to: dt.date | None = None,
                  page: PageRequest = PageRequest()) -> Page[s.AuditEntry]:
    _admin_only(viewer)
    rows, total = await fetch_page(AuditEntry, _filters(entity, entity_id, actor_id, from_, to), AuditEntry.id, page,
                                   descending=True)
    return Page(items=[_out(r) for r in rows], total=total)
