"""Raw update JSON made storable: JSON may carry what no database text column accepts.

A NUL (PostgreSQL refuses it in text) or a lone UTF-16 surrogate (`"\\ud800"`, valid JSON but
not encodable as UTF-8) would make the whole batch fail to reach the inbox, and polling would
fetch the same batch forever. Each becomes U+FFFD, one UTF-16 unit like the character it
replaces, so the message's entity offsets still line up.
"""

from __future__ import annotations

import json
import re
from typing import Any

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> str:
    return _UNSTORABLE.sub(REPLACEMENT, text)


def clean(value: Any) -> Any:
    """The JSON value with every string (keys too) cleaned; numbers, booleans, None as they are."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def storable_json(update: dict[str, Any]) -> str:
    """The update as JSON text, cleaned only when it needs it (rare: most updates pass as they are)."""
    dumped = json.dumps(update, ensure_ascii=False)
    if "\\u0000" in dumped or _UNSTORABLE.search(dumped):  # json.dumps writes a NUL as \u0000
        dumped = json.dumps(clean(update), ensure_ascii=False)
    return dumped
