"""Parsed mail -> desk operations (R5, R7, R8, R22, R26, R37).

- A reply in a thread goes to its incident and makes it the desk's turn (R40): to «Потрібна
  інформація» it is the answer and sets «Інформацію надано» (R22); to «Вирішено» it reopens,
  unless it only confirms (the resolution mail asks for the word ЗАКРИТИ/CLOSE); to a closed
  incident it opens a new incident linked to the closed one, which stays unchanged.
- The caller's own reply whose first line is «Закрити звернення» (or ЗАКРИТИ, CLOSE) closes the
  incident from any status (R39, desk/caller_close.py); to one closed already it is only kept.
  From any other address it is an ordinary reply.
- A reply about a service request (its number in the subject, or our mail about it in its
  headers), or with an approval token, goes to mail/request_intake.py.
- A registered sender's new message opens an incident with channel e-mail; the mailbox may preset
  service and work group (R19). An unknown sender's waits for «Створити інцидент» (R7).
- Every incident has a work group or an owner (R3). Mail is registered by the desk itself, which
  can own nothing: without a work group for it (`[mail] group`, or the preset service's default
  group) a new message waits for an analyst, saying why, as mature desks do (Zammad and RT take
  mail only into a group or queue). An analyst who then creates the incident owns it, unless a
  group is set by then.
- Machine mail (auto-replies, bulk and list mail, bounces, our own mail coming back) is kept and
  shown in its thread but never answered and never reopens anything (no mail loops).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session

from helpdesk_tui.config import Settings
from helpdesk_tui.desk import approvals, caller_close, change_requests, incidents, mailbox, notes, request_mail
from helpdesk_tui.desk.admin import create_person
from helpdesk_tui.desk.system import system_person
from helpdesk_tui.domain.statuses import Channel, IncidentStatus
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.urgency import criticality_from_mail
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.mail.parse import ParsedMail, UnparseableMail, parse_mail, strip_quoted_reply
from helpdesk_tui.mail import request_intake
from helpdesk_tui.mail.replies import first_line, is_agreement, is_close_request, is_confirmation
from helpdesk_tui.store.models import Incident, InboundMail, Person, Service, WorkGroup

SUBJECT_MAX = 200


@dataclass(frozen=True)
class IntakeSettings:
    mailbox: str = "INBOX"
    service: str | None = None  # presets for what this mailbox receives (R19)
    group: str | None = None
    rate_limit_per_hour: int = 20
    max_attachment_bytes: int = 25 * 1024 * 1024
    own_addresses: frozenset[str] = frozenset()
    max_message_bytes: int = 40 * 1024 * 1024  # over it, the poller takes the header only

    @classmethod
    def from_settings(cls, cfg: Settings) -> IntakeSettings:
        return cls(mailbox=cfg.mailbox, service=cfg.intake_service, group=cfg.intake_group,
                   rate_limit_per_hour=cfg.rate_limit_per_hour, max_attachment_bytes=cfg.max_attachment_bytes,
                   max_message_bytes=cfg.max_message_bytes, own_addresses=frozenset({cfg.sender_address.lower()}))


@dataclass(frozen=True)
class IntakeResult:
    mail_id: int
    # duplicate | quarantined | ignored | incident | linked | answered | reopened | closed | waiting;
    # for an approval reply: approved | rejected | note | refused (mail/request_intake.py)
    outcome: str
    incident: str | None = None
    request: str | None = None  # the number of the service request it went to


def _title(mail: InboundMail) -> str:
    subject = re.sub(r"^\s*((re|fw|fwd|відп|переслати|ответ)\s*:\s*)+", "", mail.subject or "", flags=re.IGNORECASE)
    subject = mailbox.SUBJECT_TAG.sub("", subject).strip()
    return (subject or _("(no subject)"))[:SUBJECT_MAX]


def parse_for_intake(raw: bytes, settings: IntakeSettings) -> tuple[ParsedMail | None, str | None]:
    """(parsed, None), or (None, why) for a message that cannot be read: kept, quarantined."""
    try:
        return parse_mail(raw, max_attachment_bytes=settings.max_attachment_bytes,
                          own_addresses=settings.own_addresses), None
    except UnparseableMail as exc:
        return None, str(exc)


def ingest(session: Session, raw: bytes, settings: IntakeSettings = IntakeSettings(), *,
           uidvalidity: int | None = None, uid: int | None = None,
           parsed: tuple[ParsedMail | None, str | None] | None = None) -> IntakeResult:
    """Store one message and do what it asks; everything in the caller's transaction.
    `parsed`: parse_for_intake's answer when the caller parsed it already (in another process)."""
    parsed_mail, error = parsed if parsed is not None else parse_for_intake(raw, settings)
    mail, new = mailbox.receive(session, raw=raw, parsed=parsed_mail, error=error, mailbox=settings.mailbox,
                                uidvalidity=uidvalidity, uid=uid)
    if not new:
        return IntakeResult(mail.id, "duplicate", None)  # type: ignore[arg-type]
    if parsed_mail is None:
        mailbox.keep(session, mail, None)
        return IntakeResult(mail.id, "quarantined")  # type: ignore[arg-type]
    result = route(session, mail, settings, attachments=parsed_mail.attachments)
    mailbox.keep(session, mail, parsed_mail)  # written once, with what routing decided
    return replace(result, mail_id=mail.id)


def ingest_batch(session: Session, messages: Sequence[tuple[int, bytes]], settings: IntakeSettings, *,
                 uidvalidity: int | None = None,
                 parsed: Mapping[int, tuple[ParsedMail | None, str | None]] | None = None) -> list[IntakeResult]:
    """A poll's batch of (uid, raw) in the caller's transaction, each message in its own
    savepoint, so one bad message cannot take the others down: a surprise while taking one in
    keeps it, quarantined with what went wrong. `parsed`: by uid, what another process parsed."""
    ready = dict(parsed or {})
    for uid, raw in messages:
        if uid not in ready:
            try:
                ready[uid] = parse_for_intake(raw, settings)
            except Exception:  # parsed again in ingest, whose failure is caught and kept below
                pass
    prime(session, (ready[uid][0] for uid, _raw in messages if uid in ready))
    results = []
    for uid, raw in messages:
        try:
            with session.begin_nested():
                result = ingest(session, raw, settings, uidvalidity=uidvalidity, uid=uid, parsed=ready.get(uid))
        except Exception as exc:  # a bug or a surprise in one message: keep it, go on
            with session.begin_nested():
                mail, _new = mailbox.store_inbound(session, raw=raw, parsed=None, mailbox=settings.mailbox,
                                                   uidvalidity=uidvalidity, uid=uid,
                                                   error=f"intake failed: {type(exc).__name__}: {exc}")
            result = IntakeResult(mail.id, "quarantined")  # type: ignore[arg-type]
        results.append(result)
    return results


# A poll writes a batch of messages in one transaction, and a storm comes from few senders: who
# a sender is and how many incidents their mail opened this hour are looked up once per batch
# and counted on from there. (A message rolled back after counting leaves the count one high:
# the limit errs on the side of an analyst looking.)
_SENDERS = "helpdesk.intake_senders"
_RECENT = "helpdesk.intake_recent_incidents"
_PRESETS = "helpdesk.intake_presets"


def _recent_incidents(session: Session) -> dict[int, int]:
    return session.info.setdefault(_RECENT, {})  # type: ignore[no-any-return]


def prime(session: Session, mails: Iterable[ParsedMail | None]) -> None:
    """Look up a batch's senders and their counts for the rate limit at once, one query each
    (a storm from fifty callers otherwise asked a hundred times per batch)."""
    known: dict[str, Person | None] = session.info.setdefault(_SENDERS, {})
    addresses = {m.from_address.lower() for m in mails if m is not None and m.from_address} - known.keys()
    found = mailbox.senders_by_address(session, addresses)
    known.update(found)
    recent = _recent_incidents(session)
    callers = {p.id for p in found.values() if p is not None} - recent.keys()
    recent.update(mailbox.new_incidents_by_caller(session, callers))  # type: ignore[arg-type]


def _sender(session: Session, mail: InboundMail) -> Person | None:
    known: dict[str, Person | None] = session.info.setdefault(_SENDERS, {})
    key = (mail.from_address or "").lower()
    if key in known and (known[key] is None or known[key] in session):
        return known[key]
    known[key] = person = mailbox.sender_of(session, mail)
    return person


def route(session: Session, mail: InboundMail, settings: IntakeSettings, *,
          attachments: Iterable[Any] | None = None) -> IntakeResult:
    """What a message asks, done. `mail` may not be written yet (ingest writes it afterwards,
    and its id in the answer then), its parsed attachments given in `attachments`."""
    system = system_person(session)
    thread = mailbox.thread_of(session, mail)
    request = request_mail.thread_of(session, mail) if thread is None else None
    sender = _sender(session, mail)
    if mail.auto == "bounce":
        bounced = mailbox.bounced_notification(session, mail, attachments)
        if bounced is not None:
            bounced.status, bounced.last_error = "bounced", _("returned: {subject}").format(subject=mail.subject)
            if thread is None and bounced.record_kind == "incident" and bounced.record_id is not None:
                thread = session.get(Incident, bounced.record_id)
            if thread is None and request is None:
                request = request_mail.about(session, bounced)
    if mail.auto:
        # Shown to the analysts where it belongs, changing nothing: an out-of-office answer to an
        # approval request, its token in the subject, decides nothing either.
        if thread is not None:
            mailbox.record_email(session, mail, thread, sender=sender, status="ignored", published=False)
        elif request is not None:
            request_mail.record_email(session, mail, request, sender=sender, status="ignored", published=False)
        else:
            mail.status = "ignored"
        return IntakeResult(mail.id, "ignored", thread.number if thread else None,  # type: ignore[arg-type]
                            request.number if request else None)
    reply = strip_quoted_reply(mail.text)
    token = approvals.token_in(mail.subject) if thread is None else None
    if token is not None:
        return _routed(mail, request_intake.approval_reply(session, system, mail, token, sender=sender, reply=reply,
                                                           threaded=request))
    if request is not None:
        return _routed(mail, request_intake.reply(session, system, mail, request, sender=sender, reply=reply))
    if thread is not None:
        return _reply(session, system, mail, thread, sender, settings, reply)
    return _new_incident(session, system, mail, sender, settings, reply)


def _reply(session: Session, system: Person, mail: InboundMail, thread: Incident, sender: Person | None,
           settings: IntakeSettings, reply: str) -> IntakeResult:
    """A reply threaded onto an incident, done."""
    status = IncidentStatus(thread.status)
    ended = status in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED)
    asks_to_close = is_close_request(reply) or (status is IncidentStatus.RESOLVED and is_confirmation(reply))
    # R39: only the caller's own address closes; anyone else's «Закрити» is an ordinary reply.
    closes = asks_to_close and sender is not None and sender.id == thread.caller_id
    if ended and not closes:
        return _new_incident(session, system, mail, sender, settings, reply, related=thread)
    if ended:  # closed already: the caller's words are kept with it, and that is all
        mailbox.record_email(session, mail, thread, sender=sender, text=reply, touch=False)
        return IntakeResult(mail.id, "linked", thread.number)  # type: ignore[arg-type]
    if closes:
        mailbox.record_email(session, mail, thread, sender=sender, text=reply)
        caller_close.close_by_caller(session, sender, thread, Channel.EMAIL, reply)
        return IntakeResult(mail.id, "closed", thread.number)  # type: ignore[arg-type]
    mailbox.record_email(session, mail, thread, sender=sender, text=reply, turn="desk")  # R40: they wrote last
    if thread.kind == "change_request" and thread.agreed_at is None and is_agreement(reply) \
            and sender is not None and sender.id == thread.caller_id:
        # R36: the caller's own «Погоджую» to a change request is the agreement work waits for.
        how = _("By e-mail from {name} <{address}>: {words}").format(
            name=sender.full_name, address=mail.from_address or "", words=first_line(reply))
        change_requests.record_agreement(session, system, thread, how)
        return IntakeResult(mail.id, "agreed", thread.number)  # type: ignore[arg-type]
    if status is IncidentStatus.INFO_NEEDED:
        incidents.change_status(session, system, thread, IncidentStatus.INFO_PROVIDED,
                                answer=reply or mail.text or _("(see the e-mail)"))
        return IntakeResult(mail.id, "answered", thread.number)  # type: ignore[arg-type]
    if status is IncidentStatus.RESOLVED:
        if asks_to_close:
            # Somebody other than the caller asks to close: not theirs to decide, and reopening
            # on a message that says «it is solved» would be the opposite of what they meant.
            return IntakeResult(mail.id, "linked", thread.number)  # type: ignore[arg-type]
        incidents.reopen_incident(session, system, thread, reason=reply or _("The caller replied to the resolution"))
        return IntakeResult(mail.id, "reopened", thread.number)  # type: ignore[arg-type]
    return IntakeResult(mail.id, "linked", thread.number)  # type: ignore[arg-type]


def _routed(mail: InboundMail, routed: request_intake.Routed) -> IntakeResult:
    return IntakeResult(mail.id, routed.outcome, request=routed.request)  # type: ignore[arg-type]


def _new_incident(session: Session, system: Person, mail: InboundMail, sender: Person | None, settings: IntakeSettings,
                  reply: str, related: Incident | None = None) -> IntakeResult:
    if sender is None:
        mail.status = "waiting"  # R7: an analyst decides
        return IntakeResult(mail.id, "waiting")  # type: ignore[arg-type]
    recent = _recent_incidents(session)
    if sender.id not in recent:
        recent[sender.id] = mailbox.new_incidents_from(session, sender)  # type: ignore[index]
    if recent[sender.id] >= settings.rate_limit_per_hour:  # type: ignore[index]
        mail.status = "waiting"
        mail.error = _("More than {n} new incidents from this sender in an hour: waiting for an analyst").format(
            n=settings.rate_limit_per_hour)
        return IntakeResult(mail.id, "waiting")  # type: ignore[arg-type]
    _service, group, why = presets(session, settings)
    if group is None:
        mail.status, mail.error = "waiting", why
        return IntakeResult(mail.id, "waiting")  # type: ignore[arg-type]
    incident = create_incident_from_mail(session, system, mail, caller=sender, settings=settings, reply=reply)
    recent[sender.id] += 1  # type: ignore[index]
    if related is not None:
        notes.link_records(session, system, incident, to_kind="incident", to_id=related.id)  # type: ignore[arg-type]
    return IntakeResult(mail.id, "incident", incident.number)  # type: ignore[arg-type]


def create_incident_from_mail(session: Session, actor: Person, mail: InboundMail, *, caller: Person | None = None,
                              register_sender: bool = False, settings: IntakeSettings = IntakeSettings(),
                              reply: str | None = None) -> Incident:
    """«Створити інцидент» (R7): from a waiting message, optionally registering its sender.
    `reply`: the message's new part when the caller has it already (routing does). With no work
    group for mail, the analyst who creates it owns it (R3: somebody answers for it)."""
    mailbox.ensure_waiting(mail)
    if caller is None:
        caller = mailbox.sender_of(session, mail)
    if caller is None and register_sender and mail.from_address:
        caller = create_person(session, actor, login=mailbox.login_for(session, mail.from_address),
                               full_name=mail.from_name or mail.from_address, email=mail.from_address,
                               from_mail=True)
    service, group, _why = presets(session, settings)
    description = (strip_quoted_reply(mail.text) if reply is None else reply) or mail.text
    criticality, reason, unexplained = criticality_from_mail(mail.subject or "", description)
    incident = incidents.register_incident(session, actor, caller=caller, short_description=_title(mail),
                                           description=description, channel=Channel.EMAIL, service=service,
                                           group=group, owner=actor if group is None else None,
                                           criticality=criticality, urgent_reason=reason)
    mailbox.record_email(session, mail, incident, sender=caller, status="incident", touch=False)
    if unexplained:
        notes.desk_note(session, actor, incident, Message(N_("Marked urgent without a reason")),
                        Message(N_("The caller marked it urgent but named none of the three reasons of an urgent "
                                   "ticket; set the criticality when the reason is known.")))
    return incident


def presets(session: Session, settings: IntakeSettings) -> tuple[Service | None, WorkGroup | None, str | None]:
    """The service and work group mail is registered with, and, when there is no group, why."""
    # Asked for every message of a batch: the names are looked up once per session.
    known: dict[tuple[str | None, str | None], tuple[int | None, int | None]] = session.info.setdefault(_PRESETS, {})
    key = (settings.service, settings.group)
    if key not in known:
        service = _named(session, Service, settings.service)
        group = _named(session, WorkGroup, settings.group)
        if group is None and service is not None and service.default_group_id:
            group = session.get(WorkGroup, service.default_group_id)
        known[key] = (service.id if service else None, group.id if group else None)
    service_id, group_id = known[key]
    service = session.get(Service, service_id) if service_id else None
    group = session.get(WorkGroup, group_id) if group_id else None
    if group is not None:
        return service, group, None
    if settings.group:
        why = _("The work group «{name}» set for mail ([mail] group) does not exist: waiting for an analyst")
        return service, None, why.format(name=settings.group)
    return service, None, _("No work group is set for mail ([mail] group): waiting for an analyst")


def _named(session: Session, model: type, name: str | None):  # type: ignore[no-untyped-def]
    if not name:
        return None
    from sqlalchemy import select

    return session.execute(select(model).where(model.name == name)).scalar_one_or_none()  # type: ignore[attr-defined]
