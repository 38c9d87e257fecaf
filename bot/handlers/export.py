"""/export: a facilitator's course as a zip of CSVs and a report, sent privately."""

from __future__ import annotations

import tempfile
from pathlib import Path

from telegram import InputFile, Update

from bot import render_stats
from bot.context import FlockContext
from bot.export_zip import ZipExport, file_name
from bot.handlers.common import Refusal, argument_text, command, in_group, reply, require_sender, tags
from bot.i18n import _
from facilitation import export

UPLOAD_SECONDS = 300  # a large file over a slow link; PTB's default is 20 s


async def export_course(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    if in_group(message):
        raise Refusal(_(render_stats.EXPORT_IN_PRIVATE))
    now = context.now()
    with tempfile.TemporaryDirectory(prefix="flock-export-") as folder:
        path = Path(folder) / "export.zip"
        with ZipExport(path) as archive:
            summary = await export.export(
                context.uow(), person.id, tags(argument_text(message)), archive, now
            )
        size = path.stat().st_size
        if size > render_stats.TELEGRAM_UPLOAD_LIMIT:
            await reply(update, render_stats.export_too_large(summary, size))
            return
        with path.open("rb") as handle:  # streamed by the HTTP client, not read into memory here
            document = InputFile(handle, filename=file_name(summary.course, now), read_file_handle=False)
            await context.bot.send_document(
                message.chat_id,
                document,
                caption=render_stats.export_caption(summary),
                write_timeout=UPLOAD_SECONDS,
            )


HANDLERS = [command("export", export_course)]
