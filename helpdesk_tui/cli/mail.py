"""`helpdesk mail ...`: the inbox and outbox (R7, R8), ingesting files, reprocessing."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated, Optional

import typer
from sqlalchemy import select

from helpdesk_tui.cli.output import emit_json, fields, say, table, to_terminal
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import mailbox
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.text import printable
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import Incident, InboundMail, MailAttachment, OutboxMessage, ServiceRequest
from helpdesk_tui.store.types import utcnow

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
mail_app = typer.Typer(help="Mail: inbox and outbox, ingest, reprocess, create incidents.", no_args_is_help=True)

STATUS_LABELS = {
    "new": "new", "incident": "incident", "linked": "linked", "request": "request", "waiting": "waiting",
    "ignored": "ignored", "quarantined": "quarantined",
}


@mail_app.command("list")
def mail_list(
    outbox: Annotated[bool, typer.Option("--outbox/--inbox", help="«Вихідні» instead of «Вхідні».")] = False,
    waiting: Annotated[bool, typer.Option("--waiting", help="Only messages waiting for an analyst.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """«Вхідні» and «Вихідні» (R8)."""
    with state.read() as s:
        if outbox:
            rows = list(s.execute(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)).scalars())
            data = [{"id": m.id, "to": m.to_address, "subject": m.subject, "status": m.status, "template": m.template,
                     "created_at": m.created_at, "sent_at": m.sent_at, "error": m.last_error,
                     "record_kind": m.record_kind, "record_id": m.record_id} for m in rows]
            if as_json:
                emit_json(data)
            else:
                table(["#", _("To"), _("Subject"), _("Status"), _("Created")],
                      [(d["id"], d["to"], d["subject"], d["status"], d["created_at"]) for d in data])
            return
        stmt = (select(InboundMail, Incident.number, ServiceRequest.number)
                .outerjoin(Incident, Incident.id == InboundMail.incident_id)
                .outerjoin(ServiceRequest, ServiceRequest.id == InboundMail.request_id))
        if waiting:
            stmt = stmt.where(mailbox.waiting_mail_filter())
        rows2 = s.execute(stmt.order_by(InboundMail.id.desc()).limit(limit)).all()
    data = [{"id": m.id, "from": m.from_address, "name": m.from_name, "subject": m.subject, "status": m.status,
             "auto": m.auto, "incident": number, "request": request, "received_at": m.received_at, "error": m.error}
            for m, number, request in rows2]
    if as_json:
        emit_json(data)
    else:
        table(["#", _("From"), _("Subject"), _("Status"), _("Incident"), _("Received")],
              [(d["id"], d["from"], d["subject"], d["status"] + (f" ({d['auto']})" if d["auto"] else ""),
                d["incident"] or d["request"], d["received_at"]) for d in data])


@mail_app.command("show")
def mail_show(mail_id: int, raw: Annotated[bool, typer.Option("--raw", help="The message's source.")] = False,
              as_json: JsonOpt = False) -> None:
    """One received message: headers, text, attachments; its source on demand."""
    with state.read() as s:
        m = mailbox.find_mail(s, mail_id)
        number = s.get(Incident, m.incident_id).number if m.incident_id else None  # type: ignore[union-attr]
        request = s.get(ServiceRequest, m.request_id).number if m.request_id else None  # type: ignore[union-attr]
        attachments = list(s.execute(select(MailAttachment).where(MailAttachment.mail_id == m.id)).scalars())
    if raw:
        _write_source(m.raw)
        return
    data = {"id": m.id, "from": m.from_address, "name": m.from_name, "to": m.to_addresses, "subject": m.subject,
            "date": m.sent_at, "received_at": m.received_at, "status": m.status, "auto": m.auto, "incident": number,
            "request": request,
            "message_id": m.message_id, "text": m.text, "error": m.error, "defects": m.defects.splitlines(),
            "attachments": [{"filename": a.filename, "content_type": a.content_type, "size": a.size,
                             "truncated": a.truncated} for a in attachments]}
    if as_json:
        emit_json(data)
        return
    fields([(_("From"), f"{m.from_name} <{m.from_address}>"), (_("To"), m.to_addresses), (_("Subject"), m.subject),
            (_("Date"), when(m.sent_at)), (_("Status"), m.status), (_("Incident"), number or ""),
            *([(_("Service request"), request)] if request else [])])
    say("\n" + (m.text or m.error or ""))
    if attachments:
        table([_("Attachment"), _("Type"), _("Size")], [(a.filename, a.content_type, a.size) for a in attachments])


def _write_source(raw: bytes) -> None:
    """A message's bytes exactly, into a pipe or a file (to save or re-send it); on a terminal
    escaped, since a sender's ESC, BEL and CSI would otherwise drive the analyst's terminal."""
    import sys

    if to_terminal():
        sys.stdout.write(printable(raw.decode("utf-8", errors="replace")))
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(raw)
    sys.stdout.buffer.flush()


@mail_app.command("ingest")
def mail_ingest(files: Annotated[list[Path], typer.Argument(help=".eml files to take in as if they had arrived.")],
                as_json: JsonOpt = False) -> None:
    """Take in message files (an import, or a test of the intake rules)."""
    from helpdesk_tui.mail.intake import ingest

    state.ready_db()  # who may take mail in is decided before any file is read
    contents = []
    for file in files:  # every file is read before any is taken in: a bad name takes in nothing
        try:
            contents.append((file, file.read_bytes()))
        except OSError as exc:
            raise DeskError(_("Cannot read {file}: {detail}").format(file=file, detail=exc.strerror or exc)) from None
    results = []
    for file, content in contents:
        with state.write() as s:
            r = ingest(s, content)
        results.append({"file": str(file), "mail": r.mail_id, "outcome": r.outcome, "incident": r.incident,
                        "request": r.request})
    if as_json:
        emit_json(results)
    else:
        table([_("File"), "#", _("Outcome"), _("Incident")],
              [(r["file"], r["mail"], r["outcome"], r["incident"] or r["request"]) for r in results])


@mail_app.command("reprocess")
def mail_reprocess(mail_id: int) -> None:
    """Parse a quarantined message again (after a fix) and do what it asks."""
    from helpdesk_tui.mail.intake import route
    from helpdesk_tui.mail.parse import UnparseableMail, parse_mail

    with state.write() as s:
        m = mailbox.find_mail(s, mail_id)
        mailbox.ensure_waiting(m)
        try:
            parsed = parse_mail(m.raw)
        except UnparseableMail as exc:
            m.error = str(exc)
            say(_("Still unreadable: {error}").format(error=exc))
            return
        m.status, m.error = "new", None
        mailbox.refill(s, m, parsed)
        result = route(s, m, _intake_settings())
    say(_("{outcome}: {incident}").format(outcome=result.outcome, incident=result.incident or result.request or "—"))


@mail_app.command("create-incident")
def mail_create_incident(
    mail_id: int,
    register_sender: Annotated[bool, typer.Option("--register-sender", help="Add the unknown sender as a person.")] = False,
    caller: Annotated[Optional[str], typer.Option("--caller", help="Or name the caller.")] = None,
) -> None:
    """«Створити інцидент» from a waiting message (R7)."""
    from helpdesk_tui.desk.lookup import find_person
    from helpdesk_tui.mail.intake import create_incident_from_mail

    with state.write() as s:
        m = mailbox.find_mail(s, mail_id)
        incident = create_incident_from_mail(s, state.actor(s), m, caller=find_person(s, caller) if caller else None,
                                             register_sender=register_sender, settings=_intake_settings())
        number = incident.number
    say(_("Registered {number}").format(number=number))


def _intake_settings():  # type: ignore[no-untyped-def]
    from helpdesk_tui.mail.intake import IntakeSettings

    return IntakeSettings.from_settings(state.settings)


WaitOpt = Annotated[bool, typer.Option("--wait", help="If another process holds the job, wait for it instead of failing.")]


@mail_app.command("poll")
def mail_poll(once: Annotated[bool, typer.Option("--once", help="One round, then exit.")] = False,
              interval: Annotated[float, typer.Option("--interval", min=1, max=86_400,
                                                        help="Seconds between rounds without IDLE.")] = 60.0,
              wait: WaitOpt = False) -> None:
    """Read the help-desk mailbox: new mail becomes incidents, answers, or waits (R7)."""
    from helpdesk_tui.cli.background import run_held, stopping
    from helpdesk_tui.desk.jobs import holder_id
    from helpdesk_tui.mail import parse_pool, poller

    imap = state.settings.imap
    if not imap.host:
        raise mailbox.RuleViolation(_("No IMAP server configured ([mail.imap] host in the config file)"))
    db = state.ready_db()
    holder = holder_id()

    def show(report: poller.PollReport) -> None:
        if report.error:
            say(f"{when(utcnow())} IMAP: {report.error}")
        elif report.fetched:
            say(f"{when(utcnow())} " + ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items())))

    with stopping() as stop:
        def one_round() -> None:
            client = poller.connect(imap)
            try:
                show(poller.poll_once(db, client, _intake_settings(), holder=holder, stop=stop,
                                      processed_folder=state.settings.processed_folder))
            finally:
                client.logout()

        def rounds() -> None:
            poller.run(db, imap, _intake_settings(), holder=holder, stop=stop,
                       processed_folder=state.settings.processed_folder, interval=interval, report=show)

        try:
            run_held(db, poller.LEASE, holder, _("Reading the mailbox"), wait=wait, stop=stop,
                     job=one_round if once else rounds)
        finally:
            parse_pool.stop()
    if stop.signal == signal.SIGINT:
        raise typer.Exit(130)


@mail_app.command("send")
def mail_send(wait: WaitOpt = False) -> None:
    """Send the notifications that are due now."""
    from helpdesk_tui.cli.background import run_held, stopping
    from helpdesk_tui.desk.jobs import holder_id
    from helpdesk_tui.mail.outbox import LEASE, send_due

    if not state.settings.smtp.host:
        raise mailbox.RuleViolation(_("No SMTP server configured ([mail.smtp] host in the config file)"))
    db = state.ready_db()
    holder = holder_id()

    def send() -> None:
        report = send_due(db, state.settings.smtp, state.settings.sender_address, holder=holder)
        say(_("mail sent {n}, to retry {r}, failed {f}").format(n=report.sent, r=report.retried, f=report.failed))
        for error in report.errors:
            say(error)

    with stopping() as stop:
        run_held(db, LEASE, holder, _("Sending the outbox"), wait=wait, stop=stop, job=send)
    if stop.signal == signal.SIGINT:
        raise typer.Exit(130)


@mail_app.command("check")
def mail_check() -> None:
    """Which password source answers for each server, and whether IMAP and SMTP accept us."""
    import smtplib

    from imapclient.exceptions import IMAPClientError

    from helpdesk_tui.mail.credentials import CredentialError, password_for
    from helpdesk_tui.mail.outbox import _connect
    from helpdesk_tui.mail.poller import connect

    failed = False
    for kind, server in (("imap", state.settings.imap), ("smtp", state.settings.smtp)):
        label = kind.upper()
        if not server.host:
            say(_("{server}: not configured").format(server=label))
            continue
        password = None
        if server.user:
            try:
                found = password_for(kind, server)
            except CredentialError as exc:
                say(f"{label}: {exc}")
                failed = True
                continue
            password = found.password
            say(_("{server} password: from {source}").format(server=label, source=found.source))
        try:
            if kind == "imap":
                client = connect(server, password)
                folders = len(client.list_folders())
                client.logout()
                say(_("{server} {host}:{port}: signed in, {n} folders").format(server=label, host=server.host,
                                                                               port=server.port, n=folders))
            else:
                _connect(server, password).quit()
                say(_("{server} {host}:{port}: connected").format(server=label, host=server.host, port=server.port))
        except (OSError, smtplib.SMTPException, IMAPClientError) as exc:
            say(f"{label} {server.host}:{server.port}: {exc}")
            failed = True
    if state.settings.imap.host:
        from helpdesk_tui.mail.intake import presets

        with state.read() as s:
            _service, group, why = presets(s, _intake_settings())
        say(_("New mail becomes incidents of the work group «{group}»").format(group=group.name) if group else why)
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(mail_app, name="mail")
