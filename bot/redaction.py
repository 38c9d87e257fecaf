"""The bot token never reaches a log: every record is cleaned as it is made.

A token in a log is a stolen bot. It slips in through URLs (`…/bot<token>/getUpdates` in an
HTTP error, a traceback's repr of a request), so redacting in one place beats being careful in
many. Done at record creation rather than in a handler's filter, so it holds for every handler,
whoever adds it and whenever (pytest's caplog included).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

MASK = "[redacted]"
_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):  # the whole token before its secret half
        text = text.replace(secret, MASK)
    return text


def redact_token(token: str) -> None:
    """From now on, log records carry MASK wherever the token (or its secret half) would be."""
    global _installed
    token = token.strip()
    if not token:
        return
    _secrets.add(token)
    _, _, secret_half = token.partition(":")
    if len(secret_half) >= 8:  # also as it appears URL-encoded after "%3A"
        _secrets.add(secret_half)
    if not _installed:
        _install()
        _installed = True


def _install() -> None:
    make_record = logging.getLogRecordFactory()

    def redacting_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: logging reports it, with the raw text, when it formats
            message = f"{record.msg} {record.args}"
            if redact(message) != message:
                record.msg, record.args = redact(message), None
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return record

    logging.setLogRecordFactory(redacting_record)
