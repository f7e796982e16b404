"""Field shapes the tables share: times in aware UTC (rule 5) and optional foreign keys."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlmodel import Field

from helpdesk_tui.store.types import UTCDateTime, utcnow


def when(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, **kw)


def maybe_when(**kw: Any) -> Any:
    return Field(default=None, sa_type=UTCDateTime, **kw)


def fk(target: str, **kw: Any) -> Any:
    return Field(default=None, foreign_key=target, **kw)


# A sort key (domain/collation.py) is compared byte by byte: SQLite's default BINARY does, and on
# PostgreSQL the "C" collation, whatever the database's locale.
SORT_KEY_TYPE = String().with_variant(String(collation="C"), "postgresql")


def sort_key_field(**kw: Any) -> Any:
    return Field(sa_type=SORT_KEY_TYPE, **kw)
