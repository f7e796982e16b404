"""Background steps that fail are said, never swallowed.

Every worker here runs with exit_on_error=False, so one failure cannot close the desk. Textual
tells only the node that started a worker how it ended (the message does not bubble), so each
screen and widget with workers takes this mixin; an error nothing caught becomes an error
notification, the error's text shown literally (rule 7). Without it a failed step left a
screen waiting, or a job stopped, with nothing said.
"""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from helpdesk_tui.domain.text import printable
from helpdesk_tui.i18n import _


class SaysFailures:
    """Mixin for a screen, widget or the app that runs workers."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state == WorkerState.ERROR and error is not None:
            self.app.notify(f"{type(error).__name__}: {printable(str(error), one_line=True)}",  # type: ignore[attr-defined]
                            title=_("Something went wrong"), severity="error", timeout=15)
