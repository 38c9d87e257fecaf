"""The composition root: one place that builds the Application and registers every handler."""

from __future__ import annotations

from typing import Any

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.context import FlockContext, Runtime
from bot.errors import on_error
from bot.handlers import (
    alerts,
    announcements,
    courses,
    dashboard,
    digests,
    discussions,
    following,
    guests,
    helpers,
    introductions,
    languages,
    membership,
    offers,
    posts,
    privacy,
    questions,
    search,
    stories,
)
from bot.handlers import export as export_handlers
from bot.handlers import stats as stats_handlers


def rate_limiter() -> AIORateLimiter:
    """Telegram's rates, 30 messages a second and 20 a minute per group, each with a little of its
    burst held back (20 of 30, 18 of 20): a burst that the network delays unevenly on its way to
    Telegram then still fits, where the full burst gets a 429 (benchmarks: python -m benchmarks)."""
    return AIORateLimiter(
        overall_max_rate=20,
        overall_time_period=20 / 30,
        group_max_rate=18,
        group_time_period=18 * 3,
        max_retries=0,
    )


FlockApp = Application[Any, FlockContext, dict[Any, Any], dict[Any, Any], dict[str, Any], Any]


def build_application(
    token: str,
    runtime: Runtime,
    *,
    base_url: str,
    request: BaseRequest | None = None,
    rate_limited: bool = True,
) -> FlockApp:
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .updater(None)  # updates come through the inbox (bot/polling.py), never PTB's Updater
        .context_types(ContextTypes(context=FlockContext))
        .defaults(
            Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if rate_limited:
        builder = builder.rate_limiter(rate_limiter())  # type: ignore[arg-type]
    app: FlockApp = builder.build()
    app.bot_data["runtime"] = runtime
    for handler in (
        *membership.HANDLERS,
        *courses.HANDLERS,
        *questions.HANDLERS,
        *search.HANDLERS,
        *offers.HANDLERS,
        *introductions.HANDLERS,
        *helpers.HANDLERS,
        *digests.HANDLERS,
        *dashboard.HANDLERS,
        *alerts.HANDLERS,
        *guests.HANDLERS,
        *discussions.HANDLERS,
        *stats_handlers.HANDLERS,
        *export_handlers.HANDLERS,
        *privacy.HANDLERS,
        *languages.HANDLERS,
        *announcements.HANDLERS,
        *following.HANDLERS,
        *stories.HANDLERS,
    ):
        app.add_handler(handler)  # type: ignore[arg-type]
    app.add_handler(guests.GUEST_REPLIES)
    app.add_handler(membership.FALLBACK)
    app.add_handler(membership.STALE_BUTTONS)
    app.add_handler(following.REACTIONS, group=1)  # besides any other use of a reaction
    # Group posts first, and their handling ends the update's: they are most updates, and none of
    # the handlers above (commands, private chats, service messages, buttons) takes one, so
    # asking each of them about every post is work for nothing.
    for handler in posts.HANDLERS:
        app.add_handler(handler, group=-1)
    app.add_error_handler(on_error)
    return app
