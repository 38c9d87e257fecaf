"""alerts digests and outbox subjects

Revision ID: 0002
Revises: 0001
"""
from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table('alerts',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('question_id', ID, nullable=False),
    sa.Column('course_id', ID, nullable=False),
    sa.Column('period', ID, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', ID, nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_alerts_course_id_courses')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_alerts_question_id_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts')),
    sa.UniqueConstraint('question_id', 'period', name=op.f('uq_alerts_question_id_period'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_question_id'), ['question_id'], unique=False)

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alerts_chat_id', ID, nullable=True))
        batch_op.add_column(sa.Column('last_digest_on', sa.String(length=10), nullable=True))

    with op.batch_alter_table('facilitators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nudged_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('message_id', ID, nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_subject'), ['subject'], unique=False)

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_alert_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('alerts_sent', ID, nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('claimed_by', ID, nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('needs_follow_up', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index('ix_questions_alert_due', ['state', 'next_alert_at'], unique=False)

    # Open questions asked before alerts existed become due one SLA after they were asked.
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "select q.id, q.asked_at, c.sla_seconds from questions q join courses c on c.id = q.course_id "
        "where q.state = 'open'"
    )).all()
    for question_id, asked_at, sla_seconds in rows:
        if isinstance(asked_at, str):
            asked_at = datetime.fromisoformat(asked_at)
        connection.execute(
            sa.text("update questions set next_alert_at = :due where id = :id"),
            {"due": asked_at + timedelta(seconds=sla_seconds), "id": question_id},
        )



def downgrade() -> None:
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_alert_due')
        batch_op.drop_column('needs_follow_up')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('alerts_sent')
        batch_op.drop_column('next_alert_at')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_subject'))
        batch_op.drop_column('message_id')
        batch_op.drop_column('subject')

    with op.batch_alter_table('facilitators', schema=None) as batch_op:
        batch_op.drop_column('nudged_at')

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('last_digest_on')
        batch_op.drop_column('alerts_chat_id')

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alerts_question_id'))

    op.drop_table('alerts')
