"""The dialogs that change a problem (issue 19): its form (register, from an incident or on its
own, and edit), a move along its lifecycle with what the new status needs (resolving offers to
resolve its open incidents too), and the incident record's «Problem» dialog that links the
incident to an open problem or registers a new one from it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from helpdesk_tui.domain.problem_status import REQUIRED_FOR, ProblemStatus, field_label
from helpdesk_tui.i18n import _, ngettext
from helpdesk_tui.screens.form_guard import Problem
from helpdesk_tui.screens.saving_dialog import DIALOG_FORM_CSS, SavingDialog, dialog_title
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.text_field import TextBox, TextField
from helpdesk_tui.widgets.translated import literal

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace

NEW = "new"  # the «Problem» dialog's choice of registering a new problem from the incident


def _under(name: str) -> Label:
    label = Label("", id=f"{name}-error", classes="under-field")
    label.display = False
    return label


def _options(pairs: list[tuple[int, str]]) -> list[tuple[Text, int]]:
    return [(literal(name, one_line=True), value) for value, name in pairs]


class ProblemForm(SavingDialog):
    """A problem's short description, description, root cause, workaround, service,
    configuration item, work group and owner; Ctrl+S registers it (or saves the changes)."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="ProblemForm") + """
    ProblemForm > Vertical { width: 110; }
    ProblemForm TextArea { height: 4; }
    ProblemForm .under-field { color: $error; }
    ProblemForm Grid { grid-size: 2; grid-gutter: 0 2; height: auto; }
    ProblemForm Grid > Vertical { height: auto; }
    """

    def __init__(self, workspace: Workspace, record: dict[str, Any] | None, *,
                 incident: dict[str, Any] | None = None) -> None:
        """`record` None registers a new problem; with `incident`, from that incident (it is
        linked, its words, service and configuration item offered)."""
        super().__init__(workspace, record or {"id": None, "number": _("New problem"), "version": None})
        self.incident = incident
        self.saved_id: int | None = None

    def compose(self) -> ComposeResult:
        r, inc = self.record, self.incident or {}
        new = r.get("id") is None
        with Vertical():
            if new and inc:
                heading = _("New problem from {number}").format(number=inc["number"])
            elif new:
                heading = _("New problem")
            else:
                heading = _("{number}: edit").format(number=r["number"])
            yield Label(Text(heading), classes="title")
            yield Label(field_label("short_description") + " *")
            yield TextField(value=r.get("short_description") or inc.get("short_description") or "",
                            id="short_description", max_length=200)
            yield _under("short_description")
            yield Label(field_label("description"))
            yield TextBox(r.get("description") or inc.get("description") or "", id="description")
            yield Label(field_label("root_cause"))
            yield TextBox(r.get("root_cause") or "", id="root_cause")
            yield _under("root_cause")
            yield Label(field_label("workaround"))
            yield TextBox(r.get("workaround") or "", id="workaround")
            yield _under("workaround")
            with Grid():
                for name in ("service", "configuration_item", "group", "owner"):
                    with Vertical():
                        yield Label(field_label(name))
                        yield Select([], id=name, prompt=_("Not set"), type_to_search=True)
            yield _under("owner")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#short_description", Input).focus()
        self._load()

    @work(thread=True, group="problem-form", exit_on_error=False)
    def _load(self) -> None:
        service = self.record.get("service_id") or (self.incident or {}).get("service_id")
        choices = {**self.workspace.problems.choices(service), "owners": self.workspace.owners()}
        self.app.call_from_thread(self.filled, lambda: self._fill(choices))

    def _fill(self, choices: dict[str, list[tuple[int, str]]]) -> None:
        inc = self.incident or {}
        for name, key in (("service", "services"), ("configuration_item", "items"), ("group", "groups"),
                          ("owner", "owners")):
            select = self.query_one(f"#{name}", Select)
            select.set_options(_options(choices[key]))
            # From an incident: what it is about, not who works on it.
            offered = inc.get(f"{name}_id") if name in ("service", "configuration_item") else None
            current = self.record.get(f"{name}_id") or offered
            if current in {v for v, _n in choices[key]}:
                select.value = current

    def problem(self) -> Problem | None:
        if not self.query_one("#short_description", Input).value.strip():
            return _("A problem needs a short description"), "short_description"
        return None

    def values(self) -> dict[str, Any]:
        def chosen(name: str) -> int | None:
            value = self.query_one(f"#{name}", Select).value
            return value if isinstance(value, int) else None

        return {"short_description": self.query_one("#short_description", Input).value.strip(),
                **{n: self.query_one(f"#{n}", TextArea).text.strip() for n in ("description", "root_cause", "workaround")},
                "service_id": chosen("service"), "configuration_item_id": chosen("configuration_item"),
                "group_id": chosen("group"), "owner_id": chosen("owner")}

    def write(self, values: dict[str, Any]) -> None:
        self.saved_id = self.workspace.problems.save(self.record.get("id"), version=self.version,
                                                     incident_id=(self.incident or {}).get("id"), **values)


class ProblemStatusDialog(SavingDialog):
    """«PRB… → Відома помилка»: what the new status needs, filled from the problem where it has
    it. Resolving names how many incidents are still open and offers to resolve them with the
    problem's solution in the same operation."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="ProblemStatusDialog") + """
    ProblemStatusDialog TextArea { height: 6; }
    ProblemStatusDialog .under-field { color: $error; }
    """

    def __init__(self, workspace: Workspace, record: dict[str, Any], target: ProblemStatus) -> None:
        super().__init__(workspace, record)
        self.target = target
        self.needs = REQUIRED_FOR[target]
        self.open_incidents = [i for i in record.get("incidents") or [] if i["open"]]
        self.result: Any = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(dialog_title(self.record, self.target.label), classes="title")
            for name in self.needs:
                yield Label(field_label(name) + " *")
                yield TextBox(self.record.get(name) or "", id=name)
                yield _under(name)
            if self.target is ProblemStatus.RESOLVED and self.open_incidents:
                n = len(self.open_incidents)
                yield Checkbox(ngettext("Also resolve its {n} open incident with this solution",
                                        "Also resolve its {n} open incidents with this solution", n).format(n=n),
                               True, id="resolve_incidents")
                numbers = ", ".join(i["number"] for i in self.open_incidents[:12]) + (" …" if n > 12 else "")
                yield Label(literal(_("Each one journaled, its caller told: {numbers}").format(numbers=numbers)))
            if not self.needs:
                yield Label(_("Press Ctrl+S to confirm."))
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        fields = self.query("TextArea, Checkbox")
        if fields:
            fields.first().focus()

    def problem(self) -> Problem | None:
        for name in self.needs:
            if not self.query_one(f"#{name}", TextArea).text.strip():
                return _("«{status}» needs: {fields}").format(
                    status=self.target.label, fields=field_label(name)), name
        return None

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: self.query_one(f"#{name}", TextArea).text.strip() for name in self.needs}
        boxes = self.query("#resolve_incidents").results(Checkbox)
        values["resolve_incidents"] = any(box.value for box in boxes)
        return values

    def write(self, values: dict[str, Any]) -> None:
        self.result = self.workspace.problems.change_status(self.record["id"], self.target.value,
                                                            version=self.version, **values)


class IncidentProblemDialog(SavingDialog):
    """On an incident: link it to one of the open problems, or register a new problem from it."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="IncidentProblemDialog")

    def __init__(self, workspace: Workspace, record: dict[str, Any]) -> None:
        super().__init__(workspace, record)
        self.linked_to: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(dialog_title(self.record, _("Problem")), classes="title")
            yield Label(_("Link to an open problem, or register a new one from this incident"))
            yield Select([(Text(_("A new problem from this incident")), NEW)], id="problem", type_to_search=True,
                         value=NEW, allow_blank=False)
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#problem", Select).focus()
        self._load()

    @work(thread=True, group="incident-problem", exit_on_error=False)
    def _load(self) -> None:
        found = self.workspace.problems.open_problems()
        self.app.call_from_thread(self.filled, lambda: self._fill(found))

    def _fill(self, found: list[tuple[int, str]]) -> None:
        select = self.query_one("#problem", Select)
        select.set_options([(Text(_("A new problem from this incident")), NEW), *_options(found)])
        select.value = NEW

    def values(self) -> dict[str, Any]:
        return {"problem": self.query_one("#problem", Select).value}

    def write(self, values: dict[str, Any]) -> None:
        if values["problem"] != NEW:
            self.workspace.problems.link_from_incident(self.record["id"], values["problem"])
            self.linked_to = values["problem"]


class IncidentProblemActions:
    """The incident record's `L`: link the incident to a problem, or register one from it. A
    mixin of screens/record.py's RecordScreen (which has `workspace`, `data` and `action_reload`)."""

    workspace: Workspace
    data: dict[str, Any] | None

    def action_problem(self) -> None:
        if self.data is None or self.data.get("kind") != "incident":
            return
        record = self.data
        dialog = IncidentProblemDialog(self.workspace, record)

        def closed(ok: bool | None) -> None:
            if not ok:
                return
            if dialog.linked_to is not None:
                self.notify(_("Linked"))  # type: ignore[attr-defined]
                self.action_reload()  # type: ignore[attr-defined]
                return
            form = ProblemForm(self.workspace, None, incident=record)

            def registered(saved: bool | None) -> None:
                if saved and form.saved_id:
                    self.action_reload()  # type: ignore[attr-defined]
                    self.app.open_record("problem", form.saved_id)  # type: ignore[attr-defined]

            self.app.push_screen(form, registered)  # type: ignore[attr-defined]

        self.app.push_screen(dialog, closed)  # type: ignore[attr-defined]
