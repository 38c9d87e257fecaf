"""Prometheus metrics for one running Flock, in a registry of its own (never the global one).

Updates: stored, processed (by kind and outcome), handler seconds, inbox lag (received → processed).
Outbox: sent, retried, failed (by kind), and the rows still pending. Tick: seconds and failures by job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.gc_collector import GCCollector
from prometheus_client.process_collector import ProcessCollector
from telegram.constants import UpdateType

UPDATE_KINDS = frozenset(kind.value for kind in UpdateType)
LAG_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600)


def update_kind(payload: Mapping[str, Any]) -> str:
    """message, callback_query, … — the one field besides update_id; bounded for a label."""
    kind = next((key for key in payload if key != "update_id"), "other")
    return kind if kind in UPDATE_KINDS else "other"


class Metrics:
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        ProcessCollector(registry=registry)
        GCCollector(registry=registry)
        self.updates_stored = Counter(
            "flock_updates_stored", "Updates written to the inbox", registry=registry
        )
        self.updates_processed = Counter(
            "flock_updates_processed",
            "Updates processed, by update kind and outcome (ok, error)",
            ["kind", "outcome"],
            registry=registry,
        )
        self.update_seconds = Histogram(
            "flock_update_seconds", "Time to process one update through the handlers", registry=registry
        )
        self.inbox_lag = Histogram(
            "flock_inbox_lag_seconds",
            "Seconds from an update's arrival in the inbox to its processing",
            buckets=LAG_BUCKETS,
            registry=registry,
        )
        self.outbox_sent = Counter("flock_outbox_sent", "Outbox rows delivered", ["kind"], registry=registry)
        self.outbox_retried = Counter(
            "flock_outbox_retried", "Outbox deliveries put off to retry later", ["kind"], registry=registry
        )
        self.outbox_failed = Counter(
            "flock_outbox_failed", "Outbox rows that failed for good", ["kind"], registry=registry
        )
        self.outbox_pending = Gauge(
            "flock_outbox_pending", "Outbox rows not yet sent nor failed", registry=registry
        )
        self.tick_job_seconds = Histogram(
            "flock_tick_job_seconds", "Time one tick job took", ["job"], registry=registry
        )
        self.tick_job_failures = Counter(
            "flock_tick_job_failures", "Tick jobs that raised", ["job"], registry=registry
        )

    @contextmanager
    def processing(self, kind: str, failed: Callable[[], bool]) -> Iterator[None]:
        """Times one update and counts it, as an error when `failed()` says so at the end."""
        started = time.perf_counter()
        outcome = "error"
        try:
            yield
            outcome = "error" if failed() else "ok"
        finally:
            self.update_seconds.observe(time.perf_counter() - started)
            self.updates_processed.labels(kind, outcome).inc()

    @contextmanager
    def tick_job(self, job: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        except Exception:
            self.tick_job_failures.labels(job).inc()
            raise
        finally:
            self.tick_job_seconds.labels(job).observe(time.perf_counter() - started)
