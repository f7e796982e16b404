"""Time, subscriptions, change requests and the statement from the shell (R36, R41): the
documents carry the same figures as `--json`."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from helpdesk_tui.cli import main
from helpdesk_tui.store.types import set_clock
from tests.strict_ci import skip_or_fail
from tests.world import FIRST_LINE, seed


@pytest.fixture
def run(db, capsys):
    from helpdesk_tui.desk import admin
    from helpdesk_tui.store.models import Person

    set_clock(lambda: datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    w = seed(db)
    with db.write() as s:
        boss = s.get(Person, w.admin.id)
        org = admin.create_organisation(s, boss, name="ТОВ «Ромашка»", subscription_hours=2)
        admin.create_person(s, boss, login="petro", full_name="Петро Клієнт", email="petro@romashka.example",
                            organisation=org)
        dev = admin.create_group(s, boss, name="Розробки та впроваджень")
        admin.add_member(s, boss, dev, s.get(Person, w.specialist.id))

    def _run(*args: str, lang: str = "en"):
        code = main(["--db", db.url, "--lang", lang, *args])
        out, err = capsys.readouterr()
        return code, out, err

    yield _run
    set_clock(None)


def _ok(result):
    code, out, err = result
    assert code == 0, err
    return out


def _new(run, *extra: str) -> str:
    made = json.loads(_ok(run("--as", "ivan", "incident", "new", "-s", "Каса не друкує чек", "-c", "petro",
                              "--group", FIRST_LINE, *extra, "--json")))
    return made["number"]


def test_time_is_logged_listed_and_removed_and_the_warnings_are_said(run):
    number = _new(run)
    said = _ok(run("--as", "ivan", "time", "log", number, "1г 30хв", "--note", "Налаштував касу", lang="uk"))
    assert "1 год 30 хв" in said and "75 %" not in said
    said = _ok(run("--as", "maria", "time", "log", number, "0:06", "--date", "2026-11-19", lang="uk"))
    assert "80 %" in said  # 96 of 120 minutes
    listed = json.loads(_ok(run("--as", "ivan", "time", "list", number, "--json")))
    assert listed["minutes"] == 96 and [e["person"] for e in listed["entries"]] == ["Іван Петренко", "Марія Коваль"]
    code, _out, err = run("--as", "ivan", "time", "log", number, "півтори години")
    assert code != 0 and "1:30" in err and "Traceback" not in err
    code, _out, err = run("--as", "ivan", "time", "remove", str(listed["entries"][1]["id"]))
    assert code != 0 and "administrator" in err
    _ok(run("--as", "maria", "time", "remove", str(listed["entries"][1]["id"])))
    usage = json.loads(_ok(run("--as", "ivan", "client", "usage", "--month", "2026-11", "--json")))
    assert usage == [{"client": "ТОВ «Ромашка»", "month": "2026-11", "included_hours": 2.0, "used_hours": 1.5,
                      "outside_hours": 0.0, "share": 0.75}]


def test_a_change_request_from_the_shell_waits_for_the_agreement(run):
    number = _new(run, "--change-request")
    shown = json.loads(_ok(run("--as", "ivan", "incident", "show", number, "--json")))
    assert shown["group"] == "Розробки та впроваджень"
    code, _out, err = run("--as", "ivan", "incident", "classify", number, "--service", "ЕТС", "--category", "Доступ",
                          "--impact", "2", "--urgency", "2",
                          "--owner", "taras")
    assert code != 0 and "agreement" in err
    _ok(run("--as", "ivan", "incident", "agree", number, "По телефону, директор"))
    _ok(run("--as", "ivan", "incident", "classify", number, "--service", "ЕТС", "--category", "Доступ", "--impact", "2",
            "--urgency", "2", "--owner", "taras"))
    _ok(run("--as", "taras", "time", "log", number, "3г"))
    usage = json.loads(_ok(run("--as", "ivan", "client", "usage", "--month", "2026-11", "--json")))
    assert usage[0]["used_hours"] == 0 and usage[0]["outside_hours"] == 3.0
    said = _ok(run("--as", "ivan", "incident", "kind", number, "incident", lang="uk"))
    assert "тепер інцидент" in said


def test_subscriptions_change_from_a_month_only_for_an_administrator(run):
    code, _out, err = run("--as", "ivan", "client", "subscription", "ТОВ «Ромашка»", "40", "--from", "2026-12")
    assert code != 0
    _ok(run("--as", "admin", "client", "subscription", "ТОВ «Ромашка»", "40", "--from", "2026-12"))
    history = json.loads(_ok(run("--as", "ivan", "client", "subscription", "ТОВ «Ромашка»", "--json")))
    assert history == [{"from": "2026-11", "hours": 2.0}, {"from": "2026-12", "hours": 40.0}]


def test_the_statement_documents_carry_the_figures_of_the_json(run, tmp_path):
    done, other = _new(run), _new(run)
    _ok(run("--as", "ivan", "time", "log", done, "2г 30хв"))
    _ok(run("--as", "ivan", "time", "log", other, "45", "--not-counted"))
    figures = json.loads(_ok(run("--as", "ivan", "report", "statement", "--client", "ТОВ «Ромашка»",
                                 "--month", "2026-11", "--json")))
    assert (figures["subscription_hours"], figures["used_hours"], figures["over_hours"], figures["outside_hours"]) == \
        (2.0, 2.5, 0.5, 0.75)
    xlsx = tmp_path / "act.xlsx"
    _ok(run("--as", "ivan", "report", "statement", "--client", "ТОВ «Ромашка»", "--month", "2026-11",
            "--format", "xlsx", "-o", str(xlsx), lang="uk"))
    numbers = [c for row in load_workbook(xlsx).worksheets[0].iter_rows(values_only=True) for c in row
               if isinstance(c, (int, float))]
    for value in (2.0, 2.5, 0.5):
        assert value in numbers
    pdf = tmp_path / "act.pdf"
    _ok(run("--as", "ivan", "report", "statement", "--client", "ТОВ «Ромашка»", "--month", "2026-11",
            "--format", "pdf", "-o", str(pdf), lang="uk"))
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "ТОВ «Ромашка»" in text and "листопад 2026" in text and "2,50" in text and done not in text
    folder = tmp_path / "all"
    said = _ok(run("--as", "ivan", "report", "statement", "--all", "--month", "2026-11", "--format", "csv",
                   "--internal", "-o", str(folder)))
    files = list(folder.iterdir())
    assert len(files) == 1 and files[0].suffix == ".csv" and str(files[0]) in said
    assert done in files[0].read_text(encoding="utf-8-sig")


def test_a_statement_needs_a_client_or_all_and_a_real_month(run):
    code, _out, err = run("--as", "ivan", "report", "statement", "--month", "2026-11")
    assert code != 0 and "--client" in err
    code, _out, err = run("--as", "ivan", "report", "statement", "--client", "ТОВ «Ромашка»", "--month", "листопад")
    assert code != 0 and "2026-11" in err
    code, _out, err = run("--as", "olena", "report", "statement", "--client", "ТОВ «Ромашка»")
    assert code != 0  # a caller sees no statements
