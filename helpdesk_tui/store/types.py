"""Column types shared by the tables."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Text
from sqlalchemy.types import TypeDecorator

from helpdesk_tui.domain.clock import set_clock, utcnow  # noqa: F401  (part of this module's interface)

# What SQLAlchemy writes for DateTime on SQLite; the bulk path writes the same text.
SQLITE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, on both engines (rule 5)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store keeps aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        # A list page reads hundreds of times: on SQLite one C call per value instead of
        # SQLAlchemy's regular expression and then this class's conversion.
        if dialect.name != "sqlite":
            convert = super().result_processor(dialect, coltype)

            def passed(value: Any) -> datetime | None:
                # Sessions run in UTC (store/db.py): most values need nothing done.
                if value is None or value.tzinfo is UTC:
                    return value
                return convert(value)  # type: ignore[misc,no-any-return]

            return passed
        slow = super().result_processor(dialect, coltype)

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            try:
                # Appending the offset is seven times faster than replace(tzinfo=UTC).
                return datetime.fromisoformat(value + "+00:00")
            except (TypeError, ValueError):
                pass
            try:  # text with an offset, which SQLAlchemy does not write
                moment = datetime.fromisoformat(value)
            except (TypeError, ValueError):
                return slow(value)  # type: ignore[misc,no-any-return]
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

        return process


class JSONText(TypeDecorator[Any]):
    """JSON kept as text, so both engines store and compare it the same way."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        return None if value is None else json.loads(value)
