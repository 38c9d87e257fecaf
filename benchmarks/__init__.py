"""Flock's benchmarks: `python -m benchmarks [--quick] [--database-url URL] [--json FILE]`.

Each figure is measured in one run beside its reference (a ceiling, or the minimum Telegram's
limits allow), so the ratio holds on a noisy machine even when the absolute numbers move.
"""
