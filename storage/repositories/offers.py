"""Earlier answers offered (facilitation.ports.OfferRepository)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import CompoundSelect, and_, bindparam, exists, func, null, select, union_all, update

from facilitation.model import Phase, Question
from storage import mapping
from storage.models import (
    AlertRow,
    AttachmentRow,
    DiscussionRoundRow,
    GuestSessionRow,
    OfferRow,
    OutboxRow,
    PersonRow,
    QuestionRow,
)
from storage.repositories.base import Repository

_LIVE_ROUND = "live"


# Read by every inbox batch whose questions may be offered an earlier answer: built once.
_IN_CHATS = AttachmentRow.chat_id.in_(bindparam("chats", expanding=True))
_LIVE = and_(
    AttachmentRow.active,
    exists().where(
        GuestSessionRow.course_id == AttachmentRow.course_id, GuestSessionRow.phase == Phase.LIVE.value
    )
    | exists().where(
        DiscussionRoundRow.course_id == AttachmentRow.course_id, DiscussionRoundRow.state == _LIVE_ROUND
    ),
)
_LIVE_CHATS = select(AttachmentRow.chat_id).where(_IN_CHATS, _LIVE)
_OFFERED = select(OfferRow.group_chat_id, OfferRow.offered_at).where(
    OfferRow.group_chat_id.in_(bindparam("chats", expanding=True)), OfferRow.offered_at >= bindparam("since")
)
# The groups' offers (group, when), then the live chats (chat, NULL).
_LIVE_AND_OFFERED: CompoundSelect[Any] = union_all(_OFFERED, _LIVE_CHATS.add_columns(null()))


class SqlOffers(Repository):
    async def live_in(self, chat_id: int, now: datetime) -> bool:
        """A live guest session or discussion of a course the chat carries."""
        return chat_id in await self.live_chats({chat_id})

    async def live_chats(self, chat_ids: Collection[int]) -> set[int]:
        """Of these chats, those with a live guest session or discussion of a course they carry."""
        return set(await self.session.scalars(_LIVE_CHATS, {"chats": list(chat_ids)}))

    async def offered_in_groups(
        self, chat_ids: Collection[int], since: datetime
    ) -> dict[int, list[datetime]]:
        """When each of these groups had an offer made in it, since then."""
        return (await self._live_and_offered(_OFFERED, chat_ids, since))[1]

    async def live_and_offered(
        self, chat_ids: Collection[int], since: datetime
    ) -> tuple[set[int], dict[int, list[datetime]]]:
        """Of these chats, those live (`live_chats`), and when each had an offer made in it since
        then (`offered_in_groups`), in one statement."""
        return await self._live_and_offered(_LIVE_AND_OFFERED, chat_ids, since)

    async def _live_and_offered(
        self, statement: Any, chat_ids: Collection[int], since: datetime
    ) -> tuple[set[int], dict[int, list[datetime]]]:
        found: dict[int, list[datetime]] = {chat: [] for chat in chat_ids}
        lives: set[int] = set()
        values = {"chats": list(chat_ids), "since": since}
        for chat, at in await self.session.execute(statement, values):
            if at is None:
                lives.add(chat)
            elif chat is not None:
                found[chat].append(at)
        return lives, found

    async def made_in_group(self, chat_id: int, since: datetime) -> int:
        count = await self.session.scalar(
            select(func.count()).where(OfferRow.group_chat_id == chat_id, OfferRow.offered_at >= since)
        )
        return int(count or 0)

    async def add(
        self, question_id: int, course_id: int, earlier_id: int, group_chat_id: int | None, now: datetime
    ) -> bool:
        if await self.session.get(OfferRow, question_id) is not None:
            return False
        self.session.add(
            OfferRow(
                question_id=question_id,
                course_id=course_id,
                earlier_id=earlier_id,
                group_chat_id=group_chat_id,
                offered_at=now,
            )
        )
        await self.session.flush()
        return True

    async def get(self, question_id: int) -> tuple[Question, str | None] | None:
        found = (
            await self.session.execute(
                select(QuestionRow, PersonRow, OfferRow.outcome)
                .join(OfferRow, OfferRow.question_id == QuestionRow.id)
                .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
                .where(QuestionRow.id == question_id)
            )
        ).first()
        if found is None:
            return None
        question, asker, outcome = found
        return mapping.question(question, asker), outcome

    async def earlier_offered(self, question_id: int) -> Question | None:
        found = (
            await self.session.execute(
                select(QuestionRow, PersonRow)
                .join(OfferRow, OfferRow.earlier_id == QuestionRow.id)
                .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
                .where(OfferRow.question_id == question_id)
            )
        ).first()
        return mapping.question(*found) if found else None

    async def settle(self, question_id: int, outcome: str, now: datetime) -> None:
        await self.session.execute(
            update(OfferRow)
            .where(OfferRow.question_id == question_id)
            .values(outcome=outcome, settled_at=now)
        )

    async def mark_duplicate(self, question_id: int, course_id: int, earlier_id: int, now: datetime) -> None:
        row = await self.session.get(OfferRow, question_id)
        if row is None:
            self.session.add(
                OfferRow(
                    question_id=question_id,
                    course_id=course_id,
                    earlier_id=earlier_id,
                    offered_at=now,
                    outcome="duplicate",
                    settled_at=now,
                )
            )
        else:
            row.earlier_id, row.outcome, row.settled_at = earlier_id, "duplicate", now
        await self.session.flush()

    async def question_alerted_at(self, chat_id: int, message_id: int) -> Question | None:
        subjects = await self.session.scalars(
            select(OutboxRow.subject).where(
                OutboxRow.chat_id == chat_id,
                OutboxRow.message_id == message_id,
                OutboxRow.subject.like("alert:%"),
            )
        )
        alert_ids = [int(s.split(":")[1]) for s in subjects if s and s.split(":")[1].isdigit()]
        if not alert_ids:
            return None
        found = (
            await self.session.execute(
                select(QuestionRow, PersonRow)
                .join(AlertRow, AlertRow.question_id == QuestionRow.id)
                .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
                .where(AlertRow.id.in_(alert_ids))
                .limit(1)
            )
        ).first()
        return mapping.question(*found) if found else None

    async def from_archive(self, course_id: int, since: datetime | None, until: datetime) -> int:
        settled = select(func.count()).where(
            OfferRow.course_id == course_id,
            OfferRow.settled_at <= until,
            OfferRow.outcome.in_(("accepted", "duplicate")),
        )
        if since is not None:
            settled = settled.where(OfferRow.settled_at >= since)
        count = await self.session.scalar(settled)
        return int(count or 0)
