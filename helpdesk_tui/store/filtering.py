"""Filters as SQL: the conditions of a filter line or a saved search, checked against each
record kind's whitelist of fields, with Ukrainian case folding on both engines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, or_, select, true
from sqlmodel import Session

from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.field_values import CHOSEN_BY_LABEL, coded_value, field_name
from helpdesk_tui.domain.filters import Condition, Filter
from helpdesk_tui.domain.problem_status import parse as parse_problem_status
from helpdesk_tui.domain.requests import CONTEXT, REQUEST_STATUS_LABELS, RequestStatus
from helpdesk_tui.domain.statuses import (
    TASK_STATUS_LABELS,
    TaskStatus,
    names_in_all_languages,
    parse_incident_status,
)
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import (
    Person,
)

from helpdesk_tui.store.sources import PG_FOLDING_COLLATION, RefField, Source, Viewer, source


def _fold(session_dialect: str, expr: Any) -> Any:
    # SQLite's lower() folds ASCII only; hd_fold (registered in db.py) folds Cyrillic too.
    # PostgreSQL folds by the database's locale, which may be C: the ICU root collation folds
    # Ukrainian whatever the cluster was created with.
    if session_dialect == "sqlite":
        return func.hd_fold(expr)
    return func.lower(expr.collate(PG_FOLDING_COLLATION))


def _escape_like(text: str) -> str:
    return text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_pattern(text: str) -> str:
    return f"%{_escape_like(text)}%"


def _like_pattern_start(text: str) -> str:
    return f"{_escape_like(text)}%"


def _contains(dialect: str, expr: Any, text: str) -> ColumnElement[bool]:
    return _fold(dialect, expr).like(_like_pattern(text), escape="\\")


def _typed(src: Source, name: str, value: str) -> Any:
    """Turn the text of a condition's value into what its column holds."""
    if name == "status" and src.kind == "incident":
        return parse_incident_status(value).value
    if name == "status" and src.kind == "task":
        for status in TaskStatus:
            if value.casefold() == status.value or value.casefold() in names_in_all_languages(TASK_STATUS_LABELS[status]):
                return status.value
        raise RuleViolation(_("Unknown status: {name}").format(name=value))
    if name == "status" and src.kind == "service_request":
        wanted = " ".join(value.casefold().split())
        for request_status in RequestStatus:
            if wanted == request_status.value or wanted in names_in_all_languages(
                    REQUEST_STATUS_LABELS[request_status], CONTEXT):
                return request_status.value
        raise RuleViolation(_("Unknown status: {name}").format(name=value))
    if name == "status" and src.kind == "problem":
        return parse_problem_status(value).value
    if name in ("priority", "impact", "urgency"):
        try:
            return int(value.split()[0].rstrip("."))
        except (ValueError, IndexError):
            raise RuleViolation(_("{field} takes a number, not «{value}»").format(field=field_name(name), value=value)) from None
    if name in ("created_at", "updated_at", "due_at"):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise RuleViolation(_("«{value}» is not a date (YYYY-MM-DD)").format(value=value)) from None
        if moment.tzinfo is None:
            from zoneinfo import ZoneInfo

            moment = moment.replace(tzinfo=ZoneInfo("Europe/Kyiv"))
        return moment
    if name in CHOSEN_BY_LABEL:
        return coded_value(name, value)
    if name == "number":
        return value.upper()
    return value


def _ref_ids(session: Session, src: Source, field: str, op: str, values: Sequence[str], viewer: Viewer | None,
             dialect: str) -> Any:
    ref = src.refs[field]
    if op in ("contains", "not contains"):
        return select(ref.model.id).where(or_(*(or_(*(_contains(dialect, col, v) for col in ref.match)) for v in values)))
    ids: list[int] = []
    for value in values:
        if value.casefold() in ("me", "я") and ref.model is Person and viewer is not None:
            ids.append(viewer.person_id)
        else:
            ids.append(_one_named(session, src, field, value, dialect))
    return ids


NAME_CHOICES = 6


def _one_named(session: Session, src: Source, field: str, value: str, dialect: str) -> int:
    """The one record a typed name means, as an analyst expects: the whole name, else a unique
    beginning of it, else words that each begin a word of the name («Перша лінія» for «Перша
    лінія підтримки Контакт-центр», «Шевченко» for «Олена Шевченко»). Several or none is an
    error naming what the value could mean."""
    ref = src.refs[field]
    wanted = " ".join(value.split()).casefold()
    words = [_like_pattern_start(w) for w in wanted.split()]
    tries = [
        or_(*(_fold(dialect, col) == wanted for col in ref.match)),
        or_(*(_fold(dialect, col).like(_like_pattern_start(wanted), escape="\\") for col in ref.match)),
        or_(*(and_(*(or_(_fold(dialect, col).like(w, escape="\\"), _fold(dialect, col).like("% " + w, escape="\\"))
                     for w in words)) for col in ref.match)),
    ]
    label_col = ref.match[-1] if ref.model is Person else ref.match[0]
    for cond in tries:
        rows = session.execute(select(ref.model.id, label_col).where(cond).order_by(label_col).limit(NAME_CHOICES)).all()
        if len(rows) == 1:
            return int(rows[0][0])
        if rows:
            names = ", ".join(f"«{r[1]}»" for r in rows[:NAME_CHOICES - 1])
            raise RuleViolation(_("«{value}» could mean {names}: type more of the name").format(
                value=value, names=names + (", …" if len(rows) == NAME_CHOICES else "")), field="filter")
    what = _(src.columns[field].label) if field in src.columns else field
    some = ", ".join(f"«{n}»" for n in session.execute(select(label_col).order_by(label_col).limit(5)).scalars())
    raise RuleViolation(_("{what}: none is called «{value}»; for example: {names}").format(
        what=what, value=value, names=some or "—"), field="filter")


# Fields every record has: «status:» alone would find nothing (or everything), never what was meant.
NEVER_EMPTY = frozenset({"number", "status", "short_description", "created_at", "updated_at", "channel", "waiting_on"})


def _condition(session: Session, src: Source, cond: Condition, viewer: Viewer | None,
               dialect: str) -> ColumnElement[bool]:
    op = cond.op
    values = cond.value if isinstance(cond.value, list) else ([cond.value] if cond.value is not None else [])
    if cond.field in src.refs:
        column = src.refs[cond.field].column
    elif cond.field in src.plain:
        column = src.plain[cond.field]
    else:
        raise RuleViolation(
            _("Unknown field «{name}»; one of: {names}").format(name=cond.field, names=", ".join(sorted(src.filter_fields)))
        )
    if op in ("empty", "not empty") and cond.field in NEVER_EMPTY:
        raise RuleViolation(_("«{name}» is never empty: give a value, e.g. {name}:…").format(name=cond.field),
                            field="filter")
    if op == "empty":
        return column.is_(None) if cond.field in src.refs or cond.field in ("priority", "impact", "urgency") else or_(column.is_(None), column == "")
    if op == "not empty":
        return not_(_condition(session, src, Condition(cond.field, "empty"), viewer, dialect))
    if not values:
        raise RuleViolation(_("The condition on «{name}» needs a value").format(name=cond.field))
    if cond.field in src.refs:
        ids = _ref_ids(session, src, cond.field, op, values, viewer, dialect)
        if op in ("=", "in", "contains"):
            return column.in_(ids)
        if op in ("!=", "not in", "not contains"):
            return or_(column.is_(None), column.not_in(ids))
        raise RuleViolation(_("«{op}» does not apply to «{name}»").format(op=op, name=cond.field))
    if op in ("contains", "not contains"):
        expr = _contains(dialect, column, values[0])
        return expr if op == "contains" else not_(expr)
    typed = [_typed(src, cond.field, v) for v in values]
    match op:
        case "=":
            return column == typed[0]
        case "!=":
            return or_(column.is_(None), column != typed[0])
        case "in":
            return column.in_(typed)
        case "not in":
            return or_(column.is_(None), column.not_in(typed))
        case "<":
            return column < typed[0]
        case "<=":
            return column <= typed[0]
        case ">":
            return column > typed[0]
        case ">=":
            return column >= typed[0]
    raise RuleViolation(_("Unknown operator «{op}»").format(op=op))


def compile_filter(session: Session, kind: str, flt: Filter, viewer: Viewer | None = None) -> ColumnElement[bool]:
    """A saved search's or a filter line's conditions as SQL, fields checked against a whitelist."""
    src = source(kind)
    dialect = session.get_bind().dialect.name
    parts = [_condition(session, src, c, viewer, dialect) for c in flt.conditions]
    for word in flt.text.split():
        parts.append(or_(*(_contains(dialect, col, word) for col in src.text_columns)))
    return and_(true(), *parts)
