"""discussion recaps: reactions and replies to answers, the recap's figures, whether Flock is a
chat's admin (it sees reactions only then)

Revision ID: 0018
Revises: 0017
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'discussion_reactions',
        sa.Column('answer_id', _ID, nullable=False),
        sa.Column('person_id', _ID, nullable=False),
        sa.Column('emojis', sa.Text(), nullable=False),
        sa.Column('count', _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ['answer_id'], ['discussion_answers.id'], name=op.f('fk_discussion_reactions_answer_id_discussion_answers')
        ),
        sa.PrimaryKeyConstraint('answer_id', 'person_id', name=op.f('pk_discussion_reactions')),
    )
    op.create_table(
        'discussion_replies',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('chat_id', _ID, nullable=False),
        sa.Column('message_id', _ID, nullable=False),
        sa.Column('answer_id', _ID, nullable=False),
        sa.Column('author_id', _ID, nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('replied_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['answer_id'], ['discussion_answers.id'], name=op.f('fk_discussion_replies_answer_id_discussion_answers')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_replies')),
    )
    op.create_index(op.f('ix_discussion_replies_answer_id'), 'discussion_replies', ['answer_id'])
    op.create_index('ix_discussion_replies_message', 'discussion_replies', ['chat_id', 'message_id'], unique=True)
    op.create_index('ix_discussion_answers_round', 'discussion_answers', ['round_id'])
    op.add_column(
        'discussion_answers', sa.Column('anonymous_reactions', _ID, server_default='0', nullable=False)
    )
    op.add_column('discussion_rounds', sa.Column('participants', _ID, nullable=True))
    op.add_column('discussion_rounds', sa.Column('answer_count', _ID, nullable=True))
    op.add_column('discussion_rounds', sa.Column('first_voices', _ID, nullable=True))
    op.add_column('attachments', sa.Column('bot_admin', sa.Boolean(), nullable=True))


def downgrade() -> None:
    op.drop_column('attachments', 'bot_admin')
    op.drop_column('discussion_rounds', 'first_voices')
    op.drop_column('discussion_rounds', 'answer_count')
    op.drop_column('discussion_rounds', 'participants')
    op.drop_column('discussion_answers', 'anonymous_reactions')
    op.drop_index('ix_discussion_answers_round', table_name='discussion_answers')
    op.drop_table('discussion_replies')
    op.drop_table('discussion_reactions')
