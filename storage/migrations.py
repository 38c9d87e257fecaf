"""Running Alembic from inside Flock (`flock db upgrade`, and at start)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from alembic import command

_HERE = Path(__file__).resolve().parent
# Installed from a wheel the scripts sit inside the package; in a checkout, at the repository's top.
_PACKAGED = _HERE / "alembic_scripts"
SCRIPTS = _PACKAGED if _PACKAGED.is_dir() else _HERE.parent / "alembic"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_sync(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


async def upgrade(url: str, revision: str = "head") -> None:
    """Alembic's env.py runs its own event loop, so it gets a thread of its own."""
    await asyncio.to_thread(upgrade_sync, url, revision)


def head() -> str | None:
    """The revision this code's migrations end at."""
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def known(revision: str) -> bool:
    scripts = ScriptDirectory.from_config(alembic_config(""))
    return revision in {script.revision for script in scripts.walk_revisions()}


async def current(engine: AsyncEngine) -> str | None:
    """The revision the database is at; None before the first migration."""
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
