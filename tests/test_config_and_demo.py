"""Settings from the file and the environment; the demo data a newcomer explores."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helpdesk_tui.config import ConfigError, load_settings
from helpdesk_tui.desk import approvals
from helpdesk_tui.desk.demo import build_demo
from helpdesk_tui.store.time_tables import RunningTimer
from helpdesk_tui.domain.requests import RequestStatus
from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.store import queries
from helpdesk_tui.store.db import normalise_url
from helpdesk_tui.store.models import Incident, KnowledgeArticle, Organisation, Person, ServiceRequest, Task


def test_settings_file_then_environment(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[database]\nurl = "postgresql://desk@db/helpdesk"\n[ui]\nlanguage = "en"\n'
                   '[desk]\ntimezone = "Europe/Kyiv"\npriority_matrix = [[1,1,2],[1,2,3],[2,3,4]]\n', encoding="utf-8")
    settings = load_settings(cfg, environ={})
    assert settings.db_url == "postgresql://desk@db/helpdesk" and settings.language == "en"
    assert settings.priority_matrix == [[1, 1, 2], [1, 2, 3], [2, 3, 4]]
    overridden = load_settings(cfg, environ={"HELPDESK_DB": "/tmp/x.db", "HELPDESK_LANG": "uk"})
    assert overridden.db_url == "/tmp/x.db" and overridden.language == "uk"


def test_default_database_lives_in_the_xdg_data_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    settings = load_settings(tmp_path / "none.toml", environ={})
    assert settings.db_url == f"sqlite:///{tmp_path / 'helpdesk-tui' / 'helpdesk.db'}"


def test_a_broken_config_file_is_a_clear_error(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text("[database\nurl=", encoding="utf-8")
    with pytest.raises(ConfigError, match="config.toml"):
        load_settings(cfg, environ={})


def test_mail_intake_limits_and_no_processed_folder_come_from_the_file(tmp_path):
    from helpdesk_tui.mail.intake import IntakeSettings

    cfg = tmp_path / "config.toml"
    cfg.write_text('[mail]\nprocessed_folder = ""\nmax_message_bytes = 1048576\nmax_attachment_bytes = 65536\n'
                   'rate_limit_per_hour = 5\n', encoding="utf-8")
    settings = load_settings(cfg, environ={})
    intake = IntakeSettings.from_settings(settings)
    assert settings.processed_folder is None  # read mail is flagged \Seen, not moved to a folder named ""
    assert (intake.max_message_bytes, intake.max_attachment_bytes, intake.rate_limit_per_hour) == (1048576, 65536, 5)
    defaults = IntakeSettings.from_settings(load_settings(tmp_path / "none.toml", environ={}))
    assert (defaults.max_message_bytes, defaults.rate_limit_per_hour) == (40 * 1024 * 1024, 20)


@pytest.mark.parametrize("line", ["max_message_bytes = 0", 'rate_limit_per_hour = "many"', "max_attachment_bytes = 1.5"])
def test_a_wrong_intake_limit_is_a_clear_error(tmp_path, line):
    cfg = tmp_path / "config.toml"
    cfg.write_text(f"[mail]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"\[mail\] {line.split()[0]} = .*a whole number above 0"):
        load_settings(cfg, environ={})


def test_database_urls_people_paste():
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("/var/lib/desk.db") == "sqlite:////var/lib/desk.db"


def test_demo_has_every_status_and_full_dashboards(db):
    from helpdesk_tui.desk.searches import install_predefined

    with db.write() as s:
        install_predefined(s)
    summary = build_demo(db, incidents=150, seed=3)
    assert "150" in summary
    with db.read() as s:
        statuses = set(s.execute(select(Incident.status).distinct()).scalars())
        analyst = s.execute(select(Person).where(Person.login == "analyst")).scalar_one()
        viewer = queries.Viewer.load(s, analyst.id)
        counts = {dashboard: queries.tab_counts(s, dashboard, viewer)
                  for dashboard in ("analyst", "incidents-requests", "tasks", "requests")}
        request_statuses = set(s.execute(select(ServiceRequest.status).distinct()).scalars())
        waiting_for_her = approvals.waiting_for(s, analyst)
        assert s.execute(select(func.count()).select_from(KnowledgeArticle)).scalar_one() >= 5
        assert s.execute(select(func.count()).select_from(Task)).scalar_one() > 0
        names = list(s.execute(select(Person.full_name).limit(50)).scalars())
    assert statuses == {st.value for st in IncidentStatus}
    # Every tab of dashboards 1–4 has rows for the demo analyst, requests in every status, and
    # approvals waiting for her own decision.
    assert all(n > 0 for tabs in counts.values() for n in tabs.values()), counts
    assert request_statuses == {st.value for st in RequestStatus}
    assert waiting_for_her and "service requests" in summary
    assert any("Коваленко" in n or "Шевченко" in n or "Петренко" in n for n in names)
    # Twelve months of time against the clients' subscriptions: some clients over their hours,
    # change requests outside them, one client's hours changed half a year ago (R41).
    with db.read() as s:
        from helpdesk_tui.desk import settings, statements, subscriptions
        from helpdesk_tui.domain.timekeeping import months_back, previous_month

        admin_person = s.execute(select(Person).where(Person.login == "admin")).scalar_one()
        months = months_back(previous_month(settings.this_month()), 12)
        acts = [a for m in months for a in statements.statements(s, admin_person, m)]
        year = subscriptions.trend(s, admin_person, months[-1])
        changed = [o for o in s.execute(select(Organisation)).scalars()
                   if len(subscriptions.history(s, o.id)) > 1]
        timer = s.execute(select(RunningTimer)).scalars().all()
    assert all(used > 0 for _m, _i, used in year), year
    assert any(a.over_minutes for a in acts) and any(a.left_minutes for a in acts)
    assert sum(a.outside_minutes for a in acts) > 0 and changed
    assert [t.person_id for t in timer] == [analyst.id]
    # Problems at every stage of their lifecycle behind the demo's incidents, and items described
    # as analysts keep them (issue 19).
    from helpdesk_tui.desk import problems
    from helpdesk_tui.domain.problem_status import ProblemStatus
    from helpdesk_tui.store.models import ConfigurationItem, Problem

    with db.read() as s:
        made = list(s.execute(select(Problem)).scalars())
        assert {p.status for p in made} == {st.value for st in ProblemStatus}
        assert any(problems.problem_incidents(s, p) for p in made if p.status == "known_error")
        kinds = set(s.execute(select(ConfigurationItem.kind)).scalars())
    assert {"server", "printer", "network"} <= kinds
    # The portal's demo caller signs in with the demo password and has tickets to follow (issue 20).
    from helpdesk_tui.desk import portal_auth, portal_tickets

    with db.write() as s:
        client = portal_auth.sign_in_password(s, "client", "demo-password")
        tickets, _more = portal_tickets.my_tickets(s, client)
    assert client.organisation_id is not None and tickets


def test_demo_history_ends_before_now_and_keeps_working_hours(db):
    """Every time the demo writes lies in the desk's working hours (Mon–Fri 08:00–17:00, lunch
    12:30–13:30, Kyiv) and before the moment it was built: nothing updated tomorrow, no note at
    00:23."""
    from helpdesk_tui.desk.sla import load_rules
    from helpdesk_tui.store.models import (
        Approval,
        ChangeFeed,
        ExternalTask,
        JournalEntry,
        OutboxMessage,
        RecordLink,
    )

    now = datetime(2026, 11, 22, 0, 55, tzinfo=UTC)  # Sunday night in Kyiv: the last work was Friday
    build_demo(db, incidents=120, seed=5, now=now)
    columns = {
        JournalEntry: ("created_at",), ChangeFeed: ("at",), RecordLink: ("created_at",),
        OutboxMessage: ("created_at",),
        Incident: ("created_at", "updated_at", "responded_at", "resolved_at", "closed_at"),
        Task: ("created_at", "updated_at", "accepted_at", "completed_at"),
        ExternalTask: ("created_at", "completed_at"), Person: ("created_at",), KnowledgeArticle: ("created_at",),
        ServiceRequest: ("created_at", "updated_at", "responded_at", "approved_at", "implemented_at", "closed_at"),
        Approval: ("created_at", "decided_at"),
    }
    with db.read() as s:
        calendar = load_rules(s).calendars["standard"]
        seen = 0
        for model, names in columns.items():
            for name in names:
                for moment in s.execute(select(getattr(model, name)).where(getattr(model, name).is_not(None))).scalars():
                    seen += 1
                    assert moment < now, f"{model.__name__}.{name} {moment} is not before {now}"
                    assert calendar.is_working(moment), \
                        f"{model.__name__}.{name} {moment.astimezone(calendar.zone):%a %d.%m %H:%M} is outside working hours"
    assert seen > 1000


def test_demo_command_refuses_to_add_twice(tmp_path, capsys):
    from helpdesk_tui.cli import main

    url = f"sqlite:///{Path(tmp_path) / 'demo.db'}"
    assert main(["--db", url, "--lang", "en", "demo", "--no-tui", "--incidents", "20"]) == 0
    assert main(["--db", url, "--lang", "en", "demo", "--no-tui"]) == 0
    out = capsys.readouterr().out
    assert "already has 20 incidents" in out
