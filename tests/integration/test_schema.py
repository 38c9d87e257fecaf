"""The Alembic migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage.database import create_engine
from storage.models import Base
from storage.search_index import in_models


def _differences(connection: Connection) -> list[object]:
    # The search index's tables (FTS5 virtual tables, tsvector tables) are the migrations' alone.
    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": in_models})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_match_the_models(database_url: str) -> None:
    engine = create_engine(database_url)

    async with engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    await engine.dispose()

    assert differences == []
