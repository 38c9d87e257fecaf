"""Shared hashtags, the posts collected under them, and who is never collected."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from facilitation.model import Chat, Share, SharedPost
from storage.models import SharedPostRow, ShareRow, UnrelayedRow, table_of
from storage.repositories.base import Repository, dialect_of

_posts = table_of(SharedPostRow)
_COLLECT = insert(_posts)
_at_message = (_posts.c.chat_id == bindparam("b_chat")) & (_posts.c.message_id == bindparam("b_message"))
_REPLIED = update(_posts).where(_at_message).values(replies=_posts.c.replies + 1)
_REACTED = update(_posts).where(_at_message).values(reactions=_posts.c.reactions + bindparam("b_change"))
_REACTIONS_NOW = update(_posts).where(_at_message).values(reactions=bindparam("b_total"))
_RETEXT = update(_posts).where(_at_message).values(text=bindparam("b_text"), links=bindparam("b_links"))
_DROP = delete(_posts).where(_at_message & (_posts.c.hashtag == bindparam("b_tag")))


@cache
def _unrelayed_insert(dialect: str) -> Insert:
    insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert_(UnrelayedRow).on_conflict_do_nothing(index_elements=["person_id"])


def share_of(row: ShareRow) -> Share:
    chat = Chat(row.chat_id, row.chat_title, row.chat_kind, username=row.chat_username)
    return Share(chat, row.hashtag, row.shared_by, row.shared_at)


class SqlShares(Repository):
    async def add(self, share: Share) -> bool:
        found = await self.session.scalar(
            select(ShareRow).where(ShareRow.chat_id == share.chat.id, ShareRow.hashtag == share.hashtag)
        )
        if found is not None:
            found.chat_title, found.chat_username = share.chat.title[:256], share.chat.username
            return False
        self.session.add(
            ShareRow(
                chat_id=share.chat.id,
                hashtag=share.hashtag,
                chat_title=share.chat.title[:256],
                chat_username=share.chat.username,
                chat_kind=share.chat.kind,
                shared_by=share.shared_by,
                shared_at=share.shared_at,
            )
        )
        await self.session.flush()
        return True

    async def remove(self, chat_id: int, hashtag: str) -> bool:
        removed = await self.session.execute(
            delete(ShareRow).where(ShareRow.chat_id == chat_id, ShareRow.hashtag == hashtag)
        )
        await self.session.execute(
            delete(SharedPostRow).where(SharedPostRow.chat_id == chat_id, SharedPostRow.hashtag == hashtag)
        )
        return bool(removed.rowcount)  # type: ignore[attr-defined]

    async def of_chat(self, chat_id: int) -> list[Share]:
        rows = await self.session.scalars(
            select(ShareRow).where(ShareRow.chat_id == chat_id).order_by(ShareRow.hashtag)
        )
        return [share_of(row) for row in rows]

    async def sources(self, hashtag: str) -> int:
        counted = await self.session.scalar(select(func.count()).where(ShareRow.hashtag == hashtag))
        return int(counted or 0)

    async def shared_tags(self, chat_id: int) -> frozenset[str]:
        return frozenset(
            await self.session.scalars(select(ShareRow.hashtag).where(ShareRow.chat_id == chat_id))
        )

    async def unrelayed(self, person_id: int) -> bool:
        found = await self.session.scalar(
            select(UnrelayedRow.person_id).where(UnrelayedRow.person_id == person_id)
        )
        return found is not None

    async def collect(self, post: SharedPost, now: datetime) -> None:
        values = {
            "hashtag": post.hashtag,
            "chat_id": post.chat_id,
            "message_id": post.message_id,
            "thread_id": post.thread_id,
            "chat_title": post.chat_title[:256],
            "chat_username": post.chat_username,
            "author_id": post.author_id,
            "author_name": post.author_name[:256],
            "text": post.text,
            "links": json.dumps(list(post.links), ensure_ascii=False),
            "posted_at": post.posted_at,
            "collected_at": now,
            "reactions": 0,
            "replies": 0,
        }
        await self.writes.execute(_COLLECT, values, [("shared_post", post.chat_id, post.message_id)])

    async def replied(self, chat_id: int, message_id: int) -> None:
        values = {"b_chat": chat_id, "b_message": message_id}
        await self.writes.execute(_REPLIED, values, [("shared_post", chat_id, message_id)])

    async def retext(self, post: SharedPost, dropped: Collection[str]) -> None:
        at = {"b_chat": post.chat_id, "b_message": post.message_id}
        keys = [("shared_post", post.chat_id, post.message_id)]
        links = json.dumps(list(post.links), ensure_ascii=False)
        await self.writes.execute(_RETEXT, {**at, "b_text": post.text, "b_links": links}, keys)
        for tag in sorted(dropped):
            await self.writes.execute(_DROP, {**at, "b_tag": tag}, keys)

    async def reacted(self, chat_id: int, message_id: int, change: int) -> None:
        values = {"b_chat": chat_id, "b_message": message_id, "b_change": change}
        await self.writes.execute(_REACTED, values, [("shared_post", chat_id, message_id)])

    async def reactions_now(self, chat_id: int, message_id: int, total: int) -> None:
        values = {"b_chat": chat_id, "b_message": message_id, "b_total": total}
        await self.writes.execute(_REACTIONS_NOW, values, [("shared_post", chat_id, message_id)])

    async def stop_relaying(self, person_id: int, now: datetime) -> list[str]:
        await self.session.execute(
            _unrelayed_insert(dialect_of(self.session)).values(person_id=person_id, since=now)
        )
        return await self._remove(SharedPostRow.author_id == person_id)

    async def prune(self, before: datetime) -> int:
        old = SharedPostRow.collected_at < before
        # Read first: most ticks find nothing, and a read takes no write lock (SQLite).
        if await self.session.scalar(select(SharedPostRow.id).where(old).limit(1)) is None:
            return 0
        pruned = await self.session.execute(delete(SharedPostRow).where(old))
        return int(pruned.rowcount)  # type: ignore[attr-defined]

    async def remove_posts(self, person_id: int, chat_ids: Collection[int]) -> list[str]:
        return await self._remove(
            (SharedPostRow.author_id == person_id) & SharedPostRow.chat_id.in_(list(chat_ids))
        )

    async def _remove(self, condition: object) -> list[str]:
        texts = list(await self.session.scalars(select(SharedPostRow.text).where(condition)))  # type: ignore[arg-type]
        await self.session.execute(delete(SharedPostRow).where(condition))  # type: ignore[arg-type]
        return [text for text in texts if text]
