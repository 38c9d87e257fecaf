"""`flock` — run the bot, replay the demo, manage the database, look at the outbox."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from pydantic import ValidationError
from telegram.error import Conflict, InvalidToken

from bot import logs
from bot.context import SystemClock
from bot.settings import Settings
from facilitation.languages import SUPPORTED

NO_TOKEN = (
    "flock: no bot token. Create a bot with @BotFather in Telegram (/newbot), then set "
    "FLOCK_BOT_TOKEN=<token> in the environment or in .env."
)


NO_WEBHOOK = (
    "flock: webhook mode needs FLOCK_WEBHOOK_URL (the public HTTPS URL Telegram will call) and "
    "FLOCK_WEBHOOK_SECRET (1-256 characters of A-Z, a-z, 0-9, _ and -, checked on every call)."
)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        problem = error.errors()[0]
        field = "FLOCK_" + str(problem["loc"][0]).upper() if problem["loc"] else "setting"
        print(f"flock: {field}: {str(problem['msg']).removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    token = settings.bot_token.get_secret_value().strip() if settings.bot_token else ""
    logs.configure(settings.log_level, settings.log_format, secrets=[token])
    return int(args.action(args, settings) or 0)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import run

    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        print(NO_TOKEN, file=sys.stderr)
        return 2
    if args.webhook and (settings.webhook_url is None or settings.webhook_secret is None):
        print(NO_WEBHOOK, file=sys.stderr)
        return 2
    token = settings.bot_token.get_secret_value().strip()
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run(settings, token, SystemClock(), webhook=args.webhook))
    except InvalidToken:
        print("flock: Telegram rejected FLOCK_BOT_TOKEN; copy it again from @BotFather.", file=sys.stderr)
        return 2
    except Conflict:
        print(
            "flock: another process is already polling with this token (or a webhook is set).",
            file=sys.stderr,
        )
        return 1
    return 0


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot import demo

    updates = demo.load(args.file)
    if updates is None:
        return 2
    database = demo.fresh_database(args.database)
    port = args.port if args.dashboard else None
    return asyncio.run(demo.run_demo(updates, args.file, database, args.language, port))


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage.migrations import upgrade_sync

    upgrade_sync(settings.database_url)
    print("database is up to date")
    return 0


def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    from bot import doctor

    token = settings.bot_token.get_secret_value().strip() if settings.bot_token else ""
    findings = asyncio.run(doctor.diagnose(settings, token))
    print(doctor.render(findings, secrets=[token]))
    return 0 if doctor.healthy(findings) else 1


def _outbox(args: argparse.Namespace, settings: Settings) -> int:
    from bot.outbox_report import report

    print(asyncio.run(report(settings.database_url)))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flock", description="Keeps a training cohort talking.")
    commands = parser.add_subparsers(required=True, metavar="command")
    run = commands.add_parser("run", help="run the bot (long polling, or a webhook with --webhook)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates on FLOCK_WEBHOOK_LISTEN:FLOCK_WEBHOOK_PORT instead of polling",
    )
    run.set_defaults(action=_run)
    demo = commands.add_parser("demo", help="replay a week of a cohort offline and tell the story")
    demo.add_argument("--file", default="examples/cohort.jsonl")
    demo.add_argument("--database", default=None, help="SQLite file to keep (default: temporary)")
    demo.add_argument(
        "--language", default="en", choices=SUPPORTED, help="the story's language (default: en)"
    )
    demo.add_argument(
        "--dashboard",
        action="store_true",
        help="then serve the facilitators' dashboard on the story's database, signed in (until Ctrl-C)",
    )
    demo.add_argument("--port", type=int, default=8081, help="the dashboard's local port (default: 8081)")
    demo.set_defaults(action=_demo)
    db = commands.add_parser("db", help="database management").add_subparsers(required=True, metavar="action")
    db.add_parser("upgrade", help="apply every migration").set_defaults(action=_db_upgrade)
    commands.add_parser("outbox", help="show pending and failed messages").set_defaults(action=_outbox)
    commands.add_parser("doctor", help="check the token, database, webhook and course chats").set_defaults(
        action=_doctor
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
