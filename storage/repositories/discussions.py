"""Scheduled discussions: the series, their occurrences (rounds), prompts and answers.

A prompt's message is found through the outbox row it was sent as (its subject names the
prompt, its message_id is what Telegram gave it), as a guest session's board is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update

from facilitation.discussions import REMINDER_BEFORE, first_step
from facilitation.model import Course, Discussion, MessageRef, Person, Prompt, PromptAt, Round, RoundState
from facilitation.notices import NoticeKind
from storage import mapping
from storage.models import (
    CourseRow,
    DiscussionAnswerRow,
    DiscussionPromptRow,
    DiscussionRoundRow,
    DiscussionRow,
    OutboxRow,
    table_of,
)
from storage.repositories.base import Repository

_SUBJECT = "dprompt:"
_ADD_ANSWER = insert(table_of(DiscussionAnswerRow))
_OPEN = (
    select(
        DiscussionPromptRow.id,
        DiscussionPromptRow.number,
        DiscussionRoundRow.id.label("round_id"),
        DiscussionRoundRow.course_id,
    )
    .join(DiscussionRoundRow, DiscussionRoundRow.id == DiscussionPromptRow.round_id)
    .where(
        DiscussionRoundRow.course_id.in_(bindparam("courses", expanding=True)),
        DiscussionRoundRow.answers_until > bindparam("now"),
        DiscussionRoundRow.state.in_([RoundState.LIVE.value, RoundState.ENDED.value]),
        DiscussionPromptRow.number < DiscussionRoundRow.step,  # posted: Qk at step k+1
    )
    .order_by(DiscussionRoundRow.starts_at.desc(), DiscussionPromptRow.number)
)
_PROMPT_MESSAGES = select(OutboxRow.chat_id, OutboxRow.message_id, OutboxRow.subject).where(
    OutboxRow.chat_id.in_(bindparam("chats", expanding=True)),
    OutboxRow.message_id.in_(bindparam("messages", expanding=True)),
    OutboxRow.kind == NoticeKind.DISCUSSION_PROMPT.value,
)
_PROMPTS = (
    select(
        DiscussionPromptRow.id,
        DiscussionPromptRow.number,
        DiscussionRoundRow.id,
        DiscussionRoundRow.course_id,
    )
    .join(DiscussionRoundRow, DiscussionRoundRow.id == DiscussionPromptRow.round_id)
    .where(DiscussionPromptRow.id.in_(bindparam("prompts", expanding=True)))
)

Message = tuple[int, int]


def _discussion(row: DiscussionRow, course: Course) -> Discussion:
    return Discussion(
        row.id,
        course,
        row.title,
        timedelta(seconds=row.gap_seconds),
        timedelta(days=row.every_days) if row.every_days else None,
        tuple(json.loads(row.prompts)),
        row.chat_id,
        row.thread_id,
        row.cancelled_at is not None,
        tuple((int(chat), str(title)) for chat, title in json.loads(row.chats)),
        frozenset(json.loads(row.warned)),
    )


async def prompts_at(session: Any, messages: set[Message]) -> dict[Message, PromptAt]:
    """The prompts posted as these messages (two statements, the second only on a hit)."""
    if not messages:
        return {}
    located = {"chats": list({c for c, _ in messages}), "messages": list({m for _, m in messages})}
    sent: dict[int, list[Message]] = {}
    for chat_id, message_id, subject in await session.execute(_PROMPT_MESSAGES, located):
        if (chat_id, message_id) in messages and subject and subject.startswith(_SUBJECT):
            sent.setdefault(int(subject[len(_SUBJECT) :]), []).append((chat_id, message_id))
    if not sent:
        return {}
    found: dict[Message, PromptAt] = {}
    for prompt_id, number, round_id, course_id in await session.execute(_PROMPTS, {"prompts": list(sent)}):
        for message in sent[prompt_id]:
            found[message] = PromptAt(prompt_id, number, round_id, course_id)
    return found


class SqlDiscussions(Repository):
    async def add(
        self,
        course: Course,
        title: str,
        gap: timedelta,
        every: timedelta | None,
        prompts: Sequence[str],
        where: MessageRef | None,
        chats: Sequence[tuple[int, str]],
        created_by: int,
        now: datetime,
    ) -> Discussion:
        row = DiscussionRow(
            course_id=course.id,
            title=title,
            gap_seconds=int(gap.total_seconds()),
            every_days=every.days if every else None,
            prompts=json.dumps(list(prompts), ensure_ascii=False),
            chat_id=where.chat_id if where else None,
            thread_id=where.thread_id if where else None,
            chats=json.dumps([list(chat) for chat in chats], ensure_ascii=False),
            warned="[]",
            created_by=created_by,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _discussion(row, course)

    async def add_round(
        self,
        discussion: Discussion,
        slot_at: datetime,
        starts_at: datetime,
        prompts: Sequence[str],
        now: datetime,
    ) -> Round:
        step = first_step(starts_at, now)
        row = DiscussionRoundRow(
            discussion_id=discussion.id,
            course_id=discussion.course.id,
            slot_at=slot_at,
            starts_at=starts_at,
            state=RoundState.SCHEDULED.value,
            step=step,
            due_at=starts_at - REMINDER_BEFORE if step == 0 else starts_at,
            answers_until=starts_at + discussion.gap * (len(prompts) + 1),
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return Round(
            row.id,
            discussion,
            slot_at,
            starts_at,
            await self._set_prompts(row.id, prompts),
            RoundState.SCHEDULED,
            step,
        )

    async def _set_prompts(self, round_id: int, prompts: Sequence[str]) -> tuple[Prompt, ...]:
        rows = [DiscussionPromptRow(round_id=round_id, number=n, text=t) for n, t in enumerate(prompts, 1)]
        self.session.add_all(rows)
        await self.session.flush()
        return tuple(Prompt(r.id, r.number, r.text) for r in rows)

    async def get(self, discussion_id: int) -> Discussion | None:
        found = (
            await self.session.execute(
                select(DiscussionRow, CourseRow)
                .join(CourseRow, CourseRow.id == DiscussionRow.course_id)
                .where(DiscussionRow.id == discussion_id)
            )
        ).first()
        return _discussion(found[0], mapping.course(found[1])) if found else None

    async def _rounds(self, *conditions: Any, lock: bool = False, limit: int | None = None) -> list[Round]:
        query = (
            select(DiscussionRoundRow, DiscussionRow, CourseRow)
            .join(DiscussionRow, DiscussionRow.id == DiscussionRoundRow.discussion_id)
            .join(CourseRow, CourseRow.id == DiscussionRow.course_id)
            .where(*conditions)
            .order_by(DiscussionRoundRow.starts_at, DiscussionRoundRow.id)
        )
        if limit is not None:
            query = query.limit(limit)
        if lock:  # only the tick asks; rounds another process is advancing are its business
            query = query.with_for_update(skip_locked=True, of=DiscussionRoundRow)
        found = list(await self.session.execute(query))
        prompts: dict[int, list[Prompt]] = {r.id: [] for r, _, _ in found}
        if prompts:
            rows = await self.session.scalars(
                select(DiscussionPromptRow)
                .where(DiscussionPromptRow.round_id.in_(list(prompts)))
                .order_by(DiscussionPromptRow.number)
            )
            for p in rows:
                prompts[p.round_id].append(Prompt(p.id, p.number, p.text))
        return [
            Round(
                r.id,
                _discussion(d, mapping.course(c)),
                r.slot_at,
                r.starts_at,
                tuple(prompts[r.id]),
                RoundState(r.state),
                r.step,
            )
            for r, d, c in found
        ]

    _GOING = (RoundState.SCHEDULED.value, RoundState.LIVE.value)

    async def next_round(self, discussion_id: int, scheduled_only: bool) -> Round | None:
        states = (RoundState.SCHEDULED.value,) if scheduled_only else self._GOING
        rounds = await self._rounds(
            DiscussionRoundRow.discussion_id == discussion_id,
            DiscussionRoundRow.state.in_(states),
            limit=1,
        )
        return rounds[0] if rounds else None

    async def upcoming(self, course_ids: Sequence[int]) -> list[Round]:
        return await self._rounds(
            DiscussionRoundRow.course_id.in_(list(course_ids)), DiscussionRoundRow.state.in_(self._GOING)
        )

    async def replace_prompts(self, round: Round, prompts: Sequence[str]) -> Round:
        await self.session.execute(
            delete(DiscussionPromptRow).where(DiscussionPromptRow.round_id == round.id)
        )
        await self.session.flush()
        new = await self._set_prompts(round.id, prompts)
        until = round.starts_at + round.discussion.gap * (len(prompts) + 1)
        await self.session.execute(
            update(DiscussionRoundRow).where(DiscussionRoundRow.id == round.id).values(answers_until=until)
        )
        return Round(round.id, round.discussion, round.slot_at, round.starts_at, new, round.state, round.step)

    async def move(self, round: Round, starts_at: datetime) -> Round:
        until = starts_at + round.discussion.gap * (len(round.prompts) + 1)
        await self.session.execute(
            update(DiscussionRoundRow)
            .where(DiscussionRoundRow.id == round.id)
            .values(starts_at=starts_at, answers_until=until)
        )
        return Round(
            round.id, round.discussion, round.slot_at, starts_at, round.prompts, round.state, round.step
        )

    async def chats_meant(
        self, discussion_id: int, chats: Sequence[tuple[int, str]], warned: frozenset[str]
    ) -> None:
        await self.session.execute(
            update(DiscussionRow)
            .where(DiscussionRow.id == discussion_id)
            .values(
                chats=json.dumps([list(chat) for chat in chats], ensure_ascii=False),
                warned=json.dumps(sorted(warned)),
            )
        )

    async def cancel_round(self, round_id: int, now: datetime) -> None:
        await self.session.execute(
            update(DiscussionRoundRow)
            .where(DiscussionRoundRow.id == round_id)
            .values(state=RoundState.CANCELLED.value, due_at=None, ended_at=now, answers_until=now)
        )

    async def cancel_series(self, discussion_id: int, now: datetime) -> None:
        await self.session.execute(
            update(DiscussionRow).where(DiscussionRow.id == discussion_id).values(cancelled_at=now)
        )
        await self.session.execute(
            update(DiscussionRoundRow)
            .where(
                DiscussionRoundRow.discussion_id == discussion_id, DiscussionRoundRow.state.in_(self._GOING)
            )
            .values(state=RoundState.CANCELLED.value, due_at=None, ended_at=now, answers_until=now)
        )

    async def due(self, now: datetime) -> list[Round]:
        return await self._rounds(
            DiscussionRoundRow.state.in_(self._GOING),
            DiscussionRoundRow.due_at <= now,
            lock=True,
        )

    async def advanced(
        self, round: Round, step: int, state: RoundState, due_at: datetime | None, now: datetime
    ) -> None:
        values: dict[str, Any] = {"step": step, "state": state.value, "due_at": due_at}
        if state is RoundState.ENDED:
            values["ended_at"] = now
        await self.session.execute(
            update(DiscussionRoundRow).where(DiscussionRoundRow.id == round.id).values(**values)
        )

    async def prompt_at(self, chat_id: int, message_id: int) -> PromptAt | None:
        return (await prompts_at(self.session, {(chat_id, message_id)})).get((chat_id, message_id))

    async def open_prompts(self, course_ids: Sequence[int], now: datetime) -> list[PromptAt]:
        rows = await self.session.execute(_OPEN, {"courses": list(course_ids), "now": now})
        return [PromptAt(r.id, r.number, r.round_id, r.course_id) for r in rows]

    async def add_answer(
        self, prompt: PromptAt, author: Person, text: str, ref: MessageRef, now: datetime
    ) -> None:
        values = {
            "prompt_id": prompt.prompt_id,
            "round_id": prompt.round_id,
            "course_id": prompt.course_id,
            "chat_id": ref.chat_id,
            "message_id": ref.message_id,
            "thread_id": ref.thread_id,
            "author_id": author.id,
            "text": text,
            "answered_at": now,
        }
        await self.writes.insert(_ADD_ANSWER, values, [("discussion answer at", ref.chat_id, ref.message_id)])
