"""Telegram glue: the Application, handlers, rendering, runners, the tick, the outbox sender, the CLI."""
