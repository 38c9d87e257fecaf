"""scheduled discussions: series, occurrences, their prompts and the answers to them

Revision ID: 0016
Revises: 0015
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'discussions',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('course_id', _ID, nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('gap_seconds', _ID, nullable=False),
        sa.Column('every_days', _ID, nullable=True),
        sa.Column('prompts', sa.Text(), nullable=False),
        sa.Column('chat_id', _ID, nullable=True),
        sa.Column('thread_id', _ID, nullable=True),
        sa.Column('created_by', _ID, nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_discussions_course_id_courses')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_discussions')),
    )
    op.create_index(op.f('ix_discussions_course_id'), 'discussions', ['course_id'])
    op.create_table(
        'discussion_rounds',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('discussion_id', _ID, nullable=False),
        sa.Column('course_id', _ID, nullable=False),
        sa.Column('slot_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('step', _ID, nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answers_until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['discussion_id'], ['discussions.id'], name=op.f('fk_discussion_rounds_discussion_id_discussions')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_rounds')),
    )
    op.create_index(op.f('ix_discussion_rounds_discussion_id'), 'discussion_rounds', ['discussion_id'])
    op.create_index('ix_discussion_rounds_due', 'discussion_rounds', ['state', 'due_at'])
    op.create_index('ix_discussion_rounds_open', 'discussion_rounds', ['course_id', 'answers_until'])
    op.create_table(
        'discussion_prompts',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('round_id', _ID, nullable=False),
        sa.Column('number', _ID, nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['round_id'], ['discussion_rounds.id'], name=op.f('fk_discussion_prompts_round_id_discussion_rounds')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_prompts')),
    )
    op.create_index('ix_discussion_prompts_number', 'discussion_prompts', ['round_id', 'number'], unique=True)
    op.create_table(
        'discussion_answers',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('prompt_id', _ID, nullable=False),
        sa.Column('round_id', _ID, nullable=False),
        sa.Column('course_id', _ID, nullable=False),
        sa.Column('chat_id', _ID, nullable=False),
        sa.Column('message_id', _ID, nullable=False),
        sa.Column('thread_id', _ID, nullable=True),
        sa.Column('author_id', _ID, nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['prompt_id'], ['discussion_prompts.id'], name=op.f('fk_discussion_answers_prompt_id_discussion_prompts')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_answers')),
    )
    op.create_index(op.f('ix_discussion_answers_prompt_id'), 'discussion_answers', ['prompt_id'])
    op.create_index('ix_discussion_answers_message', 'discussion_answers', ['chat_id', 'message_id'])


def downgrade() -> None:
    op.drop_table('discussion_answers')
    op.drop_table('discussion_prompts')
    op.drop_table('discussion_rounds')
    op.drop_table('discussions')
