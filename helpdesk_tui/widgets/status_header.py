"""The line at the top: who is signed in and in which role, and how the background jobs fare
(the mail poller's last round or its error, the SLA ticker), R43."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from helpdesk_tui.domain.clock import utcnow
from helpdesk_tui.domain.text import printable
from helpdesk_tui.i18n import _


class StatusHeader(Static):
    DEFAULT_CSS = """
    StatusHeader { height: 1; background: $primary-background; color: $text; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.who = ""
        self.role = ""
        self.jobs: dict[str, tuple[str, bool]] = {}
        self.timer: tuple[str, datetime] | None = None  # (record number, started at)
        self._ticking: Timer | None = None

    def on_mount(self) -> None:
        timer = getattr(self.app, "timer_state", None)  # a screen opened while the timer runs
        if timer is not None:
            self.set_timer(timer)

    def set_user(self, who: str, role: str) -> None:
        self.who, self.role = who, role
        self._draw()

    def set_job(self, name: str, text: str, *, error: bool = False) -> None:
        self.jobs[name] = (text, error)
        self._draw()

    def set_timer(self, timer: tuple[str, datetime] | None) -> None:
        """The analyst's running timer (R41): the record and how long, redrawn every second."""
        self.timer = timer
        if timer is not None and self._ticking is None:
            self._ticking = self.set_interval(1, self._draw)
        elif timer is None and self._ticking is not None:
            self._ticking.stop()
            self._ticking = None
        self._draw()

    def _draw(self) -> None:
        line = Text("helpdesk-tui", style="bold")
        if self.who:
            line.append("  ·  ")
            line.append(printable(self.who, one_line=True))
            line.append(f" ({self.role})", style="italic")
        if self.timer is not None:
            number, started = self.timer
            seconds = max(0, int((utcnow() - started).total_seconds()))
            line.append("  ·  ")
            line.append(f"⏱ {number} {seconds // 3600}:{seconds % 3600 // 60:02d}", style="bold green")
        for name in sorted(self.jobs):
            text, error = self.jobs[name]
            line.append("  ·  ")
            line.append(f"{name}: ", style="bold")
            line.append(printable(text, one_line=True), style="red" if error else "")
        self.update(line)

    def job_summary(self) -> str:
        return "; ".join(f"{k}: {v[0]}" for k, v in sorted(self.jobs.items())) or _("no background jobs")
