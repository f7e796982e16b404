"""Finding a caller by what the analyst types (R3): a name, a login, an e-mail or a phone,
searched at every keystroke, so it must answer in milliseconds among 100k people
(docs/benchmarks.md, «Caller search»).

Two steps:
1. What starts with the text: the full name, the login, the e-mail. Three range reads on
   B-tree indexes, each stopping after `limit` rows.
2. While fewer than `limit` were found: people whose name has a word starting with each word
   typed, in any order («ковал оле» finds «Олена Коваленко»); or whose login or e-mail contains
   each Latin word typed (three characters or more) anywhere («kovalenko@», «odesa.customs»); or
   whose phone contains the digits typed (three or more: «272 88» finds +380 93 272 88 24).
   Names by the starts of their words, the way people are looked up by name; addresses and
   numbers by any part, the way they are remembered.

Indexes: on SQLite two contentless FTS5 tables kept by triggers, `unicode61` (with prefix
indexes) for the names' words and `trigram` for logins, addresses and phones; on PostgreSQL a
`tsvector` GIN index for the words and pg_trgm GIN indexes for the rest. pg_trgm counts only
ASCII letters as word characters in a database whose LC_CTYPE is C (the usual set-up), so it
would find no Cyrillic; the text-search parser reads Cyrillic whatever the locale.

Only the first CANDIDATES matches of step 2 are ranked (a text starting a word of the name
first, then by name): a text found in more people than that is too vague to list them all,
and reading them all costs tens of milliseconds.

The index is kept by raw DDL here, like the full-text index (search_schema.py), and left out of
the comparison of models and migrations.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Session

CANDIDATES = 1000
MIN_GRAM = 3
NAMES = "person_name_fts"
CONTACTS = "person_fts"
# The top of the code space: every string starting with a prefix sorts below prefix + TOP.
TOP = "\U0010ffff"
# Dropped from names before they are cut into words, as the full-text index does: «Мар'яна».
APOSTROPHES = ("'", "\u2019", "\u02bc", "`")
PG_NAME_WORDS = "to_tsvector('simple'::regconfig, translate(name_key, '''\u2019\u02bc`', ''))"
PG_CONTACT = "(lower(login) || ' ' || lower(coalesce(email, '')))"
PG_INDEXES = {
    "ix_person_name_words": f"USING gin ({PG_NAME_WORDS})",
    # Prefix ranges need an order that keeps a prefix's strings together: code points ("C").
    "ix_person_name_c": '(name_key COLLATE "C")',
    "ix_person_login_c": '(login COLLATE "C")',
    "ix_person_email_c": '(lower(email) COLLATE "C")',
}
PG_TRIGRAM_INDEXES = {
    "ix_person_contact_trgm": f"USING gin ({PG_CONTACT} gin_trgm_ops)",
    "ix_person_phone_trgm": "USING gin (phone_key gin_trgm_ops)",
}
_WORD = re.compile(r"\w+")


# --- the index ------------------------------------------------------------------------------


def _sqlite_name(row: str) -> str:
    expr = f"{row}.name_key"
    for mark in APOSTROPHES:
        expr = f"replace({expr}, '{mark.replace(chr(39), chr(39) * 2)}', '')"
    return expr


def _sqlite_contacts(row: str) -> str:
    return f"lower({row}.login), lower(coalesce({row}.email, '')), coalesce({row}.phone_key, '')"


def sqlite_triggers() -> list[str]:
    old = (f"INSERT INTO {NAMES}({NAMES}, rowid, name) VALUES ('delete', old.id, {_sqlite_name('old')}); "
           f"INSERT INTO {CONTACTS}({CONTACTS}, rowid, login, email, phone) "
           f"VALUES ('delete', old.id, {_sqlite_contacts('old')});")
    new = (f"INSERT INTO {NAMES}(rowid, name) VALUES (new.id, {_sqlite_name('new')}); "
           f"INSERT INTO {CONTACTS}(rowid, login, email, phone) VALUES (new.id, {_sqlite_contacts('new')});")
    return [
        f"CREATE TRIGGER {CONTACTS}_ai AFTER INSERT ON person BEGIN {new} END",
        f"CREATE TRIGGER {CONTACTS}_ad AFTER DELETE ON person BEGIN {old} END",
        f"CREATE TRIGGER {CONTACTS}_au AFTER UPDATE OF name_key, login, email, phone_key ON person "
        f"BEGIN {old} {new} END",
    ]


def create(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(text(f"CREATE VIRTUAL TABLE {NAMES} USING fts5(name, content='', "
                          "tokenize='unicode61 remove_diacritics 0', prefix='1 2 3')"))
        conn.execute(text(f"CREATE VIRTUAL TABLE {CONTACTS} USING fts5(login, email, phone, content='', "
                          "tokenize='trigram')"))
        conn.execute(text(f"INSERT INTO {NAMES}(rowid, name) SELECT id, {_sqlite_name('person')} FROM person"))
        conn.execute(text(f"INSERT INTO {CONTACTS}(rowid, login, email, phone) "
                          f"SELECT id, {_sqlite_contacts('person')} FROM person"))
        for ddl in sqlite_triggers():
            conn.execute(text(ddl))
        return
    for name, using in PG_INDEXES.items():
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON person {using}"))
    # pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database's owner
    # may create it. Where it cannot be, the search still answers, reading the table instead.
    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except Exception:  # noqa: BLE001 - any refusal means the same: no trigram index
        return
    for name, using in PG_TRIGRAM_INDEXES.items():
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON person {using}"))


def drop(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for suffix in ("ai", "ad", "au"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {CONTACTS}_{suffix}"))
        conn.execute(text(f"DROP TABLE IF EXISTS {NAMES}"))
        conn.execute(text(f"DROP TABLE IF EXISTS {CONTACTS}"))
        return
    for name in (*PG_INDEXES, *PG_TRIGRAM_INDEXES):
        conn.execute(text(f"DROP INDEX IF EXISTS {name}"))


def is_index_object(name: str | None, type_: str) -> bool:
    """This index's objects, which the models do not describe (for schema comparison)."""
    if not name:
        return False
    if type_ == "table":
        return any(name == table or name.startswith(table + "_") for table in (NAMES, CONTACTS))
    return type_ == "index" and name in {*PG_INDEXES, *PG_TRIGRAM_INDEXES}


# --- the search -----------------------------------------------------------------------------

_COLUMNS = "p.id, p.full_name, p.login, p.email, p.phone, o.name"
_FROM = "person p LEFT JOIN organisation o ON o.id = p.organisation_id"


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def find_people(session: Session, *, key: str, digits: str, limit: int = 8) -> list[tuple[Any, ...]]:
    """People matching what was typed — `key`, its name key (case-folded, spaces collapsed), and
    `digits`, its digits — as (id, full name, login, e-mail, phone, organisation): those whose
    name, login or e-mail starts with it first, then the others, each by name."""
    if not key:
        return []
    pg = session.get_bind().dialect.name == "postgresql"
    found: dict[int, tuple[Any, ...]] = {}
    for column in ("p.name_key", "p.login", "lower(p.email)"):
        ordered = f'{column} COLLATE "C"' if pg else column
        rows = session.execute(text(
            f"SELECT {_COLUMNS}, p.name_key FROM {_FROM} WHERE {ordered} >= :lo AND {ordered} < :hi AND p.active "
            f"ORDER BY {ordered} LIMIT :limit"), {"lo": key, "hi": key + TOP, "limit": limit})
        found.update((row[0], tuple(row)) for row in rows)
    ranked = sorted(found.values(), key=lambda row: row[-1])[:limit]
    if len(ranked) < limit:
        ranked += [row for row in _others(session, key, digits, pg, limit * 2) if row[0] not in found]
    return [row[:-1] for row in ranked[:limit]]


def _others(session: Session, key: str, digits: str, pg: bool, limit: int) -> list[tuple[Any, ...]]:
    """Step 2: word starts of the name, parts of the login or e-mail, part of the phone."""
    name_words = _WORD.findall("".join(c for c in key if c not in APOSTROPHES))
    # Logins and addresses are ASCII (pg_trgm in a C-locale database sees nothing else, and a
    # Cyrillic word there would read the whole table): a Cyrillic word is a name's.
    parts = [w for w in key.split() if len(w) >= MIN_GRAM and w.isascii()]
    digits = digits if len(digits) >= MIN_GRAM else ""
    params: dict[str, Any] = {"start": key + "%", "word": "% " + key + "%", "limit": limit}
    if pg:
        conditions = []
        if name_words:
            params["words"] = " & ".join(f"{w}:*" for w in name_words)
            conditions.append(f"{PG_NAME_WORDS} @@ to_tsquery('simple'::regconfig, :words)")
        if parts:
            params.update({f"part{i}": _like(w) for i, w in enumerate(parts)})
            conditions.append(" AND ".join(f"{PG_CONTACT} LIKE :part{i}" for i in range(len(parts))))
        if digits:
            params["digits"] = _like(digits)
            conditions.append("phone_key LIKE :digits")
        if not conditions:
            return []
        ids = session.execute(text(" UNION ".join(f"(SELECT id FROM person WHERE {c} LIMIT {CANDIDATES})"
                                                  for c in conditions)), params).scalars().all()
        if not ids:
            return []
        # Each candidate by its key: given the ids in a subquery, the planner read all 100k rows.
        params["ids"] = list(ids)
        candidates = "SELECT unnest(CAST(:ids AS integer[]))"
    else:
        queries = []
        if name_words:
            params["words"] = " AND ".join(f"{_quoted(w)}*" for w in name_words)
            queries.append(f"SELECT rowid FROM {NAMES} WHERE {NAMES} MATCH :words LIMIT {CANDIDATES}")
        matches = []
        if parts:
            matches.append("{login email} : (" + " AND ".join(_quoted(w) for w in parts) + ")")
        if digits:
            matches.append("phone : " + _quoted(digits))
        if matches:
            params["contacts"] = " OR ".join(matches)
            queries.append(f"SELECT rowid FROM {CONTACTS} WHERE {CONTACTS} MATCH :contacts LIMIT {CANDIDATES}")
        if not queries:
            return []
        candidates = " UNION ".join(f"SELECT * FROM ({q})" for q in queries)
    rows = session.execute(text(
        f"SELECT {_COLUMNS}, p.name_key FROM {_FROM} WHERE p.id IN ({candidates}) AND p.active "
        "ORDER BY CASE WHEN p.name_key LIKE :start OR p.name_key LIKE :word THEN 0 ELSE 1 END, p.name_key "
        "LIMIT :limit"), params)
    return [tuple(row) for row in rows]
