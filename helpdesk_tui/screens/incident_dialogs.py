"""Dialogs on an open incident: a status change asking only what that status needs (R22, R25,
R26), and «ADD » Примітки» (R23). Ctrl+S saves; a refusal keeps the text; a stale copy (another
analyst saved first) says what changed, and Ctrl+S again applies the text on top of it. Esc asks
before throwing typed text away, and a message about missing fields follows the fields
(screens/form_guard.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from helpdesk_tui.domain.errors import OpenTasks
from helpdesk_tui.domain.lifecycle import REQUIRED_FOR, field_label
from helpdesk_tui.domain.priority import LEVELS, level_label, priority_label
from helpdesk_tui.domain.statuses import IncidentStatus, ReasonCode
from helpdesk_tui.i18n import _
from helpdesk_tui.screens.dialogs import ConfirmDialog
from helpdesk_tui.screens.form_guard import Problem
from helpdesk_tui.screens.saving_dialog import DIALOG_FORM_CSS, SavingDialog, dialog_title
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.text_field import TextBox, TextField
from helpdesk_tui.widgets.translated import literal

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace

# The statuses these dialogs can take an incident to: each needs only text and a reason code.
# «Виконується робота» (classification) and «Передано третій стороні» (external task) have
# forms of their own.
TEXT_FIELDS = ("question", "answer", "vendor_answer", "solution", "reason")
DIALOG_STATUSES = tuple(s for s in IncidentStatus if set(REQUIRED_FOR[s]) <= {*TEXT_FIELDS, "reason_code"}
                        and s is not IncidentStatus.REGISTERED)

class StatusDialog(SavingDialog):
    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="StatusDialog")

    def __init__(self, workspace: Workspace, record: dict[str, Any], target: IncidentStatus) -> None:
        super().__init__(workspace, record)
        self.target = target
        self.needs = REQUIRED_FOR[target]
        self.open_tasks_confirmed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"{self.record['number']} → {self.target.label}"), classes="title")
            for name in self.needs:
                yield Label(field_label(name) + " *")
                if name == "reason_code":
                    yield Select([(c.label, c.value) for c in ReasonCode], id="reason_code",
                                 prompt=_("Choose a reason code"))
                else:
                    # A solution taken from a related record (R4) is offered, to be edited.
                    offered = (self.record.get("solution") or "") if name == "solution" else ""
                    yield TextBox(offered, id=name)
            if self.target is IncidentStatus.RESOLVED:  # R25: what it was resolved against, if anything
                yield Label(field_label("configuration_item"))
                yield Select([], id="configuration_item", type_to_search=True, prompt=_("None"))
            if not self.needs:
                yield Label(_("Press Ctrl+S to confirm."))
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        fields = self.query("TextArea, Select")
        if fields:
            fields.first().focus()
        if self.target is IncidentStatus.RESOLVED:
            self._load_items()

    @work(thread=True, group="resolve-items", exit_on_error=False)
    def _load_items(self) -> None:
        items = self.workspace.edits.configuration_items(self.record.get("service_id"))
        self.app.call_from_thread(self._items, items)

    def _items(self, items: list[tuple[int, str]]) -> None:
        select = self.query_one("#configuration_item", Select)
        select.set_options([(literal(name, one_line=True), item_id) for item_id, name in items])
        current = self.record.get("configuration_item_id")
        if current in {i for i, _n in items}:
            select.value = current

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in self.needs:
            if name == "reason_code":
                code = self.query_one("#reason_code", Select).value
                values[name] = code if isinstance(code, str) else None
            else:
                values[name] = self.query_one(f"#{name}", TextArea).text.strip()
        if self.target is IncidentStatus.RESOLVED:
            item = self.query_one("#configuration_item", Select).value
            values["configuration_item_id"] = item if isinstance(item, int) else None
        return values

    def problem(self) -> Problem | None:
        values = self.values()
        missing = [n for n in self.needs if not values.get(n)]  # the configuration item is optional
        if not missing:
            return None
        return _("«{status}» needs: {fields}").format(
            status=self.target.label, fields=", ".join(field_label(n) for n in missing)), missing[0]

    def write(self, values: dict[str, Any]) -> None:
        if self.target is IncidentStatus.RESOLVED:
            values = {**values, "resolve_with_open_tasks": self.open_tasks_confirmed}
        self.workspace.change_status(self.record["id"], self.target.value, expected_version=self.version, **values)

    def ask_about_open_tasks(self, exc: OpenTasks) -> None:
        """Tasks are still open: resolve with them open only if the analyst says so."""

        def answered(yes: bool | None) -> None:
            if yes:
                self.open_tasks_confirmed = True
                self.action_save()
            else:  # the dialog stays, with what was typed, and says why nothing changed
                self.say(exc.message)

        self.app.push_screen(ConfirmDialog(_("{problem}. Resolve it with them open?").format(problem=exc.message)),
                             answered)


class NoteDialog(SavingDialog):
    """«ADD » Примітки»: a summary, the text, and whether the caller sees it (self-service)."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="NoteDialog")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(dialog_title(self.record, _("Add a note")), classes="title")
            yield Label(_("Summary"))
            yield TextField(id="summary", max_length=160)
            yield Label(_("Text"))
            yield TextBox(id="text")
            yield Checkbox(_("Publish in self-service"), id="published")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#summary", Input).focus()

    def problem(self) -> Problem | None:
        values = self.values()
        if not values["text"] and not values["summary"]:
            return _("A note needs a summary or a text"), "text"
        return None

    def values(self) -> dict[str, Any]:
        return {"summary": self.query_one("#summary", Input).value.strip(),
                "text": self.query_one("#text", TextArea).text.strip(),
                "published": self.query_one("#published", Checkbox).value}

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.add_note(self.record["id"], **values)


class ClassifyDialog(SavingDialog):
    """R18/R19: the mandatory fields (marked *) with what the channel already set filled in;
    the priority shown as computed from impact and urgency (R20); the configuration item it is
    about (R25, optional: the chosen service's items first; none clears it)."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="ClassifyDialog") + """
    ClassifyDialog .pair { height: auto; }
    ClassifyDialog .pair > Vertical { width: 1fr; height: auto; }
    """
    FIELDS = ("service", "category", "impact", "urgency", "owner")
    items_shown = False  # the configuration items arrived (after the services)

    def _field(self, name: str, options: list[tuple[str, int]]) -> ComposeResult:
        yield Label(field_label(name) + " *")
        yield Select(options, id=name, type_to_search=True, prompt=_("Choose…"),
                     value=self.record.get(name) if name in ("impact", "urgency") and self.record.get(name)
                     else Select.NULL)

    def compose(self) -> ComposeResult:
        levels = [(level_label(n), n) for n in LEVELS]
        with Vertical():
            yield Label(Text(f"{self.record['number']} → {IncidentStatus.IN_PROGRESS.label}"), classes="title")
            yield from self._field("service", [])
            yield from self._field("category", [])
            with Horizontal(classes="pair"):  # side by side, so the form fits a 32-line window
                for name in ("impact", "urgency"):
                    with Vertical():
                        yield from self._field(name, levels)
            yield Label("", id="priority")  # computed from the two above
            yield from self._field("owner", [])
            yield Label(field_label("configuration_item"))  # R25: optional, its service's items first
            yield Select([], id="configuration_item", type_to_search=True, prompt=_("None"))
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#service").focus()
        self._load()

    @work(thread=True, group="classify-choices", exit_on_error=False)
    def _load(self) -> None:
        choices = self.workspace.classification_choices(self.record.get("group_id"))
        self.app.call_from_thread(self._fill, choices)

    def _fill(self, choices: dict[str, Any]) -> None:
        self.filled(lambda: self._fill_choices(choices))
        self._load_items(self.record.get("service_id"))

    @work(thread=True, group="classify-items", exclusive=True, exit_on_error=False)
    def _load_items(self, service_id: int | None) -> None:
        items = self.workspace.edits.configuration_items(service_id)
        self.app.call_from_thread(self.filled, lambda: self._fill_items(items))

    def _fill_items(self, items: list[tuple[int, str]]) -> None:
        select = self.query_one("#configuration_item", Select)
        # The choice so far (the record's item before anything was chosen) survives a reordering.
        chosen = select.value if self.items_shown else self.record.get("configuration_item_id")
        select.set_options([(literal(name, one_line=True), item_id) for item_id, name in items])
        if chosen in {i for i, _n in items}:
            select.value = chosen
        self.items_shown = True

    def _fill_choices(self, choices: dict[str, Any]) -> None:
        self.categories = choices["categories"]
        for name, key in (("service", "services"), ("owner", "owners")):
            select = self.query_one(f"#{name}", Select)
            select.set_options([(literal(label, one_line=True), value) for value, label in choices[key]])
            current = self.record.get(f"{name}_id")
            if current in {value for value, _l in choices[key]}:
                select.value = current
        self._fill_categories()
        self._show_priority()

    def _fill_categories(self) -> None:
        service = self.query_one("#service", Select).value
        select = self.query_one("#category", Select)
        options = [(literal(label, one_line=True), cid) for cid, label, sid in getattr(self, "categories", [])
                   if sid == service]
        select.set_options(options)
        if self.record.get("category_id") in {cid for _l, cid in options}:
            select.value = self.record["category_id"]

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "service":
            self._fill_categories()
            if self.items_shown:  # the new service's items first
                self._load_items(event.value if isinstance(event.value, int) else None)
        self._show_priority()

    def _show_priority(self) -> None:
        from helpdesk_tui.desk.settings import current

        impact, urgency = (self.query_one(f"#{n}", Select).value for n in ("impact", "urgency"))
        if isinstance(impact, int) and isinstance(urgency, int):
            text = _("Priority (computed): {priority}").format(
                priority=priority_label(current().matrix.compute(impact, urgency)))
        else:
            text = _("Priority is computed from impact and urgency")
        self.query_one("#priority", Label).update(Text(text))

    def values(self) -> dict[str, Any]:
        item = self.query_one("#configuration_item", Select).value
        return {**{name: self.query_one(f"#{name}", Select).value for name in self.FIELDS},
                "configuration_item": item if isinstance(item, int) else None}

    def problem(self) -> Problem | None:
        values = self.values()
        missing = [name for name in self.FIELDS if not isinstance(values[name], int)]
        if not missing:
            return None
        return _("«{status}» needs: {fields}").format(
            status=IncidentStatus.IN_PROGRESS.label, fields=", ".join(field_label(n) for n in missing)), missing[0]

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.classify(self.record["id"], service_id=values["service"], category_id=values["category"],
                                impact=values["impact"], urgency=values["urgency"], owner_id=values["owner"],
                                configuration_item_id=values["configuration_item"], expected_version=self.version)


class PriorityDialog(SavingDialog):
    """R20 «Змінити пріоритет»: another priority than the computed one, and why."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="PriorityDialog")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(dialog_title(self.record, _("Change priority")), classes="title")
            yield Label(field_label("priority") + " *")
            yield Select([(priority_label(n), n) for n in range(1, 6)], id="priority", prompt=_("Choose…"),
                         value=self.record.get("priority") or Select.NULL)
            yield Label(field_label("justification") + " *")
            yield TextBox(id="justification")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#priority").focus()

    def values(self) -> dict[str, Any]:
        return {"priority": self.query_one("#priority", Select).value,
                "justification": self.query_one("#justification", TextArea).text.strip()}

    def problem(self) -> Problem | None:
        values = self.values()
        if not isinstance(values["priority"], int):
            return _("Choose the priority and say why"), "priority"
        if not values["justification"]:
            return _("Choose the priority and say why"), "justification"
        return None

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.change_priority(self.record["id"], expected_version=self.version, **values)


class TaskDialog(SavingDialog):
    """R21: «Завдання» → New task for another work group (short description, details)."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="TaskDialog")
    DETAILS_REQUIRED = False  # a request's task by hand needs them (R30)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(dialog_title(self.record, _("New task")), classes="title")
            yield Label(field_label("group") + " *")
            yield Select([], id="group", type_to_search=True, prompt=_("Choose…"))
            yield Label(field_label("short_description") + " *")
            yield TextField(id="short", max_length=160)
            yield Label(_("Details") + (" *" if self.DETAILS_REQUIRED else ""))
            yield TextBox(id="details")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#group").focus()
        self._load()

    @work(thread=True, group="task-groups", exit_on_error=False)
    def _load(self) -> None:
        groups = self.workspace.work_groups()
        self.app.call_from_thread(self.query_one("#group", Select).set_options,
                                  [(literal(name, one_line=True), gid) for gid, name in groups])

    def values(self) -> dict[str, Any]:
        return {"group_id": self.query_one("#group", Select).value,
                "short_description": self.query_one("#short", Input).value.strip(),
                "details": self.query_one("#details", TextArea).text}

    def problem(self) -> Problem | None:
        values = self.values()
        if not isinstance(values["group_id"], int) or not values["short_description"]:
            return (_("A task needs a work group and a short description"),
                    "group" if not isinstance(values["group_id"], int) else "short")
        if self.DETAILS_REQUIRED and not values["details"].strip():
            return _("A task made by hand needs its details"), "details"
        return None

    def write(self, values: dict[str, Any]) -> None:
        number = self.workspace.new_task(self.record["id"], **values)
        self.app.call_from_thread(self.app.notify, _("{number} created").format(number=number))


class TaskMoveDialog(SavingDialog):
    """Complete a task with a comment, or cancel it with a reason (R29)."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="TaskMoveDialog")

    def __init__(self, workspace: Workspace, record: dict[str, Any], action: str) -> None:
        super().__init__(workspace, record)
        self.action = action

    def compose(self) -> ComposeResult:
        title = _("Complete the task") if self.action == "complete" else _("Cancel the task")
        with Vertical():
            yield Label(Text(f"{self.record['number']} · {title}"), classes="title")
            yield Label(_("Comment *") if self.action == "complete" else _("Reason"))
            yield TextBox(id="text")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#text").focus()

    def values(self) -> dict[str, Any]:
        return {"text": self.query_one("#text", TextArea).text.strip()}

    def problem(self) -> Problem | None:
        if self.action == "complete" and not self.values()["text"]:
            return _("To complete a task, add a comment"), "text"
        return None

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.move_task(self.record["id"], self.action, expected_version=self.version, **values)


class VendorDialog(SavingDialog):
    """R24 «Передано третій стороні»: an external task (service, vendor, short description,
    details) goes to the vendor; the vendor's answer later completes it."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="VendorDialog")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"{self.record['number']} → {IncidentStatus.THIRD_PARTY.label}"), classes="title")
            yield Label(_("Vendor") + " *")
            yield Select([], id="vendor", type_to_search=True, prompt=_("Choose…"))
            yield Label(field_label("service"))
            yield Select([], id="service", type_to_search=True, prompt=_("Choose…"))
            yield Label(field_label("short_description") + " *")
            yield TextField(id="short", max_length=160, value=self.record.get("short_description") or "")
            yield Label(_("Details"))
            yield TextBox(id="details")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#vendor").focus()
        self._load()

    @work(thread=True, group="vendor-choices", exit_on_error=False)
    def _load(self) -> None:
        vendors = self.workspace.vendors()
        services = self.workspace.classification_choices(None)["services"]
        self.app.call_from_thread(self._fill, vendors, services)

    def _fill(self, vendors: list[tuple[int, str]], services: list[tuple[int, str]]) -> None:
        self.filled(lambda: self._fill_choices(vendors, services))

    def _fill_choices(self, vendors: list[tuple[int, str]], services: list[tuple[int, str]]) -> None:
        self.query_one("#vendor", Select).set_options([(literal(n, one_line=True), i) for i, n in vendors])
        service = self.query_one("#service", Select)
        service.set_options([(literal(n, one_line=True), i) for i, n in services])
        if self.record.get("service_id") in {i for i, _n in services}:
            service.value = self.record["service_id"]

    def values(self) -> dict[str, Any]:
        service = self.query_one("#service", Select).value
        return {"vendor_id": self.query_one("#vendor", Select).value,
                "short_description": self.query_one("#short", Input).value.strip(),
                "details": self.query_one("#details", TextArea).text,
                "service_id": service if isinstance(service, int) else None}

    def problem(self) -> Problem | None:
        values = self.values()
        if not isinstance(values["vendor_id"], int) or not values["short_description"]:
            return (_("An external task needs a vendor and a short description"),
                    "vendor" if not isinstance(values["vendor_id"], int) else "short")
        return None

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.hand_to_vendor(self.record["id"], expected_version=self.version, **values)
