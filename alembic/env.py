"""Alembic environment: the models' metadata, the URL from Flock's settings, async engine."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from alembic import context
from storage.database import create_engine
from storage.models import Base
from storage.search_index import in_models

config = context.config
target_metadata = Base.metadata
log = logging.getLogger("flock.migrations")
# The advisory lock every Flock process migrates under; any fixed number, the same in all of them.
MIGRATION_LOCK = 0x466C6F636B


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from bot.settings import Settings

    return Settings().database_url


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        include_name=in_models,  # the search index's tables are the migrations' alone
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


@asynccontextmanager
async def _one_at_a_time(connection: AsyncConnection) -> AsyncIterator[None]:
    """Processes starting together on one PostgreSQL database migrate in turn: the others wait,
    then find the schema current. The lock is the session's, taken before Alembic's transaction
    and released after its commit, so nobody reads the version between a migration and its commit.
    SQLite needs none: the migration's transaction takes the one write lock as it begins."""
    if connection.dialect.name != "postgresql":
        yield
        return
    key = {"key": MIGRATION_LOCK}
    if not (await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), key)).scalar_one():
        log.info("another process is migrating the database; waiting for it")
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
    await connection.commit()  # Alembic's transaction is then its own, committed by Alembic
    try:
        yield
    finally:
        await connection.rollback()  # a failed migration leaves its transaction aborted
        await connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
        await connection.commit()


async def _run_online() -> None:
    engine = create_engine(_url())
    async with engine.connect() as connection, _one_at_a_time(connection):
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
