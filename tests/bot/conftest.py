from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.bot_api_server import FakeTelegram, serve


@pytest.fixture
def telegram() -> Iterator[tuple[FakeTelegram, str]]:
    """The loopback Bot API server, and the URL to give Flock for it."""
    server, fake = serve(0)
    yield fake, f"http://127.0.0.1:{server.server_port}/bot"
    server.shutdown()
