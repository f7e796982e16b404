"""Problems from the keyboard (issue 19): dashboard 5 lists them; `L` on an incident links it to
an open problem or registers a new one from it; the problem's screen moves it along its
lifecycle with what each status needs, and resolving it resolves its open incidents with its
solution when the analyst leaves the offer ticked; incidents are linked by number and unlinked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk_tui.desk import incidents, problems
from helpdesk_tui.screens.dialogs import ChoiceDialog, ConfirmDialog, PromptDialog
from helpdesk_tui.screens.problem_dialogs import IncidentProblemDialog, ProblemForm, ProblemStatusDialog
from helpdesk_tui.screens.problems import ProblemScreen
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.store.models import Incident, Problem, RecordLink
from tests.tui import drive, screen_text, wait_for, wait_notified, wait_text, workspace_ready
from tests.world import seed


@pytest.fixture
def desk(db):
    return db, seed(db)


def _incident(db, w, short: str, *, classify: bool = True) -> Incident:
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description=short, description="Деталі від користувача")
        if classify:
            incidents.classify_incident(s, w.analyst, inc, service=w.service, category=w.category, impact=2,
                                        urgency=2, owner=w.analyst)
        return inc


async def _problem_screen(app, pilot, problem_id: int) -> ProblemScreen:
    await workspace_ready(pilot)
    app.push_screen(ProblemScreen(app.workspace, problem_id))
    await wait_for(pilot, lambda: isinstance(app.screen, ProblemScreen) and app.screen.data is not None)
    return app.screen


def test_dashboard_five_lists_open_problems_by_their_labels(desk):
    db, w = desk
    with db.write() as s:
        p = problems.register_problem(s, w.analyst, short_description="Друк зависає після оновлення",
                                      group=w.first_line)
        problems.register_problem(s, w.analyst, short_description="Старий збій")
        done = problems.register_problem(s, w.analyst, short_description="Вже закрита")
        problems.close_problem(s, w.analyst, done)

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("5")
        await wait_text(pilot, "Друк зависає")
        await wait_text(pilot, "Open problems (2)")
        text = screen_text(app)
        assert "Open problems of my team (1)" in text
        row = next(line for line in text.splitlines() if "Друк зависає" in line)
        assert "Registered" in row and "registered" not in row  # a label, never the code
        assert "Вже закрита" not in text
        await pilot.press("enter")  # the newest first: the closed one is not in this tab
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemScreen) and app.screen.data is not None)
        assert app.screen.data["number"] in screen_text(app)

    drive(db, scenario)
    assert p.number


def test_a_problem_is_registered_from_an_incident_and_linked_to_it(desk):
    db, w = desk
    inc = _incident(db, w, "Принтер у бухгалтерії не друкує")

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        app.push_screen(RecordScreen(app.workspace, "incident", inc.id))
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentProblemDialog))
        await pilot.press("ctrl+s")  # «A new problem from this incident» is the choice offered
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemForm))
        await wait_for(pilot, lambda: app.screen.query_one("#service").value == w.service.id, what="the service")
        assert app.screen.query_one("#short_description").value == "Принтер у бухгалтерії не друкує"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemScreen) and app.screen.data is not None)
        await wait_text(pilot, "Incidents (1)")
        await pilot.press("right_square_bracket")
        await wait_text(pilot, inc.number)
        assert "1 incident, 1 of them open" in screen_text(app)
        await pilot.press("enter")  # the incident opens from the problem's tab
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        assert app.screen.record_id == inc.id

    drive(db, scenario)
    with db.read() as s:
        problem = s.execute(select(Problem)).scalar_one()
        assert (problem.short_description, problem.service_id) == ("Принтер у бухгалтерії не друкує", w.service.id)
        assert s.execute(select(RecordLink).where(RecordLink.to_kind == "problem")).scalar_one().from_id == inc.id


def test_an_incident_is_linked_to_an_open_problem_from_its_record(desk):
    db, w = desk
    inc = _incident(db, w, "VPN відключається щогодини")
    with db.write() as s:
        p = problems.register_problem(s, w.analyst, short_description="Збій VPN-шлюзу")

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        app.push_screen(RecordScreen(app.workspace, "incident", inc.id))
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentProblemDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: len(dialog.query_one("#problem")._options) > 1, what="the problems")
        dialog.query_one("#problem").value = p.id
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen))
        await wait_notified(pilot, "Linked")

    drive(db, scenario)
    with db.read() as s:
        assert [i.number for i in problems.problem_incidents(s, s.get(Problem, p.id))] == [inc.number]


def test_known_error_needs_its_root_cause_and_resolving_resolves_the_open_incidents(desk):
    db, w = desk
    first = _incident(db, w, "Outlook не відкривається")
    second = _incident(db, w, "Outlook падає при старті")
    with db.write() as s:
        p = problems.register_problem(s, w.analyst, short_description="Outlook після оновлення KB5", incident=first)
        problems.link_incident(s, w.analyst, p, s.get(Incident, second.id))

    async def scenario(app, pilot):
        await _problem_screen(app, pilot, p.id)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("down", "enter")  # «Аналіз», then «Відома помилка»
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemStatusDialog))
        assert app.screen.target.value == "known_error"
        await pilot.press("ctrl+s")
        await wait_text(pilot, "needs: Root cause")
        await pilot.press(*"Зламаний профіль", "tab")
        app.screen.query_one("#workaround").text = "Запускати з /safe"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemScreen) and app.screen.data["status"] == "known_error")
        assert "Known error" in screen_text(app) and "Зламаний профіль" in screen_text(app)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("down", "enter")  # «Аналіз», «Вирішено», «Закрито»
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemStatusDialog))
        assert app.screen.target.value == "resolved"
        assert "Also resolve its 2 open incidents with this solution" in screen_text(app)
        await pilot.press(*"Відкотити оновлення KB5")
        await pilot.press("ctrl+s")
        await wait_notified(pilot, "Resolved with it")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemScreen) and app.screen.data["status"] == "resolved")

    drive(db, scenario)
    with db.read() as s:
        assert s.get(Problem, p.id).solution == "Відкотити оновлення KB5"
        for inc in (first, second):
            got = s.get(Incident, inc.id)
            assert (got.status, got.solution) == ("resolved", "Відкотити оновлення KB5")


def test_resolving_without_the_offer_leaves_the_incidents(desk):
    db, w = desk
    inc = _incident(db, w, "Сканер не бачить мережу")
    with db.write() as s:
        p = problems.register_problem(s, w.analyst, short_description="Сканери після зміни VLAN", incident=inc)

    async def scenario(app, pilot):
        screen = await _problem_screen(app, pilot, p.id)
        screen.app.push_screen(ProblemStatusDialog(app.workspace, screen.data, problems.ProblemStatus.RESOLVED),
                               lambda ok: screen.action_reload())
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemStatusDialog))
        await pilot.press(*"Повернути VLAN", "tab", "space")  # untick the offer
        assert app.screen.query_one("#resolve_incidents").value is False
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemScreen) and app.screen.data["status"] == "resolved")

    drive(db, scenario)
    with db.read() as s:
        assert s.get(Incident, inc.id).status != "resolved"


def test_incidents_are_linked_by_number_and_unlinked_with_delete(desk):
    db, w = desk
    inc = _incident(db, w, "Мишка не працює", classify=False)
    with db.write() as s:
        p = problems.register_problem(s, w.analyst, short_description="Бездротові мишки")

    async def scenario(app, pilot):
        await _problem_screen(app, pilot, p.id)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press(*"INC999999", "enter")
        await wait_notified(pilot, "not found")  # said, nothing linked
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press(*inc.number.lower(), "enter")
        await wait_notified(pilot, f"{inc.number} linked")
        await wait_text(pilot, "Incidents (1)")
        await pilot.press("right_square_bracket")
        await wait_text(pilot, "Мишка не працює")
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_notified(pilot, f"{inc.number} unlinked")
        await wait_text(pilot, "Incidents (0)")

    drive(db, scenario)
    with db.read() as s:
        assert problems.problem_incidents(s, s.get(Problem, p.id)) == []


def test_an_edit_made_meanwhile_by_someone_else_keeps_what_was_typed(desk):
    db, w = desk
    with db.write() as s:
        p = problems.register_problem(s, w.analyst, short_description="Повільний вхід у домен")

    async def scenario(app, pilot):
        await _problem_screen(app, pilot, p.id)
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemForm))
        with db.write() as s:  # a colleague saves first
            problems.update_problem(s, w.colleague, p.id, description="Скарги з філії у Львові")
        app.screen.query_one("#root_cause").text = "Перевантажений контролер домену"
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Your text is kept")
        assert isinstance(app.screen, ProblemForm)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemScreen))
        await wait_text(pilot, "Перевантажений контролер домену")

    drive(db, scenario)
    with db.read() as s:
        assert s.get(Problem, p.id).root_cause == "Перевантажений контролер домену"


def test_keys_typed_before_the_problem_arrives_are_not_lost(desk):
    """t, ↓ and Enter in one burst, sent as the screen opens and before its worker has read the
    problem (a fast analyst over SSH): the status menu opens once the problem is here and the
    keys after it choose in it."""
    db, w = desk
    with db.write() as s:
        p = problems.register_problem(s, w.analyst, short_description="Тест швидких клавіш")

    async def scenario(app, pilot):
        from tests.tui import type_at_once

        await workspace_ready(pilot)
        app.push_screen(ProblemScreen(app.workspace, p.id))
        type_at_once(app, ["t"])
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        type_at_once(app, ["down", "enter"])
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemStatusDialog))
        assert app.screen.target.value == "known_error"
        await pilot.press(*"Кеш DNS")
        assert app.screen.query_one("#root_cause").text == "Кеш DNS"

    drive(db, scenario)


def test_p_registers_a_problem_on_its_own_and_opens_it(desk):
    db, w = desk

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemForm))
        await pilot.press(*"Повільна мережа у філії", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemScreen) and app.screen.data is not None)
        assert app.screen.data["short_description"] == "Повільна мережа у філії"

    drive(db, scenario)
    with db.read() as s:
        assert s.execute(select(Problem.short_description)).scalar_one() == "Повільна мережа у філії"
