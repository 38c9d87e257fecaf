"""Stories and showcases. A story's showcase post is the outbox row it was queued as (subject
`story:<id>`): its message id and when it was sent are read from there."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update

from facilitation.model import Chat, Consent, MessageRef, Person, Showcase, Story
from facilitation.notices import NoticeKind
from storage import mapping
from storage.models import OutboxRow, ShowcaseRow, StoryRow
from storage.repositories.base import Repository

_POSTED = NoticeKind.SHOWCASE_POST.value


def subject(story_id: int) -> str:
    return f"story:{story_id}"


def _story(row: StoryRow, sent: OutboxRow | None = None, username: str | None = None) -> Story:
    if sent is None:
        return mapping.story(row, username=username)
    showcase = MessageRef(sent.chat_id, sent.message_id) if sent.message_id else None
    return mapping.story(row, showcase, username, sent.sent_at)


def _showcase(row: ShowcaseRow) -> Showcase:
    chat = Chat(row.chat_id, row.chat_title, row.chat_kind, username=row.chat_username)
    return Showcase(row.course_id, chat, row.set_by, row.set_at)


class SqlStories(Repository):
    async def add(
        self,
        course_id: int,
        ref: MessageRef,
        author: Person,
        text: str,
        posted_at: datetime,
        consent: Consent,
        media: tuple[str, str] | None = None,
    ) -> Story | None:
        if await self.is_story(ref.chat_id, ref.message_id):
            return None
        row = StoryRow(
            course_id=course_id,
            chat_id=ref.chat_id,
            message_id=ref.message_id,
            thread_id=ref.thread_id,
            author_id=author.id,
            author_name=author.name[:256],
            text=text,
            posted_at=posted_at,
            consent=consent.value,
            media_kind=media[0] if media else None,
            file_id=media[1][:256] if media else None,
        )
        self.session.add(row)
        await self.session.flush()
        return _story(row)

    async def is_story(self, chat_id: int, message_id: int) -> bool:
        found = await self.session.scalar(
            select(StoryRow.id).where(StoryRow.chat_id == chat_id, StoryRow.message_id == message_id)
        )
        return found is not None

    async def retext(self, chat_id: int, message_id: int, text: str) -> None:
        await self.session.execute(
            update(StoryRow)
            .where(StoryRow.chat_id == chat_id, StoryRow.message_id == message_id)
            .values(text=text)
        )

    async def drop_unshared(self, chat_id: int, message_id: int) -> bool:
        shared = (Consent.NAME.value, Consent.LEARNER.value)
        result = await self.session.execute(
            delete(StoryRow).where(
                StoryRow.chat_id == chat_id,
                StoryRow.message_id == message_id,
                StoryRow.consent.not_in(shared),
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def get(self, story_id: int) -> Story | None:
        row = await self.session.get(StoryRow, story_id)
        return _story(row) if row is not None else None

    async def choose(self, story_id: int, consent: Consent, now: datetime) -> bool:
        result = await self.session.execute(
            update(StoryRow)
            .where(StoryRow.id == story_id, StoryRow.consent == Consent.ASKED.value)
            .values(consent=consent.value, consent_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    async def _with_posts(self, rows: Sequence[StoryRow]) -> list[Story]:
        if not rows:
            return []
        subjects = {subject(row.id): row for row in rows}
        sent = {
            out.subject: out
            for out in await self.session.scalars(
                select(OutboxRow).where(
                    OutboxRow.subject.in_(list(subjects)),
                    OutboxRow.kind == _POSTED,
                    OutboxRow.sent_at.is_not(None),
                )
            )
        }
        chats = {row.showcase_chat_id for row in rows if row.showcase_chat_id is not None}
        found = await self.session.execute(
            select(ShowcaseRow.chat_id, ShowcaseRow.chat_username).where(ShowcaseRow.chat_id.in_(chats))
        )
        names: dict[int, str | None] = {chat_id: username for chat_id, username in found}
        return [
            _story(row, sent.get(key), names.get(row.showcase_chat_id or 0)) for key, row in subjects.items()
        ]

    async def of_course(self, course_id: int, limit: int, offset: int = 0) -> list[Story]:
        rows = await self.session.scalars(
            select(StoryRow)
            .where(StoryRow.course_id == course_id)
            .order_by(StoryRow.posted_at.desc(), StoryRow.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return await self._with_posts(list(rows))

    async def count(self, course_id: int) -> int:
        found = await self.session.scalar(
            select(func.count()).select_from(StoryRow).where(StoryRow.course_id == course_id)
        )
        return int(found or 0)

    async def unposted(self, course_id: int) -> list[Story]:
        rows = await self.session.scalars(
            select(StoryRow)
            .where(
                StoryRow.course_id == course_id,
                StoryRow.consent.in_((Consent.NAME.value, Consent.LEARNER.value)),
                StoryRow.showcase_chat_id.is_(None),
            )
            .order_by(StoryRow.consent_at, StoryRow.id)
            .with_for_update()
        )
        return [_story(row) for row in rows]

    async def queued(self, story_id: int, chat_id: int) -> None:
        await self.session.execute(
            update(StoryRow).where(StoryRow.id == story_id).values(showcase_chat_id=chat_id)
        )

    async def showcase(self, course_id: int) -> Showcase | None:
        row = await self.session.get(ShowcaseRow, course_id)
        return _showcase(row) if row is not None else None

    async def set_showcase(self, showcase: Showcase) -> None:
        row = await self.session.get(ShowcaseRow, showcase.course_id)
        if row is None:
            row = ShowcaseRow(course_id=showcase.course_id)
            self.session.add(row)
        row.chat_id, row.chat_title = showcase.chat.id, showcase.chat.title[:256]
        row.chat_username, row.chat_kind = showcase.chat.username, showcase.chat.kind
        row.set_by, row.set_at = showcase.set_by, showcase.set_at
        await self.session.flush()

    async def remove_showcase(self, course_id: int) -> bool:
        result = await self.session.execute(delete(ShowcaseRow).where(ShowcaseRow.course_id == course_id))
        return bool(getattr(result, "rowcount", 0))

    async def showcases(self, course_ids: Sequence[int]) -> list[Showcase]:
        rows = await self.session.scalars(
            select(ShowcaseRow).where(ShowcaseRow.course_id.in_(list(course_ids)))
        )
        return [_showcase(row) for row in rows]

    async def forget(self, person_id: int, course_id: int | None, now: datetime) -> list[Story]:
        query = select(StoryRow).where(StoryRow.author_id == person_id)
        if course_id is not None:
            query = query.where(StoryRow.course_id == course_id)
        rows = list(await self.session.scalars(query.order_by(StoryRow.id)))
        if not rows:
            return []
        stories = await self._with_posts(rows)
        # Their showcase posts not sent yet are never sent.
        await self.session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.subject.in_([subject(row.id) for row in rows]),
                OutboxRow.sent_at.is_(None),
                OutboxRow.failed_at.is_(None),
            )
            .values(failed_at=now, last_error="forgotten")
        )
        await self.session.execute(delete(StoryRow).where(StoryRow.id.in_([row.id for row in rows])))
        return stories
