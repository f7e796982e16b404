"""«Електронна пошта» (R7, R8): «Вхідні» and «Вихідні», newest first; a message opens in its own
view with its headers, text and attachments, the source on demand; «Відкрити в батьківському»
goes to the incident it belongs to, «Створити інцидент» makes one from a message whose sender
the desk does not know. Every header and line of a message is shown literally (rule 7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from helpdesk_tui.domain.display import number, when
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.workspace import DataChanged
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.status_header import StatusHeader
from helpdesk_tui.widgets.tab_strip import TabStrip
from helpdesk_tui.widgets.translated import TranslatedBindings, literal
from helpdesk_tui.widgets.failures import SaysFailures

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace
    from helpdesk_tui.mail.mailroom import MailDesk

BOXES = (("inbox", N_("Inbox")), ("outbox", N_("Sent mail")))
INBOUND_STATUS = {
    "new": N_("new"), "incident": N_("made an incident"), "linked": N_("added to an incident"),
    "request": N_("added to a request"),
    "waiting": N_("unknown sender"), "ignored": N_("ignored"), "quarantined": N_("unreadable"),
}
OUTBOUND_STATUS = {"queued": N_("queued"), "retry": N_("will retry"), "sent": N_("sent"), "failed": N_("failed"),
                   "bounced": N_("bounced")}
WAITING = ("waiting", "quarantined")
# Why a message was not made an incident by itself (mail/intake.py): held back for an analyst
# for a reason of its own (too many from one sender, no work group to send it to) it is not a
# stranger's.
HELD_BACK = N_("held for an analyst")
AUTO_KINDS = {"auto_reply": N_("automatic reply"), "bulk": N_("bulk mail"), "list": N_("mailing list"),
              "bounce": N_("delivery report"), "loop": N_("mail loop")}


def mailroom(workspace: Workspace, settings: Any = None) -> MailDesk:
    """The mail desk; `settings` (the app's) give «Створити інцидент» the mailbox's presets."""
    from helpdesk_tui.mail.intake import IntakeSettings
    from helpdesk_tui.mail.mailroom import MailDesk

    return MailDesk(workspace.db, workspace.who, IntakeSettings.from_settings(settings) if settings else None)


def mail_status(box: str, status: str, error: str | None = None) -> str:
    if box == "inbox" and status == "waiting" and error:
        return _(HELD_BACK)
    labels = INBOUND_STATUS if box == "inbox" else OUTBOUND_STATUS
    return _(labels[status]) if status in labels else status


class MailScreen(SaysFailures, TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    MailScreen DataTable { height: 1fr; }
    MailScreen #mail-info { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", N_("Back"), id="mail.back"),
        Binding("right_square_bracket", "box(1)", N_("Next tab"), id="mail.next_box"),
        Binding("left_square_bracket", "box(-1)", N_("Previous tab"), show=False, id="mail.previous_box"),
        Binding("w", "waiting", N_("Waiting only"), id="mail.waiting"),
        Binding("p", "open_parent", N_("Open in parent"), id="mail.open_parent"),
        Binding("r,f5", "reload", N_("Refresh"), id="mail.refresh"),
    ]

    def __init__(self, workspace: Workspace, box: str = "inbox", *, waiting_only: bool = False) -> None:
        super().__init__()
        self.workspace, self.box, self.waiting_only = workspace, box, waiting_only
        self.mail = mailroom(workspace, getattr(self.app, "settings", None))
        self.rows: list[dict[str, Any]] = []
        self.complete = False
        self._loading = False

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield TabStrip([(k, _(label)) for k, label in BOXES], active=self.box, id="boxes", classes="-primary")
        yield DataTable(id="mail-list", cursor_type="row", zebra_stripes=True)
        yield Label("", id="mail-info")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(StatusHeader).set_user(self.workspace.who.full_name, self.workspace.role.label)
        self.query_one(DataTable).focus()
        self.action_reload()

    @on(TabStrip.Activated, "#boxes")
    def _box_chosen(self, event: TabStrip.Activated) -> None:
        self.box = event.key
        self.action_reload()

    def action_box(self, delta: int) -> None:
        self.query_one("#boxes", TabStrip).step(delta)

    def action_waiting(self) -> None:
        self.waiting_only = not self.waiting_only
        if self.box != "inbox":
            self.query_one("#boxes", TabStrip).activate("inbox")
        else:
            self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "waiting":
            return self.box == "inbox" or None
        return True

    def action_reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        # Fixed widths: a long address or subject must not push the status off an 80-column screen.
        labels = [*INBOUND_STATUS.values(), HELD_BACK] if self.box == "inbox" else OUTBOUND_STATUS.values()
        widths = {"at": 16, "who": 26, "status": max(len(_(label)) for label in labels), "incident": 10}
        subject = max(16, self.app.size.width - sum(widths.values()) - 12)
        table.add_column(_("Received") if self.box == "inbox" else _("Sent"), width=widths["at"])
        table.add_column(_("From") if self.box == "inbox" else _("To"), width=widths["who"])
        table.add_column(_("Subject"), width=subject)
        table.add_column(_("Status"), width=widths["status"])
        table.add_column(_("Incident") if self.box == "inbox" else _("Record"), width=widths["incident"])
        self.rows, self.complete = [], False
        self.refresh_bindings()
        self._load(None)

    @work(thread=True, group="mail-list", exclusive=True, exit_on_error=False)
    def _load(self, before_id: int | None) -> None:
        box, waiting = self.box, self.waiting_only
        self._loading = True
        try:
            if box == "inbox":
                page = self.mail.inbox(waiting_only=waiting, before_id=before_id)
            else:
                page = self.mail.outbox(before_id=before_id)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        finally:
            self._loading = False
        self.app.call_from_thread(self._add, box, page)

    def _add(self, box: str, page: list[dict[str, Any]]) -> None:
        if box != self.box:
            return
        from helpdesk_tui.mail.mailroom import PAGE

        table = self.query_one(DataTable)
        for row in page:
            who = (row["name"] or row["from"]) if box == "inbox" else row["to"]
            status = mail_status(box, row["status"], row.get("error"))
            style = "bold yellow" if row["status"] in (*WAITING, "failed", "bounced") else ""
            table.add_row(Text(when(row["at"])), literal(who, one_line=True), literal(row["subject"], one_line=True),
                          Text(status, style=style), Text(row.get("record") or row["incident"] or ""),
                          key=str(row["id"]))
        self.rows += page
        self.complete = len(page) < PAGE
        shown = _("waiting for an analyst") if box == "inbox" and self.waiting_only else _("all")
        self.query_one("#mail-info", Label).update(Text(_("{n} messages · showing: {what}").format(
            n=number(len(self.rows)) + ("" if self.complete else "+"), what=shown)))

    @on(DataTable.RowHighlighted)
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if not self.complete and not self._loading and event.cursor_row >= len(self.rows) - 5 and self.rows:
            self._loading = True
            self._load(self.rows[-1]["id"])

    def _current(self) -> dict[str, Any] | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        row = self._current()
        if row is not None:
            self.app.push_screen(MessageScreen(self.workspace, self.box, row["id"]))

    def action_open_parent(self) -> None:
        open_record(self, self._current())

    def on_data_changed(self, message: DataChanged) -> None:
        if any(kind in ("incident", "inbound_mail", "outbox_message") for kind, _id in message.records):
            self.action_reload()


def record_of(message: dict[str, Any] | None) -> tuple[str, int] | None:
    """The record a message belongs to: a received one's incident or service request, or what a
    sent one was about (an incident, a task, a service request)."""
    if not message:
        return None
    if message.get("record_kind") in ("incident", "task", "service_request") and message.get("record_id"):
        return message["record_kind"], message["record_id"]
    return ("incident", message["incident_id"]) if message.get("incident_id") else None


def open_record(screen: Screen[Any], message: dict[str, Any] | None) -> None:
    """«Відкрити в батьківському»: the record a message belongs to."""
    found = record_of(message)
    if found is None:
        screen.notify(_("This message belongs to no record"), severity="warning", markup=False)
        return
    from helpdesk_tui.screens.record import RecordScreen

    screen.app.push_screen(RecordScreen(screen.workspace, *found))  # type: ignore[attr-defined]


class MessageScreen(SaysFailures, TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    MessageScreen #message { height: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", N_("Back"), id="mail.back"),
        Binding("v", "source", N_("Source"), id="mail.source"),
        Binding("p", "open_parent", N_("Open in parent"), id="mail.open_parent"),
        Binding("n", "create_incident", N_("Create incident"), id="mail.create_incident"),
    ]

    def __init__(self, workspace: Workspace, box: str, message_id: int) -> None:
        super().__init__()
        self.workspace, self.box, self.message_id = workspace, box, message_id
        self.mail = mailroom(workspace, getattr(self.app, "settings", None))
        self.data: dict[str, Any] | None = None
        self.showing_source = False

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        with VerticalScroll(id="message"):
            yield Static(Text(_("Loading…")), id="message-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(StatusHeader).set_user(self.workspace.who.full_name, self.workspace.role.label)
        self.query_one("#message").focus()
        self._load()

    @work(thread=True, group="message", exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        try:
            data = (self.mail.received(self.message_id) if self.box == "inbox"
                    else self.mail.sent(self.message_id))
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, data)

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        self.showing_source = False
        self.query_one("#message-body", Static).update(render_message(data))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "source":
            return self.box == "inbox"
        if action == "create_incident":
            return self.data is not None and self.data["can_create"]
        if action == "open_parent":
            return self.data is None or record_of(self.data) is not None or None
        return True

    def action_source(self) -> None:
        if self.showing_source and self.data is not None:
            self._show(self.data)
            return
        self._load_source()

    @work(thread=True, group="message-source", exit_on_error=False)
    def _load_source(self) -> None:
        source = self.mail.source(self.message_id)
        self.app.call_from_thread(self._show_source, source)

    def _show_source(self, source: str) -> None:
        self.showing_source = True
        head = Text(_("Source of the message as it arrived (v: back to the message)"), style="bold")
        self.query_one("#message-body", Static).update(Text("\n").join([head, literal(source)]))

    def action_open_parent(self) -> None:
        open_record(self, self.data)

    def action_create_incident(self) -> None:
        from helpdesk_tui.screens.dialogs import ChoiceDialog

        if self.data is None or not self.data["can_create"]:
            return
        sender = self.data["from"] or _("no address")
        choices = [("register", _("Create, and register {sender} as a caller").format(sender=sender)),
                   ("anonymous", _("Create without a caller"))]
        if self.data["sender_known"] or not self.data["from"]:
            choices = [("anonymous", _("Create incident"))]
        self.app.push_screen(ChoiceDialog(_("Create incident from this message"), choices),
                             lambda choice: self._create(choice == "register") if choice else None)

    @work(thread=True, group="message-create", exit_on_error=False)
    def _create(self, register_sender: bool) -> None:
        try:
            incident_id, incident_number = self.mail.create_incident(
                self.message_id, register_sender=register_sender)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self._created, incident_id, incident_number)

    def _created(self, incident_id: int, incident_number: str) -> None:
        from helpdesk_tui.screens.record import RecordScreen

        self.notify(_("Registered {number}").format(number=incident_number), markup=False)
        self.app.switch_screen(RecordScreen(self.workspace, "incident", incident_id))


def render_message(data: dict[str, Any]) -> Text:
    box = data["box"]
    lines: list[Text] = []

    def header(label: str, value: Any) -> None:
        if value:
            line = Text(f"{label}: ", style="bold")
            line.append_text(literal(str(value), one_line=True))
            lines.append(line)

    if box == "inbox":
        header(_("From"), f"{data['name']} <{data['from']}>" if data["name"] else data["from"])
        header(_("To"), data["to"])
        header(_("Date"), when(data["date"]) if data["date"] else None)
        header(_("Received"), when(data["received_at"]))
    else:
        header(_("To"), data["to"])
        header(_("Sent"), when(data["date"]) if data["date"] else None)
        header(_("Created"), when(data["created_at"]))
    header(_("Subject"), data["subject"])
    status = Text(_("Status") + ": ", style="bold")
    status.append(mail_status(box, data["status"], data.get("error")),
                  style="bold yellow" if data["status"] in (*WAITING, "failed", "bounced") else "")
    if data.get("auto"):
        status.append(f" ({_(AUTO_KINDS[data['auto']]) if data['auto'] in AUTO_KINDS else data['auto']})", style="dim")
    lines.append(status)
    header(_("Incident") if box == "inbox" else _("Record"), data.get("record") or data["incident"])
    if data.get("error"):
        header(_("Why it waits") if data["status"] == "waiting" else _("Error"), data["error"])
    if data["attachments"]:
        lines.append(Text(_("Attachments"), style="bold underline"))
        for a in data["attachments"]:
            line = Text("  📎 ")
            line.append_text(literal(a["filename"], one_line=True))
            line.append(f"  {a['content_type']}  {number(a['size'])} B", style="dim")
            if a["truncated"]:
                line.append("  " + _("(not kept: too large)"), style="yellow")
            lines.append(line)
    lines.append(Text(""))
    lines.append(literal(data["text"] or "—"))
    return Text("\n").join(lines)
