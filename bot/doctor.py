"""`flock doctor`: is this set-up able to run Flock? One line per check, each with what to do.

✓ fine, ! works but worth a look, ✗ broken (exit code 1). The token is never printed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot, ChatMember, ChatMemberRestricted
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.request import BaseRequest

from bot import logs
from bot.settings import Settings
from storage import health, migrations
from storage.database import create_engine

Status = Literal["ok", "warn", "fail"]
SYMBOLS: dict[Status, str] = {"ok": "✓", "warn": "!", "fail": "✗"}
DATABASE_SECONDS = 10
PRIVACY_HINT = (
    "in @BotFather send /mybots, choose the bot, Bot Settings → Group Privacy → Turn off, then remove "
    "the bot from each course group and add it back; or make it an admin in each course group"
)


@dataclass(frozen=True)
class Finding:
    status: Status
    text: str
    hint: str = ""


def render(findings: Iterable[Finding], secrets: Iterable[str] = ()) -> str:
    redact = logs.Redact(secrets).redact
    lines = [f"{SYMBOLS[f.status]} {f.text}" + (f" — {f.hint}" if f.hint else "") for f in findings]
    return redact("\n".join(lines))


def healthy(findings: Iterable[Finding]) -> bool:
    return all(f.status != "fail" for f in findings)


async def diagnose(settings: Settings, token: str, request: BaseRequest | None = None) -> list[Finding]:
    found: list[Finding] = []
    bot = await _telegram(found, settings, token, request)
    chats = await _database(found, settings.database_url)
    if bot is None:
        return found
    try:
        await _webhook(found, bot, settings.webhook_url)
        for chat in chats or []:
            found.append(await _chat(bot, chat))
    except Exception as error:  # an answer doctor didn't expect is a finding, not a traceback
        found.append(Finding("fail", f"Telegram gave an unexpected answer: {error}", "run doctor again"))
    finally:
        await bot.shutdown()
    return found


async def _telegram(
    found: list[Finding], settings: Settings, token: str, request: BaseRequest | None
) -> Bot | None:
    """getMe: the token, and whether privacy mode lets the bot read group messages."""
    if not token:
        found.append(Finding("fail", "no bot token", "set FLOCK_BOT_TOKEN to the token @BotFather gave you"))
        return None
    bot = Bot(token, base_url=settings.telegram_api_url, request=request, get_updates_request=request)
    try:
        await bot.initialize()
    except InvalidToken:
        found.append(
            Finding(
                "fail",
                "Telegram rejected the bot token",
                "copy it again from @BotFather (/mybots → API Token)",
            )
        )
        return None
    except (NetworkError, TelegramError) as error:
        where = settings.telegram_api_url.removesuffix("/bot")
        found.append(
            Finding(
                "fail",
                f"cannot reach Telegram at {where}: {error}",
                "check the network or FLOCK_TELEGRAM_API_URL",
            )
        )
        return None
    found.append(Finding("ok", f"token: Telegram knows the bot as @{bot.username}"))
    if bot.bot.can_read_all_group_messages:
        found.append(Finding("ok", "privacy mode is off: the bot reads every group message"))
    else:
        found.append(
            Finding(
                "warn", "privacy mode is on: where the bot isn't an admin it sees only commands", PRIVACY_HINT
            )
        )
    return bot


async def _database(found: list[Finding], url: str) -> list[health.AttachedChat] | None:
    """Reachable, at the migration this code expects; returns the attached chats if it can."""
    shown = make_url(url).render_as_string(hide_password=True)
    if missing := _missing_sqlite_file(url):  # connecting would create an empty one
        found.append(Finding("fail", f"no database file at {missing}", "run `flock db upgrade` to create it"))
        return None
    engine = create_engine(url)
    try:
        revision = await asyncio.wait_for(_revision(engine), DATABASE_SECONDS)
    except Exception as error:  # whatever the driver raises, the fix is the same
        reason = str(getattr(error, "orig", None) or error or type(error).__name__).splitlines()[0]
        found.append(
            Finding(
                "fail",
                f"cannot reach the database {shown}: {reason}",
                "check FLOCK_DATABASE_URL and the server",
            )
        )
        await engine.dispose()
        return None
    found.append(Finding("ok", f"database reachable: {shown}"))
    found.append(_schema(revision))
    try:
        return await health.attached_chats(engine) if revision is not None else None
    except Exception as error:  # a schema too old or too new for the query: the line above says why
        found.append(Finding("warn", f"could not list the course chats: {type(error).__name__}"))
        return None
    finally:
        await engine.dispose()


def _missing_sqlite_file(url: str) -> str | None:
    database = make_url(url).database
    if make_url(url).get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return None if Path(database).exists() else database


async def _revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return await migrations.current(engine)


def _schema(revision: str | None) -> Finding:
    head = migrations.head()
    if revision == head:
        return Finding("ok", f"database schema is up to date ({head})")
    if revision is None:
        return Finding("fail", "the database has no Flock tables yet", "run `flock db upgrade`")
    if not migrations.known(revision):
        return Finding(
            "fail",
            f"the database schema ({revision}) is newer than this Flock ({head})",
            "run the Flock version that upgraded it",
        )
    return Finding(
        "fail",
        f"the database schema is behind: {revision}, this Flock needs {head}",
        "run `flock db upgrade` (`flock run` also upgrades at start)",
    )


async def _webhook(found: list[Finding], bot: Bot, expected: object) -> None:
    try:
        info = await bot.get_webhook_info()
    except TelegramError as error:
        found.append(Finding("warn", f"could not read the webhook set-up: {error}"))
        return
    waiting = f"{info.pending_update_count} updates waiting"
    wanted = str(expected) if expected else None
    if wanted and not info.url:
        found.append(
            Finding(
                "warn",
                f"no webhook set ({waiting})",
                f"Flock in webhook mode registers {wanted} when it starts",
            )
        )
    elif wanted and info.url != wanted:
        found.append(
            Finding(
                "fail",
                f"Telegram sends updates to {info.url}, not FLOCK_WEBHOOK_URL {wanted} ({waiting})",
                "another deployment may use this token; restart Flock to register its own URL",
            )
        )
    elif info.url:
        polling = "" if wanted else "Flock polls, and `flock run` removes this webhook at start"
        found.append(Finding("warn" if polling else "ok", f"webhook set to {info.url} ({waiting})", polling))
    else:
        found.append(Finding("ok", f"no webhook set: Flock polls ({waiting})"))
    if info.url and info.last_error_message:
        at = f" at {info.last_error_date:%Y-%m-%d %H:%M} UTC" if info.last_error_date else ""
        found.append(
            Finding(
                "warn",
                f"Telegram's last webhook delivery failed{at}: {info.last_error_message}",
                "check that the URL is reachable from the internet over HTTPS with a valid certificate",
            )
        )


async def _chat(bot: Bot, chat: health.AttachedChat) -> Finding:
    name = f"{chat.title} ({' '.join('#' + tag for tag in chat.hashtags)})"
    try:
        member = await bot.get_chat_member(chat.chat_id, bot.id)
    except Forbidden as error:
        return Finding(
            "fail", f"{name}: the bot was removed ({error})", f"add @{bot.username} back to the group"
        )
    except BadRequest as error:
        return Finding(
            "fail",
            f"{name}: Telegram can't find the chat ({error})",
            "add the bot to the group again and /setup there",
        )
    except TelegramError as error:
        return Finding("warn", f"{name}: could not check ({error})")
    return _membership(name, member, bot)


def _membership(name: str, member: ChatMember, bot: Bot) -> Finding:
    if member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR):
        return Finding("ok", f"{name}: admin, reads every message")
    if member.status == ChatMemberStatus.BANNED:
        return Finding(
            "fail", f"{name}: the bot is banned", f"unban @{bot.username} in the group, then add it back"
        )
    if member.status == ChatMemberStatus.LEFT:
        return Finding(
            "fail", f"{name}: the bot is not in the group", f"add @{bot.username} back to the group"
        )
    if isinstance(member, ChatMemberRestricted) and not member.can_send_messages:
        return Finding(
            "fail", f"{name}: the bot may not send messages", f"let @{bot.username} post, or make it admin"
        )
    if not bot.bot.can_read_all_group_messages:
        return Finding(
            "fail",
            f"{name}: not an admin and privacy mode is on, so it sees only commands",
            f"make @{bot.username} an admin of the group, or turn privacy mode off",
        )
    return Finding("ok", f"{name}: member, reads every message (privacy mode off)")
