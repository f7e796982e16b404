"""The line at the top: who is signed in and in which role, and how the background jobs fare
(the mail poller's last round or its error, the SLA ticker), R43."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

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

    def set_user(self, who: str, role: str) -> None:
        self.who, self.role = who, role
        self._draw()

    def set_job(self, name: str, text: str, *, error: bool = False) -> None:
        self.jobs[name] = (text, error)
        self._draw()

    def _draw(self) -> None:
        line = Text("helpdesk-tui", style="bold")
        if self.who:
            line.append("  ·  ")
            line.append(printable(self.who, one_line=True))
            line.append(f" ({self.role})", style="italic")
        for name in sorted(self.jobs):
            text, error = self.jobs[name]
            line.append("  ·  ")
            line.append(f"{name}: ", style="bold")
            line.append(printable(text, one_line=True), style="red" if error else "")
        self.update(line)

    def job_summary(self) -> str:
        return "; ".join(f"{k}: {v[0]}" for k, v in sorted(self.jobs.items())) or _("no background jobs")
