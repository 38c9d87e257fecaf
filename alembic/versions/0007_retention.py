"""retention: a course may purge message texts older than a set age; indexes find what is due

Revision ID: 0007
Revises: 0006
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_seconds', ID, nullable=True))
        batch_op.add_column(sa.Column('purged_through', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_purge_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_courses_next_purge_at', ['next_purge_at'], unique=False)

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index('ix_questions_course_asked', ['course_id', 'asked_at'], unique=False)

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index('ix_answers_answered_at', ['answered_at'], unique=False)

    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.create_index('ix_introductions_course_posted', ['course_id', 'posted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.drop_index('ix_introductions_course_posted')

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index('ix_answers_answered_at')

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_course_asked')

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_index('ix_courses_next_purge_at')
        batch_op.drop_column('next_purge_at')
        batch_op.drop_column('purged_through')
        batch_op.drop_column('retention_seconds')
