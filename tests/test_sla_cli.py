"""`helpdesk sla …` and `helpdesk jobs run` as an administrator uses them."""

from __future__ import annotations

import json

import pytest

from helpdesk_tui.cli import main


@pytest.fixture
def run(sqlite_db, capsys):
    def _run(*args: str):
        code = main(["--db", sqlite_db.url, "--lang", "en", *args])
        out, err = capsys.readouterr()
        return code, out, err

    _run("user", "add", "admin", "--name", "Адмін", "--role", "admin", "--role", "analyst")
    return _run


def _ok(result):
    code, out, err = result
    assert code == 0, err
    return out


def test_policies_are_listed_and_edited(run):
    policies = json.loads(_ok(run("sla", "policy", "list", "--json")))
    assert {(p["profile"], p["key"]): (p["response_minutes"], p["resolution_minutes"]) for p in policies}[("priority", "1")] == (60, 240)
    assert len(policies) == 9
    _ok(run("--as", "admin", "incident", "new", "-s", "Каса", "--impact", "1", "--urgency", "1", "--owner", "admin"))
    before = json.loads(_ok(run("--as", "admin", "incident", "show", "1", "--json")))["response_due"]
    out = _ok(run("--as", "admin", "sla", "policy", "set", "priority", "1", "--response", "30", "--resolution", "120"))
    assert "recomputed" in out
    after = json.loads(_ok(run("--as", "admin", "incident", "show", "1", "--json")))
    assert after["sla"]["response"]["target_minutes"] == 30 and after["response_due"] != before
    code, _out, err = run("--as", "admin", "sla", "policy", "set", "priority", "7", "--response", "1", "--resolution", "2")
    assert code == 1 and "1 to 5" in err


def test_calendar_days_and_public_holidays(run):
    _ok(run("--as", "admin", "sla", "calendar", "holiday", "standard", "2027-01-07", "--note", "Різдво"))
    _ok(run("--as", "admin", "sla", "calendar", "working-day", "standard", "2027-01-09", "--hours", "09:00-13:00"))
    cals = {c["name"]: c for c in json.loads(_ok(run("sla", "calendar", "list", "--json")))}
    assert cals["standard"]["holidays"] == ["2027-01-07"] and cals["standard"]["working_days"] == ["2027-01-09"]
    assert cals["24x7"]["always"] is True
    out = _ok(run("--as", "admin", "sla", "calendar", "load-holidays", "standard", "--year", "2021"))
    assert "2021-08-24" in out  # Independence Day, before martial law
    out = _ok(run("--as", "admin", "sla", "calendar", "load-holidays", "standard", "--year", "2026"))
    assert "No public holidays in 2026" in out
    code, _out, err = run("--as", "admin", "sla", "calendar", "working-day", "standard", "2027-01-10", "--hours", "9-1")
    assert code == 1 and "working hours" in err


def test_settings_breaching_and_the_ticker(run):
    out = json.loads(_ok(run("sla", "settings", "--json")))
    assert out == {"pause_statuses": ["info_needed", "third_party", "resolved"], "warn_percent": 75,
                   "autoclose_days": 5, "autoclose_working_days": False}
    _ok(run("--as", "admin", "sla", "settings", "--warn", "80", "--autoclose-working-days", "--pause", "info_needed,resolved"))
    out = json.loads(_ok(run("sla", "settings", "--json")))
    assert out["warn_percent"] == 80 and out["autoclose_working_days"] and out["pause_statuses"] == ["info_needed", "resolved"]
    code, _o, err = run("--as", "admin", "sla", "settings", "--pause", "closed")
    assert code == 1 and "cannot pause" in err
    _ok(run("--as", "admin", "incident", "new", "-s", "Термінове", "--owner", "admin", "--criticality", "urgent",
            "--urgent-reason", "management_affected"))
    due = json.loads(_ok(run("sla", "breaching", "--within", "3d", "--json")))
    assert [(r["number"], r["clock"]) for r in due][0] == ("INC0000001", "response")
    code, _o, err = run("sla", "breaching", "--within", "soon")
    assert code == 1 and "duration" in err
    assert "warnings" in _ok(run("jobs", "run", "--once"))


@pytest.mark.parametrize(("args", "message"), [
    (("sla", "policy", "set", "priority", "1", "--response", "600", "--resolution", "60"),
     "The response target (600 min) cannot be later than the resolution target (60 min)"),
    (("sla", "policy", "set", "priority", "1", "--response", "1", "--resolution", "99999999999"),
     "Targets are working minutes from 1 to"),
    (("sla", "calendar", "load-holidays", "standard", "--country", "XX", "--year", "2026"),
     "No public holidays are known for «XX»"),
    (("sla", "calendar", "load-holidays", "standard", "--year", "-5"), "A year from 1990 to 2100, not -5"),
    (("sla", "breaching", "--within", "0m"), "The horizon is from a minute"),
])
def test_a_wrong_target_calendar_or_horizon_is_one_line_and_changes_nothing(run, args, message):
    before = _ok(run("--as", "admin", "sla", "policy", "list", "--json"))
    code, out, err = run("--as", "admin", *args)
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1, err
    assert _ok(run("--as", "admin", "sla", "policy", "list", "--json")) == before
