"""The caller search (R3, issue 16): any part of the e-mail, login or phone digits, every word
of the name in any order; the start first; kept up to date as people change; on both engines,
through the index the migration made."""

from __future__ import annotations

from sqlalchemy import text

from helpdesk_tui.desk import admin
from helpdesk_tui.desk.auth import SignedIn
from helpdesk_tui.desk.workspace import Workspace
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.store.models import Person
from tests.world import seed


def _workspace(db, w):
    return Workspace(db, SignedIn(person_id=w.analyst.id, login="ivan", full_name="Іван Петренко", roles=(Role.ANALYST,)))


def _callers(db, w):
    with db.write() as s:
        boss = s.get(Person, w.admin.id)
        made = [admin.create_person(s, boss, login=login, full_name=name, email=email, phone=phone)
                for login, name, email, phone in (
                    ("v.kovalenko", "Віктор Коваленко", "v.kovalenko@odesa.customs.gov.ua", "+380 93 272 88 24"),
                    ("o.kovalchuk", "Олена Ковальчук", "kovalchuk.o@kyiv.customs.gov.ua", "+380 67 555 01 02"),
                    ("a.pasikova", "Анна Пасікова", "anna@rozdrib.example", None),
                    ("mkoval", "Марко Ковальський", None, "+380 50 100 20 30"),
                )]
        return {p.login: p.id for p in made}


def test_an_address_a_login_or_a_phone_is_found_by_any_part_of_it(db):
    w = seed(db)
    ids = _callers(db, w)
    ws = _workspace(db, w)

    def logins(typed):
        return [p.login for p in ws.people(typed)]

    assert logins("v.kovalenko") == ["v.kovalenko"]  # the start, as before
    assert logins("kovalenko@") == ["v.kovalenko"]  # the middle of the address
    assert logins("odesa.customs") == ["v.kovalenko"]  # its domain
    assert logins("CUSTOMS.gov") == ["v.kovalenko", "o.kovalchuk"]  # any case; by name
    assert logins("272 88") == ["v.kovalenko"]  # digits from the middle of the phone
    assert logins("0932728824") == logins("+380 93 272 88 24") == ["v.kovalenko"]
    assert logins("asikov") == ["a.pasikova"]  # inside a login
    assert logins("коваленко віктор") == ["v.kovalenko"]  # every word, any order
    # A name by the starts of its words, by name (in code points, as before: к < і).
    assert logins("Ковал") == ["v.kovalenko", "mkoval", "maria", "o.kovalchuk"]
    assert logins("оваленко") == [] and logins("Мар'") == ["mkoval", "maria"]
    assert logins("ковальч") == ["o.kovalchuk"] and logins("О Ков") == ["o.kovalchuk"]
    assert logins("Ол") == ["o.kovalchuk", "olena"]  # two letters: the start of a name or a login
    assert logins("zzz") == [] and logins("  ") == []
    assert ids


def test_the_index_follows_changes_and_leaves_out_who_left(db):
    w = seed(db)
    ids = _callers(db, w)
    ws = _workspace(db, w)
    with db.write() as s:
        boss = s.get(Person, w.admin.id)
        admin.update_person(s, boss, s.get(Person, ids["v.kovalenko"]), email="viktor@lviv.customs.gov.ua",
                            phone="+380 63 000 11 22")
        admin.update_person(s, boss, s.get(Person, ids["o.kovalchuk"]), active=False)
    assert [p.login for p in ws.people("lviv.customs")] == ["v.kovalenko"]
    assert ws.people("odesa.customs") == [] and ws.people("272 88") == []
    assert [p.login for p in ws.people("000 11")] == ["v.kovalenko"]
    assert [p.login for p in ws.people("kyiv.customs")] == []  # inactive: no longer offered


def test_the_search_reads_the_trigram_index(db):
    """What makes it fast at 100k people (docs/benchmarks.md): the migration's index exists."""
    with db.read() as s:
        if db.dialect == "sqlite":
            found = s.execute(text("SELECT sql FROM sqlite_master WHERE name = 'person_fts'")).scalar_one()
            assert "trigram" in found
            assert "unicode61" in s.execute(text("SELECT sql FROM sqlite_master WHERE name = 'person_name_fts'")).scalar_one()
        else:
            names = set(s.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'person'")).scalars())
            assert {"ix_person_name_words", "ix_person_contact_trgm", "ix_person_phone_trgm", "ix_person_name_c"} <= names


def test_the_filter_line_completes_a_name_from_its_start_among_many_that_contain_it(db):
    """Issue 16: the `/` line's completion of owners and callers reads names by their start
    (an index range, fast at 100k people); it read every name containing the text, by name,
    and the first 20 of those could all be names that only contain it."""
    w = seed(db)
    with db.write() as s:
        boss = s.get(Person, w.admin.id)
        for i in range(25):
            admin.create_person(s, boss, login=f"anna{i}", full_name=f"Анна Ковальчук{i:02}")
        admin.create_person(s, boss, login="kovbas", full_name="Ковбас Іван")
        admin.create_person(s, boss, login="kovbas2", full_name="Ковбас Іван")  # the same name, offered once
        admin.create_person(s, boss, login="kovbasiuk", full_name="Ковбасюк Олег")
    ws = _workspace(db, w)

    def names(field, typed, limit=20):
        return [value for value, label in ws.values("incident", field, typed, limit) if value == label]

    assert names("owner", "Ков") == names("caller", "ков") == ["Ковбас Іван", "Ковбасюк Олег"]
    assert names("caller", "КОВБАС ") == ["Ковбас Іван"]  # a word ended: not «Ковбасюк»
    assert names("caller", "ковбасюк   о") == ["Ковбасюк Олег"]  # spaces as in the name key
    assert names("owner", "Анна Ковальчук0", 3) == ["Анна Ковальчук00", "Анна Ковальчук01", "Анна Ковальчук02"]
    assert names("owner", "Zz") == [] and len(names("owner", "", 10)) == 10
    assert names("owner", "Іван") == ["Іван Петренко"]
