"""Persistence: SQLAlchemy models, repositories and the unit of work behind facilitation's ports."""
