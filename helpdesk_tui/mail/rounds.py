"""One round of each background job, for the app's workers (R43): the SLA ticker with
auto-close and the outbox, and the mailbox poller. Each answers with one line for the header;
only the process holding a job's lease does the work."""

from __future__ import annotations

from collections.abc import Callable

from helpdesk_tui.config import Settings
from helpdesk_tui.desk import jobs
from helpdesk_tui.domain.display import when
from helpdesk_tui.i18n import _
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.types import utcnow


def _failed(stamp: str, detail: object) -> tuple[str, bool]:
    return _("{time} error: {detail}").format(time=stamp, detail=detail), True


def guarded(round_: Callable[[Database, Settings, str], tuple[str, bool]], db: Database, settings: Settings,
            holder: str) -> tuple[str, bool]:
    """A round whose surprise (a bug, a worker that cannot start) is its header line too, with
    the error's type: the app runs rounds in workers, where an uncaught error stopped the job
    with nothing said. The next round tries again."""
    try:
        return round_(db, settings, holder)
    except Exception as exc:
        return _failed(when(utcnow())[-5:], f"{type(exc).__name__}: {exc}")


def ticker_round(db: Database, settings: Settings, holder: str) -> tuple[str, bool]:
    """(what to show, whether it is an error)."""
    stamp = when(utcnow())[-5:]
    try:
        report = jobs.tick(db, holder)
    except Exception as exc:  # the header says what went wrong; the next round tries again
        return _failed(stamp, exc)
    if not report.held:
        return _("run by another session"), False
    text = _("{time} ✓").format(time=stamp)
    if report.breaches or report.warnings:
        text += " " + _("warnings {w}, breaches {b}").format(w=report.warnings, b=report.breaches)
    if settings.smtp.host:
        from helpdesk_tui.mail.outbox import send_due

        sent = send_due(db, settings.smtp, settings.sender_address, holder=holder)
        if sent.errors:
            return text + "; " + _("mail not sent: {detail}").format(detail=sent.errors[0]), True
    return text, False


def mail_round(db: Database, settings: Settings, holder: str) -> tuple[str, bool]:
    from helpdesk_tui.mail import parse_pool, poller
    from helpdesk_tui.mail.intake import IntakeSettings

    stamp = when(utcnow())[-5:]
    parse_pool.start()  # up before the first storm, not started by it
    try:
        client = poller.connect(settings.imap)
    except Exception as exc:  # no password, server down: shown, retried next round
        return _failed(stamp, exc)
    try:
        report = poller.poll_once(db, client, IntakeSettings.from_settings(settings), holder=holder,
                                  processed_folder=settings.processed_folder)
    finally:
        try:
            client.logout()
        except Exception:  # the connection may already be gone
            pass
    if report.error:
        return _failed(stamp, report.error)
    if not report.held:
        return _("read by another session"), False
    return _("{time} ✓ new {n}").format(time=stamp, n=report.fetched), False


def release(db: Database, holder: str) -> None:
    from helpdesk_tui.mail.poller import LEASE

    with db.write() as session:
        jobs.release_lease(session, jobs.TICKER, holder)
        jobs.release_lease(session, LEASE, holder)
