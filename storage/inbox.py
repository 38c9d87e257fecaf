"""The inbox: every update stored before it is acknowledged, processed once by update_id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import InboxRow


async def store(
    sessions: async_sessionmaker[AsyncSession],
    updates: Sequence[tuple[int, int | None, str]],
    now: datetime,
) -> None:
    """Durably record raw updates (update_id, chat_id, JSON); an update already stored is left
    as it is."""
    if not updates:
        return
    rows: dict[int, dict[str, object]] = {}
    for update_id, chat_id, payload in updates:  # a batch may carry an update twice: the first counts
        rows.setdefault(
            update_id, {"update_id": update_id, "chat_id": chat_id, "payload": payload, "received_at": now}
        )
    async with sessions() as session, session.begin():
        dialect = session.bind.dialect.name if session.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        # One statement for the batch (executemany), not one round trip per update.
        await session.execute(
            insert(InboxRow).on_conflict_do_nothing(index_elements=["update_id"]), list(rows.values())
        )


async def unprocessed(session: AsyncSession, limit: int) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(InboxRow.update_id, InboxRow.payload)
        .where(InboxRow.processed_at.is_(None))
        .order_by(InboxRow.update_id)
        .limit(limit)
    )
    return [(update_id, payload) for update_id, payload in rows]


async def mark_processed(session: AsyncSession, update_ids: Sequence[int], now: datetime) -> None:
    await session.execute(
        update(InboxRow)
        .where(InboxRow.update_id.in_(update_ids), InboxRow.processed_at.is_(None))
        .values(processed_at=now)
    )


async def prune(sessions: async_sessionmaker[AsyncSession], processed_before: datetime) -> None:
    """Forget long-processed updates; Telegram never resends an update that old."""
    async with sessions() as session, session.begin():
        await session.execute(delete(InboxRow).where(InboxRow.processed_at < processed_before))


async def received_at(session: AsyncSession, update_ids: Sequence[int]) -> list[datetime]:
    """When these updates reached the inbox (for the inbox lag metric)."""
    if not update_ids:
        return []
    return list(await session.scalars(select(InboxRow.received_at).where(InboxRow.update_id.in_(update_ids))))
