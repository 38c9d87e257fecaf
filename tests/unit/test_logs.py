"""Log lines: text or JSON, context fields, and the bot token never written."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime

import pytest

from bot import logs

TOKEN = "123456789:AAE-secret_Token"


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    log = logging.getLogger("flock.test_logs")
    log.setLevel(logging.DEBUG)
    yield log
    for handler in log.handlers[:]:
        log.removeHandler(handler)


def capture(logger: logging.Logger, log_format: str) -> io.StringIO:
    stream = io.StringIO()
    logger.addHandler(logs.handler(log_format, [TOKEN], stream))
    return stream


def test_a_json_line_has_time_level_logger_message_and_extra_fields(logger: logging.Logger) -> None:
    stream = capture(logger, "json")

    logger.info("outbox %s sent", 7, extra={"outbox_id": 7, "kind": "alert", "chat_id": -100})

    entry = json.loads(stream.getvalue())
    assert entry["level"] == "INFO"
    assert entry["logger"] == "flock.test_logs"
    assert entry["message"] == "outbox 7 sent"
    assert (entry["outbox_id"], entry["kind"], entry["chat_id"]) == (7, "alert", -100)
    assert datetime.fromisoformat(entry["time"]).utcoffset() is not None
    assert entry["time"].endswith("+00:00")
    assert "exception" not in entry


def test_an_exception_is_a_field_of_its_one_json_line(logger: logging.Logger) -> None:
    stream = capture(logger, "json")

    try:
        raise RuntimeError("database went away")
    except RuntimeError:
        logger.exception("tick: alerts failed", extra={"job": "alerts"})

    lines = stream.getvalue().splitlines()
    entry = json.loads(lines[0])
    assert len(lines) == 1
    assert entry["job"] == "alerts"
    assert "Traceback" in entry["exception"]
    assert "RuntimeError: database went away" in entry["exception"]


def test_context_fields_reach_every_record_inside_the_block(logger: logging.Logger) -> None:
    stream = capture(logger, "json")

    with logs.context(update_id=41, chat_id=-100):
        logger.warning("inside")
        with logs.context(update_id=42):
            logger.warning("nested")
    logger.warning("outside")

    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(e["message"], e.get("update_id"), e.get("chat_id")) for e in entries] == [
        ("inside", 41, -100),
        ("nested", 42, -100),
        ("outside", None, None),
    ]


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_token_is_redacted_from_message_arguments_extras_and_tracebacks(
    logger: logging.Logger, log_format: str
) -> None:
    stream = capture(logger, log_format)

    logger.info(f"POST https://api.telegram.org/bot{TOKEN}/getMe")
    logger.info("calling %s", f"/bot{TOKEN}/sendMessage", extra={"url": f"/bot{TOKEN}/x"})
    try:
        raise ConnectionError(f"https://api.telegram.org/bot{TOKEN.replace(':', '%3A')}/getUpdates")
    except ConnectionError:
        logger.exception("getUpdates failed")

    written = stream.getvalue()
    assert TOKEN not in written
    assert TOKEN.split(":")[1] not in written
    assert written.count(logs.REDACTED) == (4 if log_format == "json" else 3)  # text shows no extras
    assert "getUpdates failed" in written


def test_the_text_format_is_one_readable_line(logger: logging.Logger) -> None:
    stream = capture(logger, "text")

    logger.warning("Telegram is unreachable; retrying in %ds", 4)

    assert stream.getvalue().endswith(" WARNING flock.test_logs: Telegram is unreachable; retrying in 4s\n")


def test_a_malformed_logging_call_still_reaches_the_log(logger: logging.Logger) -> None:
    stream = capture(logger, "json")

    logger.info("two values %s %s", "only one")

    assert "two values" in json.loads(stream.getvalue())["message"]
