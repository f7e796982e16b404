"""«Інцидент» → «Новий» (R3): the caller is on the line. Caller, short description, description,
work group and owner, criticality (with its reason when urgent, R34, R35) and the channel it came
by (R37, the phone unless chosen otherwise); Ctrl+S saves and opens the new incident with its SLA targets (R6) and
the journal with the notifications queued (R5). Nothing typed is lost on a refusal.

Beside the form, the related-items panel (R4) follows the short description as it is typed:
Ctrl+R goes into it, where Enter opens a record, `l` links it and `u` takes its solution;
what was chosen is saved with the incident, in the same transaction.

Esc asks before throwing away anything typed or chosen (screens/form_guard.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Select

from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.lifecycle import assignment_missing
from helpdesk_tui.domain.search_terms import SearchHit
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.form_guard import FormGuard, Problem
from helpdesk_tui.widgets.criticality_fields import CriticalityFields
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.person_picker import PersonPicker
from helpdesk_tui.widgets.related_panel import MARK_LINKED, MARK_SOLUTION, RelatedPanel
from helpdesk_tui.widgets.status_header import StatusHeader
from helpdesk_tui.widgets.text_field import TextBox, TextField
from helpdesk_tui.widgets.translated import TranslatedBindings, literal
from helpdesk_tui.widgets.failures import SaysFailures

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace


RELATED_ONLY = N_("Related only")


class IncidentFormScreen(FormGuard, SaysFailures, TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    IncidentFormScreen #form { padding: 0 1; width: 1fr; }
    IncidentFormScreen RelatedPanel { width: 42%; }
    IncidentFormScreen .title { text-style: bold; margin: 1 0 0 0; }
    IncidentFormScreen .field { margin-top: 1; color: $text-muted; }
    IncidentFormScreen TextArea { height: 6; }
    IncidentFormScreen #error { color: $error; margin-top: 1; width: 100%; display: none; }
    """
    DISCARD_QUESTION = N_("Discard this new incident?")
    FOOT_FOLDS = True
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="form.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel"),
        Binding("ctrl+r", "related", N_("Related items"), id="form.related"),
        # The key bar names the view Ctrl+F switches to (_name_the_switch).
        Binding("ctrl+f", "switch_view", N_("All matches"), id="form.find_all"),
    ]
    RELATED_DEBOUNCE = 0.15

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.saving = False
        self.links: list[tuple[str, int]] = []
        self.solution_from: tuple[str, int] | None = None
        self.numbers: dict[tuple[str, int], str] = {}
        self._asked = 0
        self._timer: Any = None
        # Ctrl+F switches the panel between the related items and all matches; typing keeps
        # the view the analyst chose, Ctrl+F again goes back.
        self.everything = False

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        with Horizontal():
            yield from self._form()
            yield RelatedPanel(id="related")
        yield KeyBar()

    def _form(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Label(_("New incident"), classes="title")
            yield Label(_("Caller *"), classes="field")
            yield PersonPicker(self.workspace, id="caller")
            yield Label(_("Short description *"), classes="field")
            yield TextField(id="short", max_length=160)
            yield Label(_("Description"), classes="field")
            yield TextBox(id="description")
            yield Label(_("Work group"), classes="field")
            yield Select([], prompt=_("Choose a work group"), id="group", type_to_search=True)
            yield Label(_("Owner"), classes="field")
            yield Select([], prompt=_("Nobody yet"), id="owner", type_to_search=True)
            # What the form lacks is said right under the assignment, where it mostly is; the
            # reason for urgency has its message under its own field.
            yield Label("", id="error")
            yield CriticalityFields(id="profile", with_kind=True)

    def on_mount(self) -> None:
        self.query_one(StatusHeader).set_user(self.workspace.who.full_name, self.workspace.role.label)
        self.query_one(PersonPicker).focus()
        self._load_groups()
        self._load_owners(None)

    @work(thread=True, group="form-groups", exit_on_error=False)
    def _load_groups(self) -> None:
        groups = self.workspace.work_groups()
        self.app.call_from_thread(self.query_one("#group", Select).set_options,
                                  [(literal(name, one_line=True), gid) for gid, name in groups])

    @on(Select.Changed, "#group")
    def _group_chosen(self, event: Select.Changed) -> None:
        self._load_owners(event.value if isinstance(event.value, int) else None)

    @work(thread=True, group="form-members", exclusive=True, exit_on_error=False)
    def _load_owners(self, group_id: int | None) -> None:
        """The group's members, or everyone who works incidents while no group is chosen."""
        owners = self.workspace.owners(group_id)
        self.app.call_from_thread(self._show_owners, group_id, owners)

    def _show_owners(self, group_id: int | None, owners: list[tuple[int, str]]) -> None:
        group = self.query_one("#group", Select).value
        if group_id != (group if isinstance(group, int) else None):
            return  # the list of a group chosen before: the current group's is on its way
        select = self.query_one("#owner", Select)
        kept = select.value  # an owner chosen first stays if they belong to the group chosen next
        select.set_options([(literal(name, one_line=True), pid) for pid, name in owners])
        if kept in {pid for pid, _name in owners}:
            select.value = kept

    @on(PersonPicker.Picked)
    def _caller_picked(self, event: PersonPicker.Picked) -> None:
        self.follow()
        self.query_one("#short", Input).focus()

    @on(PersonPicker.NewRequested)
    def _new_caller(self, event: PersonPicker.NewRequested) -> None:
        picker = event.picker
        self.app.push_screen(NewCallerDialog(self.workspace, event.text),
                             lambda person: picker.pick(person) if person is not None else None)

    @on(Input.Submitted, "#short")
    def _short_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # --- related items (R4) -------------------------------------------------------------------

    @on(Input.Changed, "#short")
    def _short_typed(self, event: Input.Changed) -> None:
        # Ask once the typing pauses, not for every letter of a fast typist.
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.RELATED_DEBOUNCE, lambda: self._ask(event.value, everything=self.everything))

    def action_switch_view(self) -> None:
        self.everything = not self.everything
        self._name_the_switch()
        self._ask(self.query_one("#short", Input).value, everything=self.everything)

    def _name_the_switch(self) -> None:
        description = _(RELATED_ONLY) if self.everything else _("All matches")
        self._bindings = BindingsMap.from_keys({
            key: [replace(b, description=description) if b.id == "form.find_all" else b for b in bindings]
            for key, bindings in self._bindings.key_to_bindings.items()})
        self.refresh_bindings()

    def _ask(self, typed: str, *, everything: bool) -> None:
        self._asked += 1
        self._look_up(self._asked, typed, everything)

    @work(thread=True, group="form-related", exit_on_error=False)
    def _look_up(self, asked: int, typed: str, everything: bool) -> None:
        newest_only = False
        if everything:
            pages = {kind: self.workspace.find(typed, kind, limit=limit)
                     for kind, limit in (("knowledge_article", 10), ("problem", 10), ("incident", 30))}
            found = {kind: page.hits for kind, page in pages.items()}
            newest_only = any(page.newest_only for page in pages.values())
        else:
            found = self.workspace.related(typed)
        self.app.call_from_thread(self._found, asked, found, everything, newest_only)

    def _found(self, asked: int, found: dict[str, Any], everything: bool, newest_only: bool) -> None:
        if asked == self._asked:  # an answer to an older question is not shown over a newer one
            self.query_one(RelatedPanel).show(found, everything=everything, newest_only=newest_only)

    def action_related(self) -> None:
        self.query_one(RelatedPanel).enter()

    @on(RelatedPanel.Left)
    def _left_panel(self) -> None:
        self.query_one("#short", Input).focus()

    @on(RelatedPanel.Chosen)
    def _chosen(self, event: RelatedPanel.Chosen) -> None:
        hit = event.hit
        if event.action == "open":
            from helpdesk_tui.screens.related_preview import RelatedPreview

            def then(choice: str | None) -> None:
                if choice in ("link", "reuse"):
                    self._choose(choice, hit)
                elif choice == "open":
                    self.app.open_record(hit.kind, hit.id)  # type: ignore[attr-defined]

            self.app.push_screen(RelatedPreview(self.workspace, hit.kind, hit.id,
                                                linked=(hit.kind, hit.id) in self.links), then)
            return
        if event.action == "reuse" and not hit.solution:
            self.app.notify(_("{number} has no solution to reuse").format(number=hit.number), severity="warning",
                            markup=False)
            return
        self._choose(event.action, hit)

    def _choose(self, action: str, hit: SearchHit) -> None:
        key = (hit.kind, hit.id)
        self.numbers[key] = hit.number
        if action == "link":
            if key in self.links:
                self.links.remove(key)
            else:
                self.links.append(key)
        else:
            self.solution_from = None if self.solution_from == key else key
        marks = {k: MARK_LINKED for k in self.links}
        if self.solution_from is not None:
            marks[self.solution_from] = MARK_SOLUTION
        self.query_one(RelatedPanel).set_marks(marks, self._choices())

    def _choices(self) -> str:
        parts = []
        if self.links:
            parts.append(_("linked: {numbers}").format(numbers=", ".join(self.numbers[k] for k in self.links)))
        if self.solution_from is not None:
            parts.append(_("solution from {number}").format(number=self.numbers[self.solution_from]))
        return "; ".join(parts)

    # --- saving ----------------------------------------------------------------------------------

    def extra_state(self) -> Any:
        chosen = self.query_one(PersonPicker).chosen
        return chosen.id if chosen is not None else None, tuple(self.links), self.solution_from

    def leave(self) -> None:
        self.app.pop_screen()

    def problem(self) -> Problem | None:
        if self.query_one(PersonPicker).chosen is None:
            return _("Choose the caller: type a name, phone or e-mail and press Enter"), "caller-search"
        if not self.query_one("#short", Input).value.strip():
            return _("A short description is required"), "short"
        if not any(isinstance(self.query_one(f"#{name}", Select).value, int) for name in ("group", "owner")):
            return assignment_missing(), "group"
        return self.query_one(CriticalityFields).problem()

    def _say(self, message: str, field: str | None = None) -> None:
        self.say(message, field)
        target = {"caller": "#caller-search", "short_description": "#short", "description": "#description",
                  "group": "#group", "owner": "#owner", "criticality": "#criticality",
                  "urgent_reason": "#urgent_reason", "channel": "#channel"}.get(field or "")
        if target:
            self.query_one(target).focus()

    def action_save(self) -> None:
        if self.saving or not self.check():
            return
        caller = self.query_one(PersonPicker).chosen
        short = self.query_one("#short", Input).value.strip()
        group, owner = self.query_one("#group", Select).value, self.query_one("#owner", Select).value
        self.saving = True
        self.say(_("Saving…"))
        self._save(dict(caller_id=caller.id, short_description=short,
                        description=self.query_one("#description", TextBox).text,
                        group_id=group if isinstance(group, int) else None,
                        owner_id=owner if isinstance(owner, int) else None,
                        **self.query_one(CriticalityFields).values(),
                        links=tuple(k for k in self.links if k != self.solution_from),
                        solution_from=self.solution_from))

    @work(thread=True, group="form-save", exit_on_error=False)
    def _save(self, values: dict[str, Any]) -> None:
        try:
            saved = self.workspace.register(**values)
        except DeskError as exc:
            self.app.call_from_thread(self._refused, exc.message, exc.field)
            return
        except Exception as exc:  # the database went away: say so, keep the form as typed
            self.app.call_from_thread(self._refused, _("The database answered: {detail}").format(
                detail=str(exc).splitlines()[0] if str(exc) else type(exc).__name__), None)
            return
        self.app.call_from_thread(self._saved, saved)

    def _refused(self, message: str, field: str | None) -> None:
        self.saving = False
        self._say(message, field)

    def _saved(self, saved: dict[str, Any]) -> None:
        from helpdesk_tui.screens.record import RecordScreen

        self.app.notify(_("{number} registered. Respond by {response}, resolve by {resolution}").format(
            number=saved["number"], response=when(saved["response_due"]) or "—",
            resolution=when(saved["resolution_due"]) or "—"), timeout=8)
        self.app.switch_screen(RecordScreen(self.workspace, "incident", saved["id"]))



class NewCallerDialog(FormGuard, SaysFailures, TranslatedBindings, ModalScreen[Any]):
    """A caller the desk does not know yet, added inline (R3): name, phone, e-mail."""

    DEFAULT_CSS = """
    NewCallerDialog { align: center middle; }
    NewCallerDialog > Vertical { width: 70; max-width: 95%; height: auto; border: thick $primary;
                                 background: $surface; padding: 0 1; }
    NewCallerDialog .title { text-style: bold; margin: 1 0; }
    NewCallerDialog #error { color: $error; width: 100%; }
    """
    DISCARD_QUESTION = N_("Discard this new caller?")
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="form.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel"),
    ]

    def __init__(self, workspace: Workspace, typed: str) -> None:
        super().__init__()
        self.workspace, self.typed = workspace, typed

    def compose(self) -> ComposeResult:
        typed = self.typed
        digits = sum(c.isdigit() for c in typed)
        is_mail, is_phone = "@" in typed, digits >= max(len(typed.replace(" ", "")) // 2, 3)
        with Vertical():
            yield Label(_("New caller"), classes="title")
            yield Label(_("Full name *"))
            yield TextField(value="" if is_mail or is_phone else typed, id="full_name")
            yield Label(_("Phone"))
            yield TextField(value=typed if is_phone else "", id="phone")
            yield Label(_("E-mail"))
            yield TextField(value=typed if is_mail else "", id="email")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#full_name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def problem(self) -> Problem | None:
        if not self.query_one("#full_name", Input).value.strip():
            return _("A person needs a full name"), "full_name"
        return None

    def action_save(self) -> None:
        if self.check():
            self._save({name: self.query_one(f"#{name}", Input).value.strip() for name in ("full_name", "phone", "email")})

    @work(thread=True, group="new-caller", exit_on_error=False)
    def _save(self, values: dict[str, str]) -> None:
        try:
            person = self.workspace.add_caller(**values)
        except DeskError as exc:
            self.app.call_from_thread(self._refused, exc.message, exc.field)
            return
        self.app.call_from_thread(self.dismiss, person)

    def _refused(self, message: str, field: str | None) -> None:
        self.query_one("#error", Label).update(literal(message))
        if field in ("full_name", "phone", "email"):
            self.query_one(f"#{field}").focus()

    def leave(self) -> None:
        self.dismiss(None)
