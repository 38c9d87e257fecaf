"""The busy path's repositories inside an inbox batch.

Each is its plain repository (storage/repositories/) writing to the batch's buffer instead of
the database, answering from the batch's snapshot what the batch read once, and keeping the
snapshot up to date with what it writes. `BATCH_AWARE` names the methods that work this way;
the batch unit of work (storage/batch/unit_of_work.py) sends the buffer before any other.
A read the snapshot can't answer sends the buffer first, then asks the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import ClassVar

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from facilitation.model import (
    SETTLED,
    Answer,
    AnswerAt,
    Attachment,
    Candidate,
    Course,
    Found,
    Introduction,
    MessageRef,
    Person,
    PromptAt,
    Question,
    QuestionState,
)
from storage.batch.buffer import WriteBuffer
from storage.batch.snapshot import Snapshot
from storage.models import OfferRow
from storage.repositories.alerts import SqlAlerts
from storage.repositories.courses import SqlCourses
from storage.repositories.discussions import SqlDiscussions
from storage.repositories.followups import SqlFollowups
from storage.repositories.introductions import SqlIntroductions
from storage.repositories.messaging import SqlOutbox
from storage.repositories.offers import SqlOffers
from storage.repositories.people import SqlLearners, SqlPeople
from storage.repositories.questions import SqlQuestions
from storage.repositories.search import SqlSearch
from storage.repositories.sharing import SqlShares
from storage.repositories.stories import SqlStories
from storage.search_index import STEM_LENGTH, STEMS, stems_of

# A person whose stored name is current is stored again (for last_seen_at) only this often: it
# only tells apart people who share a username (PersonRepository.by_username), and every message
# writing it cost the busy path a row. A changed name is stored at once.
SEEN_EVERY = timedelta(hours=1)
_ADD_OFFER = insert(OfferRow)


class _InBatch:
    BATCH_AWARE: ClassVar[frozenset[str]]

    def __init__(self, session: AsyncSession, buffer: WriteBuffer, snapshot: Snapshot) -> None:
        super().__init__(session, buffer)  # type: ignore[call-arg]
        self.buffer, self.snapshot = buffer, snapshot

    async def _before_reading(self) -> None:
        """A read of the models' tables: their held writes go first (the index's may wait)."""
        if self.buffer.holding_rows:
            await self.buffer.send(before_write=False, index=())


class BatchCourses(_InBatch, SqlCourses):
    # facilitated_by (every private /start asks it) reads only courses and facilitators, which no
    # held write touches: it needs nothing sent, and changes nothing the snapshot holds.
    BATCH_AWARE = frozenset({"attachments", "is_facilitator", "facilitated_by"})

    async def attachments(self, chat_id: int) -> list[Attachment]:
        known = self.snapshot.attached(chat_id)
        if known is not None:
            return known
        await self._before_reading()
        found = await super().attachments(chat_id)
        self.snapshot.learn_attachments(chat_id, found)
        return found

    async def is_facilitator(self, course_id: int, person_id: int) -> bool:
        known = self.snapshot.is_facilitator(course_id, person_id)
        if known is not None:
            return known
        await self._before_reading()
        return await super().is_facilitator(course_id, person_id)


class BatchPeople(_InBatch, SqlPeople):
    BATCH_AWARE = frozenset({"seen", "mark_started"})

    async def seen(self, person: Person, now: datetime) -> None:
        stored = self.snapshot.people.get(person.id)
        if (
            stored is not None
            and (stored.name, stored.username) == (person.name[:256], person.username)
            and person.language in (None, stored.app_language)
            and stored.last_seen_at is not None
            and now - stored.last_seen_at < SEEN_EVERY
        ):
            return
        await super().seen(person, now)
        self.snapshot.saw(person, now)

    async def mark_started(self, person_id: int, now: datetime) -> None:
        await super().mark_started(person_id, now)
        self.snapshot.started(person_id)


class BatchLearners(_InBatch, SqlLearners):
    BATCH_AWARE = frozenset({"record_post"})


class BatchQuestions(_InBatch, SqlQuestions):
    BATCH_AWARE = frozenset({"add", "thread_of", "add_answer", "set_state", "edit"})

    async def add(
        self,
        course_id: int,
        asker: Person,
        text: str,
        ref: MessageRef,
        now: datetime,
        overdue_at: datetime,
        helpers_at: datetime | None = None,
    ) -> Question:
        question = await super().add(course_id, asker, text, ref, now, overdue_at, helpers_at)
        self.snapshot.asked(question)
        return question

    async def thread_of(self, chat_id: int, message_id: int) -> list[Question]:
        known = self.snapshot.thread((chat_id, message_id))
        if known is not None:
            return known
        await self._before_reading()
        found = await super().thread_of(chat_id, message_id)
        self.snapshot.learn_thread((chat_id, message_id), found)
        return found

    async def add_answer(
        self,
        question: Question,
        answerer: Person,
        text: str,
        ref: MessageRef,
        by_facilitator: bool,
        now: datetime,
    ) -> Answer:
        answer = await super().add_answer(question, answerer, text, ref, by_facilitator, now)
        self.snapshot.gave_answer(question, answer)
        self.snapshot.answered(question, (ref.chat_id, ref.message_id), now)
        self.snapshot.settled[question.course_id] = True  # a match may offer it now
        return answer

    async def set_state(self, question_id: int, state: QuestionState, by: int | None, now: datetime) -> None:
        await super().set_state(question_id, state, by, now)
        closes = state in (QuestionState.RESOLVED, QuestionState.DISMISSED)
        resolved = {"resolved_at": now if state is QuestionState.RESOLVED else None} if closes else {}
        self.snapshot.changed(question_id, state=state, **resolved)

    async def edit(self, chat_id: int, message_id: int, text: str) -> bool:
        tracked = await super().edit(chat_id, message_id, text)  # asks thread_of: the snapshot's
        self.snapshot.retexted((chat_id, message_id), text)
        return tracked


class BatchIntroductions(_InBatch, SqlIntroductions):
    BATCH_AWARE = frozenset({"replace", "edit", "posted_at"})

    async def replace(
        self, course_id: int, person: Person, text: str, ref: MessageRef | None, now: datetime
    ) -> Introduction:
        introduction = await super().replace(course_id, person, text, ref, now)
        if ref is not None:
            self.snapshot.introduced_as((ref.chat_id, ref.message_id))
        return introduction

    async def posted_at(self, ref: MessageRef) -> bool:
        known = self.snapshot.introduction_at((ref.chat_id, ref.message_id))
        if known is not None:
            return known
        await self._before_reading()
        return await super().posted_at(ref)


class BatchFollowups(_InBatch, SqlFollowups):
    BATCH_AWARE = frozenset({"started", "get", "mark_sent"})

    async def started(self, person_id: int) -> bool:
        stored = self.snapshot.people.get(person_id)
        if stored is not None and stored.started is not None:
            return stored.started
        await self._before_reading()
        return await super().started(person_id)

    async def get(self, question_id: int) -> tuple[Question, bool] | None:
        known = self.snapshot.question(question_id)
        if known is not None:
            return known
        await self._before_reading()
        return await super().get(question_id)

    async def mark_sent(self, question_id: int, now: datetime) -> None:
        await super().mark_sent(question_id, now)
        self.snapshot.offered(question_id)


class BatchAlerts(_InBatch, SqlAlerts):
    BATCH_AWARE = frozenset({"close"})

    async def close(self, question_id: int, outcome: str) -> list[int]:
        if self.snapshot.alerts_open(question_id) is False:
            return []  # the batch read its open alerts: none
        await self.buffer.send(index=())  # closing writes at once, inside this update's savepoint
        closed = await super().close(question_id, outcome)
        self.snapshot.closed_alerts(question_id)
        return closed


class BatchOutbox(_InBatch, SqlOutbox):
    BATCH_AWARE = frozenset({"put"})


class BatchDiscussions(_InBatch, SqlDiscussions):
    """Asked only by replies (the snapshot read which replied-to messages are prompts) and by
    messages starting with A<n> (read once per course for the batch: the rounds and prompts it
    reads are tables no held write touches, so nothing is sent first)."""

    BATCH_AWARE = frozenset(
        {
            "prompt_at",
            "open_prompts",
            "add_answer",
            "answer_at",
            "add_reply",
            "set_reactions",
            "set_anonymous_reactions",
        }
    )

    async def prompt_at(self, chat_id: int, message_id: int) -> PromptAt | None:
        known = self.snapshot.prompt_at((chat_id, message_id))
        if known is not None:
            return known[0]
        await self._before_reading()
        found = await super().prompt_at(chat_id, message_id)
        self.snapshot.prompts_known.add((chat_id, message_id))
        if found is not None:
            self.snapshot.prompts[(chat_id, message_id)] = found
        return found

    async def open_prompts(self, course_ids: Sequence[int], now: datetime) -> list[PromptAt]:
        missing = [c for c in course_ids if c not in self.snapshot.open_prompts]
        if missing:
            read = await super().open_prompts(missing, now)
            for course_id in missing:
                self.snapshot.open_prompts[course_id] = [p for p in read if p.course_id == course_id]
        return [p for c in course_ids for p in self.snapshot.open_prompts[c]]

    async def add_answer(
        self, prompt: PromptAt, author: Person, text: str, ref: MessageRef, now: datetime
    ) -> int:
        answer_id = await super().add_answer(prompt, author, text, ref, now)
        message = (ref.chat_id, ref.message_id)
        if message in self.snapshot.answers_known:  # replied to or reacted to later in the batch
            found = AnswerAt(answer_id, author.id, prompt.course_id, prompt.round_id)
            self.snapshot.answers.setdefault(message, found)
        return answer_id

    async def answer_at(self, chat_id: int, message_id: int) -> AnswerAt | None:
        known = self.snapshot.answer_at((chat_id, message_id))
        if known is not None:
            return known[0]
        await self._before_reading()
        found = await super().answer_at(chat_id, message_id)
        self.snapshot.answers_known.add((chat_id, message_id))
        if found is not None:
            self.snapshot.answers[(chat_id, message_id)] = found
        return found


class BatchShares(_InBatch, SqlShares):
    """Every message with a hashtag or replying, and every reaction, asks what its chat shares:
    the snapshot read that once for the batch's chats, so a chat sharing nothing costs nothing.
    The collected posts and their counts are held like the other busy-path writes."""

    BATCH_AWARE = frozenset(
        {"shared_tags", "unrelayed", "collect", "replied", "retext", "reacted", "reactions_now"}
    )

    async def shared_tags(self, chat_id: int) -> frozenset[str]:
        known = self.snapshot.shared.get(chat_id)
        if known is not None:
            return known
        await self._before_reading()
        found = await super().shared_tags(chat_id)
        self.snapshot.shared[chat_id] = found
        return found

    async def unrelayed(self, person_id: int) -> bool:
        if person_id < 0:  # a channel or a group posting as itself: no one to forget
            return False
        known = self.snapshot.unrelayed.get(person_id)
        if known is not None:
            return known
        await self._before_reading()
        return await super().unrelayed(person_id)


class BatchSearch(_InBatch, SqlSearch):
    """A match answers from the batch's matches made ahead (storage/batch/snapshot.py: all of a
    batch's messages that may ask, in one statement, as the batch begins). What the batch itself
    changed (a question answered or edited, its writes maybe still held) is in none of them as it
    now reads: the snapshot knows those questions, so they are judged here, as the match's SQL
    would judge them, and take their place among the candidates. Only a match the batch can't
    answer that way sends what is held and reads (each would cost the busy path a round of
    writes)."""

    BATCH_AWARE = frozenset({"match", "found"})

    async def match(
        self,
        course: Course,
        stems: Sequence[str],
        sizes: tuple[int, int],
        shared: int,
        before: int,
        limit: int,
    ) -> list[Candidate]:
        settled = self.snapshot.settled
        if len(stems) < shared or not settled.get(course.id, True):
            return []
        changed = self.snapshot.changed_in_batch.get(course.id, set())
        sharing = self._sharing(changed, stems, sizes, shared, before)
        ahead = self.snapshot.matches.get((course.id, tuple(stems)))
        if ahead is not None and sharing is not None:  # matched ahead, as the batch began
            now = self._ahead_as_now(ahead, changed, sharing, before, limit)
            if now is not None:
                return now
        if sharing != []:  # one of them could be a candidate: the database must read it as it now is
            await self.buffer.send(before_write=False, index={STEMS})
        # Whether the course has an answered question at all is asked with the first match of
        # each course and batch, in the same statement: a course without one reads nothing again.
        guarded = course.id not in settled
        candidates, any_settled = await self.matched(course, stems, sizes, shared, before, limit, guarded)
        if any_settled is not None:
            settled[course.id] = any_settled
        return self._as_now(candidates)

    def _ahead_as_now(
        self, ahead: list[Candidate], changed: set[int], sharing: list[int], before: int, limit: int
    ) -> list[Candidate] | None:
        """The match made ahead, with the questions the batch changed as they now read (`sharing`:
        those that are candidates); None when one dropped from a full list, whose place the next
        candidate, never read, would take."""
        kept = [c for c in ahead if c.question_id < before and c.question_id not in changed]
        if len(ahead) >= limit and len(kept) < len(ahead):
            return None
        if not sharing:
            return kept[:limit]
        known = self.snapshot.questions
        added = [Candidate(i, known[i].text) for i in sharing]
        return sorted(kept + added, key=lambda c: -c.question_id)[:limit]  # newest first, as the SQL

    def _as_now(self, candidates: list[Candidate]) -> list[Candidate]:
        """The candidates' texts as the batch left them (an edit's may still be held)."""
        known = self.snapshot.questions
        return [
            Candidate(c.question_id, known[c.question_id].text) if c.question_id in known else c
            for c in candidates
        ]

    def _sharing(
        self, changed: Iterable[int], stems: Sequence[str], sizes: tuple[int, int], shared: int, before: int
    ) -> list[int] | None:
        """The questions answered or edited in the batch that are candidates as they now read:
        settled, asked before, of a count of stems in range, sharing enough of them (None when
        one isn't known here: the database must say). Most share too little with a new one."""
        found: list[int] = []
        wanted: set[str] | None = None
        for question_id in changed:
            question = self.snapshot.questions.get(question_id)
            if question is None:
                return None
            if question.state not in SETTLED or question_id >= before:
                continue  # open or dismissed, or asked after: never a candidate
            theirs = stems_of(question.text)
            if not sizes[0] <= len(theirs) <= sizes[1]:
                continue
            if wanted is None:
                wanted = {stem[:STEM_LENGTH] for stem in stems}  # as the stems table holds them
            if len(wanted.intersection(theirs)) >= shared:
                found.append(question_id)
        return found

    async def found(self, question_ids: Sequence[int]) -> list[Found]:
        # A question whose every answer is the batch's is whole in the snapshot. Any other is read
        # as stored, once a batch (several new questions of a batch often find the same one), and
        # taken as the batch left it: its text, its state, the answers the batch gave it (Given).
        # Only one whose best answer may be a facilitator's answer still held sends it and reads.
        whole = {i: f for i in question_ids if (f := self._whole_here(i)) is not None}
        known = self.snapshot.found
        unread = [i for i in question_ids if i not in known and i not in whole]
        if unread:
            known.update((f.question.id, f) for f in await super().found(unread))
        found: list[Found] = []
        for i in question_ids:
            if i in whole:
                found.append(whole[i])
            elif i in known:
                stored, given = self._found_as_now(known[i]), self.snapshot.answered_in_batch.get(i)
                best = given.best(stored) if given is not None else stored
                if best is None:
                    await self._before_reading()
                    return await super().found(question_ids)
                found.append(best)
        return found

    def _whole_here(self, question_id: int) -> Found | None:
        """A question with no answer stored before the batch's (asked in it, or unanswered), whole."""
        given = self.snapshot.answered_in_batch.get(question_id)
        question = self.snapshot.questions.get(question_id)
        if given is None or given.stored_before or question is None:
            return None
        return given.best(Found(question, None, 0.0))

    def _found_as_now(self, found: Found) -> Found:
        now = self.snapshot.questions.get(found.question.id)
        if now is None:
            return found
        return replace(found, question=replace(found.question, text=now.text, state=now.state))


class BatchStories(_InBatch, SqlStories):
    """Every edit asks whether its message is a story: the snapshot read that once for the
    batch's edits, so an edit of anything else costs nothing. A new story is rare: plain."""

    BATCH_AWARE = frozenset({"is_story"})

    async def is_story(self, chat_id: int, message_id: int) -> bool:
        known = self.snapshot.story_at((chat_id, message_id))
        if known is not None:
            return known
        await self._before_reading()
        return await super().is_story(chat_id, message_id)


class BatchOffers(_InBatch, SqlOffers):
    """An offer reads tables no held write touches but its own (offers, live sessions and
    discussions): its reads need nothing sent, and what the batch read stays true (as a plain
    repository it made every later update read its chat and language again). An offer for a
    question asked in the batch is held like the question (none can be stored for it yet);
    the group's count adds the offers held for it."""

    BATCH_AWARE = frozenset({"live_in", "made_in_group", "add"})

    async def live_in(self, chat_id: int, now: datetime) -> bool:
        known = self.snapshot.live.get(chat_id)  # sessions and discussions go live in the tick
        if known is None:
            known = self.snapshot.live[chat_id] = await super().live_in(chat_id, now)
        return known

    async def made_in_group(self, chat_id: int, since: datetime) -> int:
        """The group's offers stored since then, read once a batch (or ahead, with its matches),
        and its held ones."""
        read = self.snapshot.offers_stored.get(chat_id)
        if read is None or read[0] > since:
            times = (await self.offered_in_groups({chat_id}, since))[chat_id]
            read = self.snapshot.offers_stored[chat_id] = (since, times)
        stored = sum(1 for at in read[1] if at >= since)
        return stored + sum(1 for group in self.snapshot.offers_held.values() if group == chat_id)

    async def add(
        self, question_id: int, course_id: int, earlier_id: int, group_chat_id: int | None, now: datetime
    ) -> bool:
        if question_id in self.snapshot.offers_held:
            return False
        if question_id not in self.snapshot.asked_in_batch:  # an older question: the database says
            await self.buffer.send(index=())  # its unit's savepoint first: a rollback takes the offer too
            return await super().add(question_id, course_id, earlier_id, group_chat_id, now)
        values = {
            "question_id": question_id,
            "course_id": course_id,
            "earlier_id": earlier_id,
            "group_chat_id": group_chat_id,
            "offered_at": now,
        }
        await self.writes.execute(_ADD_OFFER, values, [("offer", question_id)])
        self.snapshot.offers_held[question_id] = group_chat_id
        return True
