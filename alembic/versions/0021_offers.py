"""earlier answers offered: one row per question an earlier one was offered to (or that a
facilitator marked a duplicate), and what the asker said

Revision ID: 0021
Revises: 0020
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'offers',
        sa.Column('question_id', _ID, nullable=False),
        sa.Column('course_id', _ID, nullable=False),
        sa.Column('earlier_id', _ID, nullable=False),
        sa.Column('group_chat_id', _ID, nullable=True),
        sa.Column('offered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.String(length=10), nullable=True),
        sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_offers_question_id_questions')),
        sa.ForeignKeyConstraint(['earlier_id'], ['questions.id'], name=op.f('fk_offers_earlier_id_questions')),
        sa.PrimaryKeyConstraint('question_id', name=op.f('pk_offers')),
    )
    op.create_index('ix_offers_group', 'offers', ['group_chat_id', 'offered_at'], unique=False)
    op.create_index('ix_offers_course_settled', 'offers', ['course_id', 'settled_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_offers_course_settled', table_name='offers')
    op.drop_index('ix_offers_group', table_name='offers')
    op.drop_table('offers')
