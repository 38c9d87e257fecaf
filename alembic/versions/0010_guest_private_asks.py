"""guest private asks: the session a person's next private message is a question for

Revision ID: 0010
Revises: 0009
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table('guest_private_asks',
    sa.Column('person_id', ID, autoincrement=False, nullable=False),
    sa.Column('session_id', ID, nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['guest_sessions.id'], name=op.f('fk_guest_private_asks_session_id_guest_sessions')),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_guest_private_asks'))
    )


def downgrade() -> None:
    op.drop_table('guest_private_asks')
