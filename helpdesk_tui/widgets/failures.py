"""Background steps that fail are said, never swallowed.

Every worker here runs with exit_on_error=False, so one failure cannot close the desk. Textual
tells only the node that started a worker how it ended (the message does not bubble), so each
screen and widget with workers takes this mixin; an error nothing caught becomes an error
notification, the error's text shown literally (rule 7). Without it a failed step left a
screen waiting, or a job stopped, with nothing said.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.worker import Worker, WorkerState

from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.text import printable
from helpdesk_tui.i18n import _


class SaysFailures:
    """Mixin for a screen, widget or the app that runs workers."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state == WorkerState.ERROR and error is not None:
            self.app.notify(f"{type(error).__name__}: {printable(str(error), one_line=True)}",  # type: ignore[attr-defined]
                            title=_("Something went wrong"), severity="error", timeout=15)

    def from_worker(self, call: Callable[[], Any], then: Callable[[Any], None] | None = None, *,
                    said: str | None = None) -> bool:
        """In a worker thread: one desk call; a refusal is said (literally) and False returned;
        otherwise `said` is said and `then(result)` runs on the interface's thread."""
        app = self.app  # type: ignore[attr-defined]
        try:
            result = call()
        except DeskError as exc:
            app.call_from_thread(app.notify, exc.message, severity="error", markup=False)
            return False
        if said:
            app.call_from_thread(app.notify, said, markup=False)
        if then is not None:
            app.call_from_thread(then, result)
        return True
