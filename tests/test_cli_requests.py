"""Service requests and the catalog from the shell (R27–R30): `catalog load/list/show` and
`request new/show/list/approve/reject/task/status`, each with --json; mistakes in one line."""

from __future__ import annotations

import json

import pytest

from helpdesk_tui.cli import main
from tests.world import CATALOG, FIRST_LINE, seed


@pytest.fixture
def run(db, capsys, tmp_path):
    from helpdesk_tui.desk import admin
    from helpdesk_tui.store.models import Person

    w = seed(db)
    with db.write() as s:
        admin.create_organisation(s, s.get(Person, w.admin.id), name="ТОВ «Клієнт»")
    (tmp_path / "catalog.toml").write_text(CATALOG, encoding="utf-8")

    def _run(*args: str, lang: str = "en"):
        code = main(["--db", db.url, "--lang", lang, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _ok(result):
    code, out, err = result
    assert code == 0, err
    return out


def test_the_catalog_loads_lists_and_shows_and_a_request_runs_from_the_shell(run, tmp_path):
    assert "4 new" in _ok(run("--as", "admin", "catalog", "load", str(tmp_path / "catalog.toml")))
    assert "4 unchanged" in _ok(run("--as", "admin", "catalog", "load", str(tmp_path / "catalog.toml")))
    listed = json.loads(_ok(run("--as", "ivan", "catalog", "list", "--json")))
    assert {i["code"] for i in listed} == {"vpn", "ets-role", "1c-user", "client-only"}
    shown = _ok(run("--as", "ivan", "catalog", "show", "vpn", lang="uk"))
    assert "Пристрій" in shown and "Створити профіль VPN" in shown and "один зі списку" in shown

    made = json.loads(_ok(run("--as", "ivan", "request", "new", "--item", "ets-role", "--requester", "olena",
                              "--field", "role=Інспектор", "--json")))
    assert made["status"] == "awaiting_approval" and made["parameters"][0]["value"] == "Інспектор"
    number = made["number"]
    waiting = json.loads(_ok(run("--as", "maria", "request", "waiting", "--json")))
    assert [w["number"] for w in waiting] == [number]
    code, _out, err = run("--as", "ivan", "request", "approve", number)
    assert code != 0 and "not asked to approve" in err
    approved = json.loads(_ok(run("--as", "maria", "request", "approve", number, "-m", "Так", "--json")))
    assert approved["status"] == "in_progress" and [t["short_description"] for t in approved["tasks"]] == ["Надати роль Інспектор"]
    by_hand = _ok(run("--as", "ivan", "request", "task", number, "--group", FIRST_LINE, "-s", "Навчити",
                      "-d", "Показати інтерфейс"))
    assert "(by hand)" in by_hand
    shown = _ok(run("--as", "ivan", "request", "show", number, lang="uk"))
    assert "В роботі" in shown and "Роль" in shown and "Марія Коваль" in shown and "Схвалено" in shown
    listed = json.loads(_ok(run("--as", "ivan", "request", "list", "--filter", "status:\"в роботі\"", "--json")))
    assert [r["number"] for r in listed["rows"]] == [number]
    # The filter language knows a request's own fields, in Ukrainian too.
    found = json.loads(_ok(run("--as", "ivan", "request", "list", "--filter", "позиція:ets користувач:Шевч", "--json")))
    assert [r["number"] for r in found["rows"]] == [number]
    assert json.loads(_ok(run("--as", "ivan", "request", "list", "--filter", "item:vpn", "--json")))["rows"] == []


def test_request_mistakes_are_one_line_each(run, tmp_path):
    _ok(run("--as", "admin", "catalog", "load", str(tmp_path / "catalog.toml")))
    code, _out, err = run("--as", "ivan", "request", "new", "--item", "vpn", "--requester", "olena",
                          "--field", "device=Планшет")
    assert code != 0 and "«Device» takes one of: Ноутбук, Смартфон; not «Планшет»" in err
    code, _out, err = run("--as", "ivan", "request", "new", "--item", "vpn", "--requester", "olena", "--field", "device")
    assert code != 0 and "name=value" in err
    (tmp_path / "bad.toml").write_text('[[item]]\ncode = "x"\nname.uk = "X"\ngroup = "Нема"\n', encoding="utf-8")
    code, _out, err = run("--as", "admin", "catalog", "load", str(tmp_path / "bad.toml"))
    assert code != 0 and "bad.toml:4: item[1].group: no work group «Нема» at this desk" in err
    code, _out, err = run("--as", "ivan", "catalog", "load", str(tmp_path / "catalog.toml"))
    assert code != 0 and "administrator" in err


def test_sla_breaching_lists_requests_with_their_kind(run, tmp_path):
    _ok(run("--as", "admin", "catalog", "load", str(tmp_path / "catalog.toml")))
    number = json.loads(_ok(run("--as", "ivan", "request", "new", "--item", "vpn", "--requester", "olena",
                                "--field", "device=Ноутбук", "--json")))["number"]
    _ok(run("--as", "ivan", "incident", "new", "-s", "Не працює ЕТС", "--group", FIRST_LINE))
    due = json.loads(_ok(run("sla", "breaching", "--within", "30d", "--json")))
    kinds = {(r["kind"], r["number"], r["clock"]) for r in due}
    assert {("service_request", number, "response"), ("service_request", number, "resolution"),
            ("incident", "INC0000001", "response"), ("incident", "INC0000001", "resolution")} == kinds
    assert all(r["priority"] is None for r in due if r["kind"] == "service_request")
    assert [r["due"] for r in due] == sorted(r["due"] for r in due)
    shown = _ok(run("sla", "breaching", "--within", "30d"))
    assert number in shown and "INC0000001" in shown
    assert "Due times of 2 open incidents and service requests recomputed" in _ok(run("--as", "admin", "sla", "recompute"))
