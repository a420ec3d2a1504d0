"""Model base, mixins and engine tuning shared by every feature."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

#: Stable constraint names, so migrations can drop and alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """Store aware datetimes as UTC and always hand back aware UTC datetimes.

    SQLite keeps no time zone, so values are normalised on the way in and tagged on the way out.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(enum_cls: type[enum.StrEnum], name: str) -> sa.Enum:
    """Store a StrEnum as its values in a VARCHAR with a CHECK constraint (no native enum)."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Model(DeclarativeBase):
    """Declarative base of every HARKAT model."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={getattr(self, 'id', None)!r}>"


class TimestampMixin:
    """``created_at`` and ``updated_at`` kept in UTC."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


#: How long a SQLite connection waits for another writer before giving up.
SQLITE_BUSY_MS = 15000


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record):
    """Turn on foreign keys, WAL and a busy timeout, and take transactions over from pysqlite.

    pysqlite's own transaction handling begins late and deferred; with it off, the ``begin``
    listener below decides how each transaction begins: ``BEGIN IMMEDIATE`` where it may write,
    so that two writers queue on the busy timeout instead of one failing with "database is
    locked" when it upgrades a read lock to a write lock.
    """
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


#: Requests that only read; their transactions begin DEFERRED so they never block writers.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def wants_write_lock() -> bool:
    """Whether this transaction should take SQLite's write lock up front.

    Pages that only read (GET) begin DEFERRED: WAL lets them read beside a writer. Everything
    else (form posts, the CLI, background work) begins IMMEDIATE, so a read followed by a
    write can never fail half-way because another writer committed in between. A GET that must
    write (an audit row for a download) does so in a transaction of its own that starts with the
    write, see :func:`harkat.audit.services.record_now`.
    """
    from flask import has_request_context, request

    return not (has_request_context() and request.method in SAFE_METHODS)


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if wants_write_lock() else "BEGIN")


def include_object(dialect_name: str):
    """For Alembic's comparisons: leave out what the models create only on another backend
    (``Index(...).ddl_if(dialect=...)``), so SQLite does not miss PostgreSQL's trigram index."""

    def include(obj, name, type_, reflected, compare_to) -> bool:
        only_on = getattr(getattr(obj, "_ddl_if", None), "dialect", None)
        return not (type_ == "index" and not reflected and only_on and only_on != dialect_name)

    return include


class LeanPagination(SelectPagination):
    """Pagination for long lists of one table (a million entrepreneurs).

    Counts with ``SELECT count(*) FROM table WHERE …`` rather than over a subquery of every
    column, and finds the page's rows by their ids first (a narrow, index-only walk past the
    offset), then loads only those rows: on PostgreSQL at 1,000,000 cases the count went from
    110 to 50 ms and page 1,000 from 69 to a few ms.
    """

    def _id_column(self):
        return self._query_args["select"].column_descriptions[0]["entity"].id

    def _query_items(self) -> list:
        select, session = self._query_args["select"], self._query_args["session"]
        ids = (
            select.with_only_columns(self._id_column(), maintain_column_froms=True)
            .limit(self.per_page)
            .offset(self._query_offset)
        )
        return list(session.scalars(select.where(self._id_column().in_(ids.scalar_subquery()))))

    def _query_count(self) -> int:
        select, session = self._query_args["select"], self._query_args["session"]
        counting = select.with_only_columns(sa.func.count(), maintain_column_froms=True)
        return session.scalar(counting.order_by(None))


def lean_paginate(session, select: sa.Select, per_page: int, page: int | None = None, **kwargs):
    """:meth:`SQLAlchemy.paginate` with :class:`LeanPagination` (``error_out`` is off).

    Only for a select of one table's rows (filters and subqueries in ``WHERE`` are fine): with a
    join, ``DISTINCT`` or ``GROUP BY`` the plain count would count something else.
    """
    froms = select.get_final_froms()
    if (
        len(froms) != 1
        or isinstance(froms[0], sa.Join)
        or select._distinct
        or select._group_by_clauses
    ):
        raise ValueError("lean_paginate: a select of one table's rows only")
    return LeanPagination(
        select=select, session=session, page=page, per_page=per_page, error_out=False, **kwargs
    )
