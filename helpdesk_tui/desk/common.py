"""What every operation does: numbers, journal with field diffs, change feed, locking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import insert, select, text
from sqlmodel import Session, SQLModel

from helpdesk_tui.domain import lifecycle
from helpdesk_tui.domain.errors import NotFound, PermissionDenied, RuleViolation, StaleVersion
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.i18n import _
from helpdesk_tui.store.direct import Direct
from helpdesk_tui.store.models import ChangeFeed, FieldChange, JournalEntry, Person, PersonRole
from helpdesk_tui.store.types import utcnow

T = TypeVar("T", bound=SQLModel)

NUMBER_PREFIXES = {
    "incident": "INC",
    "task": "TSK",
    "external_task": "VTSK",
    "service_request": "REQ",
    "knowledge_article": "KB",
    "problem": "PRB",
}
NUMBER_DIGITS = 7


def insert_ignore(session: Session, model: type[SQLModel], **values: Any) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on either engine; True when the row was added."""
    table = model.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # RETURNING says for sure whether a row went in; rowcount after ON CONFLICT is not reliable
    # across drivers (psycopg reported 1 for a skipped row here).
    key = list(table.primary_key.columns)[0]
    result = session.execute(insert(table).values(**values).on_conflict_do_nothing().returning(key))
    return result.first() is not None


_NEXT_NUMBER = Direct(text("UPDATE number_sequence SET next_value = next_value + 1 WHERE name = :n RETURNING next_value"))
_FIRST_NUMBER = Direct(text("INSERT INTO number_sequence (name, next_value) VALUES (:n, 1) ON CONFLICT (name) DO NOTHING"))


def next_number(session: Session, sequence: str) -> str:
    """The next number of a sequence, unique under concurrent writers on both engines.

    The UPDATE takes the row's write lock (PostgreSQL) or runs under BEGIN IMMEDIATE (SQLite),
    so two processes can never read the same value.
    """
    # Not session.execute: nothing pending needs flushing first.
    value = _NEXT_NUMBER.scalar(session, {"n": sequence})
    if value is None:  # the sequence's first number: its row is made (once, whoever is first)
        _FIRST_NUMBER.execute(session, {"n": sequence})
        value = _NEXT_NUMBER.scalar(session, {"n": sequence})
    return f"{NUMBER_PREFIXES[sequence]}{value - 1:0{NUMBER_DIGITS}d}"


SHORT_DESCRIPTION_MAX = 200


def check_text(value: str | None, field: str, *, required: bool = False, limit: int | None = None) -> str:
    """Typed text, trimmed; refused (never cut) when required and empty, or longer than `limit`."""
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(_("{field} is required").format(field=lifecycle.field_label(field)), field=field)
    if limit and len(value) > limit:
        raise RuleViolation(
            _("{field} is longer than {limit} characters ({length})").format(
                field=lifecycle.field_label(field), limit=limit, length=len(value)),
            field=field,
        )
    return value


def roles_of(session: Session, person: Person) -> set[Role]:
    """The person's roles, looked up once per transaction."""
    cache = session.info.setdefault("roles", {})
    if person.id not in cache:
        rows = session.execute(select(PersonRole.role).where(PersonRole.person_id == person.id)).scalars()
        cache[person.id] = {Role(r) for r in rows}
    return cache[person.id]


def require_active(person: Person | None) -> Person:
    if person is None:
        raise PermissionDenied(_("Name the person who acts (--as LOGIN)"))
    if not person.active:
        raise PermissionDenied(_("{login} is not active").format(login=person.login))
    return person


def require_role(session: Session, person: Person | None, *allowed: Role) -> Person:
    person = require_active(person)
    if not roles_of(session, person) & set(allowed):
        raise PermissionDenied(
            _("{login} needs one of these roles: {roles}").format(
                login=person.login, roles=", ".join(r.label for r in allowed)
            )
        )
    return person


def desk_staff(session: Session, person: Person | None) -> Person:
    """Anyone who works incidents: an analyst, a work-group member or an administrator."""
    return require_role(session, person, Role.ANALYST, Role.GROUP_MEMBER, Role.ADMIN)


def get_for_update(session: Session, model: type[T], record_id: int, *, what: str) -> T:
    """Load a record and lock its row until the transaction ends (PostgreSQL; SQLite's write
    transaction already holds the database lock)."""
    # populate_existing: a copy already in the session (found by number a moment ago) must be
    # refreshed from the locked row, or a concurrent save would be checked against stale values.
    stmt = (
        select(model).where(model.id == record_id).with_for_update()  # type: ignore[attr-defined]
        .execution_options(populate_existing=True)
    )
    obj = session.execute(stmt).scalar_one_or_none()
    if obj is None:
        raise NotFound(_("{what} not found").format(what=what))
    return obj


def check_version(session: Session, record: Any, kind: str, expected: int | None) -> None:
    """R43: refuse a save made on an out-of-date copy, and say what changed since."""
    if expected is None or expected == record.version:
        return
    rows = session.execute(
        select(FieldChange.field, FieldChange.old_value, FieldChange.new_value, JournalEntry.record_version)
        .join(JournalEntry, JournalEntry.id == FieldChange.entry_id)
        .where(
            JournalEntry.record_kind == kind,
            JournalEntry.record_id == record.id,
            JournalEntry.record_version > expected,
        )
        .order_by(FieldChange.id)
    ).all()
    changes = [(r[0], r[1], r[2]) for r in rows]
    label = getattr(record, "number", None) or getattr(record, "name", None) or str(record.id)
    detail = "; ".join(f"{f}: {o or '—'} → {n or '—'}" for f, o, n in changes) or _("see its journal")
    raise StaleVersion(
        _("{label} was changed by someone else (version {mine}, now {theirs}): {detail}. Reload and try again.").format(
            label=label, mine=expected, theirs=record.version, detail=detail
        ),
        current_version=record.version,
        changes=changes,
    )


def show_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def apply_changes(record: Any, changes: Mapping[str, Any]) -> list[tuple[str, str | None, str | None]]:
    """Set fields on a record; returns the (field, old, new) of those that really changed."""
    diff = []
    for name, new in changes.items():
        old = getattr(record, name)
        if old != new:
            setattr(record, name, new)
            diff.append((name, show_value(old), show_value(new)))
    return diff


def bump(record: Any) -> None:
    record.version += 1
    if hasattr(record, "updated_at"):
        record.updated_at = utcnow()


# The journal, its field changes and the change feed are written with plain inserts on the
# driver's cursor (store/direct.py), not through the unit of work: an incident's registration
# writes three entries, their field changes and three feed rows, and a mail intake a dozen such
# rows a message. None of these rows is changed after it is written, so nothing needs them in
# the identity map, and they depend on nothing pending in the session (every id they carry was
# assigned before), so nothing is flushed first.
_JOURNAL = JournalEntry.__table__  # type: ignore[attr-defined]
_JOURNAL_INSERT = Direct(insert(_JOURNAL).returning(_JOURNAL.c.id))
_FIELD_CHANGE_INSERT = Direct(insert(FieldChange.__table__))  # type: ignore[attr-defined]
_FEED_INSERT = Direct(insert(ChangeFeed.__table__))  # type: ignore[attr-defined]


def journal(
    session: Session,
    *,
    record_kind: str,
    record_id: int,
    kind: str,
    author: Person | None,
    summary: Message | str = "",
    body: Message | str = "",
    published: bool = False,
    diff: Iterable[tuple[str, str | None, str | None]] = (),
    status_from: str | None = None,
    status_to: str | None = None,
    record_version: int | None = None,
) -> int:
    """Write a journal entry with its field changes (R42); returns the entry's id.

    The desk's own words in `summary` and `body` are a `Message`
    (`Message(N_("Solution taken from {number}"), number=...)`), kept untranslated so that each
    reader sees them in their own language (domain/messages.py); a plain string is text someone
    typed or mailed (a note, a question) and is kept and shown as it is."""
    summary_text, summary_key, summary_args = _stored(summary)
    body_text, body_key, body_args = _stored(body)
    entry_id: int = _JOURNAL_INSERT.scalar(session, {
        "record_kind": record_kind, "record_id": record_id, "kind": kind,
        "author_id": author.id if author else None, "created_at": utcnow(),
        "summary": summary_text, "summary_key": summary_key, "summary_args": summary_args,
        "body": body_text, "body_key": body_key, "body_args": body_args,
        "published": published, "status_from": status_from, "status_to": status_to,
        "record_version": record_version,
    })
    changes = [{"entry_id": entry_id, "field": name, "old_value": old, "new_value": new} for name, old, new in diff]
    if changes:
        _FIELD_CHANGE_INSERT.executemany(session, changes)
    return entry_id


def _stored(text: Message | str) -> tuple[str, str | None, dict[str, Any] | None]:
    """(English text, key, values) of a message; (text, None, None) of a typed text."""
    if isinstance(text, Message):
        return text.stored()
    return text, None, None


def feed(session: Session, record_kind: str, record_id: int, change: str, actor: Person | None) -> None:
    _FEED_INSERT.execute(session, {"record_kind": record_kind, "record_id": record_id, "change": change,
                                   "actor_id": actor.id if actor else None, "at": utcnow()})

