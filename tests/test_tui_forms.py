"""What every form does with what the analyst typed (issue 16): Esc asks before throwing it away,
a message about missing fields wraps inside its dialog and follows the fields as they are
filled, and the new incident says — beside the fields — that it needs a work group or an owner."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk_tui.i18n import _, set_language
from helpdesk_tui.screens.dialogs import ConfirmDialog
from helpdesk_tui.screens.incident_dialogs import ClassifyDialog, NoteDialog
from helpdesk_tui.screens.incident_form import IncidentFormScreen, NewCallerDialog
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.screens.searches import SearchEditor
from helpdesk_tui.store.models import Incident
from tests.tui import drive, new_incident_with_caller, screen_text, wait_for, wait_text, workspace_ready
from tests.world import seed, seed_desk


def shown(app, widget) -> str:
    """The text on screen inside `widget`'s region, its lines joined: what can be read of it."""
    lines = screen_text(app).splitlines()
    region = widget.region
    rows = [lines[y][region.x:region.right] for y in range(region.y, region.bottom)]
    return " ".join(" ".join(row.split()) for row in rows).strip()


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_esc_on_a_new_incident_with_only_its_caller_typed_or_chosen_asks_first(db, lang):
    seed(db)
    set_language(lang)

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentFormScreen))
        form = app.screen
        await pilot.press(*"067 123 45")  # the caller's number, typed while they dictate it
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("enter")  # Enter by habit keeps the form: only «y» throws it away
        await wait_for(pilot, lambda: app.screen is form)
        assert form.query_one("#caller-search").value == "067 123 45"
        await wait_text(pilot, "Олена Шевченко (olena)")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.focused.id == "short")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        assert _("Discard this new incident?") in screen_text(app)
        assert ("Відкинути цей новий інцидент?" if lang == "uk" else "Discard this new incident?") in screen_text(app)
        await pilot.press("escape")  # Esc again answers no: the form stays as it was
        await wait_for(pilot, lambda: app.screen is form)
        assert form.query_one("PersonPicker").chosen.full_name == "Олена Шевченко"
        await pilot.press("escape", "y")
        await workspace_ready(pilot)

    drive(db, scenario)


def test_every_form_asks_before_discarding_what_was_typed_and_an_untouched_one_just_closes(db):
    _db, _w, made = seed_desk(db)

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        # A caller's form opened with what the caller field held: nothing typed in it yet.
        form = app.screen
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentFormScreen))
        form = app.screen
        await pilot.press(*"+380 50 111 22 33")
        await wait_text(pilot, "New caller «+380 50 111 22 33»")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NewCallerDialog))
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is form, what="the untouched dialog closed")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NewCallerDialog))
        await pilot.press(*"Богдан")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Discard this new caller?" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is form)
        await pilot.press("escape", "y")

        # A note: untouched, Esc closes it; with a word typed, Esc asks, and «no» keeps the word.
        await workspace_ready(pilot)
        app.push_screen(RecordScreen(app.workspace, "incident", made["mine-registered"].id))
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        record = app.screen
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog))
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is record)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog))
        note = app.screen
        await pilot.press(*"Передзвонити")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Discard what you typed?" in screen_text(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is note)
        assert note.query_one("#summary").value == "Передзвонити"
        await pilot.press("escape", "y")
        await wait_for(pilot, lambda: app.screen is record)

        # Classification with the record's own values filled in: untouched, it just closes.
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ClassifyDialog)
                       and len(app.screen.query_one("#service")._options) > 1)
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is record)

        # A saved search with a name typed asks too.
        await pilot.press("escape")
        await workspace_ready(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: getattr(app.screen, "items", None) is not None)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchEditor) and app.focused.id == "name")
        await pilot.press(*"Мої")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: not isinstance(app.screen, (SearchEditor, ConfirmDialog)))

    drive(db, scenario)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_a_message_about_missing_fields_wraps_in_its_dialog_and_follows_the_fields(db, lang):
    """It was cut at the dialog's edge («…потрібно: Сервіс, Категорія, Вплив, Терміно») and
    stayed after the fields were filled."""
    from helpdesk_tui.domain.lifecycle import field_label
    from helpdesk_tui.domain.statuses import IncidentStatus

    _db, w, made = seed_desk(db)
    set_language(lang)

    def needs(*fields):
        return _("«{status}» needs: {fields}").format(status=IncidentStatus.IN_PROGRESS.label,
                                                      fields=", ".join(field_label(f) for f in fields))

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        app.push_screen(RecordScreen(app.workspace, "incident", made["unclassified"].id))
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ClassifyDialog)
                       and len(app.screen.query_one("#service")._options) > 1)
        dialog = app.screen
        await pilot.press("ctrl+s")
        error = dialog.query_one("#error")
        await wait_for(pilot, lambda: shown(app, error) == needs("service", "category", "impact", "urgency", "owner"),
                       what="the whole message, wrapped inside the dialog")
        assert error.region.right <= dialog.query_one("Vertical").region.right
        assert app.focused.id == "service"
        await pilot.press("enter", *"ЕТС", "enter")  # the service, from the keyboard
        await wait_for(pilot, lambda: dialog.query_one("#service").value == w.service.id)
        await wait_for(pilot, lambda: shown(app, error) == needs("category", "impact", "urgency", "owner"))
        dialog.query_one("#category").value = w.category.id
        dialog.query_one("#impact").value = 2
        dialog.query_one("#urgency").value = 2
        await wait_for(pilot, lambda: shown(app, error) == needs("owner"))
        dialog.query_one("#owner").value = w.analyst.id
        await wait_for(pilot, lambda: shown(app, error) == "", what="the message gone")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not dialog and app.screen.data["status"] == "in_progress")

    drive(db, scenario, size=(100, 32))


def test_the_new_incident_says_beside_group_and_owner_that_it_needs_one_and_an_owner_alone_will_do(db):
    w = seed(db)

    async def scenario(app, pilot):
        form = await new_incident_with_caller(app, pilot)
        await pilot.press(*"Не друкує принтер", "ctrl+s")
        error = form.query_one("#error")
        await wait_for(pilot, lambda: "needs a work group or an owner" in shown(app, error))
        assert shown(app, error) == ("An incident needs a work group or an owner: choose «Work group», «Owner» "
                                     "or both")
        assert error.region.y <= form.query_one("#owner").region.bottom + 1  # right below the two fields
        assert app.focused.id == "group"
        await wait_for(pilot, lambda: len(form.query_one("#owner")._options) > 1, what="everyone who may own it")
        await pilot.press("tab", "enter", *"Марія", "enter")  # no group: an owner from everyone
        await wait_for(pilot, lambda: form.query_one("#owner").value == w.colleague.id)
        await wait_for(pilot, lambda: shown(app, error) == "", what="the message gone")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen), what="the new incident")

    drive(db, scenario)
    with db.read() as s:
        incident = s.execute(select(Incident)).scalar_one()
        assert (incident.group_id, incident.owner_id) == (None, w.colleague.id)
