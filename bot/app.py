"""The composition root: one place that builds the Application and registers every handler."""

from __future__ import annotations

from typing import Any

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.context import FlockContext, Runtime
from bot.errors import on_error
from bot.handlers import alerts, courses, digests, guests, introductions, membership, posts, questions
from bot.handlers import export as export_handlers
from bot.handlers import stats as stats_handlers

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
        builder = builder.rate_limiter(AIORateLimiter(max_retries=0))  # type: ignore[arg-type]
    app: FlockApp = builder.build()
    app.bot_data["runtime"] = runtime
    for handler in (
        *membership.HANDLERS,
        *courses.HANDLERS,
        *questions.HANDLERS,
        *introductions.HANDLERS,
        *digests.HANDLERS,
        *alerts.HANDLERS,
        *guests.HANDLERS,
        *stats_handlers.HANDLERS,
        *export_handlers.HANDLERS,
    ):
        app.add_handler(handler)  # type: ignore[arg-type]
    app.add_handler(guests.GUEST_REPLIES)
    app.add_handler(membership.FALLBACK)
    for handler in posts.HANDLERS:
        app.add_handler(handler, group=1)
    app.add_error_handler(on_error)
    return app
