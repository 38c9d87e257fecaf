"""Configuration from FLOCK_* environment variables (and .env), validated at start."""

from __future__ import annotations

import logging
import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API_URL = "https://api.telegram.org/bot"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FLOCK_", env_file=".env", extra="ignore")

    bot_token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///flock.db"
    telegram_api_url: str = TELEGRAM_API_URL
    tick_seconds: float = Field(default=15.0, gt=0, le=3600)
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    # Webhook mode (`flock run --webhook`): Telegram POSTs updates to this public HTTPS URL,
    # which a reverse proxy or load balancer forwards to LISTEN:PORT.
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, gt=0, lt=65536)
    webhook_secret: SecretStr | None = None
    # The facilitators' dashboard (a Telegram Mini App): its public HTTPS address turns it on.
    # With a webhook it is served beside the endpoint; polling, on WEB_LISTEN:WEB_PORT.
    web_url: str | None = None
    web_listen: str = "127.0.0.1"
    web_port: int = Field(default=8081, gt=0, lt=65536)

    @field_validator("webhook_url")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValueError("use the public URL Telegram should call, e.g. https://bot.example.org/telegram")
        return value.strip()

    @field_validator("web_url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        """Telegram opens Mini Apps over HTTPS only; plain HTTP is for a loopback address (tests,
        a look on one's own machine)."""
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if not parts.netloc or not (parts.scheme == "https" or (parts.scheme == "http" and loopback)):
            raise ValueError(
                "use the dashboard's public HTTPS address, e.g. https://bot.example.org/dashboard "
                "(http:// only for 127.0.0.1 or localhost)"
            )
        return value.strip().rstrip("/")

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("use 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r}; use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_case_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith("postgresql://"):
            return "postgresql+asyncpg://" + value.removeprefix("postgresql://")
        if value.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        if not value.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
            raise ValueError("use sqlite+aiosqlite:///file.db or postgresql+asyncpg://user@host/db")
        return value

    @property
    def webhook_path(self) -> str:
        """Where the endpoint listens: the path of the public URL (a proxy may rewrite the host)."""
        return urlsplit(self.webhook_url or "").path or "/"

    @property
    def web_path(self) -> str:
        """Where the dashboard is served: its public URL's path ('' at the root)."""
        return urlsplit(self.web_url or "").path.rstrip("/")

    @property
    def file_api_url(self) -> str:
        return self.telegram_api_url.removesuffix("/bot").rstrip("/") + "/file/bot"
