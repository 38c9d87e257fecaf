"""Reading and settling outbox rows for the sender."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from facilitation.languages import DEFAULT
from storage import languages
from storage.models import OutboxRow
from storage.transfer import move_chat


@dataclass(frozen=True)
class Envelope:
    id: int
    chat_id: int
    thread_id: int | None
    kind: str
    data: dict[str, Any]
    attempts: int
    language: str = DEFAULT  # its reader's: the chat's (storage.languages)


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    kind: str
    chat_id: int
    error: str
    due_at: datetime


class OutboxStore:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        turns: contextlib.AbstractAsyncContextManager[None] | None = None,
    ) -> None:
        self._sessions = sessions
        self.turns = turns if turns is not None else contextlib.nullcontext()  # database.write_turns

    async def claim(self, now: datetime, limit: int = 100) -> tuple[list[Envelope], datetime]:
        """Due rows, leased to this process until the returned moment: their due time moves past
        the lease, so another process (which skips rows locked mid-claim) can't take them, and
        rows whose sender died become due again when it ends."""
        lease_until = now + LEASE
        async with self.turns, self._sessions() as session, session.begin():
            chosen = (
                select(OutboxRow.id)
                .where(
                    OutboxRow.sent_at.is_(None),
                    OutboxRow.failed_at.is_(None),
                    OutboxRow.due_at <= now,
                )
                .order_by(OutboxRow.due_at, OutboxRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            claimed = (
                await session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id.in_(chosen.scalar_subquery()))
                    .values(due_at=lease_until)
                    .returning(
                        OutboxRow.id,
                        OutboxRow.chat_id,
                        OutboxRow.thread_id,
                        OutboxRow.kind,
                        OutboxRow.payload,
                        OutboxRow.attempts,
                    ),
                    execution_options={"synchronize_session": False},
                )
            ).all()
            spoken = await languages.of_chats(session, {r.chat_id for r in claimed}) if claimed else {}
        rows = sorted(claimed, key=lambda r: r.id)  # RETURNING has no order; a chat's go out as queued
        envelopes = [
            Envelope(
                r.id, r.chat_id, r.thread_id, r.kind, json.loads(r.payload), r.attempts, spoken[r.chat_id]
            )
            for r in rows
        ]
        return envelopes, lease_until

    async def release_own_claims(self, now: datetime) -> None:
        """At start, on SQLite: every lease is a dead run's (one process per SQLite database), so
        its rows are due now instead of when the lease would end. Rows put off by a retry come
        forward too; a restart retrying them early is harmless. On PostgreSQL another live process
        may hold them: they wait for their lease."""
        if self._sessions.kw["bind"].dialect.name != "sqlite":
            return
        async with self.turns, self._sessions() as session, session.begin():
            await session.execute(
                update(OutboxRow)
                .where(OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None), OutboxRow.due_at > now)
                .values(due_at=now)
            )

    async def sent(self, envelope_id: int, now: datetime, message_id: int | None = None) -> None:
        await self._set(envelope_id, sent_at=now, message_id=message_id, attempts=OutboxRow.attempts + 1)

    async def retry(self, envelope_id: int, error: str, at: datetime) -> None:
        await self._set(envelope_id, due_at=at, last_error=error[:500], attempts=OutboxRow.attempts + 1)

    async def chat_moved(self, envelope_id: int, old: int, new: int, now: datetime) -> None:
        """Telegram says the chat has a new id: it moves as when its service message comes, and
        the row that found out is due again at once (unless it stayed behind with the old chat)."""
        async with self.turns, self._sessions() as session, session.begin():
            await move_chat(session, old, new, now)
            await session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id == envelope_id, OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None)
                )
                .values(due_at=now, attempts=OutboxRow.attempts + 1)
            )

    async def failed(self, envelope_id: int, error: str, now: datetime) -> None:
        await self._set(envelope_id, failed_at=now, last_error=error[:500], attempts=OutboxRow.attempts + 1)

    async def counts(self) -> tuple[int, int]:
        """(pending, failed)."""
        async with self._sessions() as session:
            pending = await session.scalar(
                select(func.count()).where(OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None))
            )
            failed = await session.scalar(select(func.count()).where(OutboxRow.failed_at.is_not(None)))
            return pending or 0, failed or 0

    async def pending(self) -> int:
        """Rows not yet sent nor failed; read through the pending index, cheap to ask often."""
        async with self._sessions() as session:
            count = await session.scalar(
                select(func.count()).where(OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None))
            )
            return count or 0

    async def failures(self, limit: int) -> list[OutboxEntry]:
        """The latest rows that failed for good, with Telegram's reason."""
        return await self._listing(OutboxRow.failed_at.is_not(None), OutboxRow.failed_at.desc(), limit)

    async def waiting(self, limit: int) -> list[OutboxEntry]:
        """Rows not yet delivered, oldest first, with the last error if a try failed."""
        condition = OutboxRow.sent_at.is_(None) & OutboxRow.failed_at.is_(None)
        return await self._listing(condition, OutboxRow.due_at, limit)

    async def _listing(self, condition: Any, order: Any, limit: int) -> list[OutboxEntry]:
        async with self._sessions() as session:
            rows = await session.scalars(select(OutboxRow).where(condition).order_by(order).limit(limit))
            return [OutboxEntry(r.id, r.kind, r.chat_id, r.last_error or "", r.due_at) for r in rows]

    async def _set(self, envelope_id: int, **values: Any) -> None:
        async with self.turns, self._sessions() as session, session.begin():
            await session.execute(update(OutboxRow).where(OutboxRow.id == envelope_id).values(**values))


LEASE = timedelta(minutes=2)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 2 ** min(attempts, 8)))
