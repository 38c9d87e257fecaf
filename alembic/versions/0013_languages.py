"""languages: a course's, a person's choice, and the language of their Telegram app

A course's groups are spoken to in the course's language; a person in private in their choice
(/language), else their Telegram app's language when Flock speaks it, else English.

Revision ID: 0013
Revises: 0012
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Not in batch mode: SQLite would copy the table, and dropping the old courses table fails the
# foreign keys that point at it (as in 0011).


def upgrade() -> None:
    op.add_column('courses', sa.Column('language', sa.String(length=8), server_default='en', nullable=False))
    op.add_column('people', sa.Column('language', sa.String(length=8), nullable=True))
    op.add_column('people', sa.Column('app_language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column('people', 'app_language')
    op.drop_column('people', 'language')
    op.drop_column('courses', 'language')
