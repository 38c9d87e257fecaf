"""FLOCK_WEB_URL: Telegram opens Mini Apps over HTTPS; plain HTTP only on a loopback address."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://bot.example.org/dashboard/", "/dashboard"),
        ("https://bot.example.org", ""),
        ("http://127.0.0.1:8081/dashboard", "/dashboard"),
        ("http://localhost:9000/", ""),
    ],
)
def test_an_https_or_loopback_address_turns_the_dashboard_on_at_its_path(url: str, path: str) -> None:
    settings = Settings(web_url=url)

    assert settings.web_url == url.rstrip("/")
    assert settings.web_path == path


def test_no_address_leaves_it_off() -> None:
    assert Settings(web_url="  ").web_url is None


@pytest.mark.parametrize("url", ["http://bot.example.org/dashboard", "http://10.0.0.5/", "ws://localhost/"])
def test_plain_http_elsewhere_than_loopback_is_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="public HTTPS address"):
        Settings(web_url=url)
