"""/stats: a course's questions over a window, as a summary and a chart, for facilitators."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.error import BadRequest, Forbidden

from bot import i18n, render_stats, texts
from bot.context import FlockContext
from bot.handlers.common import argument_text, command, in_group, reply, require_sender, tags
from facilitation import stats
from facilitation.stats import CourseStats


async def course_stats(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    words = argument_text(message)
    group = in_group(message)
    found = await stats.course_stats(
        context.uow(),
        message.chat_id if group else None,
        person.id,
        tags(words),
        stats.window(words.split()),
        context.now(),
    )
    with i18n.personally():  # the chart goes to the facilitator alone, in their language
        charts = [await asyncio.to_thread(_chart, s) if s.asked else None for s in found]
    await _deliver(update, context, person.id, list(zip(found, charts, strict=True)), group)


async def _deliver(
    update: Update,
    context: FlockContext,
    person_id: int,
    results: list[tuple[CourseStats, bytes | None]],
    from_group: bool,
) -> None:
    """Privately, always: facilitator material goes to the facilitator, not the group."""
    try:
        with i18n.personally():
            for summary, chart in results:
                await _send(context, person_id, summary, chart)
    except (Forbidden, BadRequest):  # blocked, or never started: "chat not found"
        if not from_group:
            raise
        await reply(update, texts.start_me_first(context.bot.username))
        return
    if from_group:
        await reply(update, i18n._(texts.SENT_PRIVATELY))


def _chart(summary: CourseStats) -> bytes:
    from bot import stats_chart  # matplotlib costs half a second and 40 MB: load it on first use

    return stats_chart.render(summary)


async def _send(context: FlockContext, chat_id: int, summary: CourseStats, chart: bytes | None) -> None:
    await context.bot.send_message(chat_id, render_stats.summary(summary))
    if chart is not None:
        await context.bot.send_photo(
            chat_id,
            chart,
            caption=render_stats.chart_caption(summary),
            filename=f"{summary.course.hashtag}-stats.png",
        )


HANDLERS = [command("stats", course_stats)]
