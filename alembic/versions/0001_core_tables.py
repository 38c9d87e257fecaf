"""core tables

Revision ID: 0001
Revises: 
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Telegram ids need 64 bits; SQLite autoincrements only a plain INTEGER primary key.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table('courses',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('hashtag', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('sla_seconds', ID, nullable=False),
    sa.Column('quiet_start', sa.String(length=5), nullable=True),
    sa.Column('quiet_end', sa.String(length=5), nullable=True),
    sa.Column('digest_at', sa.String(length=5), nullable=False),
    sa.Column('detect', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_courses')),
    sa.UniqueConstraint('hashtag', name=op.f('uq_courses_hashtag'))
    )
    op.create_table('greetings',
    sa.Column('chat_id', ID, nullable=False),
    sa.Column('person_id', ID, nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('greeted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('chat_id', 'person_id', name=op.f('pk_greetings'))
    )
    with op.batch_alter_table('greetings', schema=None) as batch_op:
        batch_op.create_index('ix_greetings_chat_greeted', ['chat_id', 'greeted_at'], unique=False)

    op.create_table('inbox',
    sa.Column('update_id', ID, autoincrement=False, nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_inbox'))
    )
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_processed_at'), ['processed_at'], unique=False)

    op.create_table('outbox',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('chat_id', ID, nullable=False),
    sa.Column('thread_id', ID, nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', ID, nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_pending', ['sent_at', 'failed_at', 'due_at'], unique=False)

    op.create_table('people',
    sa.Column('id', ID, autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_username'), ['username'], unique=False)

    op.create_table('attachments',
    sa.Column('course_id', ID, nullable=False),
    sa.Column('chat_id', ID, nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('chat_title', sa.String(length=256), nullable=False),
    sa.Column('chat_kind', sa.String(length=16), nullable=False),
    sa.Column('is_forum', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('attached_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_attachments_course_id_courses')),
    sa.PrimaryKeyConstraint('course_id', 'chat_id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_chat_id'), ['chat_id'], unique=False)

    op.create_table('facilitators',
    sa.Column('course_id', ID, nullable=False),
    sa.Column('person_id', ID, nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_facilitators_course_id_courses')),
    sa.PrimaryKeyConstraint('course_id', 'person_id', name=op.f('pk_facilitators'))
    )
    with op.batch_alter_table('facilitators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facilitators_person_id'), ['person_id'], unique=False)

    op.create_table('introductions',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('course_id', ID, nullable=False),
    sa.Column('person_id', ID, nullable=False),
    sa.Column('chat_id', ID, nullable=True),
    sa.Column('message_id', ID, nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_introductions_course_id_courses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introductions'))
    )
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.create_index('ix_introductions_current', ['course_id', 'person_id', 'replaced_at'], unique=False)
        batch_op.create_index('ix_introductions_message', ['chat_id', 'message_id'], unique=False)

    op.create_table('learners',
    sa.Column('course_id', ID, nullable=False),
    sa.Column('person_id', ID, nullable=False),
    sa.Column('posts', ID, nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_learners_course_id_courses')),
    sa.PrimaryKeyConstraint('course_id', 'person_id', name=op.f('pk_learners'))
    )
    with op.batch_alter_table('learners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learners_person_id'), ['person_id'], unique=False)

    op.create_table('questions',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('course_id', ID, nullable=False),
    sa.Column('chat_id', ID, nullable=False),
    sa.Column('message_id', ID, nullable=False),
    sa.Column('thread_id', ID, nullable=True),
    sa.Column('asker_id', ID, nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', ID, nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_questions_course_id_courses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    sa.UniqueConstraint('chat_id', 'message_id', 'course_id', name=op.f('uq_questions_chat_id_message_id_course_id'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index('ix_questions_asker', ['asker_id', 'asked_at'], unique=False)
        batch_op.create_index('ix_questions_chat_state', ['chat_id', 'state', 'asked_at'], unique=False)
        batch_op.create_index('ix_questions_course_state', ['course_id', 'state', 'asked_at'], unique=False)

    op.create_table('answers',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('question_id', ID, nullable=False),
    sa.Column('chat_id', ID, nullable=False),
    sa.Column('message_id', ID, nullable=False),
    sa.Column('thread_id', ID, nullable=True),
    sa.Column('answerer_id', ID, nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('by_facilitator', sa.Boolean(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_answers_question_id_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers'))
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_answerer_id'), ['answerer_id'], unique=False)
        batch_op.create_index('ix_answers_message', ['chat_id', 'message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answers_question_id'), ['question_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_question_id'))
        batch_op.drop_index('ix_answers_message')
        batch_op.drop_index(batch_op.f('ix_answers_answerer_id'))

    op.drop_table('answers')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_course_state')
        batch_op.drop_index('ix_questions_chat_state')
        batch_op.drop_index('ix_questions_asker')

    op.drop_table('questions')
    with op.batch_alter_table('learners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learners_person_id'))

    op.drop_table('learners')
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.drop_index('ix_introductions_message')
        batch_op.drop_index('ix_introductions_current')

    op.drop_table('introductions')
    with op.batch_alter_table('facilitators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facilitators_person_id'))

    op.drop_table('facilitators')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_chat_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_username'))

    op.drop_table('people')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_pending')

    op.drop_table('outbox')
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_processed_at'))

    op.drop_table('inbox')
    with op.batch_alter_table('greetings', schema=None) as batch_op:
        batch_op.drop_index('ix_greetings_chat_greeted')

    op.drop_table('greetings')
    op.drop_table('courses')
