"""`flock outbox`: what is waiting to be sent and what failed for good."""

from __future__ import annotations

from storage.database import create_engine, session_factory
from storage.outbox import OutboxStore

SHOWN = 20


async def report(database_url: str) -> str:
    engine = create_engine(database_url)
    try:
        store = OutboxStore(session_factory(engine))
        pending, failed = await store.counts()
        lines = [f"pending: {pending}"]
        for row in await store.waiting(SHOWN):
            retry = f" (last try: {row.error})" if row.error else ""
            lines.append(
                f"  #{row.id} {row.kind} → chat {row.chat_id}, due {row.due_at:%Y-%m-%d %H:%M}{retry}"
            )
        lines.append(f"failed: {failed}")
        for row in await store.failures(SHOWN):
            lines.append(f"  #{row.id} {row.kind} → chat {row.chat_id}: {row.error}")
        return "\n".join(lines)
    finally:
        await engine.dispose()
