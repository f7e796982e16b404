"""Service requests from the keyboard (R27–R32): «Новий запит» with the requester, the request
found by typing, its fields drawn from the catalog (a wrong value said at its field, nothing
lost), the record with its tabs and deadlines; the approver's decision; a task by hand; the
request dashboards fill."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk_tui.desk import requests as request_ops
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.screens.request_form import RequestFormScreen
from helpdesk_tui.store.models import Person, ServiceRequest, Task
from tests.tui import drive, list_settled, screen_text, wait_for, wait_notified, wait_text, workspace_ready
from tests.world import load_test_catalog, seed


def _desk(db):
    w = seed(db)
    return w, load_test_catalog(db, w)


async def _form_with_requester(app, pilot):
    await workspace_ready(pilot)
    await pilot.press("N")
    await wait_for(pilot, lambda: isinstance(app.screen, RequestFormScreen))
    await pilot.press(*"Шевч")
    await wait_text(pilot, "Олена Шевченко (olena)")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "item-search")
    return app.screen


def test_a_new_request_from_the_keyboard_with_a_wrong_value_said_at_its_field(db):
    w, _items = _desk(db)

    async def scenario(app, pilot):
        form = await _form_with_requester(app, pilot)
        await wait_text(pilot, "VPN access")  # the catalog's names in the analyst's language
        assert "A client's service" not in screen_text(app), "only what this requester may ask for"
        await pilot.press(*"vpn", "enter")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "field-device")
        assert "Device *" in screen_text(app) and "Access until" in screen_text(app)
        await pilot.press("enter", "down", "enter")  # the Select: the first option, «Ноутбук»
        await wait_for(pilot, lambda: form.query_one("#field-device").value == "Ноутбук")
        form.query_one("#field-until").focus()
        await pilot.press(*"31.02.2027", "tab")
        await wait_text(pilot, "«Access until» takes a date (DD.MM.YYYY), not «31.02.2027»")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "field-until")
        assert isinstance(app.screen, RequestFormScreen), "nothing saved while a value is wrong"
        await pilot.press(*["backspace"] * 10, *"30.06.2027")
        await wait_for(pilot, lambda: "takes a date" not in screen_text(app), what="the message follows the field")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None,
                       what="the new request")
        await wait_notified(pilot, "Registered REQ")
        text = screen_text(app)
        assert "In progress" in text and "Resolution due" in text and "Response due" in text
        assert "Notification" in text  # the journal lists the e-mail to the requester
        await pilot.press("right_square_bracket")  # «Параметри»
        await wait_text(pilot, "30.06.2027")
        await pilot.press("right_square_bracket")  # «Завдання»
        await wait_text(pilot, "Створити профіль VPN (Ноутбук) для Олена Шевченко")

    drive(db, scenario)
    with db.read() as s:
        request = s.execute(select(ServiceRequest)).scalar_one()
        assert request.parameters == {"device": "Ноутбук", "until": "2027-06-30"}


def test_the_approver_approves_from_the_record_and_the_first_task_appears(db):
    w, items = _desk(db)
    with db.write() as s:
        request = request_ops.register_request(s, s.get(Person, w.analyst.id), requester=s.get(Person, w.caller.id),
                                               item_id=items["ets-role"], values={"role": "Аудитор"})
        number, rid = request.number, request.id

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        screen.go_to("requests", "awaiting-approval")
        await list_settled(pilot)
        await wait_text(pilot, number)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        await wait_text(pilot, "Waiting for your approval")
        await pilot.press("y")
        await wait_text(pilot, "Approve")
        await pilot.press(*"Погоджено", "ctrl+s")
        await wait_text(pilot, "In progress")
        await pilot.press("right_square_bracket", "right_square_bracket")  # «Завдання»
        await wait_text(pilot, "Надати роль Аудитор")
        await pilot.press("right_square_bracket")  # approvals
        await wait_text(pilot, "Погоджено")

    drive(db, scenario, login="maria")
    with db.read() as s:
        assert s.get(ServiceRequest, rid).status == "in_progress"


def test_a_task_by_hand_needs_details_and_the_request_shows_it(db):
    w, items = _desk(db)
    with db.write() as s:
        rid = request_ops.register_request(s, s.get(Person, w.analyst.id), requester=s.get(Person, w.caller.id),
                                           item_id=items["vpn"], values={"device": "Смартфон"}).id

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await app.push_screen(RecordScreen(app.workspace, "service_request", rid))
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        await pilot.press("k")
        await wait_text(pilot, "Details *")
        dialog = app.screen
        dialog.query_one("#group").value = w.second_line.id
        dialog.query_one("#short").focus()
        await pilot.press(*"Оновити сертифікат", "ctrl+s")
        await wait_text(pilot, "A task made by hand needs its details")
        assert app.focused.id == "details"  # the cursor goes to what is missing
        await pilot.press(*"Старий спливає", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen))
        await wait_text(pilot, "Tasks (3)")

    drive(db, scenario)
    with db.read() as s:
        assert [t.automatic for t in s.execute(select(Task).where(Task.request_id == rid)).scalars()] == [True, True, False]


def test_a_request_s_task_is_on_the_task_dashboard_with_its_parent_and_p_opens_the_request(db):
    """R11, R31: the team's task queue lists a request's task with the request's number, and
    «Відкрити в батьківському» goes to the request."""
    w, items = _desk(db)
    with db.write() as s:
        request = request_ops.register_request(s, s.get(Person, w.analyst.id), requester=s.get(Person, w.caller.id),
                                               item_id=items["vpn"], values={"device": "Ноутбук"})
        number, rid = request.number, request.id

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        screen.go_to("tasks", "team-unassigned")
        await list_settled(pilot)
        await wait_text(pilot, "Створити профіль VPN")
        row = next(line for line in screen_text(app).splitlines() if "Створити профіль VPN" in line)
        assert number in row
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None
                       and app.screen.record_id == rid, what="the request")

    drive(db, scenario)


EVERY_KIND = '''
[[item]]
code = "every-kind"
name.uk = "Усі види полів"
name.en = "Every kind of field"
group = "Перша лінія підтримки Контакт-центр"

[[item.field]]
name = "count"
kind = "number"
label.en = "Count"
label.uk = "Кількість"
min = 1
max = 10
required = true

[[item.field]]
name = "day"
kind = "date"
label.en = "Day"
label.uk = "День"

[[item.field]]
name = "who"
kind = "person"
label.en = "Who"
label.uk = "Хто"

[[item.field]]
name = "os"
kind = "choice"
label.en = "System"
label.uk = "Система"
options = ["Windows", "Linux"]
required = true

[[item.field]]
name = "apps"
kind = "choices"
label.en = "Programs"
label.uk = "Програми"
options = ["Word", "Excel"]

[[item.field]]
name = "urgent"
kind = "yes_no"
label.en = "Urgent"
label.uk = "Терміново"

[[item.field]]
name = "note"
kind = "long_text"
label.en = "Note"
label.uk = "Примітка"
'''


def test_a_wrong_value_in_each_kind_of_field_is_said_at_it_and_nothing_typed_is_lost(db):
    """Number (not a number, out of bounds), date, person (the desk does not know them), a
    required choice left empty: each said under its own field; corrected, the request saves."""
    w, _items = _desk(db)
    load_test_catalog(db, w, EVERY_KIND)

    async def scenario(app, pilot):
        form = await _form_with_requester(app, pilot)
        await pilot.press(*"every", "enter")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "field-count")
        await pilot.press(*"багато", "tab")
        await wait_text(pilot, "«Count» takes a number, not «багато»")
        form.query_one("#field-day").focus()
        await pilot.press(*"32.13.2026", "tab")
        await wait_text(pilot, "«Day» takes a date (DD.MM.YYYY), not «32.13.2026»")
        form.query_one("#field-who").focus()
        await pilot.press(*"nobody-at-all")
        await pilot.press("ctrl+s")  # the count and the date are wrong, the system is missing
        # Each message under its own field (the form scrolls to the first: read the labels).
        said = lambda name: str(form.query_one(f"#error-{name}").render())  # noqa: E731
        await wait_for(pilot, lambda: said("os") == "«System» is required", what="the choice's message")
        assert said("count").startswith("«Count» takes a number") and said("day").startswith("«Day» takes a date")
        assert app.focused.id == "field-count", "the cursor goes to the first wrong field"
        await pilot.press(*["backspace"] * 6, "1", "5")
        await wait_text(pilot, "«Count» takes a number from 1 to 10")
        await pilot.press("backspace")
        form.query_one("#field-day").clear()
        form.query_one("#field-os").value = "Linux"
        form.query_one("#field-apps").select("Excel")
        form.query_one("#field-urgent").value = True
        await pilot.press("ctrl+s")  # the person is checked by the desk: said at its field
        await wait_text(pilot, "«Who»: No person matches «nobody-at-all»")
        assert isinstance(app.screen, RequestFormScreen) and form.query_one("#field-who").value == "nobody-at-all"
        assert app.focused.id == "field-who"
        form.query_one("#field-who").value = "maria"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None,
                       what="the new request")

    drive(db, scenario)
    with db.read() as s:
        request = s.execute(select(ServiceRequest)).scalar_one()
        assert request.parameters == {"count": "1", "who": "maria", "os": "Linux", "apps": ["Excel"], "urgent": True}
