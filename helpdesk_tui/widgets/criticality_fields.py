"""The criticality (R34), the reason an urgent ticket names (R35) and the channel it came by
(R37): the choices the new-incident form and the record's «Критичність і канал» dialog share.

The reason's choice is on show only while «Термінова» is chosen, so Tab after the criticality
goes to it then, and straight on to the channel otherwise.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Select

from helpdesk_tui.domain.field_values import field_name
from helpdesk_tui.domain.sla import URGENT_REASONS, urgent_reason_missing  # noqa: F401  (the form's words)
from helpdesk_tui.domain.statuses import CHANNEL_ORDER, TICKET_KIND_LABELS, Channel, Criticality
from helpdesk_tui.i18n import _

URGENT = Criticality.URGENT.value


class CriticalityFields(Vertical):
    DEFAULT_CSS = """
    CriticalityFields { height: auto; }
    CriticalityFields #urgent-reason-box { height: auto; }
    CriticalityFields .under-field { color: $error; width: 100%; height: auto; display: none; }
    """

    def __init__(self, *, criticality: str | None = None, urgent_reason: str | None = None,
                 channel: str = Channel.PHONE.value, with_kind: bool = False, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._start = (criticality, urgent_reason, channel)
        # The new-incident form also asks what kind of ticket it is (R36); the record changes
        # the kind with its own key (K), journaled, so its dialog does not.
        self.with_kind = with_kind

    def compose(self) -> ComposeResult:
        criticality, reason, channel = self._start
        yield Label(field_name("criticality"), classes="field")
        yield Select([(Text(c.label), c.value) for c in Criticality], id="criticality",
                     prompt=_("Not set"), value=criticality or Select.NULL)
        with Vertical(id="urgent-reason-box"):
            yield Label(field_name("urgent_reason") + " *", classes="field")
            yield Select([(Text(_(label)), code) for code, label in URGENT_REASONS.items()], id="urgent_reason",
                         prompt=_("Choose…"), value=reason if reason in URGENT_REASONS else Select.NULL)
            yield Label("", id="urgent_reason-error", classes="under-field")
        yield Label(field_name("channel"), classes="field")
        yield Select([(Text(c.label), c.value) for c in CHANNEL_ORDER], id="channel", allow_blank=False,
                     value=channel)
        if self.with_kind:
            yield Label(field_name("ticket_kind"), classes="field")
            yield Select([(Text(_(label)), code) for code, label in TICKET_KIND_LABELS.items()], id="ticket_kind",
                         allow_blank=False, value="incident")

    def on_mount(self) -> None:
        self.show_reason(self._start[0] == URGENT)

    @on(Select.Changed, "#criticality")
    def _criticality_chosen(self, event: Select.Changed) -> None:
        self.show_reason(event.value == URGENT)

    def show_reason(self, shown: bool) -> None:
        self.query_one("#urgent-reason-box").display = shown

    def _chosen(self, name: str) -> str | None:
        value = self.query_one(f"#{name}", Select).value
        return value if isinstance(value, str) else None

    def values(self) -> dict[str, str | None]:
        """What is chosen, as the desk takes it: a reason only for an urgent ticket."""
        criticality = self._chosen("criticality")
        chosen = {"criticality": criticality,
                  "urgent_reason": self._chosen("urgent_reason") if criticality == URGENT else None,
                  "channel": self._chosen("channel") or Channel.PHONE.value}
        if self.with_kind:
            chosen["kind"] = self._chosen("ticket_kind") or "incident"
        return chosen

    def problem(self) -> tuple[str, str] | None:
        """R35, before the desk is asked: urgent without a reason (message, field to go to)."""
        chosen = self.values()
        if chosen["criticality"] == URGENT and chosen["urgent_reason"] is None:
            return urgent_reason_missing(), "urgent_reason"
        return None
