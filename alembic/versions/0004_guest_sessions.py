"""guest sessions

Revision ID: 0004
Revises: 0003
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message', ['chat_id', 'message_id'], unique=False)

    op.create_table('guest_sessions',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('course_id', ID, nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('guest_username', sa.String(length=64), nullable=False),
    sa.Column('guest_id', ID, nullable=True),
    sa.Column('invite_token', sa.String(length=64), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('phase', sa.String(length=12), nullable=False),
    sa.Column('batch_size', ID, nullable=False),
    sa.Column('created_by', ID, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('warned_24h_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('warned_1h_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_24h_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_15m_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_batch_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('transcript', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_guest_sessions_course_id_courses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guest_sessions')),
    sa.UniqueConstraint('invite_token', name=op.f('uq_guest_sessions_invite_token'))
    )
    with op.batch_alter_table('guest_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guest_sessions_course_id'), ['course_id'], unique=False)
        batch_op.create_index('ix_guest_sessions_phase', ['phase', 'starts_at'], unique=False)

    op.create_table('session_questions',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('session_id', ID, nullable=False),
    sa.Column('number', ID, nullable=False),
    sa.Column('asker_id', ID, nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('normalized', sa.Text(), nullable=False),
    sa.Column('chat_id', ID, nullable=True),
    sa.Column('message_id', ID, nullable=True),
    sa.Column('thread_id', ID, nullable=True),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('guest_message_id', ID, nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['guest_sessions.id'], name=op.f('fk_session_questions_session_id_guest_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_questions'))
    )
    with op.batch_alter_table('session_questions', schema=None) as batch_op:
        batch_op.create_index('ix_session_questions_rank', ['session_id', 'state'], unique=False)

    op.create_table('session_askers',
    sa.Column('question_id', ID, nullable=False),
    sa.Column('person_id', ID, nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['session_questions.id'], name=op.f('fk_session_askers_question_id_session_questions')),
    sa.PrimaryKeyConstraint('question_id', 'person_id', name=op.f('pk_session_askers'))
    )
    op.create_table('session_votes',
    sa.Column('question_id', ID, nullable=False),
    sa.Column('person_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['session_questions.id'], name=op.f('fk_session_votes_question_id_session_questions')),
    sa.PrimaryKeyConstraint('question_id', 'person_id', name=op.f('pk_session_votes'))
    )


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message')

    op.drop_table('session_votes')
    op.drop_table('session_askers')
    with op.batch_alter_table('session_questions', schema=None) as batch_op:
        batch_op.drop_index('ix_session_questions_rank')

    op.drop_table('session_questions')
    with op.batch_alter_table('guest_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_guest_sessions_phase')
        batch_op.drop_index(batch_op.f('ix_guest_sessions_course_id'))

    op.drop_table('guest_sessions')
