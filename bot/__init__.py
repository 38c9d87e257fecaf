"""Telegram glue: the Application, handlers, rendering, runners, the tick, the outbox sender, the CLI."""

import os

# Opt in to PTB's coming behaviour (durations as timedelta) now; the code handles both forms.
os.environ.setdefault("PTB_TIMEDELTA", "1")
