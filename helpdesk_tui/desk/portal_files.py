"""Files a caller attaches to a reply in the portal (issue 20), within the limits mail has: each
at most [mail] max_attachment_bytes, a few at a time. They are kept with the reply's journal
entry, whose text names them for the analysts (as a received mail lists its attachments), and
handed back only through the ticket they belong to (desk/portal_tickets.py decides who reads it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk.common import desk_staff
from helpdesk_tui.domain.errors import NotFound, RuleViolation
from helpdesk_tui.domain.text import printable
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import Person, PortalAttachment

NAME_MAX = 150


@dataclass(frozen=True)
class FileLimits:
    max_files: int = 5
    max_bytes: int = 25 * 1024 * 1024  # each file: [mail] max_attachment_bytes


_limits = FileLimits()


def configure(limits: FileLimits) -> None:
    global _limits
    _limits = limits


def limits() -> FileLimits:
    return _limits


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def safe_name(name: str) -> str:
    """The file's own name, without any folder a browser sent, shown literally, not too long."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(printable(name, one_line=True).split()).strip(". ")
    if len(name) > NAME_MAX:
        stem, ext = os.path.splitext(name)
        name = stem[:NAME_MAX - len(ext[:20])] + ext[:20]
    return name or "file"


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def checked(uploads: list[Upload]) -> list[Upload]:
    """The files as they will be kept; RuleViolation (field «files») past the limits. A file
    input left empty sends a nameless empty part: it is no file."""
    files = [u for u in uploads if u.filename or u.data]
    if len(files) > _limits.max_files:
        raise RuleViolation(_("Attach at most {n} files at a time").format(n=_limits.max_files), field="files")
    for upload in files:
        if len(upload.data) > _limits.max_bytes:
            raise RuleViolation(_("«{name}» is larger than {limit}").format(
                name=safe_name(upload.filename), limit=size_text(_limits.max_bytes)), field="files")
    return [Upload(safe_name(u.filename), _content_type(u.content_type), u.data) for u in files]


def _content_type(value: str) -> str:
    value = (value or "").split(";")[0].strip().lower()
    if not value or len(value) > 100 or "/" not in value or not value.isprintable():
        return "application/octet-stream"
    return value


def listing(files: list[Upload]) -> str:
    """What the journal entry says of the files: a line each, in no language."""
    return "\n".join(f"📎 {f.filename} ({size_text(len(f.data))})" for f in files)


def keep(session: Session, caller: Person, record_kind: str, record_id: int, entry_id: int,
         files: list[Upload]) -> None:
    for f in files:
        session.add(PortalAttachment(record_kind=record_kind, record_id=record_id, entry_id=entry_id,
                                     person_id=caller.id, filename=f.filename, content_type=f.content_type,  # type: ignore[arg-type]
                                     size=len(f.data), data=f.data))


@dataclass(frozen=True)
class FileRow:
    id: int
    filename: str
    size: str


def files_by_entry(session: Session, record_kind: str, record_id: int) -> dict[int | None, list[FileRow]]:
    """A record's files by the journal entry they came with (without their bytes)."""
    rows = session.execute(select(PortalAttachment.id, PortalAttachment.entry_id, PortalAttachment.filename,
                                  PortalAttachment.size)
                           .where(PortalAttachment.record_kind == record_kind, PortalAttachment.record_id == record_id)
                           .order_by(PortalAttachment.id)).all()
    out: dict[int | None, list[FileRow]] = {}
    for file_id, entry_id, filename, size in rows:
        out.setdefault(entry_id, []).append(FileRow(file_id, filename, size_text(size)))
    return out


def file_of(session: Session, record_kind: str, record_id: int, file_id: int) -> PortalAttachment:
    """One of the record's files; NotFound for any other id (another ticket's included)."""
    row = session.get(PortalAttachment, file_id)
    if row is None or row.record_kind != record_kind or row.record_id != record_id:
        raise NotFound(_("No such file"))
    return row


# --- for the desk's own people ----------------------------------------------------------------------

@dataclass(frozen=True)
class StaffFile:
    id: int
    filename: str
    size: str
    content_type: str
    sent_by: str
    sent_at: object


def files_for_staff(session: Session, actor: Person | None, record_kind: str, record_id: int) -> list[StaffFile]:
    """What callers attached to a ticket through the portal, for the analysts working it."""
    desk_staff(session, actor)
    rows = session.execute(select(PortalAttachment.id, PortalAttachment.filename, PortalAttachment.size,
                                  PortalAttachment.content_type, Person.full_name, PortalAttachment.created_at)
                           .join(Person, Person.id == PortalAttachment.person_id)
                           .where(PortalAttachment.record_kind == record_kind, PortalAttachment.record_id == record_id)
                           .order_by(PortalAttachment.id)).all()
    return [StaffFile(i, name, size_text(size), kind, who, when) for i, name, size, kind, who, when in rows]


def file_for_staff(session: Session, actor: Person | None, record_kind: str, record_id: int,
                   file_id: int) -> PortalAttachment:
    desk_staff(session, actor)
    return file_of(session, record_kind, record_id, file_id)
