"""PostgreSQL connections kept open and lent for one statement or one transaction at a time.

asyncpg's own pool spent about 40 µs of CPU on every statement, a tenth of an API read (issue 15's
profiles): a proxy object and an idle timer per loan, ``wait_for`` around the taking and a task
(``asyncio.shield``) around the giving back. Here a connection is taken from a list and given back
without awaiting. A loan that finds none waits in line, and the next connection given back is
handed to the first in line: with a queue the woken waiter could lose it to a newcomer, and under
load a few requests waited 200 ms (issue 15's notes).

Nothing is reset between loans (asyncpg's pool sends RESET ALL, UNLISTEN and advisory unlocks, a
round trip after every statement): the service leaves no session state on lent connections (no
SET, LISTEN, cursors or session locks; the migration lock and the listener have connections of
their own). A connection given back unfit to lend (closed, still in a transaction, or after an
error that was not the server's answer: see ``broke``) is closed, and the next loan opens a new one.
"""

from __future__ import annotations

import asyncio
import collections
from typing import Any, Awaitable, Callable

import asyncpg


def broke(error: BaseException | None) -> bool:
    """The connection may be unfit after this error in a statement: any but the server's answer
    to the statement. A cancelled statement is still being cancelled on the server, and until
    then the connection refuses statements (asyncpg's own pool waits; closing costs less here);
    a connection the server ended may not know it yet."""
    return error is not None and not isinstance(error, asyncpg.PostgresError)


class ConnectionPool:
    """Up to ``max_size`` connections made by ``connect``. Used as Piccolo uses asyncpg's pool
    (``await acquire()`` and ``release``, or ``async with acquire()``), and ``fetch`` for one
    statement. Used on one event loop only."""

    def __init__(self, connect: Callable[[], Awaitable[asyncpg.Connection]], max_size: int, min_size: int = 1) -> None:
        if not 0 <= min_size <= max_size or max_size < 1:
            raise ValueError(f"pool sizes: min {min_size}, max {max_size}")
        self._connect, self._min_size, self._max_size = connect, min_size, max_size
        self._idle: list[asyncpg.Connection] = []
        self._size = 0  # connections open or being opened, idle or lent
        self._waiters: collections.deque[asyncio.Future] = collections.deque()
        self._closed = False

    async def start(self) -> ConnectionPool:
        for _ in range(self._min_size):
            self._size += 1
            try:
                self._idle.append(await self._connect())
            except BaseException:
                self._size -= 1
                raise
        return self

    def get_size(self) -> int:
        return self._size

    def get_idle_size(self) -> int:
        return len(self._idle)

    async def take(self) -> asyncpg.Connection:
        while True:
            if self._closed:
                raise asyncpg.InterfaceError("the connection pool is closed")
            while self._idle:
                connection = self._idle.pop()  # the last given back: its server process is warm
                if not connection.is_closed():
                    return connection
                self._size -= 1
            if self._size < self._max_size:
                self._size += 1
                try:
                    return await self._connect()
                except BaseException:
                    self._size -= 1
                    self._pass_on_room()
                    raise
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                connection = await waiter
            except BaseException:
                # Cancelled, perhaps just after a connection (or room for one) was handed over:
                # it goes on to the next in line. (A cancelled waiter left in line is skipped.)
                if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                    self._hand_over(waiter.result())
                raise
            if connection is not None:
                return connection
            # None: a connection was closed, and there is room to open one (the loop does)

    def give_back(self, connection: asyncpg.Connection, broken: bool = False) -> None:
        if broken or self._closed or connection.is_closed() or connection.is_in_transaction():
            connection.terminate()
            self._size -= 1
            self._pass_on_room()
            return
        self._hand_over(connection)

    def _hand_over(self, connection: asyncpg.Connection | None) -> None:
        """To the first in line, or back to the list (None: room for one more, to the first in line)."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        if connection is not None:
            self._idle.append(connection)

    def _pass_on_room(self) -> None:
        if not self._closed:
            self._hand_over(None)

    def acquire(self) -> _Loan:
        """``await pool.acquire()`` (then ``release``) or ``async with pool.acquire() as connection``."""
        return _Loan(self)

    async def release(self, connection: asyncpg.Connection) -> None:
        self.give_back(connection)

    async def fetch(self, sql: str, args: list | tuple = ()) -> list[asyncpg.Record]:
        connection = await self.take()
        try:
            rows = await connection.fetch(sql, *args)
        except BaseException as error:
            self.give_back(connection, broke(error))
            raise
        self.give_back(connection)
        return rows

    async def close(self) -> None:
        """Close the idle connections now and the lent ones as they come back."""
        self._closed = True
        idle, self._idle = self._idle, []
        self._size -= len(idle)
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(asyncpg.InterfaceError("the connection pool is closed"))
        self._waiters.clear()
        await asyncio.gather(*(c.close() for c in idle), return_exceptions=True)


class _Loan:
    __slots__ = ("_pool", "_connection")

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool
        self._connection: asyncpg.Connection | None = None

    def __await__(self) -> Any:
        return self._pool.take().__await__()

    async def __aenter__(self) -> asyncpg.Connection:
        self._connection = await self._pool.take()
        return self._connection

    async def __aexit__(self, _: Any, error: BaseException | None, __: Any) -> None:
        connection, self._connection = self._connection, None
        self._pool.give_back(connection, broke(error))
