"""Dialogs for the record view's everyday corrections (R3, R21, R24, R25, R34–R38): the
incident's words, its criticality and channel, its work group and owner, the configuration item
it is about, a vendor's task without a status change, a comment on a task, a question split off
into an incident of its own. Each saves through desk/record_edits.py; a refusal keeps what was
typed (incident_dialogs' base)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static, TextArea

from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.lifecycle import field_label
from helpdesk_tui.domain.statuses import SPLITTABLE_KINDS, Channel
from helpdesk_tui.domain.text import entry_title, printable
from helpdesk_tui.i18n import _
from helpdesk_tui.screens.form_guard import Problem
from helpdesk_tui.screens.saving_dialog import DIALOG_FORM_CSS, SavingDialog
from helpdesk_tui.widgets.criticality_fields import CriticalityFields
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.translated import literal

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace


def _title(record: dict[str, Any], what: str) -> Text:
    return Text(f"{record['number']} · {what}")


class EditWordsDialog(SavingDialog):
    """Correct the short description and the description."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="EditWordsDialog")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_title(self.record, _("Edit")), classes="title")
            yield Label(field_label("short_description") + " *")
            yield Input(self.record["short_description"], id="short", max_length=200)
            yield Label(field_label("description"))
            yield TextArea(self.record.get("description") or "", id="description", tab_behavior="focus")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        short = self.query_one("#short", Input)
        short.focus()
        short.cursor_position = len(short.value)

    def problem(self) -> Problem | None:
        if not self.query_one("#short", Input).value.strip():
            return _("{field} is required").format(field=field_label("short_description")), "short"
        return None

    def values(self) -> dict[str, Any]:
        return {"short_description": self.query_one("#short", Input).value.strip(),
                "description": self.query_one("#description", TextArea).text}

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.edits.update_words(self.record["id"], expected_version=self.version, **values)


class CriticalityDialog(SavingDialog):
    """The criticality (R34), the reason an urgent incident names (R35) and its channel (R37)."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="CriticalityDialog")

    def compose(self) -> ComposeResult:
        record = self.record
        with Vertical():
            yield Label(_title(record, _("Criticality and channel")), classes="title")
            yield CriticalityFields(criticality=record.get("criticality"), urgent_reason=record.get("urgent_reason"),
                                    channel=record.get("channel") or Channel.PHONE.value, id="profile")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#criticality").focus()

    def problem(self) -> Problem | None:
        return self.query_one(CriticalityFields).problem()

    def values(self) -> dict[str, Any]:
        return self.query_one(CriticalityFields).values()

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.edits.change_criticality(self.record["id"], expected_version=self.version, **values)


class AssignDialog(SavingDialog):
    """Another work group and owner; «nobody» leaves the incident to the group (R3)."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="AssignDialog")
    NOBODY = -1

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_title(self.record, _("Assign")), classes="title")
            yield Label(field_label("group"))
            yield Select([], id="group", type_to_search=True, prompt=_("Choose…"))
            yield Label(field_label("owner"))
            yield Select([], id="owner", type_to_search=True, prompt=_("Choose…"))
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#group").focus()
        self._load_groups()

    @work(thread=True, group="assign-groups", exit_on_error=False)
    def _load_groups(self) -> None:
        groups = self.workspace.work_groups()
        self.app.call_from_thread(self._groups, groups)

    def _groups(self, groups: list[tuple[int, str]]) -> None:
        select = self.query_one("#group", Select)
        select.set_options([(literal(name, one_line=True), gid) for gid, name in groups])
        current = self.record.get("group_id")
        if current in {g for g, _n in groups}:
            select.value = current
        self._load_members(current if isinstance(current, int) else None)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "group":
            self._load_members(event.value if isinstance(event.value, int) else None)

    @work(thread=True, group="assign-members", exclusive=True, exit_on_error=False)
    def _load_members(self, group_id: int | None) -> None:
        members = self.workspace.members(group_id) if group_id else []
        self.app.call_from_thread(self._members, members)

    def _members(self, members: list[tuple[int, str]]) -> None:
        select = self.query_one("#owner", Select)
        select.set_options([(_("Nobody: the work group's queue"), self.NOBODY)]
                           + [(literal(name, one_line=True), pid) for pid, name in members])
        current = self.record.get("owner_id")
        select.value = current if current in {p for p, _n in members} else self.NOBODY

    def values(self) -> dict[str, Any] | None:
        group = self.query_one("#group", Select).value
        owner = self.query_one("#owner", Select).value
        return {"group_id": group if isinstance(group, int) else None,
                "owner_id": owner if isinstance(owner, int) and owner != self.NOBODY else None}

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.edits.assign(self.record["id"], expected_version=self.version, **values)


class ConfigItemDialog(SavingDialog):
    """What the incident is about (R25): a configuration item, its service's first, or none."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="ConfigItemDialog")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_title(self.record, field_label("configuration_item")), classes="title")
            yield Label(field_label("configuration_item"))
            yield Select([], id="configuration_item", type_to_search=True, prompt=_("None"))
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#configuration_item").focus()
        self._load()

    @work(thread=True, group="record-items", exit_on_error=False)
    def _load(self) -> None:
        items = self.workspace.edits.configuration_items(self.record.get("service_id"))
        self.app.call_from_thread(self.filled, lambda: self._items(items))

    def _items(self, items: list[tuple[int, str]]) -> None:
        select = self.query_one("#configuration_item", Select)
        select.set_options([(literal(name, one_line=True), item_id) for item_id, name in items])
        if self.record.get("configuration_item_id") in {i for i, _n in items}:
            select.value = self.record["configuration_item_id"]

    def values(self) -> dict[str, Any]:
        item = self.query_one("#configuration_item", Select).value
        return {"item_id": item if isinstance(item, int) else None}

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.edits.set_configuration_item(self.record["id"], expected_version=self.version, **values)


class VendorTaskDialog(SavingDialog):
    """«Зовнішнє завдання» for a vendor while the incident stays where it is (R24)."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="VendorTaskDialog")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_title(self.record, _("External task")), classes="title")
            yield Label(_("Vendor") + " *")
            yield Select([], id="vendor", type_to_search=True, prompt=_("Choose…"))
            yield Label(field_label("short_description") + " *")
            yield Input(id="short", max_length=200)
            yield Label(_("Details"))
            yield TextArea(id="details", tab_behavior="focus")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#vendor").focus()
        self._load()

    @work(thread=True, group="vendor-list", exit_on_error=False)
    def _load(self) -> None:
        vendors = self.workspace.vendors()
        self.app.call_from_thread(self.query_one("#vendor", Select).set_options,
                                  [(literal(name, one_line=True), vid) for vid, name in vendors])

    def problem(self) -> Problem | None:
        vendor = self.query_one("#vendor", Select).value
        if not isinstance(vendor, int) or not self.query_one("#short", Input).value.strip():
            return (_("An external task needs a vendor and a short description"),
                    "vendor" if not isinstance(vendor, int) else "short")
        return None

    def values(self) -> dict[str, Any]:
        return {"vendor_id": self.query_one("#vendor", Select).value,
                "short_description": self.query_one("#short", Input).value.strip(),
                "details": self.query_one("#details", TextArea).text}

    def write(self, values: dict[str, Any]) -> None:
        number = self.workspace.edits.vendor_task(self.record["id"], **values)
        self.app.call_from_thread(self.app.notify, _("{number} created").format(number=number))


class TaskCommentDialog(SavingDialog):
    """A comment on a task: its owner and the incident's owner see it unread (R16, R29)."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="TaskCommentDialog")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_title(self.record, _("Comment")), classes="title")
            yield TextArea(id="comment", tab_behavior="focus")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#comment").focus()

    def problem(self) -> Problem | None:
        if not self.query_one("#comment", TextArea).text.strip():
            return _("{field} is required").format(field=field_label("comment")), "comment"
        return None

    def values(self) -> dict[str, Any]:
        return {"text": self.query_one("#comment", TextArea).text.strip()}

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.edits.comment_task(self.record["id"], values["text"])


def splittable(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The journal entries of an incident that can be split off (R38), newest first."""
    return [e for e in reversed(record.get("journal") or []) if e["kind"] in SPLITTABLE_KINDS]


def entry_line(entry: dict[str, Any]) -> str:
    """One entry as the list of what to split off shows it: when, who, what it says."""
    said = entry.get("summary") if entry["kind"] == "note" and entry.get("summary") else entry.get("body")
    first = next((line for line in (said or "").splitlines() if line.strip()), "")
    line = " · ".join((when(entry["created_at"]), entry.get("author") or _("system"), first.strip()))
    return printable(line, one_line=True)[:90]


class SplitDialog(SavingDialog):
    """R38: the question in one e-mail or note as an incident of its own; its short description
    is the message's subject or first line until the analyst says otherwise."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="SplitDialog") + """
    SplitDialog #said { height: auto; max-height: 10; border: round $panel; padding: 0 1; }
    """

    def __init__(self, workspace: Workspace, record: dict[str, Any], entry: dict[str, Any]) -> None:
        super().__init__(workspace, record)
        self.entry = entry
        self.created: tuple[int, str] | None = None  # the new incident's id and number, once saved

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_title(self.record, _("Split off into a new incident")), classes="title")
            with VerticalScroll(id="said"):
                yield Static(literal(self.entry.get("body") or self.entry.get("summary") or ""))
            yield Label(field_label("short_description") + " *")
            yield Input(entry_title(self.entry["kind"], self.entry.get("summary") or "", self.entry.get("summary_args"),
                                    self.entry.get("body") or "", thread_title=self.record["short_description"]),
                        id="short", max_length=200)
            yield Label(_("The caller gets a message with the new number."), classes="hint")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        short = self.query_one("#short", Input)
        short.focus()
        short.cursor_position = len(short.value)

    def problem(self) -> Problem | None:
        if not self.query_one("#short", Input).value.strip():
            return _("{field} is required").format(field=field_label("short_description")), "short"
        return None

    def values(self) -> dict[str, Any]:
        return {"short_description": self.query_one("#short", Input).value.strip()}

    def write(self, values: dict[str, Any]) -> None:
        self.created = self.workspace.edits.split(self.record["id"], self.entry["id"], **values)
