"""Greetings waiting to be sent, and the outbox."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update

from facilitation.model import Person
from facilitation.ports import Notice
from storage import mapping
from storage.models import GreetingRow, OutboxRow, PersonRow, table_of
from storage.repositories.base import Repository


class SqlGreetings(Repository):
    async def add_pending(self, chat_id: int, person: Person, now: datetime) -> None:
        await self.upsert(
            GreetingRow,
            {"chat_id": chat_id, "person_id": person.id, "joined_at": now},
            keys=("chat_id", "person_id"),
        )

    async def due(self, last_greeting_before: datetime) -> dict[int, list[Person]]:
        recently_greeted = select(GreetingRow.chat_id).where(GreetingRow.greeted_at > last_greeting_before)
        rows = await self.session.execute(
            select(GreetingRow.chat_id, GreetingRow.person_id, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == GreetingRow.person_id)
            .where(GreetingRow.greeted_at.is_(None), GreetingRow.chat_id.not_in(recently_greeted))
            .order_by(GreetingRow.chat_id, GreetingRow.joined_at)
            .with_for_update(skip_locked=True, of=GreetingRow)  # another process has these
        )
        due: dict[int, list[Person]] = defaultdict(list)
        for chat_id, person_id, person in rows:
            due[chat_id].append(mapping.person(person, person_id))
        return dict(due)

    async def mark_greeted(self, chat_id: int, person_ids: Sequence[int], now: datetime) -> None:
        await self.session.execute(
            update(GreetingRow)
            .where(GreetingRow.chat_id == chat_id, GreetingRow.person_id.in_(person_ids))
            .values(greeted_at=now)
        )


_PUT = insert(table_of(OutboxRow))


class SqlOutbox(Repository):
    async def put(self, notice: Notice, now: datetime) -> None:
        values = {
            "chat_id": notice.chat_id,
            "thread_id": notice.thread_id,
            "kind": notice.kind.value,  # the plain string: what rows already stored hold
            "subject": notice.subject,
            "payload": json.dumps(notice.data, ensure_ascii=False),
            "created_at": now,
            "due_at": now,
        }
        await self.writes.execute(_PUT, values)  # a new row: no other write touches it

    async def put_latest(self, notice: Notice, now: datetime) -> None:
        pending = await self.session.scalar(
            select(OutboxRow).where(
                OutboxRow.subject == notice.subject,
                OutboxRow.chat_id == notice.chat_id,
                OutboxRow.sent_at.is_(None),
                OutboxRow.failed_at.is_(None),
                OutboxRow.attempts == 0,
            )
        )
        if pending is None:
            await self.put(notice, now)
        else:
            pending.payload = json.dumps(notice.data, ensure_ascii=False)
            await self.session.flush()
