"""Who opened the dashboard: a Mini App's init data, checked as Telegram documents it.

Telegram signs the launch data with a key derived from the bot token:
key = HMAC-SHA256(key="WebAppData", message=token); hash = hex HMAC-SHA256(key, check string),
where the check string is every other field as `name=value`, sorted by name, one per line.
So only Telegram (or whoever holds the token) can vouch for a user id, and no login is needed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlencode

MAX_AGE = timedelta(hours=24)
CLOCK_SKEW = timedelta(minutes=5)  # a signature dated a little ahead of our clock is still fine
MAX_LENGTH = 8192  # Telegram's are a few hundred bytes


@dataclass(frozen=True)
class Viewer:
    """The Telegram user the init data vouches for."""

    id: int
    name: str
    username: str | None
    language_code: str | None


class Refused(Exception):
    """The init data proves nothing: missing, forged, altered or too old."""


def _key(token: str) -> bytes:
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def _check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{name}={fields[name]}" for name in sorted(fields) if name != "hash")


def verify(raw: str | None, token: str, now: datetime, max_age: timedelta = MAX_AGE) -> Viewer:
    if not raw or len(raw) > MAX_LENGTH:
        raise Refused("no init data")
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise Refused("unreadable init data") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise Refused("a field given twice")
    given = fields.get("hash", "")
    expected = hmac.new(_key(token), _check_string(fields).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Refused("bad signature")
    try:
        signed_at = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
        user = json.loads(fields["user"])
        viewer = Viewer(
            int(user["id"]),
            " ".join(str(p) for p in (user.get("first_name"), user.get("last_name")) if p) or str(user["id"]),
            user.get("username"),
            user.get("language_code"),
        )
    except (KeyError, ValueError, TypeError, AttributeError):
        raise Refused("no user in the init data") from None
    if now - signed_at > max_age or signed_at - now > CLOCK_SKEW:
        raise Refused("init data too old")
    return viewer


def sign(user: dict[str, object], token: str, signed_at: datetime, **extra: str) -> str:
    """Init data as Telegram would send it for this user: for the demo and the tests."""
    fields = {
        "auth_date": str(int(signed_at.timestamp())),
        "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
        **extra,
    }
    fields["hash"] = hmac.new(_key(token), _check_string(fields).encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


def launch_url(address: str, init_data: str, theme: dict[str, str] | None = None) -> str:
    """The dashboard's address as Telegram opens it: the launch parameters in the fragment."""
    themed = f"&tgWebAppThemeParams={quote(json.dumps(theme), safe='')}" if theme else ""
    return f"{address}#tgWebAppData={quote(init_data, safe='')}&tgWebAppVersion=8.0{themed}"
