"""announcements: facilitators' posts scheduled ahead, once or on a rhythm; a course's start date

Revision ID: 0015
Revises: 0014
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Not in batch mode: SQLite would copy the courses table, and dropping the old one fails the foreign
# keys that point at it. A plain ADD COLUMN needs no copy.


def upgrade() -> None:
    op.add_column('courses', sa.Column('starts_on', sa.String(length=10), nullable=True))
    big = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
    op.create_table(
        'announcements',
        sa.Column('id', big, autoincrement=True, nullable=False),
        sa.Column('course_id', big, nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('html', sa.Text(), nullable=False),
        sa.Column('file_id', sa.String(length=255), nullable=True),
        sa.Column('pin', sa.Boolean(), nullable=False),
        sa.Column('chat_id', big, nullable=True),
        sa.Column('thread_id', big, nullable=True),
        sa.Column('chats', sa.Text(), nullable=False),
        sa.Column('next_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('local_time', sa.String(length=8), nullable=False),
        sa.Column('every_days', big, nullable=True),
        sa.Column('posted', big, nullable=False),
        sa.Column('last_posted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('warned', sa.Text(), nullable=False),
        sa.Column('created_by', big, nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_announcements_course_id_courses')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements')),
    )
    op.create_index(op.f('ix_announcements_course_id'), 'announcements', ['course_id'], unique=False)
    op.create_index(op.f('ix_announcements_next_at'), 'announcements', ['next_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_announcements_next_at'), table_name='announcements')
    op.drop_index(op.f('ix_announcements_course_id'), table_name='announcements')
    op.drop_table('announcements')
    op.drop_column('courses', 'starts_on')
