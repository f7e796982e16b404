"""What a list can be narrowed to: the values a filter field takes (for completion and for the
quick filters and the saved-search editor), and the condition for one group of a grouped list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlmodel import Session

from helpdesk_tui.domain.requests import RequestStatus
from helpdesk_tui.domain.statuses import (
    CHANNEL_ORDER,
    INCIDENT_STATUS_LABELS,
    TASK_STATUS_LABELS,
    TICKET_KIND_LABELS,
    Criticality,
    IncidentStatus,
    TaskStatus,
)
from helpdesk_tui.domain.problem_status import ProblemStatus
from helpdesk_tui.i18n import _
from helpdesk_tui.store.filtering import _fold, _like_pattern
from helpdesk_tui.store.models import Person
from helpdesk_tui.store.people_search import TOP
from helpdesk_tui.store.sources import RefField, source

WAITING_ON = ("desk", "caller", "vendor", "nobody")


def _fixed(kind: str, field: str) -> list[tuple[str, str]] | None:
    """Fields whose values the code knows: (value to write in a filter, label to show)."""
    if field == "status" and kind == "incident":
        return [(s.value, _(INCIDENT_STATUS_LABELS[s])) for s in IncidentStatus]
    if field == "status" and kind == "task":
        return [(s.value, _(TASK_STATUS_LABELS[s])) for s in TaskStatus]
    if field == "status" and kind == "service_request":
        return [(s.value, s.label) for s in RequestStatus]
    if field == "status" and kind == "problem":
        return [(s.value, s.label) for s in ProblemStatus]
    if field in ("priority", "impact", "urgency"):
        return [(str(n), str(n)) for n in range(1, 6 if field == "priority" else 4)]
    if field == "channel":
        return [(c.value, c.label) for c in CHANNEL_ORDER]
    if field == "criticality":
        return [(c.value, c.label) for c in Criticality]
    if field == "ticket_kind":
        return [(k, _(label)) for k, label in TICKET_KIND_LABELS.items()]
    if field == "waiting_on":
        return [(w, w) for w in WAITING_ON]
    return None


def _shown(ref: RefField) -> Any:
    """The name a list shows for a referenced record."""
    return ref.model.full_name if ref.model is Person else ref.match[0]


def field_values(session: Session, kind: str, field: str, prefix: str = "", limit: int = 20) -> list[tuple[str, str]]:
    """Values of `field` that start with (or contain) `prefix`, as (value, label) pairs; people
    (owners, callers, requesters) by the start of their name."""
    src = source(kind)
    folded = prefix.casefold()
    fixed = _fixed(kind, field)
    if fixed is not None:
        return [(v, label) for v, label in fixed
                if not folded or v.casefold().startswith(folded) or folded in label.casefold()][:limit]
    if field not in src.refs:
        return []
    ref = src.refs[field]
    if ref.model is Person:
        return [(name, name) for name in _names_starting(session, prefix, limit)]
    shown = _shown(ref)
    dialect = session.get_bind().dialect.name
    stmt = select(shown).distinct().order_by(shown).limit(limit)
    if folded:
        stmt = stmt.where(_fold(dialect, shown).like(_like_pattern(prefix), escape="\\"))
    return [(name, name) for name in session.execute(stmt).scalars() if name]


def _names_starting(session: Session, prefix: str, limit: int) -> list[str]:
    """Full names that start with `prefix` (case and spaces aside), one per name key, in the
    order of their key: a range of the name-key index (on PostgreSQL its "C" copy, whose order
    keeps a prefix's names together), grouped as it is read, that stops after `limit` names.

    The filter line asks at every keystroke. A name containing the text, read through the whole
    table (100k people: a Python fold per row) and sorted, took 80-180 ms (docs/benchmarks.md,
    issue 16), and its first 20 by name could all be names that only contain it, leaving the
    line nothing to complete.
    """
    key = " ".join(prefix.casefold().split())
    if key and prefix[-1:].isspace():
        key += " "  # «Іван » ends a word: not «Іванна»
    pg = session.get_bind().dialect.name == "postgresql"
    ordered = Person.name_key.collate("C") if pg else Person.name_key
    stmt = select(func.min(Person.full_name)).group_by(ordered).order_by(ordered).limit(limit)
    if key:
        stmt = stmt.where(ordered >= key, ordered < key + TOP)
    return list(session.execute(stmt).scalars())


def group_condition(kind: str, column: str, value: Any) -> ColumnElement[bool]:
    """The rows of one group of a list grouped by `column` (group_counts gives the groups).

    A name shown for a referenced record is matched through the reference, so the page query
    stays on the record's own table and its indexes."""
    src = source(kind)
    spec = src.column(column)
    if spec.joined or spec.lookup is not None:  # a name shown for a reference (the caller's too)
        ref = src.refs.get(column)
        if ref is None:  # a joined column without a filter field: the parent's number
            raise ValueError(column)
        if value is None:
            return ref.column.is_(None)  # type: ignore[no-any-return]
        return ref.column.in_(select(ref.model.id).where(_shown(ref) == value))  # type: ignore[no-any-return]
    if value is None:
        return spec.expr.is_(None)  # type: ignore[no-any-return]
    return spec.expr == value  # type: ignore[no-any-return]


def groupable(kind: str) -> list[str]:
    """Columns a list of this kind can be grouped by."""
    src = source(kind)
    return [name for name, spec in src.columns.items()
            if name not in ("number", "short_description", "created_at", "updated_at", "resolution_due", "due_at")
            and (not spec.joined or name in src.refs)]
