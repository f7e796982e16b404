"""«Запит на обслуговування» → «Новий» (R27): the requester, in «Параметри» the request that applies
to them (typed to find), the fields of that request, «Зберегти» (Ctrl+S). The requester is
e-mailed; the new request opens with its deadlines and the journal of notifications.

A wrong value is said under its field and the cursor goes there; nothing typed is lost, also
when the desk refuses. Esc asks before throwing away anything typed or chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, TextArea

from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.form_guard import FormGuard, Problem
from helpdesk_tui.screens.incident_form import NewCallerDialog
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.widgets.catalog_picker import CatalogPicker
from helpdesk_tui.widgets.failures import SaysFailures
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.person_picker import PersonPicker
from helpdesk_tui.widgets.request_fields import RequestFields, field_id
from helpdesk_tui.widgets.status_header import StatusHeader
from helpdesk_tui.widgets.text_field import TextBox
from helpdesk_tui.widgets.translated import TranslatedBindings

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace


class RequestFormScreen(FormGuard, SaysFailures, TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    RequestFormScreen #form { padding: 0 1; }
    RequestFormScreen .title { text-style: bold; margin: 1 0 0 0; }
    RequestFormScreen .field { margin-top: 1; color: $text-muted; }
    RequestFormScreen #description { height: 5; }
    RequestFormScreen #error { color: $error; margin-top: 1; width: 100%; }
    """
    DISCARD_QUESTION = N_("Discard this new service request?")
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="request_form.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="request_form.cancel"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.saving = False

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        with VerticalScroll(id="form"):
            yield Label(_("New service request"), classes="title")
            yield Label(_("Requester *"), classes="field")
            yield PersonPicker(self.workspace, id="requester")
            yield Label(_("Parameters: the request *"), classes="field")
            yield CatalogPicker(self.workspace, id="item")
            yield RequestFields(id="fields")
            yield Label(_("Description"), classes="field")
            yield TextBox(id="description")
            yield Label("", id="error")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(StatusHeader).set_user(self.workspace.who.full_name, self.workspace.role.label)
        self.query_one(PersonPicker).focus()
        self.query_one(CatalogPicker).for_requester(None)

    @on(PersonPicker.Picked)
    def _requester_picked(self, event: PersonPicker.Picked) -> None:
        event.stop()
        self.follow()
        self.query_one(CatalogPicker).for_requester(event.choice.id)
        self.query_one(CatalogPicker).focus()

    @on(PersonPicker.NewRequested)
    def _new_requester(self, event: PersonPicker.NewRequested) -> None:
        picker = event.picker
        self.app.push_screen(NewCallerDialog(self.workspace, event.text),
                             lambda person: picker.pick(person) if person is not None else None)

    @on(CatalogPicker.Picked)
    async def _item_picked(self, event: CatalogPicker.Picked) -> None:
        event.stop()
        fields = self.query_one(RequestFields)
        await fields.show(event.item.fields)
        self.follow()
        if fields.definitions:
            fields.focus_field(fields.definitions[0].name)
        else:
            self.query_one("#description").focus()

    def extra_state(self) -> Any:
        requester = self.query_one(PersonPicker).chosen
        item = self.query_one(CatalogPicker).chosen
        return (requester.id if requester else None, item.id if item else None,
                tuple(map(str, self.query_one(RequestFields).raw_values())))

    def leave(self) -> None:
        self.app.pop_screen()

    def problem(self) -> Problem | None:
        if self.query_one(PersonPicker).chosen is None:
            return _("Choose the requester: type a name, phone or e-mail and press Enter"), "caller-search"
        if self.query_one(CatalogPicker).chosen is None:
            return _("Choose the request in «Parameters»: type and press Enter"), "item-search"
        # Each field's own message is said under it; the first one here too, and the cursor goes there.
        wrong = self.query_one(RequestFields).check()
        return (wrong[0], field_id(wrong[1])) if wrong else None

    def action_save(self) -> None:
        if self.saving or not self.check():
            return
        fields = self.query_one(RequestFields)
        self.saving = True
        self.say(_("Saving…"))
        self._save(self.query_one(PersonPicker).chosen.id, self.query_one(CatalogPicker).chosen.id, fields.values(),
                   self.query_one("#description", TextArea).text)

    @work(thread=True, group="request-save", exit_on_error=False)
    def _save(self, requester_id: int, item_id: int, values: dict[str, Any], description: str) -> None:
        try:
            request_id, number = self.workspace.requests.register(requester_id=requester_id, item_id=item_id,
                                                                  values=values, description=description)
        except DeskError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._saved, request_id, number)

    def _refused(self, exc: DeskError) -> None:
        self.saving = False
        self.say(exc.message)
        fields = self.query_one(RequestFields)
        if exc.field and exc.field in {d.name for d in fields.definitions}:
            fields.say(exc.field, exc.message)
            fields.focus_field(exc.field)

    def _saved(self, request_id: int, number: str) -> None:
        self.app.notify(_("Registered {number}").format(number=number))
        self.app.switch_screen(RecordScreen(self.workspace, "service_request", request_id))
