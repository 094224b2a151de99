"""The hash chain of the audit trail, pure: what an entry's hash is, and where a list of entries
stops being a chain. No web or database imports."""

from __future__ import annotations

import hashlib
import json
from typing import Iterable

GENESIS = "0" * 64
FIELDS = ("at", "actor_id", "actor_name", "action", "entity", "entity_id", "before", "after")


def entry_hash(prev_hash: str, entry: dict) -> str:
    """sha256 of the previous hash and the entry's fields, in a fixed JSON form."""
    body = json.dumps([entry[f] for f in FIELDS], ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def problem(prev_hash: str, entry: dict) -> str | None:
    """Why ``entry`` does not follow ``prev_hash`` (in Swedish), or None when it does. ``at`` is
    the ISO text it was hashed with."""
    if entry["prev_hash"] != prev_hash:
        return "den föregående posten saknas eller har ändrats"
    if entry_hash(prev_hash, entry) != entry["hash"]:
        return "posten har ändrats efter att den skrevs"
    return None


def first_break(entries: Iterable[dict]) -> tuple[int | None, str]:
    """The id of the first entry that does not follow from the one before it, and why;
    (None, "") for a whole chain. Entries in id order."""
    prev = GENESIS
    for entry in entries:
        why = problem(prev, entry)
        if why:
            return entry["id"], why
        prev = entry["hash"]
    return None, ""
