"""Background jobs run from the shell (`mail poll`, `mail send`): the job's lease held for the
run and let go at its end, whoever holds it named, and Ctrl+C or SIGTERM ending the run at the
next safe point instead of in the middle of a server conversation."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from helpdesk_tui.cli.output import say
from helpdesk_tui.desk import jobs
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.i18n import _
from helpdesk_tui.store.db import Database


class Stop(threading.Event):
    """Set by the first Ctrl+C or SIGTERM; `signal` says which came."""

    signal: int | None = None


@contextmanager
def stopping() -> Iterator[Stop]:
    """Ctrl+C and SIGTERM set the event the job checks between its steps: a KeyboardInterrupt
    raised in the middle of an IMAP IDLE left the server waiting for DONE, and the logout that
    followed waited out the connection's timeout. A second Ctrl+C interrupts at once."""
    stop = Stop()
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield stop
        return

    def asked(signum: int, _frame: Any) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.signal = signum
        stop.set()

    previous = {sig: signal.signal(sig, asked) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _busy(lease: jobs.Lease, what: str) -> str:
    return _("{job}: held by {host}, pid {pid}, since {since}").format(job=what, host=lease.host, pid=lease.pid,
                                                                      since=when(lease.since))


def hold(db: Database, name: str, holder: str, what: str, *, wait: bool, stop: threading.Event) -> bool:
    """Take the job's lease for this run. Held by another live process: say who, and fail, or
    with `wait` wait until it is free. False when stopped while waiting."""
    said: str | None = None
    while not stop.is_set():
        with db.write() as session:
            if jobs.acquire_lease(session, name, holder):
                return True
            lease = jobs.live_lease(session, name)
        if lease is None:
            stop.wait(0.05)  # freed between the two looks: try again
            continue
        if not wait:
            raise RuleViolation(_busy(lease, what) + ". " + _("--wait waits until it is free."))
        if said != lease.holder:
            say(_busy(lease, what) + ". " + _("Waiting until it is free…"))
            said = lease.holder
        stop.wait(1.0)
    return False


def release(db: Database, name: str, holder: str) -> None:
    """The lease given back at the end of a run: the next run need not wait for it to expire."""
    with db.write() as session:
        jobs.release_lease(session, name, holder)


def run_held(db: Database, name: str, holder: str, what: str, *, wait: bool, stop: threading.Event,
             job: Callable[[], None]) -> bool:
    """`job` under the lease, which is given back however the job ends; False when the run was
    stopped before it got the lease."""
    if not hold(db, name, holder, what, wait=wait, stop=stop):
        return False
    try:
        job()
    finally:
        release(db, name, holder)
    return True
