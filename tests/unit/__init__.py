"""The domain alone: rules, parsers and renderers, no database and no Telegram."""
