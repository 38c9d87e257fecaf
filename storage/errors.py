"""Which database errors are worth retrying: the same work may well succeed a moment later."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

# SQLSTATEs of conflicts PostgreSQL resolves by aborting one side: serialization failure,
# deadlock, and the connection-level classes (server restart, admin shutdown, too many clients).
_RETRYABLE_STATES = ("40001", "40P01", "08", "57P", "53300")


def is_transient(error: BaseException | None) -> bool:
    """True for a lost connection, a restarting server, a deadlock or a locked SQLite file."""
    if isinstance(error, OperationalError):
        # SQLite reports schema mistakes as OperationalError too; only its lock is passing.
        sqlite = type(error.orig).__module__.startswith(("sqlite3", "aiosqlite"))
        return not sqlite or any(word in str(error.orig) for word in ("locked", "busy"))
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        return isinstance(state, str) and state.startswith(_RETRYABLE_STATES)
    return isinstance(error, ConnectionError)  # the driver failing to reach the server at all
