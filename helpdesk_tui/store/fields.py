"""Field shapes the tables share: times in aware UTC (rule 5) and optional foreign keys."""

from __future__ import annotations

from typing import Any

from sqlmodel import Field

from helpdesk_tui.store.types import UTCDateTime, utcnow


def when(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, **kw)


def maybe_when(**kw: Any) -> Any:
    return Field(default=None, sa_type=UTCDateTime, **kw)


def fk(target: str, **kw: Any) -> Any:
    return Field(default=None, foreign_key=target, **kw)
