"""The Alembic migrations build exactly the schema the models describe, on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from helpdesk_tui.store import migrate
from helpdesk_tui.store.backup import backup, restore
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.search_schema import is_search_object
from tests.world import seed


def test_migrated_schema_matches_the_models(db):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_name": lambda name, type_, _parents: not is_search_object(name, type_),
        })
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == [], f"models and migrations differ; add a revision: {diff}"
    assert migrate.is_current(db)


def test_upgrade_is_idempotent(db):
    before, after = migrate.upgrade(db)
    assert before == after == migrate.head_revision(db)


def test_sqlite_file_backup_is_a_consistent_copy(sqlite_db, tmp_path):
    w = seed(sqlite_db)
    copy = tmp_path / "copy.db"
    assert backup(sqlite_db, copy).rows["person"] == 5
    restored = Database(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        restore(restored, copy)
        with restored.read() as s:
            from helpdesk_tui.desk.lookup import find_person

            assert find_person(s, "ivan").id == w.analyst.id
    finally:
        restored.dispose()


def test_json_backup_moves_a_team_from_sqlite_to_postgresql(sqlite_db, pg_db, tmp_path):
    w = seed(sqlite_db)
    from helpdesk_tui.desk import incidents

    with sqlite_db.write() as s:
        incidents.register_incident(s, w.analyst, caller=w.caller, short_description="До переїзду", group=w.first_line)
    file = tmp_path / "team.json"
    counts = backup(sqlite_db, file).rows
    assert counts["person"] == 5 and counts["incident"] == 1
    restore(pg_db, file)
    with pg_db.read() as s:
        from helpdesk_tui.desk.lookup import find_group, find_person

        # Sequences continue after the restored rows.
        inc = incidents.register_incident(s, find_person(s, "ivan"), short_description="Після переїзду",
                                          group=find_group(s, "Перша лінія підтримки Контакт-центр"))
        s.commit()
        assert inc.id == 2 and inc.number == "INC0000002"


def test_upgrading_to_0017_finds_the_problems_and_articles_written_before_by_their_new_words(db):
    from alembic import command

    from helpdesk_tui.desk import articles, problems
    from helpdesk_tui.store import search

    w = seed(db)
    cfg = migrate.alembic_config(db)
    with db.writer.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0016")
    with db.write() as s:
        problems.register_problem(s, w.analyst, short_description="Зникає мережа",
                                  root_cause="Збійний комутатор у серверній")
        articles.create_article(s, w.admin, title="Мережа", body="Перезавантажте.", keywords="комутатор",
                                status="published")
    with db.read() as s:
        assert search.search(s, "комутатор", kind="problem") == []
    migrate.upgrade(db)
    with db.read() as s:
        assert [h.title for h in search.search(s, "комутатора", kind="problem")] == ["Зникає мережа"]
        assert [h.title for h in search.search(s, "комутатор", kind="knowledge_article")] == ["Мережа"]
