"""SSH deployments (R1): one service account owns the database; each analyst's public key maps
to their login through a forced command in its authorized_keys (the gitolite way), so who
someone is comes from their key, never from what they type. The lines are made from these
records (`helpdesk ssh-keys sync`), never edited by hand."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import shlex
import struct
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import security
from helpdesk_tui.desk.common import require_role
from helpdesk_tui.domain.errors import DeskError, NotFound, RuleViolation
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import Person, SshKey

KEY_TYPES = (
    "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
)
# A login goes into a shell command line in authorized_keys: only characters that need no quoting.
SAFE_LOGIN = re.compile(r"^[A-Za-z0-9._@+-]+$")
BEGIN = "# helpdesk-tui keys: begin (written by `helpdesk ssh-keys sync`; edits here are lost)"
END = "# helpdesk-tui keys: end"


@dataclass(frozen=True)
class PublicKey:
    key_type: str
    key_data: str
    comment: str
    fingerprint: str


def parse_public_key(text: str) -> PublicKey:
    """One OpenSSH public key line (`type base64 [comment]`), checked, with its SHA256 fingerprint."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if len(lines) != 1:
        raise RuleViolation(_("A key file holds one public key line (`ssh-ed25519 AAAA… comment`); this one has {n}")
                            .format(n=len(lines)), field="key")
    parts = lines[0].split(None, 2)
    if len(parts) < 2 or parts[0] not in KEY_TYPES:
        raise RuleViolation(_("Not an OpenSSH public key: it starts with one of {types}").format(
            types=", ".join(KEY_TYPES[:3]) + ", …"), field="key")
    key_type, data = parts[0], parts[1]
    try:
        blob = base64.b64decode(data, validate=True)
        (length,) = struct.unpack(">I", blob[:4])
        embedded = blob[4:4 + length].decode("ascii")
    except (binascii.Error, struct.error, UnicodeDecodeError, ValueError):
        raise RuleViolation(_("The key's data is damaged (not the base64 of an SSH key)"), field="key") from None
    if embedded != key_type:
        raise RuleViolation(_("The key says it is {inner} but is labelled {outer}").format(
            inner=embedded, outer=key_type), field="key")
    comment = parts[2].strip() if len(parts) > 2 else ""
    comment = "".join(c for c in comment if c.isprintable())[:200]
    fingerprint = "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return PublicKey(key_type, data, comment, fingerprint)


def add_key(session: Session, actor: Person | None, person: Person, key_text: str) -> SshKey:
    actor = require_role(session, actor, Role.ADMIN)
    if not SAFE_LOGIN.match(person.login):
        raise RuleViolation(_("The login «{login}» has characters a forced command cannot carry; "
                              "SSH keys need a login of letters, digits and . _ @ + -").format(login=person.login))
    key = parse_public_key(key_text)
    taken = session.execute(select(SshKey, Person.login).join(Person, Person.id == SshKey.person_id)
                            .where(SshKey.fingerprint == key.fingerprint)).first()
    if taken is not None:
        raise DeskError(_("This key ({fingerprint}) already belongs to {login}").format(
            fingerprint=key.fingerprint, login=taken[1]))
    row = SshKey(person_id=person.id, key_type=key.key_type, key_data=key.key_data, comment=key.comment,  # type: ignore[arg-type]
                 fingerprint=key.fingerprint)
    session.add(row)
    session.flush()
    security.record(session, "ssh_key_added", person=person, actor=actor, detail=key.fingerprint)
    return row


def remove_key(session: Session, actor: Person | None, fingerprint_or_id: str) -> SshKey:
    actor = require_role(session, actor, Role.ADMIN)
    wanted = fingerprint_or_id.strip()
    cond = SshKey.id == int(wanted) if wanted.isdigit() and len(wanted) < 10 else SshKey.fingerprint == wanted
    row = session.execute(select(SshKey).where(cond)).scalar_one_or_none()
    if row is None:
        raise NotFound(_("No SSH key {key}").format(key=wanted))
    session.delete(row)
    security.record(session, "ssh_key_removed", person=session.get(Person, row.person_id), actor=actor,
                    detail=row.fingerprint)
    return row


@dataclass(frozen=True)
class KeyRow:
    id: int
    login: str
    full_name: str
    active: bool
    key_type: str
    fingerprint: str
    comment: str
    created_at: datetime


def list_keys(session: Session, actor: Person | None) -> list[KeyRow]:
    require_role(session, actor, Role.ADMIN)
    rows = session.execute(
        select(SshKey, Person.login, Person.full_name, Person.active).join(Person, Person.id == SshKey.person_id)
        .order_by(Person.login, SshKey.id)
    ).all()
    return [KeyRow(k.id, login, name, active, k.key_type, k.fingerprint, k.comment, k.created_at)  # type: ignore[arg-type]
            for k, login, name, active in rows]


def forced_command(program: str, login: str) -> str:
    return f"{shlex.quote(program)} ssh-serve {shlex.quote(login)}"


def authorized_block(session: Session, actor: Person | None, program: str) -> list[str]:
    """The managed block of authorized_keys: one line per key of an active person."""
    actor = require_role(session, actor, Role.ADMIN)
    lines = [BEGIN]
    for row in list_keys(session, actor):
        if not row.active or not SAFE_LOGIN.match(row.login):
            continue
        key = session.get(SshKey, row.id)
        command = forced_command(program, row.login).replace("\\", "\\\\").replace('"', '\\"')
        # restrict: no forwarding of any kind; pty: the TUI needs a terminal.
        lines.append(f'command="{command}",restrict,pty {key.key_type} {key.key_data} {row.login}')  # type: ignore[union-attr]
    lines.append(END)
    security.record(session, "ssh_keys_synced", actor=actor, detail=str(len(lines) - 2))
    return lines


def merge_block(existing: str, block: list[str]) -> str:
    """authorized_keys with the managed block replaced (or added); other lines kept as they are."""
    out: list[str] = []
    inside = placed = False
    for line in existing.splitlines():
        if line.strip() == BEGIN:
            inside = True
            if not placed:
                out.extend(block)
                placed = True
            continue
        if inside:
            if line.strip() == END:
                inside = False
            continue
        out.append(line)
    if not placed:
        out.extend(block)
    return "\n".join(out) + "\n"
