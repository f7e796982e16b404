"""The workspace driven from the keyboard (R9–R17, R43–R45): dashboards, tabs with counts, the
record list, filters, sorting, grouping, marks, and what another analyst does showing up."""

from __future__ import annotations

import pytest

from helpdesk_tui.desk import incidents, notes
from helpdesk_tui.i18n import set_language
from tests.tui import drive, list_settled, screen_text, wait_for, wait_notified, wait_text, workspace_ready
from tests.world import seed_desk


@pytest.fixture
def desk(db):
    return seed_desk(db)


def _shown(screen) -> list[str]:
    return [line.row["short_description"] for line in screen.current.window.lines if line.row]


def test_each_analyst_tab_lists_its_rows_with_counts_in_the_labels(desk):
    db, w, _made = desk

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        assert _shown(screen) == ["unclassified"]
        await wait_text(pilot, "All unclassified incidents (1)")
        text = screen_text(app)
        assert "Unassigned incidents of my team (2)" in text
        assert "Іван Петренко" in text  # who is signed in
        expected = [["classified-unassigned", "unclassified"], ["mine-registered"], ["mine-resolved", "mine-waiting"]]
        for rows in expected:
            await pilot.press("right_square_bracket")
            await list_settled(pilot)
            assert _shown(screen) == rows
        await pilot.press("left_square_bracket")
        await list_settled(pilot)
        assert _shown(screen) == ["mine-registered"]

    drive(db, scenario)


def test_digits_switch_dashboards_and_each_remembers_its_tab(desk):
    db, w, _made = desk

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("2")
        await list_settled(pilot)
        assert screen.dashboard == "incidents-requests"
        assert len(_shown(screen)) == 6 and "mine-closed" not in _shown(screen)
        await wait_text(pilot, "Active incidents of my team (6)")
        await pilot.press("right_square_bracket")
        await list_settled(pilot)
        assert _shown(screen) == ["Подзвонити"]
        await pilot.press("3")
        await list_settled(pilot)
        assert screen.dashboard == "tasks"
        await pilot.press("2")
        await list_settled(pilot)
        assert _shown(screen) == ["Подзвонити"]  # back on the tab left open
        await pilot.press("1")
        await list_settled(pilot)
        assert _shown(screen) == ["unclassified"]

    drive(db, scenario)


def test_filter_line_narrows_the_list_and_a_mistake_is_shown_not_raised(desk):
    db, w, _made = desk

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("2")
        await list_settled(pilot)
        await pilot.press("slash")
        assert app.focused.id == "filter"
        await pilot.press(*"status:registered")
        await pilot.press("enter")
        await list_settled(pilot)
        assert sorted(_shown(screen)) == ["classified-unassigned", "colleagues", "mine-registered", "unclassified"]
        assert app.focused is screen.current  # back on the list
        await pilot.press("slash", "ctrl+u", *"owner:me", "enter")
        await list_settled(pilot)
        assert set(_shown(screen)) == {"mine-registered", "mine-waiting", "mine-resolved"}
        await pilot.press("slash", "ctrl+u", *"status:nonsense", "enter")
        await wait_notified(pilot, "Unknown status «nonsense»")
        assert screen.query_one("#filter").has_class("-invalid")
        assert screen.query_one("#filter").value == "status:nonsense"  # what was typed stays

    drive(db, scenario)


def test_filter_line_completes_field_names_and_values_from_the_data(desk):
    db, w, _made = desk

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("slash", *"gro")
        await wait_for(pilot, lambda: screen.query_one("#filter")._suggestion == "group:")
        await pilot.press("right")
        assert screen.query_one("#filter").value == "group:"
        await pilot.press(*"Пер")
        await wait_for(pilot, lambda: screen.query_one("#filter")._suggestion.startswith("group:Перша лінія"))
        await pilot.press("right")
        assert screen.query_one("#filter").value == 'group:"Перша лінія підтримки Контакт-центр" '
        await pilot.press("enter")
        await list_settled(pilot)
        assert set(_shown(screen)) == {"unclassified"}  # the tab's own rule still applies

    drive(db, scenario)


def test_sort_dialog_and_reverse_and_group_with_counts(desk):
    db, w, _made = desk

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("2")
        await list_settled(pilot)
        await pilot.press("s")
        await wait_text(pilot, "Sort by")
        choices = app.screen.choices
        index = [value for value, _label in choices].index("short_description")
        await pilot.press("home", *(["down"] * index), "enter")
        await list_settled(pilot)
        assert screen.current.query_.sort_key == ("short_description", False)
        assert _shown(screen) == sorted(_shown(screen))
        await pilot.press("S")
        await list_settled(pilot)
        assert _shown(screen) == sorted(_shown(screen), reverse=True)
        await wait_text(pilot, "Short description ↓")
        await pilot.press("G")
        await wait_text(pilot, "Group by")
        values = [value for value, _label in app.screen.choices]
        await pilot.press("home", *(["down"] * values.index("owner")), "enter")
        await list_settled(pilot)
        text = screen_text(app)
        assert "▶ Іван Петренко (3)" in text and "▶ (empty) (2)" in text and "▶ Марія Коваль (1)" in text
        await wait_for(pilot, lambda: screen.current.window.current.group is not None)
        await pilot.press("enter")  # unfold the first group
        await wait_text(pilot, "▼ Іван Петренко (3)")
        await wait_for(pilot, lambda: len(_shown(screen)) == 3)
        await pilot.press("left")
        await wait_text(pilot, "▶ Іван Петренко (3)")

    drive(db, scenario)


def test_enter_opens_the_record_and_escape_returns_to_the_same_row(desk):
    db, w, made = desk

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("3")  # my-action is on the analyst dashboard; go there through the palette instead
        await pilot.press("1")
        await list_settled(pilot)
        screen.go_to("analyst", "my-action")
        await list_settled(pilot)
        await pilot.press("enter")
        await wait_text(pilot, made["mine-registered"].number)
        await wait_text(pilot, "Journal")
        # The record's registration in its journal, with what it set: not just any «registered»
        # on the screen (the record's own title is «mine-registered»).
        journal = screen_text(app).split("Journal", 1)[1]
        assert "Іван Петренко  Status" in journal and "Incident registered" in journal
        assert "Short description: — → mine-registered" in journal and "Status: — → Registered" in journal
        await pilot.press("escape")
        await list_settled(pilot)
        assert screen.current.current_row["short_description"] == "mine-registered"

    drive(db, scenario)


def test_open_in_parent_from_a_task(desk):
    db, w, made = desk

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("2", "right_square_bracket")
        await list_settled(pilot)
        assert _shown(screen) == ["Подзвонити"]
        await pilot.press("p")
        await wait_text(pilot, made["mine-registered"].number + "  mine-registered")

    drive(db, scenario)


def test_priority_one_is_red_and_the_owner_sees_the_unread_bar(desk):
    db, w, made = desk
    with db.write() as s:
        notes.add_note(s, w.colleague, made["mine-registered"], summary="", text="Гляньте логи")

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        screen.go_to("analyst", "my-action")
        await list_settled(pilot)
        await wait_text(pilot, "▌●" + made["mine-registered"].number)
        rl = screen.current
        row_strip = rl.render_line(1)
        assert row_strip.text.startswith("▌")
        unread_segment = next(seg for seg in row_strip if seg.text == "▌")
        assert unread_segment.style.color is not None
        screen.go_to("analyst", "team-unassigned")
        await list_settled(pilot)
        lines = [(line.row["priority"], rl2) for rl2, line in enumerate(screen.current.window.lines)]
        p1_index = next(i for p, i in lines if p == 1)
        p1_style = screen.current.render_line(p1_index + 1)
        red = screen.current.get_component_rich_style("record-list--p1").color
        assert all(seg.style.color == red for seg in p1_style if seg.text.strip() and seg.text not in ("●",))
        # Whose turn (R40): green while the desk owes an answer, yellow while it waits for the
        # caller's details, red while a resolution waits for their confirmation.
        screen.go_to("analyst", "awaiting")
        await list_settled(pilot)
        rl = screen.current
        turns = {line.row["short_description"]: next(seg for seg in rl.render_line(i + 1) if seg.text == "●").style.color
                 for i, line in enumerate(rl.window.lines)}
        yellow = rl.get_component_rich_style("record-list--turn-wait").color
        red = rl.get_component_rich_style("record-list--turn-confirm").color
        assert turns["mine-waiting"] == yellow and turns["mine-resolved"] == red != yellow
        screen.go_to("analyst", "my-action")
        await list_settled(pilot)
        green = screen.current.get_component_rich_style("record-list--turn-desk").color
        assert next(seg for seg in screen.current.render_line(1) if seg.text == "●").style.color == green != yellow

    drive(db, scenario)


def test_untrusted_subjects_are_shown_literally(db):
    from tests.world import seed

    w = seed(db)
    nasty = ["[red]x[/]", "[@click=app.quit]hi[/]", "evil\x1b[2Jclear"]
    with db.write() as s:
        for text in nasty:
            incidents.register_incident(s, w.analyst, short_description=text, caller=w.caller, group=w.first_line)

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        text = screen_text(app)
        assert "[red]x[/]" in text
        assert "[@click=app.quit]hi[/]" in text
        assert "evil␛[2Jclear" in text and "\x1b" not in text
        await pilot.click(screen.current.__class__, offset=(20, 3))  # a click on the row does not quit
        assert app.is_running

    drive(db, scenario)


def test_paging_through_many_rows_keeps_a_window_and_finds_the_end(sqlite_db):
    db = sqlite_db
    w, count = _many(db, 800)

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        screen.go_to("incidents-requests", "team-incidents")
        rl = await list_settled(pilot)
        await wait_for(pilot, lambda: rl.total == count)
        first = rl.current_row["number"]
        for _ in range(35):  # 21 rows a page at this size
            await pilot.press("pagedown")
            await pilot.pause()
        await list_settled(pilot)
        assert rl.window.position() > 650
        assert len(rl.window.rows) <= 600  # a window, never the whole list
        await pilot.press("end")
        await list_settled(pilot)
        assert rl.window.position() == count
        assert f" {count} / {count}" in screen_text(app)  # under a thousand: no separator either way
        await pilot.press("home")
        await list_settled(pilot)
        assert rl.current_row["number"] == first and rl.window.position() == 1

    drive(db, scenario, size=(100, 30))


def _many(db, n):
    from tests.world import seed

    w = seed(db)
    with db.write() as s:
        for i in range(n):
            incidents.register_incident(s, w.analyst, short_description=f"Запит {i:04d}", caller=w.caller,
                                        group=w.first_line, impact=2, urgency=2)
    return w, n


def test_a_change_by_another_analyst_shows_in_the_other_app_within_two_seconds(db):
    """Two apps on one database, each on its own thread and event loop as two SSH sessions would be
    (Textual keeps the running app in a context variable, so two apps never share a loop)."""
    import asyncio
    import threading
    import time

    from tests.tui import make_app

    w, _n = _many(db, 3)
    second_ready, stop, changed_at, second_saw = threading.Event(), threading.Event(), [], []

    def second_analyst() -> None:
        async def main():
            theirs = make_app(db, "maria")
            async with theirs.run_test(size=(120, 40)) as p2:
                s2 = await workspace_ready(p2)
                s2.go_to("analyst", "team-unassigned")
                await list_settled(p2)
                second_ready.set()
                await asyncio.sleep(0.5)
                # Maria registers a call; until the intake form lands (issue 6) through the same desk
                # operation the form will use, on her app's database connection.
                with theirs.db.write() as s:
                    incidents.register_incident(s, w.colleague, short_description="Новий від Марії",
                                                caller=w.caller, group=w.first_line)
                changed_at.append(time.monotonic())
                await wait_for(p2, lambda: len(s2.current.window.rows) == 4, timeout=5.0)
                second_saw.append(True)
                while not stop.is_set():
                    await asyncio.sleep(0.05)

        asyncio.run(main())

    async def first_analyst():
        mine = make_app(db, "ivan")
        async with mine.run_test(size=(120, 40)) as p1:
            s1 = await workspace_ready(p1)
            s1.go_to("analyst", "team-unassigned")
            await list_settled(p1)
            s1.current.window.cursor = 1
            kept = s1.current.current_row["id"]
            assert len(s1.current.window.rows) == 3
            other = threading.Thread(target=second_analyst)
            other.start()
            try:
                await wait_for(p1, lambda: bool(changed_at), timeout=30.0, what="the other analyst's change")
                await wait_for(p1, lambda: len(s1.current.window.rows) == 4, timeout=5.0, what="the new row")
                assert time.monotonic() - changed_at[0] <= 2.0
                assert s1.current.current_row["id"] == kept  # the cursor stayed on its record
                await wait_text(p1, "Unassigned incidents of my team (4)", timeout=2.0)
                await wait_for(p1, lambda: bool(second_saw), timeout=5.0, what="the other app's own refresh")
            finally:
                stop.set()
                other.join(timeout=30)

    asyncio.run(first_analyst())


def test_every_binding_has_an_id_and_a_remapped_key_works(desk):
    db, w, _made = desk

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("o")  # remapped from "s"
        await wait_text(pilot, "Sort by")

    drive(db, scenario, keymap={"workspace.sort": "o"})


def test_command_palette_lists_the_actions_and_tabs(desk):
    db, w, _made = desk

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        titles = [c.title for c in app.get_system_commands(screen)]
        assert "Sort" in titles and "Saved searches" in titles and "Show filters" in titles
        assert "Tasks › My active tasks" in titles
        assert "Switch role" not in titles  # one role only
        await pilot.press("ctrl+p")
        await pilot.press(*"My active tasks")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await list_settled(pilot)
        assert screen.dashboard == "tasks"

    drive(db, scenario)


def test_quick_filters_pick_values_from_the_data(desk):
    db, w, _made = desk

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("2", "f")
        await wait_for(pilot, lambda: len(screen.query("#quick-owner")) == 1, what="the quick filters")
        owner = screen.query_one("#quick-owner")
        values = [v for _label, v in owner._options if isinstance(v, str)]
        assert "Марія Коваль" in values
        owner.value = "Марія Коваль"
        await wait_for(pilot, lambda: screen.current.query_.quick == (("owner", "Марія Коваль"),))
        await list_settled(pilot)
        assert _shown(screen) == ["colleagues"]
        assert "Quick filters on" not in screen_text(app)  # the bar itself shows them
        # Hiding the bar keeps the filter, and says so where the bar was.
        await pilot.press("f")
        await wait_text(pilot, "Quick filters on: Owner: Марія Коваль")
        assert _shown(screen) == ["colleagues"]
        # F takes it off: the list is whole again and nothing says a filter is on.
        await pilot.press("F")
        await wait_for(pilot, lambda: screen.current.query_.quick == ())
        await list_settled(pilot)
        assert "colleagues" in _shown(screen) and len(_shown(screen)) > 1
        assert "Quick filters on" not in screen_text(app)

    drive(db, scenario)


def test_ukrainian_interface(desk):
    db, w, _made = desk
    set_language("uk")

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await wait_text(pilot, "Всі некласифіковані інциденти (1)")
        text = screen_text(app)
        assert "Аналітик служби підтримки" in text and "Зареєстровано" in text

    drive(db, scenario)


def test_every_binding_of_ours_has_an_id_and_a_description():
    import importlib
    import pkgutil

    import helpdesk_tui.screens
    import helpdesk_tui.widgets
    from helpdesk_tui.app import HelpdeskApp

    classes = [HelpdeskApp]
    for package in (helpdesk_tui.screens, helpdesk_tui.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            classes += [c for c in vars(module).values()
                        if isinstance(c, type) and "BINDINGS" in vars(c) and c.__module__ == module.__name__]
    actions: dict[str, str] = {}
    for cls in classes:
        for binding in cls.BINDINGS:
            assert binding.id and binding.description, f"{cls.__name__}: {binding.action}"
            # One id, one meaning: a keymap entry such as "dialog.cancel" moves the same action everywhere.
            assert actions.setdefault(binding.id, binding.action) == binding.action, binding.id
    assert len(classes) >= 8


def test_the_background_jobs_run_inside_the_app_and_the_header_shows_them(sqlite_db, imap, monkeypatch):
    import asyncio

    from sqlalchemy import select

    from helpdesk_tui.config import ServerSettings
    from helpdesk_tui.desk import jobs
    from helpdesk_tui.mail.poller import LEASE as MAIL_LEASE
    from helpdesk_tui.store.models import JobLease
    from helpdesk_tui.store.types import utcnow
    from tests.imap_server import PASSWORD as IMAP_PASSWORD
    from tests.imap_server import USER as IMAP_USER
    from tests.tui import make_app
    from tests.world import seed

    seed(sqlite_db)
    monkeypatch.setenv("HELPDESK_IMAP_PASSWORD", IMAP_PASSWORD)

    def leases():
        with sqlite_db.read() as s:
            return {x.name: (x.holder, x.expires_at > utcnow()) for x in s.execute(select(JobLease)).scalars()}

    async def main():
        app = make_app(sqlite_db, "ivan")
        app.jobs_enabled = True
        app.settings.imap = ServerSettings(host="127.0.0.1", port=imap.port, security="none", user=IMAP_USER,
                                           timeout=10)
        async with app.run_test(size=(160, 40)) as pilot:
            await workspace_ready(pilot)
            await wait_for(pilot, lambda: "SLA" in app.job_states and "Mail" in app.job_states, timeout=15,
                           what="both jobs' first round")
            await pilot.pause(0.1)
            text = screen_text(app)
            assert "SLA: " in text and "Mail: " in text
            assert "✓" in app.job_states["SLA"][0] and not app.job_states["SLA"][1]
            assert "✓ new 0" in app.job_states["Mail"][0] and not app.job_states["Mail"][1]
            assert leases()[jobs.TICKER] == (app.holder, True)
            assert leases()[MAIL_LEASE] == (app.holder, True)
        # Leaving hands the jobs over at once: the next analyst's app need not wait for expiry.
        assert leases()[jobs.TICKER] == (app.holder, False)

    asyncio.run(main())


def test_a_mail_server_that_does_not_answer_is_shown_in_the_header_not_raised(sqlite_db, monkeypatch):
    import asyncio
    import socket

    from helpdesk_tui.config import ServerSettings
    from tests.tui import make_app
    from tests.world import seed

    seed(sqlite_db)
    monkeypatch.setenv("HELPDESK_IMAP_PASSWORD", "x")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def main():
        app = make_app(sqlite_db, "ivan")
        app.jobs_enabled = True
        app.settings.imap = ServerSettings(host="127.0.0.1", port=port, security="none", user="desk", timeout=2)
        async with app.run_test(size=(160, 40)) as pilot:
            await workspace_ready(pilot)
            await wait_for(pilot, lambda: "Mail" in app.job_states, timeout=15)
            text, error = app.job_states["Mail"]
            assert error and "error" in text
            assert app.is_running

    asyncio.run(main())


def test_a_job_round_that_breaks_says_so_in_the_header_and_runs_again(sqlite_db, monkeypatch):
    """A surprise inside a round (a bug, a worker that cannot start) is the header's line, not a
    thread that dies quietly and leaves the job stopped with nothing said."""
    import asyncio

    from helpdesk_tui.config import ServerSettings
    from helpdesk_tui.mail import rounds
    from tests.tui import make_app
    from tests.world import seed

    seed(sqlite_db)
    calls = []

    def broken(db, settings, holder):  # type: ignore[no-untyped-def]
        calls.append(holder)
        raise RuntimeError("the parse worker could not start")

    monkeypatch.setattr(rounds, "mail_round", broken)

    async def main():
        app = make_app(sqlite_db, "ivan")
        app.jobs_enabled = True
        app.settings.imap = ServerSettings(host="imap.example", port=993, user="desk")
        async with app.run_test(size=(160, 40)) as pilot:
            await workspace_ready(pilot)
            await wait_for(pilot, lambda: "Mail" in app.job_states, timeout=15)
            text, error = app.job_states["Mail"]
            assert error and "RuntimeError: the parse worker could not start" in text
            assert "the parse worker could not start" in screen_text(app)
            app._mail_round()  # the next round: the job was not left stopped
            await wait_for(pilot, lambda: len(calls) >= 2, timeout=15)
            assert app.is_running

    asyncio.run(main())


def test_a_background_step_that_fails_is_said_literally_and_the_desk_goes_on(sqlite_db):
    """Workers run with exit_on_error=False, so a failure cannot close the desk; uncaught, it
    is shown (markup and terminal escapes in the error as plain text), not swallowed: whether
    the app, a screen or a widget ran it (Textual tells only the node that started it)."""
    import asyncio

    from helpdesk_tui.widgets.record_list import RecordList
    from tests.tui import make_app
    from tests.world import seed

    seed(sqlite_db)

    def failing(where: str):  # type: ignore[no-untyped-def]
        def work() -> None:
            raise RuntimeError(f"{where}: database said [b]no[/b] \x1b[2J")
        return work

    async def main():
        app = make_app(sqlite_db, "ivan")
        async with app.run_test(size=(160, 40)) as pilot:
            await workspace_ready(pilot)
            nodes = {"app": app, "screen": app.screen, "widget": app.screen.query_one(RecordList)}
            for where, node in nodes.items():
                node.run_worker(failing(where), thread=True, exit_on_error=False)
                await wait_for(pilot, lambda: any(where in str(n.message) for n in app._notifications),
                               what=f"the failure in the {where} said")
                [said] = [n for n in app._notifications if where in str(n.message)]
                assert said.title == "Something went wrong" and said.severity == "error"
                assert said.message == f"RuntimeError: {where}: database said [b]no[/b] ␛[2J"
            assert app.is_running
            await pilot.press("]")  # the desk still answers keys
            await pilot.pause()
            assert app.is_running

    asyncio.run(main())


def test_every_screen_and_widget_with_workers_says_their_failures():
    """Textual tells only the node that started a worker how it ended: a class that runs
    workers without the SaysFailures mixin would swallow their errors again."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "helpdesk_tui"
    missing = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            body = ast.unparse(node)
            runs_workers = "@work(" in body or "run_worker(" in body
            bases = [ast.unparse(b) for b in node.bases]
            if runs_workers and not any(b in ("SaysFailures", "SavingDialog") for b in bases):
                missing.append(f"{path.relative_to(root)}: {node.name}")
    assert not missing, missing


def test_every_tab_of_every_dashboard_shows_what_the_store_says_it_holds(desk):
    """Each tab against the known rows: the list shows exactly the tab's rows, in its order."""
    from helpdesk_tui.domain.dashboards import CATALOGUE
    from helpdesk_tui.store import queries

    db, w, _made = desk
    with db.write() as s:  # a service request and a completed task, so no tab is trivially empty
        from helpdesk_tui.store.models import ServiceRequest

        s.add(ServiceRequest(number="REQ0000001", requester_id=w.caller.id, short_description="Новий ноутбук",
                             group_id=w.first_line.id, owner_id=w.analyst.id, opened_by_id=w.analyst.id))
    with db.read() as s:
        viewer = queries.Viewer.load(s, w.analyst.id)
        expected = {(b, t.key): [r["id"] for r in queries.tab_page(s, b, t.key, viewer).rows]
                    for b, board in CATALOGUE.items() for t in board.tabs}
    assert sum(1 for ids in expected.values() if ids) >= 8

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        for index, (board_key, board) in enumerate(CATALOGUE.items()):
            await pilot.press(str(index + 1))
            await list_settled(pilot)
            for position, tab in enumerate(board.tabs):
                if position:
                    await pilot.press("right_square_bracket")
                rl = await list_settled(pilot)
                shown = [line.row["id"] for line in rl.window.lines if line.row]
                assert shown == expected[board_key, tab.key], (board_key, tab.key)
                await wait_for(pilot, lambda: rl.total == len(expected[board_key, tab.key]))

    drive(db, scenario)


def test_the_remaining_keys_refresh_move_and_mark(desk):
    db, w, made = desk
    with db.write() as s:
        notes.add_note(s, w.colleague, made["mine-registered"], summary="", text="Гляньте логи")

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        screen.go_to("incidents-requests", "team-incidents")
        rl = await list_settled(pilot)
        await pilot.press("end")
        await list_settled(pilot)
        assert rl.window.cursor == len(rl.window.lines) - 1
        await pilot.press("home", "down", "down", "up")
        assert rl.window.cursor == 1
        await pilot.press("r")
        await list_settled(pilot)
        assert rl.window.cursor == 1
        screen.go_to("analyst", "my-action")
        await list_settled(pilot)
        await wait_text(pilot, "▌●" + made["mine-registered"].number)
        await pilot.press("enter")
        await wait_text(pilot, "Гляньте логи")
        await pilot.press("m")
        await wait_notified(pilot, "Marked as read (1)")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen_text(app).count("▌●"), what="the bar gone")
        await pilot.press("enter")
        await wait_text(pilot, "Гляньте логи")
        await pilot.press("u")
        await wait_notified(pilot, "Marked as unread")
        await pilot.press("escape")
        await wait_text(pilot, "▌●" + made["mine-registered"].number)

    drive(db, scenario)


def test_mark_unread_brings_back_the_comment_mark_read_took_even_a_task_s(desk):
    """`m` then `u` on a record whose only unread comment came from a task (R16)."""
    db, w, made = desk
    from sqlalchemy import select

    from helpdesk_tui.desk import tasks as task_ops
    from helpdesk_tui.store.models import Task

    with db.write() as s:
        task = s.execute(select(Task).where(Task.incident_id == made["mine-registered"].id)
                         .order_by(Task.id)).scalars().first()
        task_ops.accept_task(s, w.specialist, task)
        task_ops.complete_task(s, w.specialist, task, comment="Мережу перевірено")

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        screen.go_to("analyst", "my-action")
        await list_settled(pilot)
        await wait_text(pilot, "▌●" + made["mine-registered"].number)
        await pilot.press("enter")
        await wait_text(pilot, "Мережу перевірено")
        await pilot.press("m")
        await wait_notified(pilot, "Marked as read (1)")
        await pilot.press("u")
        await wait_notified(pilot, "Marked as unread")
        await pilot.press("escape")
        await wait_text(pilot, "▌●" + made["mine-registered"].number)

    drive(db, scenario)


def test_the_filter_line_keeps_every_key_in_order_when_they_come_at_once(desk):
    """The same burst that lost keys in the caller field: the / filter line lost them too."""
    from tests.tui import type_at_once

    db, w, _made = desk

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("slash")
        line = screen.query_one("#filter")
        await pilot.press(*"принт")
        for _round in range(4):
            type_at_once(app, ["backspace"] * 10 + list("група:Друга"))
            await wait_for(pilot, lambda: line.value == "група:Друга", what=f"the filter line, now {line.value!r}")
            type_at_once(app, ["backspace"] * 11 + list("принт"))
            await wait_for(pilot, lambda: line.value == "принт", what=f"the filter line, now {line.value!r}")

    drive(db, scenario)


def test_a_status_completes_from_its_ukrainian_name(desk):
    """«статус:Зар» completes to «Зареєстровано» in the Ukrainian interface (it offered only
    the stored code, which no Ukrainian word starts), and the completed filter applies."""
    from helpdesk_tui.i18n import set_language

    db, _w, _made = desk
    set_language("uk")

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("slash", *"статус:Зар")
        await wait_for(pilot, lambda: screen.query_one("#filter")._suggestion == "статус:Зареєстровано")
        await pilot.press("right", "enter")
        await list_settled(pilot)
        assert screen.query_one("#filter").value == "статус:Зареєстровано "
        assert set(_shown(screen)) == {"unclassified"}

    try:
        drive(db, scenario)
    finally:
        set_language("en")
