"""The Mini App's init data: only what Telegram signed with the bot's token, under a day old."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.web.init_data import Refused, Viewer, sign, verify

TOKEN = "123456:TEST-token"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ANA = {"id": 11, "first_name": "Ana", "last_name": "F", "username": "ana_f", "language_code": "fr"}


def telegram_signed(fields: dict[str, str], token: str = TOKEN) -> str:
    """Written from Telegram's description alone, apart from the code under test: the secret is
    HMAC-SHA256 of the token keyed with "WebAppData"; the hash signs the sorted name=value lines."""
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    return urlencode({**fields, "hash": hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()})


def fields(signed_at: datetime = NOW, user: dict[str, object] = ANA) -> dict[str, str]:
    return {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user),
        "auth_date": str(int(signed_at.timestamp())),
    }


def test_init_data_signed_as_telegram_does_names_its_user() -> None:
    assert verify(telegram_signed(fields()), TOKEN, NOW + timedelta(hours=23)) == Viewer(
        11, "Ana F", "ana_f", "fr"
    )


def test_sign_writes_what_telegram_would() -> None:
    signed = dict(parse_qsl(sign(ANA, TOKEN, NOW, query_id="q1")))
    unsigned = {k: v for k, v in signed.items() if k != "hash"}

    assert dict(parse_qsl(telegram_signed(unsigned)))["hash"] == signed["hash"]
    assert verify(urlencode(signed), TOKEN, NOW).id == 11


@pytest.mark.parametrize(
    ("raw", "now"),
    [
        (None, NOW),
        ("", NOW),
        ("garbage", NOW),
        (urlencode(fields()), NOW),  # no hash at all
        (telegram_signed(fields(), token="654321:other-bot"), NOW),  # another bot's
        (telegram_signed(fields()).replace("auth_date=", "auth_date=1"), NOW),  # a field altered
        (telegram_signed(fields()) + "&user=%7B%22id%22%3A12%7D", NOW),  # a second user
        (telegram_signed(fields()), NOW + timedelta(hours=24, seconds=1)),  # over a day old
        (telegram_signed(fields()), NOW - timedelta(minutes=10)),  # dated ahead of the clock
        (telegram_signed({"auth_date": str(int(NOW.timestamp()))}), NOW),  # signed, but no user
        (telegram_signed(fields(user={"first_name": "Nobody"})), NOW),  # a user without an id
        ("hash=" + "0" * 64 + "&" + urlencode(fields()), NOW),
        ("x" * 9000, NOW),
    ],
)
def test_anything_else_is_refused(raw: str | None, now: datetime) -> None:
    with pytest.raises(Refused):
        verify(raw, TOKEN, now)


def test_another_users_data_signed_for_someone_else_is_refused() -> None:
    bens = dict(parse_qsl(telegram_signed(fields(user={"id": 12, "first_name": "Ben"}))))
    bens["user"] = json.dumps(ANA)  # Ben's signature, Ana's identity

    with pytest.raises(Refused):
        verify(urlencode(bens), TOKEN, NOW)
