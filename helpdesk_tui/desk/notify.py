"""Notifications queued in the outbox (R5); the mail issue sends them over SMTP.

Each notification is one outbox row per recipient plus a journal entry on the record, so the
journal shows who was told what (R5). Templates exist in Ukrainian and English; a recipient gets
their own language, or the deployment's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from email.utils import make_msgid

from sqlalchemy import insert, select
from sqlmodel import Session

from helpdesk_tui.desk import settings
from helpdesk_tui.desk.common import journal
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.i18n import N_, translator
from helpdesk_tui.store.direct import Direct
from helpdesk_tui.store.models import GroupMember, Incident, OutboxMessage, Person, Vendor, WorkGroup
from helpdesk_tui.store.types import utcnow


@dataclass(frozen=True)
class Template:
    label: str
    subject: str
    body: str


TEMPLATES: dict[str, Template] = {
    "registered": Template(
        N_("registration"),
        N_("[{number}] Your request is registered: {title}"),
        N_("Hello, {name}.\n\nYour request {number} «{title}» is registered. We will answer soon.\n"
           "Reply to this message to add information; keep [{number}] in the subject."),
    ),
    "assigned_group": Template(
        N_("assignment to a work group"),
        N_("[{number}] Assigned to {group}: {title}"),
        N_("{number} «{title}» is assigned to the work group {group}.\nPriority: {priority}."),
    ),
    "assigned_owner": Template(
        N_("assignment to an owner"),
        N_("[{number}] Assigned to you: {title}"),
        N_("Hello, {name}.\n\n{number} «{title}» is assigned to you.\nPriority: {priority}."),
    ),
    "task_to_group": Template(
        N_("task to a work group"),
        N_("[{number}] New task for {group}: {title}"),
        N_("The work group {group} is asked for help with {parent}:\n\n{text}"),
    ),
    "question": Template(
        N_("question to the caller"),
        N_("[{number}] We need information: {title}"),
        N_("Hello, {name}.\n\nTo go on with {number} «{title}» we need your answer:\n\n{text}\n\n"
           "Reply to this message; keep [{number}] in the subject."),
    ),
    "published_note": Template(
        N_("published note"),
        N_("[{number}] New comment: {title}"),
        N_("Hello, {name}.\n\nA comment was added to {number} «{title}»:\n\n{text}"),
    ),
    "vendor_handoff": Template(
        N_("vendor hand-off"),
        N_("[{number}] Request for {vendor}: {title}"),
        N_("Hello.\n\nWe ask {vendor} for help with {number}:\n\n{title}\n\n{text}"),
    ),
    "resolved": Template(
        N_("resolution"),
        N_("[{number}] Resolved: {title}"),
        N_("Hello, {name}.\n\n{number} «{title}» is resolved:\n\n{text}\n\n"
           "If the problem is solved, reply with the word CLOSE (ЗАКРИТИ) to close it.\n"
           "If it is not, reply and say what is still wrong: the incident reopens.\n"
           "Without an answer it closes by itself in 5 days."),
    ),
    # R39: the client closed it themselves (by mail now, from the portal later).
    "closed_by_caller": Template(
        N_("closure at the caller's request"),
        N_("[{number}] Closed at your request: {title}"),
        N_("Hello, {name}.\n\n{number} «{title}» is closed, as you asked: solved or no longer relevant.\n"
           "If the problem is back, write to us: a new request will be opened and linked to this one."),
    ),
    # R38: one question per ticket; a new question found in a thread becomes a ticket of its own.
    "split": Template(
        N_("a question split off into a ticket of its own"),
        N_("[{number}] Your new question is registered: {title}"),
        N_("Hello, {name}.\n\nYour message in {parent} «{parent_title}» asks a new question. So that each "
           "question gets its own answer, it is registered separately as {number} «{title}».\n"
           "{parent} goes on as before.\n"
           "Reply to this message about the new question; keep [{number}] in the subject."),
    ),
    # R36: a change request is development's work, outside the subscription, agreed beforehand.
    "change_request": Template(
        N_("a change request to agree"),
        N_("[{number}] A change request to agree: {title}"),
        N_("Hello, {name}.\n\n{number} «{title}» is a change request: a change to the program's "
           "functionality, done by development and not covered by the subscription.\n"
           "Work starts once you agree. To agree, reply with the word AGREE (ПОГОДЖУЮ); "
           "to withdraw it, reply CLOSE (ЗАКРИТИ)."),
    ),
    # The callers' portal (issue 20): a one-time sign-in link; desk/portal_auth.py queues it.
    "portal_link": Template(
        N_("portal sign-in link"),
        N_("Your sign-in link to {desk}"),
        N_("Hello, {name}.\n\nTo sign in to {desk}, open this link within {minutes} minutes:\n\n{link}\n\n"
           "The link works once. If you did not ask for it, ignore this message: nobody can sign in "
           "without it."),
    ),
    "sla_warning": Template(
        N_("SLA warning"),
        N_("[{number}] {clock} target at {share}%: {title}"),
        N_("{number} «{title}» has used {share}% of its {clock} target; it is due {due}.\nPriority: {priority}."),
    ),
    "sla_breach": Template(
        N_("SLA breach"),
        N_("[{number}] {clock} target breached: {title}"),
        N_("{number} «{title}» missed its {clock} target ({due}).\nPriority: {priority}."),
    ),
    "auto_closed": Template(
        N_("automatic closure"),
        N_("[{number}] Closed: {title}"),
        N_("Hello, {name}.\n\n{number} «{title}» was resolved {days} days ago and nobody answered, so it is "
           "now closed.\nIf the problem is back, write to us: a new request will be opened and linked to this one."),
    ),
    # Service requests (R27, R28)
    "request_registered": Template(
        N_("registration of a service request"),
        N_("[{number}] Your service request is registered: {title}"),
        N_("Hello, {name}.\n\nYour service request {number} «{title}» is registered.\n{fields}\n"
           "Expected to be done by {due}.\n"
           "Reply to this message to add information; keep [{number}] in the subject."),
    ),
    "approval_needed": Template(
        N_("request for approval"),
        N_("[{number}] Approval needed: {title} [{token}]"),
        N_("Hello, {name}.\n\n{requester} asks for «{item}» ({number}):\n{fields}\n\n"
           "Reply to this message with a first word «Погоджую» (approve) or «Відхиляю» (reject), "
           "then your comment. Keep [{number}] and [{token}] in the subject.\n"
           "Or decide in the help desk: «Запити, які очікують на схвалення»."),
    ),
    "request_approved": Template(
        N_("approval of a service request"),
        N_("[{number}] Approved: {title}"),
        N_("Hello, {name}.\n\nYour service request {number} «{title}» is approved and is being carried out.\n{text}"),
    ),
    "request_rejected": Template(
        N_("rejection of a service request"),
        N_("[{number}] Rejected: {title}"),
        N_("Hello, {name}.\n\nYour service request {number} «{title}» is rejected:\n\n{text}"),
    ),
    "request_implemented": Template(
        N_("implementation of a service request"),
        N_("[{number}] Done: {title}"),
        N_("Hello, {name}.\n\nYour service request {number} «{title}» is carried out.\n\n{text}\n\n"
           "If everything is as you asked, reply with the word CLOSE (ЗАКРИТИ).\n"
           "If it is not, reply and say what is missing: the request goes back to work.\n"
           "Without an answer it closes by itself in {days} days."),
    ),
    # A request has no priority: its work group says whose it is instead.
    "request_sla_warning": Template(
        N_("SLA warning"),
        N_("[{number}] {clock} target at {share}%: {title}"),
        N_("{number} «{title}» has used {share}% of its {clock} target; it is due {due}.\nWork group: {group}."),
    ),
    "request_sla_breach": Template(
        N_("SLA breach"),
        N_("[{number}] {clock} target breached: {title}"),
        N_("{number} «{title}» missed its {clock} target ({due}).\nWork group: {group}."),
    ),
    "request_auto_closed": Template(
        N_("automatic closure"),
        N_("[{number}] Closed: {title}"),
        N_("Hello, {name}.\n\nYour service request {number} «{title}» was carried out {days} days ago and "
           "nobody answered, so it is now closed.\nIf something is still missing, ask for it again: a reply "
           "to this message is read by an analyst."),
    ),
}


def new_message_id(number: str) -> str:
    """A Message-ID of ours, without the angle brackets (as parsed ids are kept)."""
    domain = settings.current().sender_address.rpartition("@")[2] or "helpdesk.invalid"
    return make_msgid(idstring=number, domain=domain).strip("<>")


def _one_line(text: str) -> str:
    """Subjects are headers: no line breaks or control characters may reach them."""
    if not text.isprintable():  # rare: most titles are checked character by character for nothing
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


def _language(person: Person | None) -> str:
    return (person.language if person and person.language else None) or settings.current().notification_language


_OUTBOX_INSERT = Direct(insert(OutboxMessage.__table__))  # type: ignore[attr-defined]  (store/direct.py)


def queue(
    session: Session,
    *,
    template: str,
    record_kind: str,
    record_id: int,
    number: str,
    recipients: Iterable[Person | Vendor],
    author: Person | None,
    values: dict[str, Any],
) -> list[dict[str, Any]]:
    """Queue one message per recipient with an address; journal each. Returns the rows queued."""
    tpl = TEMPLATES[template]
    queued: list[dict[str, Any]] = []
    seen: set[str] = set()
    for recipient in recipients:
        address = (recipient.email or "").strip()
        if not address or address.casefold() in seen:
            continue
        seen.add(address.casefold())
        person = recipient if isinstance(recipient, Person) else None
        lang = _language(person)
        tr = translator(lang)
        name = person.full_name if person else recipient.name  # type: ignore[union-attr]
        # A value may depend on the reader's language (a request's field labels): a function of it.
        fields = {"number": number, "name": name,
                  **{k: v(lang) if callable(v) else v for k, v in values.items()}}
        subject = _one_line(tr(tpl.subject).format(**fields))
        body = tr(tpl.body).format(**fields)
        entry_id = journal(
            session,
            record_kind=record_kind,
            record_id=record_id,
            kind="notification",
            author=author,
            summary=Message(N_("Notification queued: {what} to {address}"), what=Message(tpl.label), address=address),
            body=subject,
        )
        # Core, like the journal: the row is only read later, by the sender, in its own session.
        now = utcnow()
        msg = {
            # Our Message-ID is known from the start, so a reply threads even before we send.
            "message_id": new_message_id(number), "template": template, "language": lang,
            "to_address": address, "to_person_id": person.id if person else None, "subject": subject,
            "body": body, "record_kind": record_kind, "record_id": record_id, "journal_entry_id": entry_id,
            "status": "queued", "attempts": 0, "next_attempt_at": now, "created_at": now,
        }
        _OUTBOX_INSERT.execute(session, msg)  # no flush first, as in journal()
        queued.append(msg)
    return queued


def group_members(session: Session, group_id: int) -> list[Person]:
    stmt = (
        select(Person)
        .join(GroupMember, GroupMember.person_id == Person.id)
        .where(GroupMember.group_id == group_id, Person.active.is_(True))  # type: ignore[attr-defined]
        .order_by(Person.id)
    )
    return list(session.execute(stmt).scalars())


def incident_values(session: Session, incident: Incident, **extra: str) -> dict[str, str]:
    from helpdesk_tui.domain.priority import PRIORITY_LABELS

    group = session.get(WorkGroup, incident.group_id) if incident.group_id else None
    tr = translator(settings.current().notification_language)
    return {
        "title": incident.short_description,
        "group": group.name if group else "",
        "priority": tr(PRIORITY_LABELS[incident.priority]) if incident.priority else "—",
        **extra,
    }
