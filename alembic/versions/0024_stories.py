"""stories: #story and #win posts with their authors' consent, and each course's showcase

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("course_id", _ID, nullable=False),
        sa.Column("chat_id", _ID, nullable=False),
        sa.Column("message_id", _ID, nullable=False),
        sa.Column("thread_id", _ID, nullable=True),
        sa.Column("author_id", _ID, nullable=False),
        sa.Column("author_name", sa.String(length=256), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("posted_at", _AT, nullable=False),
        sa.Column("consent", sa.String(length=12), nullable=False),
        sa.Column("consent_at", _AT, nullable=True),
        sa.Column("showcase_chat_id", _ID, nullable=True),
        sa.Column("media_kind", sa.String(length=10), nullable=True),
        sa.Column("file_id", sa.String(length=256), nullable=True),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], name=op.f("fk_stories_course_id_courses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
        sa.UniqueConstraint("chat_id", "message_id", name=op.f("uq_stories_chat_id_message_id")),
    )
    op.create_index("ix_stories_course", "stories", ["course_id", "posted_at"])
    op.create_index("ix_stories_author", "stories", ["author_id"])
    op.create_table(
        "showcases",
        sa.Column("course_id", _ID, nullable=False),
        sa.Column("chat_id", _ID, nullable=False),
        sa.Column("chat_title", sa.String(length=256), nullable=False),
        sa.Column("chat_username", sa.String(length=64), nullable=True),
        sa.Column("chat_kind", sa.String(length=16), nullable=False),
        sa.Column("set_by", _ID, nullable=False),
        sa.Column("set_at", _AT, nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], name=op.f("fk_showcases_course_id_courses")),
        sa.PrimaryKeyConstraint("course_id", name=op.f("pk_showcases")),
    )


def downgrade() -> None:
    op.drop_table("showcases")
    op.drop_index("ix_stories_author", table_name="stories")
    op.drop_index("ix_stories_course", table_name="stories")
    op.drop_table("stories")
