"""Who a session key or an API token belongs to, kept between requests on PostgreSQL.

Every request names its caller, and looking the caller up was one of an API read's two round
trips to PostgreSQL (issue 15). Here a looked-up caller is kept until PostgreSQL says that an
account, a session or a token changed: triggers on ``app_user``, ``user_session`` and
``api_token`` notify ``CHANNEL`` (migration accounts 2026-12-05), every instance listens on a
connection of its own (``database.Listener``) and forgets everything it keeps on each notification.
So a revocation, a deactivation, a logout or a changed role made anywhere (another instance, the
CLI, SQL by hand) reaches every instance as fast as PostgreSQL delivers the notification, and one
made by this process is forgotten here before the write returns (``forget_everywhere``).

Nothing is kept while the listening connection is down (it comes back by itself), nor on SQLite,
which has no notifications: then every request looks its caller up, as before. A kept caller is
also looked up again after ``TTL_SECONDS``, a bound should a dead connection go unnoticed; a
session's expiry is checked on every request against the clock.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

CHANNEL = "samverkan_viewers"
TTL_SECONDS = 60.0
MAX_ENTRIES = 10_000

_CACHES: weakref.WeakSet[ViewerCache] = weakref.WeakSet()


class ViewerCache:
    """Looked-up callers by the hash of their session key or token. Used on the event loop only."""

    def __init__(self, max_entries: int = MAX_ENTRIES, ttl: float = TTL_SECONDS) -> None:
        self._entries: dict[str, tuple[float, Any]] = {}
        self._max_entries = max_entries
        self._ttl = ttl
        self.listening = False  # set by the listener; while False nothing is kept
        self.generation = 0  # moves on every forget: a lookup begun before it is not kept
        _CACHES.add(self)

    def get(self, key: str) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] < time.monotonic() or not self.listening:
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: str, value: Any, generation: int) -> None:
        """Keep what a lookup found, unless something changed since it began (``generation``)."""
        if not self.listening or generation != self.generation:
            return
        if len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]  # the oldest kept
        self._entries[key] = (time.monotonic() + self._ttl, value)

    def forget(self, *_: Any) -> None:
        """Forget everything (the listener's callback takes the notification's arguments)."""
        self.generation += 1
        self._entries.clear()

    def set_listening(self, listening: bool) -> None:
        self.forget()
        self.listening = listening

    def __len__(self) -> int:
        return len(self._entries)


def forget_everywhere() -> None:
    """Called after this process changed accounts, sessions or tokens: its own caches forget at
    once, without waiting for the notification (which tells the other instances)."""
    for cache in list(_CACHES):
        cache.forget()
