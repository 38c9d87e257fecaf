"""Tests in three layers: unit (the domain alone), integration (storage on real databases),
bot (the real Application, Bot API calls captured)."""
