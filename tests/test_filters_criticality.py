"""Criticality (R34, R35) and channel (R37) in the lists: the filter language takes them by code or
by name in either language, saved searches keep codes, completion and quick filters offer names,
and what is shown is names, never codes."""

from __future__ import annotations

import pytest

from helpdesk_tui.desk import incidents, searches
from helpdesk_tui.desk.searches import parse_for
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.field_values import coded_value, describe_filter, kept_value, shown_value
from helpdesk_tui.domain.statuses import Channel
from helpdesk_tui.i18n import set_language
from helpdesk_tui.store import choices, queries
from helpdesk_tui.store.models import Incident
from helpdesk_tui.store.queries import Viewer
from tests.world import seed_desk


@pytest.fixture
def uk():
    set_language("uk")
    yield
    set_language("en")


@pytest.fixture
def desk(db):
    """seed_desk with «unclassified» urgent, «colleagues» high and e-mailed, «other-team» from the portal."""
    db, w, made = seed_desk(db)
    with db.write() as s:
        for key, changes in (("unclassified", dict(criticality="urgent", urgent_reason="most_users_affected")),
                             ("colleagues", dict(criticality="high", channel=Channel.EMAIL.value)),
                             ("other-team", dict(channel=Channel.PORTAL.value))):
            incidents.update_incident(s, w.analyst, s.get(Incident, made[key].id), **changes)
    return db, w, made


def _filter(db, w, line):
    with db.read() as s:
        viewer = Viewer.load(s, w.analyst.id)
        where = queries.compile_filter(s, "incident", parse_for("incident", line), viewer)
        return sorted(r["short_description"] for r in queries.page(s, "incident", where, viewer=viewer).rows)


def test_criticality_and_channel_by_code_or_by_name_in_either_language(desk):
    db, w, _ = desk
    for line in ("критичність:термінова", "criticality:urgent", "Критичність:Urgent", "criticality:ТЕРМІНОВА"):
        assert _filter(db, w, line) == ["unclassified"], line
    assert _filter(db, w, "критичність:висока,термінова") == ["colleagues", "unclassified"]
    assert _filter(db, w, "канал:пошта") == _filter(db, w, 'channel:"Електронна пошта"') == ["colleagues"]
    assert _filter(db, w, "channel:portal") == _filter(db, w, "канал:портал") == ["Принтер у 204"]
    assert "mine-registered" in _filter(db, w, "канал:телефон") == _filter(db, w, "channel:Phone")
    assert "colleagues" not in _filter(db, w, "канал:телефон")
    # Not set: the criticality is optional, the channel never empty.
    assert _filter(db, w, "критичність: -status:closed,cancelled") == [
        "classified-unassigned", "mine-registered", "mine-resolved", "mine-waiting", "Принтер у 204"]
    with pytest.raises(RuleViolation, match="never empty"):
        _filter(db, w, "канал:")


def test_a_name_no_value_has_is_refused_with_the_names_to_choose_from(desk, uk):
    db, w, _ = desk
    with pytest.raises(RuleViolation) as refused:
        _filter(db, w, "критичність:негайна")
    assert refused.value.message == ("Критичність: немає значення «негайна»; можна: Низька, Середня, Висока, "
                                     "Термінова")
    with pytest.raises(RuleViolation, match="«п»"):  # «пошта» or «портал»: a beginning must be one name's
        coded_value("channel", "п")


def test_a_saved_search_keeps_codes_and_reads_back_in_words(desk, uk):
    db, w, _ = desk
    with db.write() as s:
        saved = searches.save_search(s, w.analyst, name="Термінові", kind="incident",
                                     flt=parse_for("incident", "критичність:термінова"))
    with db.read() as s:
        flt = searches.search_filter(searches.find_search(s, w.analyst, "Термінові"))
        where = queries.compile_filter(s, "incident", flt, Viewer.load(s, w.analyst.id))
        assert [r["short_description"] for r in queries.page(s, "incident", where).rows] == ["unclassified"]
    assert saved.name == "Термінові"
    # The editor keeps what the analyst names as codes, so the search reads alike in both languages.
    assert kept_value("incident", "criticality", "Термінова") == "urgent"
    assert kept_value("incident", "channel", "Месенджер") == "messenger"
    assert kept_value("incident", "channel", "голуб") == "голуб"  # the filter then says what it could be
    conditions = [("criticality", "in", ["high", "urgent"]), ("channel", "=", "email")]
    assert describe_filter("incident", conditions) == "Критичність: Висока або Термінова; Канал: Електронна пошта"


def test_lists_carry_the_criticality_and_show_names(desk, uk):
    from helpdesk_tui.widgets.list_columns import cell

    db, w, _ = desk
    with db.read() as s:
        rows = {r["short_description"]: r for r in queries.page(s, "incident").rows}
        groups = {g.value: g.count for g in queries.group_counts(s, "incident", "criticality")}
        by_criticality = [r["short_description"] for r in queries.page(s, "incident", sort="criticality",
                                                                        desc=True, limit=3).rows]
        first = queries.page(s, "incident", sort="criticality", desc=True, limit=1)
        second = queries.page(s, "incident", sort="criticality", desc=True, limit=1, after=first.next_cursor)
    assert rows["unclassified"]["criticality"] == "urgent"
    assert cell("incident", "criticality", rows["unclassified"]) == "Термінова"
    assert cell("incident", "channel", rows["colleagues"]) == "Електронна пошта"
    assert cell("incident", "criticality", rows["mine-registered"]) == ""
    assert groups == {"urgent": 1, "high": 1, None: 6}
    assert by_criticality[:2] == ["unclassified", "colleagues"]  # by rank: urgent, then high; unset last
    assert [r["short_description"] for r in first.rows + second.rows] == ["unclassified", "colleagues"]


def test_completion_and_quick_filters_offer_the_names(desk, uk):
    db, _w, _ = desk
    with db.read() as s:
        assert choices.field_values(s, "incident", "criticality", "тер") == [("urgent", "Термінова")]
        assert choices.field_values(s, "incident", "criticality") == [
            ("low", "Низька"), ("medium", "Середня"), ("high", "Висока"), ("urgent", "Термінова")]
        assert [label for _v, label in choices.field_values(s, "incident", "channel")] == [
            "Телефон", "Месенджер", "Веб-сайт", "Портал самообслуговування", "Електронна пошта", "Особисто"]
    assert "criticality" in choices.groupable("incident")


def test_the_record_names_the_criticality_and_the_reason(desk, uk):
    from helpdesk_tui.store.records import incident_detail

    db, w, made = desk
    with db.read() as s:
        detail = incident_detail(s, s.get(Incident, made["unclassified"].id))
    assert (detail["criticality"], detail["urgent_reason"]) == ("urgent", "most_users_affected")
    assert shown_value("urgent_reason", detail["urgent_reason"]) == "Проблеми з роботою в програмі більшості користувачів"
    changes = [c for e in detail["journal"] for c in e["changes"] if c["field"] == "urgent_reason"]
    assert [shown_value(c["field"], c["new"]) for c in changes] == ["Проблеми з роботою в програмі більшості користувачів"]


def test_the_kind_of_ticket_by_code_or_by_name_and_as_a_quick_filter(desk, uk):
    """R36: change requests found by «вид:запит на зміну» (or its code, or in English), and the
    quick filter and completion offer the kinds by name."""
    from helpdesk_tui.desk import change_requests

    db, w, made = desk
    with db.write() as s:
        change_requests.set_kind(s, w.analyst, s.get(Incident, made["colleagues"].id), "change_request")
    for line in ('вид:"запит на зміну"', "kind:change_request", "вид:запит", "Kind:Change"):
        assert _filter(db, w, line) == ["colleagues"], line
    assert "colleagues" not in _filter(db, w, "вид:інцидент")
    with db.read() as s:
        offered = choices.field_values(s, "incident", "ticket_kind")
    assert offered == [("incident", "Інцидент"), ("change_request", "Запит на зміну")]
    assert shown_value("ticket_kind", "change_request") == "Запит на зміну"
