"""Read-only query ports bound to an open unit of work, so they share its transaction.

Inside an inbox batch a second session would wait on the batch's own write lock (SQLite), so
the readers use the unit of work's session rather than one of their own.
"""

from __future__ import annotations

from facilitation.export import ExportReader
from facilitation.ports import UnitOfWork
from facilitation.stats import StatsReader
from storage.repositories.export import SqlExport
from storage.repositories.stats import SqlStats
from storage.unit_of_work import SqlUnitOfWork


def _sql(uow: UnitOfWork) -> SqlUnitOfWork:
    if not isinstance(uow, SqlUnitOfWork):
        raise TypeError(f"the SQL readers need a SqlUnitOfWork, not {type(uow).__name__}")
    return uow


def stats(uow: UnitOfWork) -> StatsReader:
    return SqlStats(_sql(uow).session)


def export(uow: UnitOfWork) -> ExportReader:
    return SqlExport(_sql(uow).session)
