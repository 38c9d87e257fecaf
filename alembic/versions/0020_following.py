"""following a hashtag from afar: shared sources, their collected posts, follows, opt-outs

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "shares",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("chat_id", _ID, nullable=False),
        sa.Column("hashtag", sa.String(length=64), nullable=False),
        sa.Column("chat_title", sa.String(length=256), nullable=False),
        sa.Column("chat_username", sa.String(length=64), nullable=True),
        sa.Column("chat_kind", sa.String(length=16), nullable=False),
        sa.Column("shared_by", _ID, nullable=True),
        sa.Column("shared_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shares")),
        sa.UniqueConstraint("chat_id", "hashtag", name=op.f("uq_shares_chat_id_hashtag")),
    )
    op.create_index("ix_shares_hashtag", "shares", ["hashtag"])
    op.create_table(
        "shared_posts",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("hashtag", sa.String(length=64), nullable=False),
        sa.Column("chat_id", _ID, nullable=False),
        sa.Column("message_id", _ID, nullable=False),
        sa.Column("thread_id", _ID, nullable=True),
        sa.Column("chat_title", sa.String(length=256), nullable=False),
        sa.Column("chat_username", sa.String(length=64), nullable=True),
        sa.Column("author_id", _ID, nullable=False),
        sa.Column("author_name", sa.String(length=256), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("posted_at", _AT, nullable=False),
        sa.Column("collected_at", _AT, nullable=False),
        sa.Column("reactions", _ID, nullable=False),
        sa.Column("replies", _ID, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_posts")),
    )
    op.create_index("ix_shared_posts_message", "shared_posts", ["chat_id", "message_id"])
    op.create_index("ix_shared_posts_tag_collected", "shared_posts", ["hashtag", "collected_at"])
    op.create_index("ix_shared_posts_author", "shared_posts", ["author_id"])
    op.create_index("ix_shared_posts_collected_at", "shared_posts", ["collected_at"])
    op.create_table(
        "unrelayed",
        sa.Column("person_id", _ID, autoincrement=False, nullable=False),
        sa.Column("since", _AT, nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_unrelayed")),
    )
    op.create_table(
        "follows",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("hashtag", sa.String(length=64), nullable=False),
        sa.Column("course_id", _ID, nullable=True),
        sa.Column("person_id", _ID, nullable=True),
        sa.Column("chat_id", _ID, nullable=False),
        sa.Column("thread_id", _ID, nullable=True),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("since", _AT, nullable=False),
        sa.Column("next_at", _AT, nullable=False),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], name=op.f("fk_follows_course_id_courses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follows")),
        sa.UniqueConstraint("chat_id", "hashtag", name=op.f("uq_follows_chat_id_hashtag")),
    )
    op.create_index(op.f("ix_follows_course_id"), "follows", ["course_id"])
    op.create_index(op.f("ix_follows_next_at"), "follows", ["next_at"])


def downgrade() -> None:
    op.drop_table("follows")
    op.drop_table("unrelayed")
    op.drop_table("shared_posts")
    op.drop_table("shares")
