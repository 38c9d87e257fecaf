"""Time a test can move for a real `flock run`: the wall clock plus an offset kept in a file.

The test writes the offset (MovedClock.set, .advance); the process, started as
`python -m tests.support.moved_clock run`, is `flock run` with this clock in place of the system
clock, reading the file each time it asks the time. Both sides read the same file, so the
updates a test dates by it and the process's own ticks agree on what time it is. Time still
passes between moves, as it does for a real process.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

CLOCK_FILE = "FLOCK_TEST_CLOCK_FILE"


class MovedClock:
    def __init__(self, path: Path, start: datetime | None = None) -> None:
        self.path = path
        if start is not None:
            self.set(start)

    @classmethod
    def from_environment(cls) -> MovedClock:
        return cls(Path(os.environ[CLOCK_FILE]))

    def offset(self) -> timedelta:
        return timedelta(seconds=float(self.path.read_text()))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()

    def set(self, moment: datetime) -> None:
        """From now on the clock reads `moment`, and runs on from there."""
        self._write(moment - datetime.now(UTC))

    def advance(self, **delta: float) -> datetime:
        self._write(self.offset() + timedelta(**delta))
        return self.now()

    def _write(self, offset: timedelta) -> None:
        # Replaced whole, never rewritten in place: the process never reads half an offset.
        draft = self.path.with_suffix(".draft")
        draft.write_text(repr(offset.total_seconds()))
        os.replace(draft, self.path)


def main() -> int:
    from bot import cli

    with mock.patch.object(cli, "SystemClock", MovedClock.from_environment):
        return cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
