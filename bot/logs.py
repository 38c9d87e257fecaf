"""Logging set-up: text or one JSON object per line, context fields, and the token kept out.

configure() installs the root handler at start (FLOCK_LOG_FORMAT, FLOCK_LOG_LEVEL); context()
adds fields (update_id, chat_id, …) to every record logged inside it; Redact replaces secrets in
message, arguments and tracebacks before any formatter sees them.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from bot import redaction

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = redaction.MASK
NOISY = ("httpx", "httpcore", "alembic")
# Attributes every LogRecord has; anything else on a record came from `extra` or context().
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's terminal-coloured copy of the message
}
_context: ContextVar[Mapping[str, Any] | None] = ContextVar("flock_log_context", default=None)


@contextmanager
def context(**fields: Any) -> Iterator[None]:
    token = _context.set({**(_context.get() or {}), **fields})
    try:
        yield
    finally:
        _context.reset(token)


def extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")}


class ContextFields(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_context.get() or {}).items():
            record.__dict__.setdefault(key, value)  # an explicit `extra` wins
        return True


class Redact(logging.Filter):
    """Secrets out of a record before any formatter sees it; the record is changed in place, so
    every handler after this one gets the clean text too."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]
        for secret in self._secrets:
            redaction.redact_token(secret)  # records are cleaned as they are made, for any handler

    def redact(self, text: str) -> str:
        return redaction.redact(text)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed call is the formatter's to report, with the raw text
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key, value in extras(record).items():
            if isinstance(value, str):
                record.__dict__[key] = self.redact(value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(extras(record))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def handler(log_format: str, secrets: Iterable[str] = (), stream: TextIO | None = None) -> logging.Handler:
    result = logging.StreamHandler(stream or sys.stderr)
    result.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    result.addFilter(ContextFields())
    result.addFilter(Redact(secrets))
    return result


def configure(level: str, log_format: str, secrets: Iterable[str] = ()) -> None:
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler(log_format, secrets))
    root.setLevel(level)
    for noisy in NOISY:  # a line per HTTP request is too much below WARNING
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
