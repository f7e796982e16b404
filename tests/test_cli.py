"""The command line as a script or an administrator uses it: one clear line on every mistake."""

from __future__ import annotations

import json

import pytest

from helpdesk_tui.cli import main
from tests.trust import TRUSTED_AUTH


@pytest.fixture
def run(db, capsys):
    """Run `helpdesk --db URL ARGS…`; returns (exit code, stdout, stderr)."""

    def _run(*args: str, lang: str = "en", stdin: str | None = None, monkeypatch=None):
        code = main(["--db", db.url, "--lang", lang, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _ok(result):
    code, out, err = result
    assert code == 0, err
    return out


def _setup(run):
    _ok(run("init"))
    _ok(run("user", "add", "admin", "--name", "Адмін Системи", "--role", "admin", "--role", "analyst",
            "--email", "admin@desk.example"))
    a = ("--as", "admin")
    _ok(run(*a, "group", "add", "Перша лінія підтримки Контакт-центр"))
    _ok(run(*a, "group", "add", "Друга лінія"))
    _ok(run(*a, "user", "add", "ivan", "--name", "Іван Петренко", "--role", "analyst", "--email", "ivan@desk.example",
            "--group", "Перша лінія підтримки Контакт-центр"))
    _ok(run(*a, "user", "add", "taras", "--name", "Тарас Мельник", "--role", "group_member", "--group", "Друга лінія"))
    _ok(run(*a, "client", "add", "Київська митниця", "--hours", "40", "--domain", "kyiv.example"))
    _ok(run(*a, "user", "add", "olena", "--name", "Олена Шевченко", "--email", "olena@kyiv.example",
            "--phone", "+380 67 123 45 67", "--client", "Київська митниця"))
    _ok(run(*a, "service", "add", "ЕТС", "--group", "Перша лінія підтримки Контакт-центр"))
    _ok(run(*a, "category", "add", "Доступ", "--service", "ЕТС"))
    _ok(run(*a, "vendor", "add", "Софтсервіс", "--email", "s@soft.example"))
    _ok(run(*a, "service", "item", "Сервер ЕТС-01", "--service", "ЕТС"))


def test_incident_lifecycle_from_the_shell(run):
    _setup(run)
    iv = ("--as", "ivan")
    created = json.loads(_ok(run(*iv, "incident", "new", "-s", "Не працює ЕТС", "--caller", "0671234567",
                                 "--group", "перша лінія підтримки контакт-центр", "--json")))
    assert created["number"] == "INC0000001" and created["caller_login"] == "olena"
    assert created["group"] == "Перша лінія підтримки Контакт-центр"
    assert any(e["kind"] == "notification" for e in created["journal"])
    out = _ok(run(*iv, "incident", "classify", "1", "--service", "ЕТС", "--category", "Доступ", "--impact", "1",
                  "--urgency", "2", "--owner", "ivan"))
    assert "INC0000001" in out
    _ok(run(*iv, "incident", "status", "INC0000001", "info_needed", "--question", "Номер кабінету?"))
    _ok(run(*iv, "incident", "status", "inc1", "Information provided", "--answer", "204"))
    _ok(run(*iv, "incident", "task", "1", "--group", "Друга лінія", "--details", "Перевірте мережу"))
    _ok(run("--as", "taras", "task", "accept", "TSK0000001"))
    _ok(run("--as", "taras", "task", "complete", "TSK0000001", "--comment", "Мережа в порядку"))
    _ok(run(*iv, "incident", "status", "1", "third_party", "--vendor", "Софтсервіс", "--details", "Логи додано"))
    _ok(run(*iv, "incident", "status", "1", "from_third_party", "--vendor-answer", "Виправлено"))
    _ok(run(*iv, "incident", "note", "1", "--text", "Дякуємо за терпіння", "--publish"))
    _ok(run(*iv, "incident", "priority", "1", "1", "-j", "Зупинено оформлення"))
    _ok(run(*iv, "incident", "resolve", "1", "--solution", "Перезапуск", "--reason-code", "permanent_fix",
            "--ci", "Сервер ЕТС-01"))
    shown = json.loads(_ok(run(*iv, "incident", "close", "1", "--json")))
    assert shown["status"] == "closed" and shown["priority"] == 1
    assert shown["configuration_item"] == "Сервер ЕТС-01"
    assert [t["status"] for t in shown["tasks"]] == ["completed"]
    assert [t["status"] for t in shown["external_tasks"]] == ["completed"]
    statuses = [e["status_to"] for e in shown["journal"] if e["kind"] == "status"]
    assert statuses == ["registered", "in_progress", "info_needed", "info_provided", "third_party",
                        "from_third_party", "resolved", "closed"]
    code, out, err = run(*iv, "incident", "note", "1", "--text", "ще")
    assert code == 1 and out == "" and "closed" in err and "Traceback" not in err
    human = _ok(run(*iv, "incident", "show", "1"))
    assert "Не працює ЕТС" in human and "Closed" in human


def test_incident_show_names_every_value_of_its_journal_in_ukrainian(run):
    _setup(run)
    iv = ("--as", "ivan")
    _ok(run(*iv, "incident", "new", "-s", "Не працює ЕТС", "--caller", "olena", "--group", "перша лінія",
            "--owner", "ivan"))
    _ok(run(*iv, "incident", "status", "1", "info_needed", "--question", "Номер кабінету?"))
    shown = _ok(run(*iv, "incident", "show", "1", lang="uk"))
    journal = shown[shown.index("Журнал"):]
    for words in ("Статус: Зареєстровано → Потрібна інформація", "Чия черга: служба підтримки → користувач",
                  "Власник: — → Іван Петренко", "Користувач: — → Олена Шевченко", "Канал: — → Телефон"):
        assert words in " ".join(journal.split()), words
    changed = " ".join(line for line in journal.splitlines() if "→" in line)
    for raw in ("registered", "info_needed", "desk", "ivan", "olena", "+00:00", "phone"):
        assert raw not in changed, raw
    data = json.loads(_ok(run(*iv, "incident", "show", "1", "--json")))
    changes = {c["field"]: c for e in data["journal"] for c in e["changes"]}
    assert changes["status"]["new"] == "info_needed"  # scripts get the stored values
    assert changes["owner"] == {"field": "owner", "old": None, "new": "ivan", "names": {"ivan": "Іван Петренко"}}


def test_the_journal_speaks_the_readers_language_whoever_wrote_it(run):
    """An English-speaking analyst's changes read in Ukrainian, and the other way round (issue 16)."""
    _setup(run)
    iv = ("--as", "ivan")
    _ok(run(*iv, "incident", "new", "-s", "Не працює ЕТС", "--caller", "olena", "--group", "перша лінія"))
    _ok(run(*iv, "incident", "assign", "1", "--owner", "ivan"))
    _ok(run(*iv, "incident", "note", "1", "--summary", "[bold]Дзвінок[/bold] {0}", "--text", "Передзвонити"))
    _ok(run(*iv, "incident", "status", "1", "info_needed", "--question", "Номер кабінету?", lang="uk"))
    for lang, words, foreign in (
        ("uk", ["Інцидент зареєстровано", "Призначено", "Статус: Зареєстровано → Потрібна інформація"],
         ["Incident registered", "Assigned", "Status: "]),
        ("en", ["Incident registered", "Assigned", "Status: Registered → Information needed"],
         ["Інцидент зареєстровано", "Призначено", "Статус: "]),
    ):
        shown = " ".join(_ok(run(*iv, "incident", "show", "1", lang=lang)).split())
        for text in [*words, "[bold]Дзвінок[/bold] {0}"]:
            assert text in shown, (lang, text)
        for text in foreign:
            assert text not in shown, (lang, text)
    data = json.loads(_ok(run(*iv, "incident", "show", "1", "--json", lang="uk")))
    by_key = {e["summary_key"]: e for e in data["journal"]}
    assert by_key["Assigned"]["summary"] == "Призначено"
    status = by_key["Status: {old} → {new}"]
    assert status["summary"] == "Статус: Зареєстровано → Потрібна інформація"
    assert status["summary_args"] == {"old": {"msgid": "Registered"}, "new": {"msgid": "Information needed"}}
    note = [e for e in data["journal"] if e["kind"] == "note"][0]
    assert (note["summary"], note["summary_key"]) == ("[bold]Дзвінок[/bold] {0}", None)


@pytest.mark.parametrize(
    "args, message",
    [
        (("incident", "new", "-s", "x", "--caller", "nobody"), "No person matches «nobody»"),
        (("incident", "show", "INC0000099"), "INC0000099 not found"),
        (("incident", "status", "1", "flying"), "Unknown status «flying»"),
        (("incident", "status", "1", "resolved"), "needs: Solution, Reason code"),
        (("incident", "priority", "1", "2", "-j", " "), "justification"),
        (("incident", "update", "1", "-d", "x", "--version", "7"), "changed by someone else"),
        (("incident", "list", "--filter", "priority>3 status:nope"), "Unknown status «nope»"),
        (("incident", "list", "--filter", "colour:red"), "No field «colour»; the fields are: caller"),
        (("incident", "list", "--filter", "status:"), "«status» is never empty"),
        (("search", "run", "nosuchsearch"), "No saved search «nosuchsearch»; yours are: «Priority 1 and 2, open»"),
        (("incident", "show", "99999999999999999999"), "INC99999999999999999999 not found"),
        (("incident", "assign", "1", "--no-owner", "-o", "ivan"), "Name an owner or leave it to the group, not both"),
        (("incident", "new", "-s", "y", "--urgent-reason", "x"), "A reason is named only for an urgent request"),
        (("incident", "new", "-s", "z"), "An incident needs a work group or an owner: choose «Work group», «Owner»"),
        (("incident", "task", "1", "--group", "Друга лінія", "-s", "x" * 120_000), "longer than 200 characters (120000)"),
        (("incident", "link", "1", "INC0000001"), "cannot be related to itself"),
        (("incident", "link", "1", "TSK0000001"), "a task belongs to its incident already"),
        (("sla", "breaching", "--within", "99999999999h"), "The horizon is from a minute to 366 days"),
        (("incident", "list", "--sort", "password"), "Unknown column «password»"),
        (("dashboard", "analyst", "--tab", "nope"), "Unknown tab «nope»"),
    ],
)
def test_mistakes_print_one_clear_line_and_write_nothing(run, args, message):
    _setup(run)
    _ok(run("--as", "ivan", "incident", "new", "-s", "Перший", "--owner", "ivan"))
    before = _ok(run("--as", "ivan", "incident", "show", "1", "--json"))
    code, out, err = run("--as", "ivan", *args)
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _ok(run("--as", "ivan", "incident", "show", "1", "--json")) == before


@pytest.mark.parametrize(("args", "message"), [
    (("mail", "ingest", "/no/such.eml"), "Cannot read /no/such.eml"),
    (("mail", "ingest", "/tmp"), "Cannot read /tmp: Is a directory"),
])
def test_an_unreadable_message_file_is_one_line_and_takes_nothing_in(run, args, message):
    _setup(run)
    code, out, err = run("--as", "admin", *args)
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1, err
    assert json.loads(_ok(run("--as", "admin", "mail", "list", "--json"))) == []


@pytest.mark.parametrize(("args", "message"), [
    (("incident", "update", "1", "-d", "x", "--version", "9999999999999999999999999"), "--version"),
    (("client", "add", "Нова", "--hours", "inf"), "--hours"),
    (("mail", "poll", "--interval", "inf"), "--interval"),
])
def test_a_wrong_option_value_is_one_line_with_the_option(run, args, message):
    _setup(run)
    code, out, err = run("--as", "admin", *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err


def test_an_uninitialised_database_says_what_to_do(tmp_path, capsys):
    code = main(["--db", str(tmp_path / "new.db"), "--lang", "en", "--as", "x", "incident", "list"])
    _out, err = capsys.readouterr()
    assert code == 1 and "helpdesk init" in err


def test_acting_person_is_required_for_changes(run, monkeypatch):
    _setup(run)
    code, _out, err = run("incident", "new", "-s", "x")
    assert code == 1 and "`helpdesk login`" in err and "Say who acts" in err


def test_dashboard_and_saved_searches(run):
    _setup(run)
    iv = ("--as", "ivan")
    _ok(run(*iv, "incident", "new", "-s", "Принтер не друкує", "--group", "Перша лінія підтримки Контакт-центр"))
    _ok(run(*iv, "incident", "new", "-s", "Мій інцидент", "--group", "Перша лінія підтримки Контакт-центр",
            "--owner", "ivan"))
    tabs = json.loads(_ok(run(*iv, "dashboard", "analyst", "--json")))
    assert {t["tab"]: t["count"] for t in tabs} == {"unclassified": 2, "team-unassigned": 1, "my-action": 1,
                                                    "awaiting": 0}
    rows = json.loads(_ok(run(*iv, "dashboard", "analyst", "--tab", "team-unassigned", "--json")))
    assert [r["short_description"] for r in rows["rows"]] == ["Принтер не друкує"] and rows["total"] == 1
    _ok(run(*iv, "search", "save", "Принтери", "принтер status:registered", "--favourite"))
    listed = json.loads(_ok(run(*iv, "search", "list", "--json")))
    assert listed[0]["name"] == "Принтери" and listed[0]["favourite"]
    found = json.loads(_ok(run(*iv, "search", "run", "Принтери", "--json")))
    assert [r["number"] for r in found["rows"]] == ["INC0000001"]
    typed = json.loads(_ok(run(*iv, "search", "run", "owner:me", "--json")))
    assert [r["number"] for r in typed["rows"]] == ["INC0000002"]
    grouped = json.loads(_ok(run(*iv, "incident", "list", "--group-by", "owner", "--json")))
    assert {g["value"]: g["count"] for g in grouped} == {None: 1, "Іван Петренко": 1}


def test_the_configured_priority_matrix_decides_impact_by_urgency(run, tmp_path, monkeypatch):
    """[desk] priority_matrix from the config file: rows are impact, columns urgency. Asymmetric,
    so swapping the two, or ignoring the file (the default gives 3 for both), shows."""
    config = tmp_path / "config.toml"
    config.write_text(TRUSTED_AUTH + "[desk]\npriority_matrix = [[1, 2, 2], [2, 3, 4], [4, 5, 5]]\n", encoding="utf-8")
    monkeypatch.setenv("HELPDESK_CONFIG", str(config))
    _setup(run)
    iv = ("--as", "ivan")
    wide = json.loads(_ok(run(*iv, "incident", "new", "-s", "Не працює ЕТС у всіх", "--impact", "1", "--urgency", "3",
                              "--owner", "ivan", "--json")))
    assert wide["priority"] == 2  # impact 1 (high), urgency 3 (low)
    urgent = json.loads(_ok(run(*iv, "incident", "new", "-s", "Не працює в одного", "--owner", "ivan", "--json")))
    classified = json.loads(_ok(run(*iv, "incident", "classify", urgent["number"], "--service", "ЕТС",
                                    "--category", "Доступ", "--impact", "3", "--urgency", "1", "--owner", "ivan",
                                    "--json")))
    assert classified["priority"] == 4  # impact 3 (low), urgency 1 (high)
    assert "4 - Low" in _ok(run(*iv, "incident", "show", urgent["number"]))


def test_hostile_subjects_print_literally(run):
    _setup(run)
    subject = "[red]ALERT[/red] [@click=app.bell]натисни[/] \x1b[2Jboom"
    _ok(run("--as", "ivan", "incident", "new", "-s", subject, "--owner", "ivan"))
    out = _ok(run("--as", "ivan", "incident", "show", "1"))
    assert "[red]ALERT[/red] [@click=app.bell]натисни[/]" in out
    assert "\x1b[2J" not in out and "␛[2Jboom" in out


def test_backup_and_restore_round_trip(run, tmp_path):
    _setup(run)
    _ok(run("--as", "ivan", "incident", "new", "-s", "До резервної копії", "--owner", "ivan"))
    file = tmp_path / "backup.json"
    _ok(run("db", "backup", str(file)))
    _ok(run("--as", "ivan", "incident", "new", "-s", "Після копії", "--owner", "ivan"))
    _ok(run("db", "restore", str(file), "--yes"))
    rows = json.loads(_ok(run("--as", "ivan", "incident", "list", "--json")))
    assert [r["short_description"] for r in rows["rows"]] == ["До резервної копії"]
    # Numbers go on from where the backup was, without clashing.
    created = json.loads(_ok(run("--as", "ivan", "incident", "new", "-s", "Нове", "--owner", "ivan", "--json")))
    assert created["number"] == "INC0000002"


def test_a_usage_mistake_names_itself_and_exits_2(tmp_path, capsys):
    code = main(["--db", f"sqlite:///{tmp_path / 'x.db'}", "incident", "list", "--nonsense"])
    assert code == 2
    assert "No such option: --nonsense" in capsys.readouterr().err


def test_the_program_needs_only_its_declared_dependencies():
    """The README's first command installs without the test extras: nothing may import click
    (typer vendors its own; click came only with the test tools)."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[1] / "helpdesk_tui"
    offenders = [str(p) for p in root.rglob("*.py") if re.search(r"^\s*(import|from)\s+click\b", p.read_text(), re.M)]
    assert offenders == []
