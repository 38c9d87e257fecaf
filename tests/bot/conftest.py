from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.bot_api_server import FakeTelegram, serve
from tests.support.process_cohort import Cohort, running_cohort


@pytest.fixture
def telegram() -> Iterator[tuple[FakeTelegram, str]]:
    """The loopback Bot API server, and the URL to give Flock for it."""
    server, fake = serve(0)
    yield fake, f"http://127.0.0.1:{server.server_port}/bot"
    server.shutdown()


@pytest.fixture
def cohort(telegram: tuple[FakeTelegram, str], database_url: str, tmp_path: Path) -> Iterator[Cohort]:
    """`flock run` as its own process, and a cohort meeting it (tests/support/process_cohort.py)."""
    yield from running_cohort(telegram, database_url, tmp_path)
