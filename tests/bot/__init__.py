"""Behaviour through the real Application: Telegram-shaped updates in, Bot API calls
captured, on SQLite and PostgreSQL."""
