"""Sending the outbox (R5) through SMTP: queued -> sent, or retried with backoff, or failed with
the reason kept. Runs under a lease, inside the app and in `helpdesk jobs run`.

Every message says it is automatic (RFC 3834 Auto-Submitted, Precedence: bulk,
X-Auto-Response-Suppress) and carries our loop header, so well-behaved responders stay quiet
and intake recognises our own mail coming back. User text never becomes a header line: the
subject was made one line when queued, and EmailMessage refuses CR/LF in headers anyway.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.config import ServerSettings
from helpdesk_tui.desk.common import journal
from helpdesk_tui.desk.jobs import acquire_lease
from helpdesk_tui.desk.system import system_person
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.i18n import N_
from helpdesk_tui.mail.credentials import CredentialError, password_for
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import InboundMail, OutboxMessage
from helpdesk_tui.store.types import utcnow

LOOP_HEADER = "X-Helpdesk-Loop"
LEASE = "outbox"
MAX_ATTEMPTS = 8
BATCH = 50


@dataclass
class SendReport:
    held: bool = True
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def compose(session: Session, msg: OutboxMessage, sender: str, loop_id: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = formataddr(("HELP DESK", sender))
    email["To"] = msg.to_address
    email["Subject"] = msg.subject
    email["Message-ID"] = f"<{msg.message_id}>"
    email["Date"] = format_datetime(utcnow())
    email["Auto-Submitted"] = "auto-generated"
    email["X-Auto-Response-Suppress"] = "All"
    email["Precedence"] = "bulk"
    email[LOOP_HEADER] = loop_id
    thread = _thread_ids(session, msg)
    if thread:
        email["In-Reply-To"] = f"<{thread[-1]}>"
        email["References"] = " ".join(f"<{i}>" for i in thread[-10:])
    email.set_content(msg.body, charset="utf-8")
    return email


def _thread_ids(session: Session, msg: OutboxMessage) -> list[str]:
    """The caller's last message in this incident (or service request), so their mail program
    threads our answer."""
    kept_with = {"incident": InboundMail.incident_id, "service_request": InboundMail.request_id}.get(msg.record_kind or "")
    if kept_with is None or msg.record_id is None:
        return []
    ids = session.execute(select(InboundMail.message_id).where(
        kept_with == msg.record_id, InboundMail.message_id.is_not(None)).order_by(InboundMail.id)).scalars()
    return [i for i in ids if i]


def _connect(server: ServerSettings, password: str | None) -> smtplib.SMTP:
    if server.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        if server.security == "starttls":
            client.starttls(context=ssl.create_default_context())
    if server.user and password is not None:
        client.login(server.user, password)
    return client


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** attempts, 6 * 60))


def send_due(db: Database, server: ServerSettings, sender: str, *, holder: str, now: datetime | None = None,
             password: str | None = None) -> SendReport:
    """Send what is due; each message's outcome is committed on its own."""
    now = now or utcnow()
    with db.write() as session:
        if not acquire_lease(session, LEASE, holder, now=now):
            return SendReport(held=False)
        due = [m.id for m in session.execute(select(OutboxMessage).where(
            OutboxMessage.status.in_(("queued", "retry")), OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id).limit(BATCH)).scalars()]
    report = SendReport()
    if not due:
        return report
    if password is None and server.user:
        try:
            password = password_for("smtp", server).password
        except CredentialError as exc:
            report.errors.append(str(exc))
            return report
    try:
        client = _connect(server, password)
    except (OSError, smtplib.SMTPException) as exc:
        report.errors.append(f"SMTP {server.host}:{server.port}: {exc}")
        return report
    loop_id = f"{socket.gethostname()}/{sender}"
    try:
        for msg_id in due:
            broken: Exception | None = None
            with db.write() as session:
                msg = session.get(OutboxMessage, msg_id)
                if msg is None or msg.status not in ("queued", "retry"):
                    continue
                msg.attempts += 1
                try:
                    client.send_message(compose(session, msg, sender, loop_id), from_addr=sender, to_addrs=[msg.to_address])
                except smtplib.SMTPRecipientsRefused as exc:
                    _fail(session, msg, Message(N_("the server refused the address: {detail}"),
                                                detail=str(exc.recipients)))
                    report.failed += 1
                except smtplib.SMTPResponseException as exc:
                    if 500 <= exc.smtp_code < 600 or msg.attempts >= MAX_ATTEMPTS:
                        _fail(session, msg, f"{exc.smtp_code} {exc.smtp_error!r}")
                        report.failed += 1
                    else:
                        _retry(msg, f"{exc.smtp_code} {exc.smtp_error!r}", now)
                        report.retried += 1
                except (OSError, smtplib.SMTPException) as exc:
                    _retry(msg, str(exc), now)  # committed below; the connection is gone
                    report.retried += 1
                    broken = exc
                else:
                    msg.status, msg.sent_at, msg.last_error = "sent", utcnow(), None
                    report.sent += 1
            if broken is not None:  # the rest waits for the next round
                report.errors.append(str(broken))
                break
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return report


def _retry(msg: OutboxMessage, reason: str, now: datetime) -> None:
    msg.status, msg.last_error = "retry", reason
    msg.next_attempt_at = now + _backoff(msg.attempts)


def _fail(session: Session, msg: OutboxMessage, reason: Message | str) -> None:
    """`reason`: our own words as a `Message` (the journal shows them in each reader's
    language), or the server's answer as it came."""
    msg.status, msg.last_error = "failed", reason.text() if isinstance(reason, Message) else reason
    if msg.record_kind and msg.record_id is not None:
        journal(session, record_kind=msg.record_kind, record_id=msg.record_id, kind="notification",
                author=system_person(session),
                summary=Message(N_("Notification to {address} failed: {reason}"), address=msg.to_address,
                                reason=reason))
