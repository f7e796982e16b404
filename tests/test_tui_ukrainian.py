"""The Ukrainian interface is Ukrainian (R44): every screen and dialog an analyst meets, walked
with the keys, shows no Latin-script word except proper names, record numbers, key names,
binding ids and what people typed (logins, addresses, the texts of the test's records)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from textual.command import CommandPalette

from helpdesk_tui.desk import incidents, jobs, knowledge, notes, requests, searches, tasks
from helpdesk_tui.domain.clock import set_clock
from helpdesk_tui.i18n import set_language
from helpdesk_tui.mail.intake import ingest
from helpdesk_tui.screens.dialogs import ChoiceDialog
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.store.models import Incident, Person
from tests.mail_builders import message
from tests.tui import drive, list_settled, notifications, screen_text, wait_for, wait_text, workspace_ready
from tests.world import load_test_catalog, seed_desk

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

# Words that may stay in Latin letters in the Ukrainian interface: the product's and the seed's
# own names («HELP DESK», «ADD » Примітки», SLA as the manual writes it), key names.
PROPER_NAMES = {"helpdesk-tui", "HELP", "DESK", "ADD", "SLA"}
KEY_NAMES = {"esc", "enter", "tab", "ctrl", "shift", "super", "home", "end", "pgup", "pgdn", "space", "delete", "del",
             "backspace", "up", "down", "left", "right", *(f"f{n}" for n in range(1, 13))}
RECORD_NUMBER = re.compile(r"^(INC|TSK|VTSK|REQ|KB|PRB)(\d{7})?$")  # a number, or its prefix alone (INC…)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'’\-]*(?:\.[A-Za-z0-9_]+)*")


def foreign_words(text: str, typed: set[str]) -> list[tuple[str, str]]:
    """(word, its line) for every Latin-script word that is not allowed."""
    found = []
    for line in text.splitlines():
        for token in line.split():
            if "@" in token or "/" in token:  # an e-mail address, a path or a URL: an identifier
                continue
            if re.fullmatch(r"[^\w(]*\([a-z0-9._-]+\)[^\w)]*", token):  # a login beside a name, to tell two people apart
                continue
            for word in LATIN_WORD.findall(token):
                bare = word.strip("-'’_")
                if (len(bare) <= 1 or bare in PROPER_NAMES or bare.lower() in KEY_NAMES or _typed_word(bare, typed)
                        or RECORD_NUMBER.match(bare) or "." in bare):
                    continue
                found.append((word, line.strip()))
    return found


def _typed_word(word: str, typed: set[str]) -> bool:
    """A word people typed, or the start of one that a narrow column cut short."""
    return word in typed or len(word) >= 4 and any(t.startswith(word) for t in typed)


def test_the_rule_itself():
    typed = {"olena"}
    assert foreign_words("INC0000003  Олена Шевченко (olena)  esc Назад  ^p Команди  record.back", typed) == []
    assert foreign_words("Власник: — → ivan", typed) == [("ivan", "Власник: — → ivan")]
    assert foreign_words("olena@client.example sqlite:///helpdesk.db", set()) == []
    assert [w for w, _l in foreign_words("Канал phone · Статус: ∅ → registered", typed)] == ["phone", "registered"]


@pytest.fixture
def desk(sqlite_db):
    """The test desk in Ukrainian, with one incident that went through every kind of change."""
    moment = [NOW - timedelta(days=3)]

    def clock():
        moment[0] += timedelta(minutes=7)
        return moment[0]

    set_language("uk")
    set_clock(clock)
    db, w, made = seed_desk(sqlite_db)
    with db.write() as s:
        searches.install_predefined(s)
        notes.add_note(s, w.colleague, made["mine-registered"], summary="", text="Гляньте логи")
        article = knowledge.create_article(s, w.admin, title="Принтер не друкує", body="Черга друку зависла.",
                                           solution="Перезапустіть службу друку.")
        rich = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Не працює вхід в ЕТС",
                                           group=w.first_line, owner=w.analyst, impact=2, urgency=2)
        notes.link_records(s, w.analyst, rich, to_kind="knowledge_article", to_id=article.id)
        incidents.change_status(s, w.analyst, rich, incidents.IncidentStatus.INFO_NEEDED, question="Який кабінет?")
        incidents.change_status(s, w.analyst, rich, incidents.IncidentStatus.INFO_PROVIDED, answer="Кабінет 204")
        incidents.change_status(s, w.analyst, rich, incidents.IncidentStatus.THIRD_PARTY, handoff=incidents.VendorHandoff(
            vendor=w.vendor, short_description="Перевірте сервер", details="Вхід не працює."))
        incidents.change_status(s, w.analyst, rich, incidents.IncidentStatus.FROM_THIRD_PARTY,
                                vendor_answer="Перезапустили службу.")
        incidents.change_priority(s, w.analyst, rich, priority=1, justification="Стоїть митний пост")
        helper = tasks.create_task(s, w.analyst, rich, group=w.second_line, short_description="Перевірити мережу")
        tasks.accept_task(s, w.specialist, helper)
        incidents.resolve_incident(s, w.analyst, rich, solution="Перезапущено службу входу", reason_code="permanent_fix",
                                   configuration_item=w.item, resolve_with_open_tasks=True)
        made["rich"], made["helper"] = rich, helper
    with db.write() as s:
        ingest(s, message(sender="olena@client.example", name="Олена Шевченко", subject="Не друкує принтер",
                          body="Доброго дня! Принтер у 204 не друкує.", message_id="m1@client.example"))
        ingest(s, message(sender="stranger@elsewhere.example", name="Невідомий Клієнт", subject="Не працює каса",
                          body="Каса показує помилку 17.", message_id="m2@elsewhere.example"))
    items = load_test_catalog(db, w)
    with db.write() as s:  # a request in work, with its tasks, and one waiting for Марія's approval
        made["request"] = requests.register_request(s, s.get(Person, w.analyst.id), requester=s.get(Person, w.caller.id),
                                                    item_id=items["vpn"], values={"device": "Ноутбук"}, owner=w.analyst)
        requests.register_request(s, s.get(Person, w.analyst.id), requester=s.get(Person, w.caller.id),
                                  item_id=items["ets-role"], values={"role": "Інспектор"})
    jobs.check_sla(db, now=NOW + timedelta(days=30))  # warnings and breaches in the journals
    set_clock(lambda: NOW)
    yield db, w, made
    set_clock(None)


class Walk:
    """Collects what each screen shows that is not Ukrainian, to report all of it at once."""

    def __init__(self, app, typed: set[str]) -> None:
        self.app, self.typed, self.problems = app, typed, []

    def look(self, where: str) -> None:
        for word, line in foreign_words("\n".join([screen_text(self.app), *notifications(self.app)]), self.typed):
            self.problems.append(f"{where}: {word!r} in «{line}»")


def _typed(made) -> set[str]:
    """The test's own texts (short descriptions like «mine-registered»); not the logins: people
    are shown by their names."""
    words: set[str] = {"VPN"}  # the test catalog's own names (tests/world.CATALOG)
    for key in made:
        words.update(key.split("-"))
        words.add(key)
    return words


async def _wait_screen(pilot, name: str) -> None:
    await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == name, what=name)
    await pilot.pause(0.1)


def test_every_screen_and_dialog_speaks_ukrainian(desk):
    db, w, made = desk
    problems: list[str] = []

    async def scenario(app, pilot):
        walk = Walk(app, _typed(made))
        screen = await workspace_ready(pilot)
        for key, tabs in (("1", 4), ("2", 3), ("3", 4), ("4", 6)):
            await pilot.press(key)
            for n in range(tabs):
                await list_settled(pilot)
                await wait_for(pilot, lambda: screen.dashboard in screen.counts, what="the counts")
                walk.look(f"dashboard {key}, tab {n + 1}")
                await pilot.press("right_square_bracket")
        await pilot.press("1")
        await list_settled(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: len(screen.query("#quick-owner")) == 1)
        await pilot.pause(0.2)
        walk.look("quick filters")
        await pilot.press("f")
        for key, name in (("s", "sort"), ("G", "group")):
            await pilot.press(key)
            await _wait_screen(pilot, "ChoiceDialog")
            walk.look(f"the {name} dialog")
            await pilot.press("escape")
        for key, name, screen_name in (("question_mark", "help", "HelpScreen"), ("g", "go to", "GoToDialog")):
            await pilot.press(key)
            await _wait_screen(pilot, screen_name)
            walk.look(f"the {name} screen")
            await pilot.press("escape")
        await pilot.press("slash", *"пріоритет:високий", "enter")
        await pilot.pause(0.5)
        walk.look("a filter with a mistake")
        await pilot.press("escape")

        # the command palette, with nothing typed and with nothing found
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: CommandPalette.is_open(app), what="the palette")
        await pilot.pause(0.3)
        walk.look("the command palette")
        await pilot.press(*"жжжж")
        await pilot.pause(1.0)
        walk.look("the command palette, nothing found")
        await pilot.press("escape")
        await pilot.pause(0.1)

        # saved searches and the editor of a shipped one
        await pilot.press("w")
        await wait_for(pilot, lambda: getattr(app.screen, "items", None), what="the searches")
        await pilot.pause(0.1)
        walk.look("saved searches")
        await pilot.press("e")
        await _wait_screen(pilot, "SearchEditor")
        await wait_for(pilot, lambda: len(app.screen.query("ConditionRow")) >= 1, what="the conditions")
        await pilot.pause(0.6)
        walk.look("the search editor")
        app.screen.query_one("ConditionRow Select").focus()
        await pilot.press("enter")
        await pilot.pause(0.2)
        walk.look("the search editor, a menu open")
        await pilot.press("escape", "escape")
        await pilot.pause(0.1)
        await pilot.press("escape")
        await pilot.pause(0.1)

        # the new incident form, and a caller the desk does not know
        await pilot.press("n")
        await _wait_screen(pilot, "IncidentFormScreen")
        form = app.screen
        await pilot.press(*"Шевч")
        await wait_text(pilot, "Олена Шевченко")
        walk.look("the new incident form")
        await pilot.press("enter", *"Принтер не друкує")
        await wait_text(pilot, "KB0000001")
        walk.look("the new incident form, related items")
        await pilot.press("ctrl+r", "enter")
        await _wait_screen(pilot, "RelatedPreview")
        walk.look("a related item's preview")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is form)
        form.query_one("Select").focus()
        await pilot.press("enter")
        await pilot.pause(0.2)
        walk.look("the new incident form, a menu open")
        await pilot.press("escape")
        await pilot.pause(0.1)
        await pilot.press("escape")  # what was typed would be lost: it asks
        await _wait_screen(pilot, "DiscardDialog")
        walk.look("discard the new incident?")
        await pilot.press("y")
        await pilot.pause(0.1)
        await pilot.press("n")
        await _wait_screen(pilot, "IncidentFormScreen")
        await pilot.press(*"+380 50 765 43 21")
        await wait_for(pilot, lambda: app.screen.query_one("PersonPicker").query_one("OptionList").option_count)
        await pilot.press("enter")  # nobody has that phone: «a new caller»
        await _wait_screen(pilot, "NewCallerDialog")
        walk.look("a new caller")
        await pilot.press("escape")
        await _wait_screen(pilot, "IncidentFormScreen")
        await pilot.press("escape")  # the typed phone would be lost: it asks, and «y» lets it go
        await _wait_screen(pilot, "DiscardDialog")
        await pilot.press("y")
        await _wait_screen(pilot, "WorkspaceScreen")

        # one incident, each tab, each dialog
        for key, kind in (("rich", "incident"), ("mine-registered", "incident"), ("helper", "task")):
            app.push_screen(RecordScreen(app.workspace, kind, made[key].id))
            await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
            record = app.screen
            for tab in range(5 if kind == "incident" else 2):
                await pilot.pause(0.2)
                walk.look(f"{key}, tab {tab + 1}")
                await pilot.press("right_square_bracket")
            if key == "mine-registered":
                for f in range(4):
                    await pilot.press("f")
                    walk.look(f"{key}, journal filter {f + 1}")
                await pilot.press("t")
                await _wait_screen(pilot, "ChoiceDialog")
                walk.look("the status choice")
                values = [v for v, _label in app.screen.choices]
                await pilot.press("escape")
                for value in values:
                    await pilot.press("t")
                    await _wait_screen(pilot, "ChoiceDialog")
                    await pilot.press("home", *(["down"] * values.index(value)), "enter")
                    await wait_for(pilot, lambda: not isinstance(app.screen, (ChoiceDialog, RecordScreen)))
                    await pilot.pause(0.3)
                    walk.look(f"the dialog for «{value}»")
                    await pilot.press("escape")
                    await wait_for(pilot, lambda: app.screen is record)
                for key_ in ("a", "c", "k", "P"):
                    await pilot.press(key_)
                    await wait_for(pilot, lambda: app.screen is not record)
                    await pilot.pause(0.3)
                    walk.look(f"the dialog of «{key_}»")
                    await pilot.press("ctrl+s")  # nothing typed: it says what is missing
                    await pilot.pause(0.3)
                    walk.look(f"the dialog of «{key_}», saved empty")
                    await pilot.press("escape")
                    await wait_for(pilot, lambda: app.screen is record)
            if key == "helper":
                for key_ in ("C", "X"):  # complete, cancel: each asks for its text
                    await pilot.press(key_)
                    await _wait_screen(pilot, "TaskMoveDialog")
                    walk.look(f"the task dialog of «{key_}»")
                    await pilot.press("escape")
                    await wait_for(pilot, lambda: app.screen is record)
            await pilot.press("escape")
            await pilot.pause(0.1)

        # a new service request: the requester, the catalog, the item's fields, saved empty
        if app.focused is not None and app.focused.id == "filter":
            await pilot.press("escape")  # out of the filter line, back to the list
        await pilot.press("N")
        await _wait_screen(pilot, "RequestFormScreen")
        await pilot.press(*"Шевч")
        await wait_text(pilot, "Олена Шевченко")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query_one("CatalogPicker").items, what="the catalog")
        walk.look("the new request form, the catalog")
        await pilot.press(*"досту", "enter")
        await wait_for(pilot, lambda: app.screen.query("RequestFields Select"), what="the item's fields")
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        walk.look("the new request form, saved empty")
        await pilot.press("escape")
        await _wait_screen(pilot, "DiscardDialog")
        await pilot.press("y")
        await _wait_screen(pilot, "WorkspaceScreen")

        # a request: each tab, each dialog
        app.push_screen(RecordScreen(app.workspace, "service_request", made["request"].id))
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        record = app.screen
        for tab in range(5):
            await pilot.pause(0.2)
            walk.look(f"the request, tab {tab + 1}")
            await pilot.press("right_square_bracket")
        await pilot.press("t")
        await _wait_screen(pilot, "ChoiceDialog")
        walk.look("the request's status choice")
        await pilot.press("escape")
        for key_ in ("a", "k", "o"):
            await pilot.press(key_)
            await wait_for(pilot, lambda: app.screen is not record)
            await pilot.pause(0.3)
            if key_ != "o":  # the assignment opens filled in: saving it would be a change
                await pilot.press("ctrl+s")
                await pilot.pause(0.3)
            walk.look(f"the request's dialog of «{key_}»")
            for _attempt in range(3):  # a menu open in the dialog closes first
                await pilot.press("escape")
                await pilot.pause(0.2)
                if app.screen.__class__.__name__ == "DiscardDialog":
                    await pilot.press("y")
                if app.screen is record:
                    break
            await wait_for(pilot, lambda: app.screen is record)
        await pilot.press("escape")
        await pilot.pause(0.1)

        # mail
        await pilot.press("e")
        await _wait_screen(pilot, "MailScreen")
        await pilot.pause(0.3)
        walk.look("mail, inbox")
        await pilot.press("right_square_bracket")
        await pilot.pause(0.3)
        walk.look("mail, sent")
        await pilot.press("enter")
        await pilot.pause(0.5)
        walk.look("a sent message")
        await pilot.press("escape", "left_square_bracket")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_text(pilot, "Тема:")
        walk.look("a received message")
        problems.extend(walk.problems)

    drive(db, scenario, size=(140, 45))

    async def sign_in(app, pilot):
        walk = Walk(app, {"admin"})  # the user name typed into the form
        await _wait_screen(pilot, "SignInScreen")
        walk.look("sign-in")
        await pilot.press(*"admin", "enter", *"wrong", "enter")
        await pilot.pause(0.5)
        walk.look("sign-in, a wrong password")
        problems.extend(walk.problems)

    drive(db, sign_in, login=None, trusted=False, size=(100, 30))

    async def role(app, pilot):
        walk = Walk(app, _typed(made))
        await wait_text(pilot, "Працювати як")
        walk.look("the choice of role")
        problems.extend(walk.problems)

    drive(db, role, login="admin")
    assert not problems, "Latin words in the Ukrainian interface:\n" + "\n".join(problems)
