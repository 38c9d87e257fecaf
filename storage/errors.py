"""Which database errors are worth retrying: the same work will succeed once the database is back.

A handler that meets one doesn't apologise and its update isn't lost: the inbox batch is rolled
back and processed again later. Ordinary SQL errors are not among them; they roll back alone.
"""

from __future__ import annotations

import re

import asyncpg
from sqlalchemy.exc import DBAPIError, PendingRollbackError

# Errors that say the database is down, restarting, unreachable or busy, not that a statement is
# wrong: whatever failed with one of them will work when tried again later.
_UNAVAILABLE = (
    OSError,
    PendingRollbackError,  # the connection broke inside a transaction
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, starting up
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,
)
_CONFLICTS = ("40001", "40P01")  # serialization failure, deadlock: PostgreSQL aborted one side
_SQLITE_BUSY = re.compile(r"database (table )?is (locked|busy)")


def is_transient(error: BaseException | None) -> bool:
    """Did this fail because the database was unavailable (down, restarting, locked) or chose
    this transaction as a deadlock's or a serialization conflict's loser?"""
    while error is not None:
        if isinstance(error, _UNAVAILABLE):
            return True
        if isinstance(error, DBAPIError):
            if error.connection_invalidated or _SQLITE_BUSY.search(str(error.orig)):
                return True
            if str(getattr(error.orig, "sqlstate", "")).startswith(_CONFLICTS):
                return True
            error = error.orig
        else:
            error = error.__cause__
    return False


class HeldWritesFailed(Exception):
    """An inbox batch can't go on holding writes: those of updates already handled failed when
    sent, or a statement failed with no savepoint to undo it alone. The batch must be done again
    without holding, so that the update at fault fails alone."""


def redone(error: BaseException | None) -> bool:
    """Is the update's batch processed again because of this error (so it is no one's fault to
    apologise for)?"""
    return isinstance(error, HeldWritesFailed) or is_transient(error)
