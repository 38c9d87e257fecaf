"""The inbox: every update stored before it is acknowledged, processed once by update_id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import InboxRow
from storage.repositories.base import Repository


async def store(
    sessions: async_sessionmaker[AsyncSession], updates: Sequence[tuple[int, str]], now: datetime
) -> None:
    """Durably record raw updates; an update already stored is left as it is."""
    if not updates:
        return
    async with sessions() as session, session.begin():
        repository = Repository(session)
        for update_id, payload in updates:
            await repository.upsert(
                InboxRow,
                {"update_id": update_id, "payload": payload, "received_at": now},
                keys=("update_id",),
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
