"""The few statements every operation runs (a journal entry, its field changes, a change-feed
row, a notification, the next number), run on the driver's own cursor.

Through SQLAlchemy each costs about 0.06 ms before the database does anything (an execution
context, the compiled-statement cache, result set-up), the driver alone 0.01 ms; a mail intake
runs a dozen of them per message. A `Direct` statement is compiled once per dialect and set of
parameters by SQLAlchemy itself, so its SQL, its parameter style and the conversion of each
value (times to UTC text on SQLite, for one) are SQLAlchemy's own; only the execution is
skipped. It runs on the session's connection, inside its transaction and savepoints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.sql.expression import Executable
from sqlmodel import Session


@dataclass(frozen=True)
class _Shape:
    sql: str
    names: tuple[str, ...]  # the parameters in the order the SQL takes them
    positional: bool
    convert: tuple[Callable[[Any], Any] | None, ...]
    fixed: dict[str, Any]  # values the statement carries itself (a LIMIT, a literal)


class Direct:
    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._shapes: dict[tuple[str, tuple[str, ...]], _Shape] = {}

    def _shape(self, dialect: Any, keys: tuple[str, ...]) -> _Shape:
        shape = self._shapes.get((dialect.name, keys))
        if shape is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=list(keys))
            positional = bool(compiled.positional)
            names = tuple(compiled.positiontup or ()) if positional else tuple(compiled.binds)
            binds = compiled.binds
            convert = tuple(binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names)
            fixed = {n: binds[n].effective_value for n in names if n not in keys and not binds[n].required}
            shape = _Shape(str(compiled), names, positional, convert, fixed)
            self._shapes[(dialect.name, keys)] = shape
        return shape

    def _values(self, shape: _Shape, params: Mapping[str, Any]) -> Any:
        if shape.fixed:
            params = {**shape.fixed, **params}
        values = [params[n] if f is None else f(params[n]) for n, f in zip(shape.names, shape.convert)]
        return values if shape.positional else dict(zip(shape.names, values))

    def execute(self, session: Session, params: Mapping[str, Any]) -> Any:
        """Run once; returns the driver's cursor (for a RETURNING row)."""
        conn = session.connection()
        shape = self._shape(conn.dialect, tuple(params))
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(shape.sql, self._values(shape, params))
        return cursor

    def scalar(self, session: Session, params: Mapping[str, Any]) -> Any:
        """The first column of the first row returned, or None."""
        row = self.execute(session, params).fetchone()
        return None if row is None else row[0]

    def executemany(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        conn = session.connection()
        shape = self._shape(conn.dialect, tuple(rows[0]))
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.executemany(shape.sql, [self._values(shape, r) for r in rows])
