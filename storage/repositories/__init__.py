"""Repositories: one per aggregate, sharing the unit of work's session; they never commit."""
