"""Parsing a backlog in a second process while the first writes (R7: a mail storm).

The poller writes one batch while the next is fetched; parsing that next batch here too, in a
process of its own, takes it off the writer's core (parsing is a fifth of a message's cost).
The worker imports only the parser. Anything that goes wrong in it (a crash, a parser bug)
sends the message back to be parsed in the poller's own process, where intake's usual handling
keeps and quarantines what cannot be read: the pool can only make intake faster, never lose mail.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TextIO

from helpdesk_tui.mail.parse import ParsedMail, UnparseableMail, parse_mail

Parsed = tuple[ParsedMail | None, str | None]

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_ready: Future[None] | None = None  # the worker has started and imported the parser


def _parse_one(job: tuple[bytes, int, frozenset[str]]) -> Parsed | None:
    raw, max_attachment_bytes, own_addresses = job
    try:
        return parse_mail(raw, max_attachment_bytes=max_attachment_bytes, own_addresses=own_addresses), None
    except UnparseableMail as exc:
        return None, str(exc)
    except Exception:  # the poller's process parses it again and reports what went wrong
        return None


def _follow_parent(parent: int) -> None:
    """In the worker: leave when the poller is gone. A poller killed with SIGKILL cannot stop
    its pool, and a spawned worker is not told; without this each crash left one behind.
    Ctrl+C reaches the whole foreground process group: the worker leaves stopping to the
    poller, which shuts it down (interrupted, it printed a traceback and its queue's
    semaphores were reported leaked)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def _warm() -> None:
    """Nothing: run once, it says the worker is up."""


def _has_descriptor(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        return False


@contextlib.contextmanager
def _stderr_with_a_descriptor() -> Iterator[None]:
    """multiprocessing gives the resource tracker it starts a copy of stderr's descriptor. In
    the TUI stderr is Textual's capture, whose fileno() is -1, and the start failed ("bad
    value(s) in fds_to_keep"): the app's mail round died before it asked the server anything.
    The process's own stderr (or /dev/null) stands in while the pool starts."""
    if _has_descriptor(sys.stderr):
        yield
        return
    saved = sys.stderr
    stand_in = sys.__stderr__ if _has_descriptor(sys.__stderr__) else open(os.devnull, "w")  # noqa: SIM115
    sys.stderr = stand_in
    try:
        yield
    finally:
        sys.stderr = saved
        if stand_in is not sys.__stderr__:
            stand_in.close()


def _worker_pool() -> ProcessPoolExecutor | None:
    """The worker, once it is up; None while it starts (about a second: a new process imports
    the parser), or when it cannot start, so a poller restarted often never waits for it."""
    global _pool, _ready
    with _lock:
        if _pool is None:
            try:
                with _stderr_with_a_descriptor():
                    # spawn, not fork: the poller has threads (the prefetch), and a forked
                    # child would inherit their locks.
                    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                               initializer=_follow_parent, initargs=(os.getpid(),))
                    _ready = pool.submit(_warm)
                    _pool = pool
            except Exception:  # no worker (no processes allowed, say): the poller parses itself
                return None
        return _pool if _ready is not None and _ready.done() else None


def start(wait: float | None = None) -> bool:
    """Start the worker now: a poller that starts it with itself meets its first backlog with
    the worker up, instead of parsing the first second's mail itself. `wait`: seconds to wait
    for it. True when it is up."""
    _worker_pool()
    ready = _ready
    if ready is None:
        return False
    if wait:
        try:
            ready.result(timeout=wait)
        except Exception:  # not up in time, or it failed to start: the poller parses itself
            return False
    return ready.done() and ready.exception() is None


def stop() -> None:
    """Shut the worker down and wait for it, as a poller ends."""
    global _pool, _ready
    with _lock:
        pool, _pool, _ready = _pool, None, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _discard_pool() -> None:
    global _pool, _ready
    with _lock:
        pool, _pool, _ready = _pool, None, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def parse_batch(raws: dict[int, bytes], max_attachment_bytes: int, own_addresses: frozenset[str]) -> dict[int, Parsed]:
    """uid -> (parsed, error) for the messages the worker could parse; the rest are left out
    (all of them while the worker starts)."""
    pool = _worker_pool() if raws else None
    if pool is None:
        return {}
    jobs: list[Any] = [(raw, max_attachment_bytes, own_addresses) for raw in raws.values()]
    try:
        results = list(pool.map(_parse_one, jobs, chunksize=10))
    except Exception:  # a broken pool (the worker was killed): parse in-process from now on
        _discard_pool()
        return {}
    return {uid: result for uid, result in zip(raws, results) if result is not None}
