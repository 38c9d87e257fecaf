"""The inbox: every update stored before it is acknowledged, processed once by update_id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Claimed:
    update_id: int
    payload: str
    received_at: datetime


async def claim(session: AsyncSession, limit: int) -> list[Claimed]:
    """The next updates this process may handle, in update_id order, locked until the batch
    commits (PostgreSQL; SQLite has one writer). Other processes skip locked rows, so each update
    is handled once; an update waits while an earlier one of its chat is held elsewhere, so each
    chat's updates keep their order across processes."""
    rows = (
        await session.execute(
            select(InboxRow.update_id, InboxRow.chat_id, InboxRow.payload, InboxRow.received_at)
            .where(InboxRow.processed_at.is_(None))
            .order_by(InboxRow.update_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    chats = {row.chat_id for row in rows if row.chat_id is not None}
    if not chats or session.get_bind().dialect.name == "sqlite":  # one writer: nothing held elsewhere
        return [Claimed(row.update_id, row.payload, row.received_at) for row in rows]
    ours = {row.update_id for row in rows}
    pending = await session.execute(
        select(InboxRow.chat_id, InboxRow.update_id)
        .where(
            InboxRow.processed_at.is_(None),
            InboxRow.chat_id.in_(chats),
            InboxRow.update_id <= max(ours),
        )
        .order_by(InboxRow.update_id)
    )
    held_elsewhere: dict[int, int] = {}  # chat → its first update another process holds
    for chat_id, update_id in pending:
        if chat_id is not None and update_id not in ours:
            held_elsewhere.setdefault(chat_id, update_id)
    return [
        Claimed(row.update_id, row.payload, row.received_at)
        for row in rows
        if row.chat_id is None or row.update_id < held_elsewhere.get(row.chat_id, row.update_id + 1)
    ]


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
