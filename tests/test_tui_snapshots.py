"""The look of each screen, pinned (pytest-textual-snapshot): every dashboard in both languages
at 120×40, and at 80×24 to prove it fits a small SSH window; sign-in, a record, saved searches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk_tui.desk import admin, notes, searches, time_entries
from helpdesk_tui.domain.clock import set_clock
from helpdesk_tui.i18n import set_language
from helpdesk_tui.store.models import Incident, Person
from tests.tui import list_settled, make_app, wait_for, wait_text, workspace_ready
from tests.world import seed_desk

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
def lang():
    """The interface's language; the tests in both languages override it with their parameter."""
    return "uk"


@pytest.fixture
def frozen(sqlite_db, lang):
    """The same rows, numbers and times on every run; SLA time left counted from NOW. The desk
    writes its journal in the language it runs in, so the data is made in the snapshot's."""
    moment = [NOW - timedelta(days=2)]

    def clock():
        moment[0] += timedelta(minutes=7)
        return moment[0]

    set_language(lang)
    set_clock(clock)
    db, w, made = seed_desk(sqlite_db)
    with db.write() as s:
        searches.install_predefined(s)
        notes.add_note(s, w.colleague, made["mine-registered"], summary="", text="Гляньте логи")
        # A client with a subscription, and time on the analyst's incident (the «Час» tab, R41).
        client = admin.create_organisation(s, w.admin, name="ТОВ «Ромашка»", subscription_hours=2)
        s.get(Person, w.caller.id).organisation_id = client.id
        s.get(Incident, made["mine-registered"].id).organisation_id = client.id
        ticket = time_entries.ticket_of(s, "incident", made["mine-registered"].id)
        time_entries.log_time(s, w.analyst, ticket, minutes=75, note="Перевірив права доступу")
        time_entries.log_time(s, w.colleague, ticket, minutes=30, note="Консультація", billable=False)
    set_clock(lambda: NOW)
    yield db, w, made
    set_clock(None)


async def open_my_registered(pilot, made):
    """The analyst's own registered incident, opened from «Інциденти, які потребують мого втручання»."""
    screen = await workspace_ready(pilot)
    screen.go_to("analyst", "my-action")
    await list_settled(pilot)
    await pilot.press("enter")
    await wait_text(pilot, made["mine-registered"].number + "  mine-registered")


async def new_incident_for_olena(pilot):
    """The new-incident form with the caller's name typed and her match shown."""
    await workspace_ready(pilot)
    await pilot.press("n")
    await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "IncidentFormScreen")
    await pilot.press(*"Шевч")
    await wait_for(pilot, lambda: pilot.app.screen.query_one("PersonPicker").matches, what="the matches")
    await wait_text(pilot, "Олена Шевченко (olena)")
    steady_cursor(pilot)


def steady_cursor(pilot):
    """A blinking cursor is drawn or not depending on the moment of the snapshot."""
    from textual.widgets import Input, TextArea

    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, (Input, TextArea)):
            widget.cursor_blink = False


DASHBOARD_KEYS = ["1", "2", "3", "4"]


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("key", DASHBOARD_KEYS, ids=["analyst", "incidents-requests", "tasks", "requests"])
def test_dashboard(frozen, snap_compare, lang, size, key):
    db, _w, _made = frozen
    set_language(lang)

    async def ready(pilot):
        screen = await workspace_ready(pilot)
        await pilot.press(key)
        await list_settled(pilot)
        await wait_for(pilot, lambda: screen.dashboard in screen.counts, what="the counts")
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("tab", ["details", "tasks", "related", "time", "history"])
def test_record_view(frozen, snap_compare, lang, tab):
    db, _w, made = frozen
    set_language(lang)

    async def ready(pilot):
        await open_my_registered(pilot, made)
        steps = {"details": 0, "tasks": 1, "related": 3, "time": 4, "history": 5}[tab]
        await pilot.press(*["right_square_bracket"] * steps)
        if tab == "related":  # the suggestions have come: other incidents of «mine-…»
            await wait_for(pilot, lambda: any(pilot.app.screen.query_one("RelatedPanel").results.values()))
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(120, 40), run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_sign_in(frozen, snap_compare, lang):
    db, _w, _made = frozen
    set_language(lang)

    async def ready(pilot):
        await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "SignInScreen")
        await pilot.press(*"ivan", "enter")
        await pilot.pause(0.2)

    app = make_app(db, None, trusted=False)
    app.settings.db_url = "sqlite:///helpdesk.db"  # the path shown must not depend on the test's tmp dir
    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_role_choice_after_sign_in(frozen, snap_compare, lang):
    """A person with several roles signs in: the question stands alone, the sign-in box gone."""
    from helpdesk_tui.desk import admin

    db, w, _made = frozen
    with db.write() as s:
        admin.update_person(s, w.admin, s.get(type(w.admin), w.admin.id), password="correct horse battery")
    set_language(lang)

    async def ready(pilot):
        await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "SignInScreen")
        await pilot.press(*"admin", "enter", *"correct horse battery", "enter")
        await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "ChoiceDialog", what="the roles")
        await pilot.pause(0.2)

    app = make_app(db, None, trusted=False)
    app.settings.db_url = "sqlite:///helpdesk.db"
    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_saved_searches_and_the_editor(frozen, snap_compare, lang):
    db, _w, _made = frozen
    set_language(lang)

    async def ready(pilot):
        await workspace_ready(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "items", None))
        await pilot.press("n")
        await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "SearchEditor"
                       and len(pilot.app.screen.query("ConditionRow")) == 1)
        await wait_for(pilot, lambda: "Found" in str(pilot.app.screen.query_one("#found").render())
                       or ":" in str(pilot.app.screen.query_one("#found").render()), what="the live count")
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(120, 40), run_before=ready)


def test_grouped_list_with_quick_filters(frozen, snap_compare):
    db, _w, _made = frozen
    set_language("uk")

    async def ready(pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("2", "f")
        await wait_for(pilot, lambda: len(screen.query("#quick-owner")) == 1)
        screen.current.group("owner")
        await list_settled(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(line.row for line in screen.current.window.lines))
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(120, 40), run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_new_incident_form(frozen, snap_compare, lang):
    db, _w, _made = frozen
    set_language(lang)

    async def ready(pilot):
        await new_incident_for_olena(pilot)
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(100, 40), run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("size", [(120, 50), (80, 24)], ids=["120x50", "80x24"])
def test_new_incident_form_urgent(frozen, snap_compare, lang, size):
    """«Термінова» chosen and saved without a reason: the reason's choice is on show, the cursor in
    it, and what it lacks is said under it (R35), in view also in a small SSH window."""
    from helpdesk_tui.i18n import _

    db, w, _made = frozen
    set_language(lang)

    async def ready(pilot):
        await new_incident_for_olena(pilot)
        form = pilot.app.screen
        await pilot.press("enter", *"Не працює каса у всіх")
        await wait_for(pilot, lambda: str(form.query_one("#related-hint").render()) == _("Nothing similar yet."),
                       what="the related items' answer")
        await wait_for(pilot, lambda: len(form.query_one("#group")._options) > 1, what="the groups")
        form.query_one("#group").value = w.first_line.id
        form.query_one("#criticality").focus()
        await pilot.press("enter", "end", "enter", "ctrl+s")
        await wait_for(pilot, lambda: form.query_one("#urgent_reason-error").display, what="the reason's message")
        steady_cursor(pilot)
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("step", ["panel", "preview"])
def test_related_items(frozen, snap_compare, lang, step):
    from helpdesk_tui.desk import knowledge

    db, w, _made = frozen
    with db.write() as s:
        knowledge.create_article(s, w.admin, title="Принтер не друкує: черга друку зависла",
                                 body="Буває після оновлення драйвера.",
                                 solution="Перезапустіть службу «Диспетчер черги друку» і надрукуйте ще раз.")
    set_language(lang)

    async def ready(pilot):
        await new_incident_for_olena(pilot)
        await pilot.press("enter")
        await pilot.press(*"Не друкує принтер")
        await wait_text(pilot, "KB0000001")
        await pilot.press("ctrl+r")
        if step == "preview":
            await pilot.press("enter")
            await wait_text(pilot, "Перезапустіть службу")
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(100, 30), run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("dialog", ["resolved", "info_needed", "cancelled", "third_party", "note", "classify", "task",
                                    "priority", "criticality"])
def test_incident_dialogs(frozen, snap_compare, lang, dialog):
    db, _w, made = frozen
    set_language(lang)

    async def ready(pilot):
        await open_my_registered(pilot, made)
        if dialog in ("note", "classify", "task", "priority", "criticality"):
            await pilot.press({"note": "a", "classify": "c", "task": "k", "priority": "P", "criticality": "i"}[dialog])
        else:
            await pilot.press("t")
            await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "ChoiceDialog")
            values = [v for v, _label in pilot.app.screen.choices]
            await pilot.press("home", *(["down"] * values.index(dialog)), "enter")
        await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ in (
            "StatusDialog", "NoteDialog", "ClassifyDialog", "TaskDialog", "VendorDialog", "PriorityDialog",
            "CriticalityDialog"))
        if dialog == "third_party":
            await wait_for(pilot, lambda: len(pilot.app.screen.query_one("#vendor")._options) > 1)
        if dialog == "classify":  # what the channel and the registration set is filled in (R19)
            await wait_for(pilot, lambda: "3 -" in str(pilot.app.screen.query_one("#priority").render()))
        steady_cursor(pilot)
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(100, 32), run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("view", ["inbox", "message"])
def test_mail(frozen, snap_compare, lang, view):
    from helpdesk_tui.mail.intake import IntakeSettings, ingest
    from tests.mail_builders import message
    from tests.world import FIRST_LINE

    db, _w, _made = frozen
    mailbox = IntakeSettings(group=FIRST_LINE)
    with db.write() as s:
        ingest(s, message(sender="olena@client.example", name="Олена Шевченко", subject="Не друкує принтер",
                          body="Доброго дня! Принтер у 204 не друкує.", message_id="m1@client.example"), mailbox)
        ingest(s, message(sender="stranger@elsewhere.example", name="Невідомий Клієнт", subject="Не працює каса",
                          body="Каса показує помилку 17.", message_id="m2@elsewhere.example"), mailbox)
    set_language(lang)

    async def ready(pilot):
        await workspace_ready(pilot)
        await pilot.press("e")
        await wait_text(pilot, "Не працює каса")
        if view == "message":
            await pilot.press("enter")
            await wait_text(pilot, "Каса показує помилку 17.")
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(100, 30), run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_new_caller_dialog(frozen, snap_compare, lang):
    db, _w, _made = frozen
    set_language(lang)

    async def ready(pilot):
        await workspace_ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "IncidentFormScreen")
        await pilot.press(*"+380 50 765 43 21")
        await wait_for(pilot, lambda: pilot.app.screen.query_one("PersonPicker").query_one("OptionList").option_count)
        await pilot.press("enter")  # nobody has that phone: «a new caller»
        await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "NewCallerDialog")
        steady_cursor(pilot)
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(100, 30), run_before=ready)


@pytest.fixture
def with_requests(frozen):
    """The desk above with the test catalog and three requests: one in work, one awaiting
    Марія's approval, one rejected."""
    from helpdesk_tui.desk import approvals, requests
    from helpdesk_tui.store.models import Person
    from tests.world import load_test_catalog

    db, w, made = frozen
    set_clock(lambda: NOW - timedelta(hours=3))
    items = load_test_catalog(db, w)
    with db.write() as s:
        ivan, olena = s.get(Person, w.analyst.id), s.get(Person, w.caller.id)
        made["request"] = requests.register_request(s, ivan, requester=olena, item_id=items["vpn"],
                                                    values={"device": "Ноутбук", "until": "31.12.2026"}, owner=ivan)
        requests.register_request(s, ivan, requester=olena, item_id=items["ets-role"], values={"role": "Інспектор"})
        rejected = requests.register_request(s, ivan, requester=olena, item_id=items["1c-user"], values={}, owner=ivan)
        approvals.decide(s, s.get(Person, w.colleague.id), rejected, approve=False, comment="Немає ліцензій")
    set_clock(lambda: NOW)
    return db, w, made


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("tab", ["details", "parameters", "tasks", "approvals"])
def test_request_record(with_requests, snap_compare, lang, tab):
    db, _w, made = with_requests
    set_language(lang)
    number = made["request"].number

    async def ready(pilot):
        screen = await workspace_ready(pilot)
        screen.go_to("requests", "my-active")
        await list_settled(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "data", None) is not None, what="the request")
        await wait_text(pilot, number)
        await pilot.press(*["right_square_bracket"] * ["details", "parameters", "tasks", "approvals"].index(tab))
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(120, 40), run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_new_request_form(with_requests, snap_compare, lang):
    db, _w, _made = with_requests
    set_language(lang)

    async def ready(pilot):
        await workspace_ready(pilot)
        await pilot.press("N")
        await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "RequestFormScreen")
        await pilot.press(*"Шевч")
        await wait_text(pilot, "Олена Шевченко (olena)")
        await pilot.press("enter")
        await wait_for(pilot, lambda: pilot.app.screen.query_one("CatalogPicker").items, what="the catalog")
        await pilot.press(*"vpn", "enter")
        await wait_for(pilot, lambda: pilot.app.focused is not None and pilot.app.focused.id == "field-device")
        pilot.app.screen.query_one("#field-until").focus()
        await pilot.press(*"31.02", "tab")  # a wrong date, said under its field
        steady_cursor(pilot)
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(120, 50), run_before=ready)  # all of it, unscrolled


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_request_dashboard_awaiting_approval(with_requests, snap_compare, lang):
    db, _w, _made = with_requests
    set_language(lang)

    async def ready(pilot):
        screen = await workspace_ready(pilot)
        screen.go_to("requests", "awaiting-approval")
        await list_settled(pilot)
        await wait_for(pilot, lambda: screen.dashboard in screen.counts, what="the counts")
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "maria"), terminal_size=(120, 40), run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_clients_and_reports(frozen, snap_compare, lang, size):
    """«Клієнти і звіти»: the month's table and bar chart, and the twelve months' trend (R41)."""
    db, _w, _made = frozen
    set_language(lang)

    async def ready(pilot):
        await workspace_ready(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "uses", None))
        await wait_for(pilot, lambda: pilot.app.screen.query_one("#clients-table").row_count > 1)
        await wait_text(pilot, "Дванадцять місяців" if lang == "uk" else "Twelve months")
        await wait_text(pilot, "ТОВ «Ромашка»")
        await pilot.pause(0.3)

    assert snap_compare(make_app(db, "ivan"), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_record_with_the_timer_running(frozen, snap_compare, lang):
    """The timer in the header, on the record it runs on (R41)."""
    db, w, made = frozen
    set_language(lang)
    with db.write() as s:
        ticket = time_entries.ticket_of(s, "incident", made["mine-registered"].id)
        set_clock(lambda: NOW - timedelta(minutes=42))
        time_entries.start_timer(s, s.get(Person, w.analyst.id), ticket)
        set_clock(lambda: NOW)

    async def ready(pilot):
        await open_my_registered(pilot, made)
        await wait_text(pilot, "⏱")
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(120, 40), run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("view", ["list", "article", "editor"])
def test_knowledge_base(frozen, snap_compare, lang, view):
    """«База знань»: the list, an article rendered from Markdown, the editor (R4)."""
    from helpdesk_tui.desk import articles

    db, w, _made = frozen
    set_language(lang)
    with db.write() as s:
        draft = articles.create_article(s, w.analyst, title="Не друкує мережевий принтер", keywords="принтер, друк",
                                        body="## Симптоми\n\nЧервоний **індикатор** на принтері.\n\n1. Вимкнути\n2. Увімкнути",
                                        solution="Перезапустити службу друку.", service=w.service)
        articles.publish_article(s, w.colleague, draft)
        articles.create_article(s, w.colleague, title="VPN не підключається", body="Перевірте час")

    async def ready(pilot):
        await workspace_ready(pilot)
        await pilot.press("b")
        await wait_text(pilot, "VPN")
        # The filter field's first Changed reloads the list once more: wait until it has settled.
        screen = pilot.app.screen
        await wait_for(pilot, lambda: not any(w.is_running for w in screen.workers), what="the list")
        if view != "list":
            await pilot.press("enter")
            await wait_text(pilot, "Симптоми")
        if view == "editor":
            await pilot.press("E")
            await wait_text(pilot, "Markdown")
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(120, 40), run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("view", ["dashboard", "record", "incidents", "resolve"])
def test_problems(frozen, snap_compare, lang, view):
    """Problems (issue 19): dashboard 5, a problem's details and incidents, and resolving it with
    the offer to resolve its open incidents."""
    from helpdesk_tui.desk import problems

    db, w, made = frozen
    set_language(lang)
    with db.write() as s:
        p = problems.register_problem(s, w.analyst, short_description="Збої входу в ЕТС після оновлення",
                                      description="Користувачі не можуть увійти зранку", group=w.first_line,
                                      owner=w.analyst, service=w.service, configuration_item=w.item,
                                      incident=s.get(Incident, made["mine-registered"].id))
        problems.link_incident(s, w.analyst, p, s.get(Incident, made["mine-waiting"].id))
        problems.change_status(s, w.analyst, p, "known_error", root_cause="Прострочений сертифікат",
                               workaround="Входити через резервний вузол")
        problems.register_problem(s, w.colleague, short_description="Повільний друк у філії")

    async def ready(pilot):
        await workspace_ready(pilot)
        await pilot.press("5")
        await list_settled(pilot)
        await wait_text(pilot, "Повільний друк")
        if view != "dashboard":
            await pilot.press("down", "enter")
            await wait_text(pilot, "Прострочений сертифікат")
        if view == "incidents":
            await pilot.press("right_square_bracket")
            await wait_text(pilot, made["mine-waiting"].number)
        if view == "resolve":
            await pilot.press("t", "down", "enter")
            await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "ProblemStatusDialog")
            await pilot.press(*"Оновлено сертифікат")
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(120, 40), run_before=ready)


def _configuration_items(db, w, made):
    """Three items of three kinds, one retired; the server with an incident and a problem."""
    from helpdesk_tui.desk import config_items, incidents, problems

    with db.write() as s:
        config_items.update_item(s, w.analyst, w.item.id, kind="server", group=w.second_line,
                                 location="Київ, серверна 2", description="Сервер застосунку ЕТС, 2×Xeon")
        config_items.create_item(s, w.analyst, name="Принтер HP 402 (каб. 301)", kind="printer", group=w.first_line,
                                 location="Київ, каб. 301", service=w.service)
        old = config_items.create_item(s, w.analyst, name="Комутатор поверху 3", kind="network")
        config_items.update_item(s, w.analyst, old, active=False)
        incident = s.get(Incident, made["mine-registered"].id)
        incidents.update_incident(s, w.analyst, incident, configuration_item=w.item)
        problems.register_problem(s, w.analyst, short_description="ЕТС зависає щопонеділка", incident=incident)


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("view", ["list", "item", "editor"])
def test_configuration_items(frozen, snap_compare, lang, view):
    """«Конфігураційні елементи»: the list, an item with its incidents and problems, the editor (R25)."""
    db, w, made = frozen
    set_language(lang)
    _configuration_items(db, w, made)

    async def ready(pilot):
        await workspace_ready(pilot)
        await pilot.press("I")
        await wait_text(pilot, "Принтер HP 402")
        if view != "list":
            await pilot.press("slash", *"серверна", "enter")
            await wait_for(pilot, lambda: [r["name"] for r in pilot.app.screen.rows] == ["Сервер ЕТС-01"])
            await pilot.press("enter")
            await wait_text(pilot, "ЕТС зависає щопонеділка")
            await wait_text(pilot, made["mine-registered"].number)
        if view == "editor":
            await pilot.press("E")
            await wait_for(pilot, lambda: pilot.app.screen.query_one("#group").value == w.second_line.id)
            steady_cursor(pilot)
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(120, 40), run_before=ready)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_resolve_dialog_with_a_configuration_item(frozen, snap_compare, lang):
    """«Вирішено» names what the incident was resolved against (R25), its service's items first."""
    db, w, made = frozen
    set_language(lang)
    _configuration_items(db, w, made)

    async def ready(pilot):
        await open_my_registered(pilot, made)
        await pilot.press("t")
        await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "ChoiceDialog")
        values = [v for v, _label in pilot.app.screen.choices]
        await pilot.press("home", *(["down"] * values.index("resolved")), "enter")
        await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "StatusDialog")
        dialog = pilot.app.screen
        await wait_for(pilot, lambda: len(dialog.query_one("#configuration_item")._options) > 2, what="the items")
        await wait_for(pilot, lambda: dialog.query_one("#configuration_item").value == w.item.id, what="its item")
        await pilot.press(*"Перезапущено службу ЕТС")
        dialog.query_one("#reason_code").value = "permanent_fix"
        steady_cursor(pilot)
        await pilot.pause(0.2)

    assert snap_compare(make_app(db, "ivan"), terminal_size=(100, 32), run_before=ready)
