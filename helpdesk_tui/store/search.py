"""Full-text search over incidents, knowledge articles and problems (R4, `helpdesk search`).

A record matches when it has every word typed (as a prefix of one of its words, see
domain/search_terms.py). The panel, which must not come up empty because one word of a
half-typed sentence is missing, then fills up with records that have some of the words.

Two questions with two budgets (MEASURED.md): the related-items panel asks on every keystroke
(p95 ≤ 30 ms at 1M incidents), so it ranks only the newest few hundred matches of a table; an
explicit search ranks every match (p95 ≤ 300 ms). Ranking is bm25 on SQLite and ts_rank on
PostgreSQL, the title weighing more than the body on both.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

from helpdesk_tui.domain.search_terms import SearchHit, Terms, parse
from helpdesk_tui.store.search_schema import BY_TABLE, PG_COLUMN, Indexed

KINDS = ("knowledge_article", "problem", "incident")
CANDIDATES = 300
TITLE_WEIGHT = 4.0

_DETAILS = {
    "incident": "SELECT id, number, short_description, status, coalesce(solution, '') FROM incident",
    "knowledge_article": "SELECT id, number, title, NULL, coalesce(solution, '') || "
                         "CASE WHEN coalesce(solution, '') = '' THEN body ELSE '' END FROM knowledge_article",
    "problem": "SELECT id, number, short_description, status, coalesce(workaround, '') FROM problem",
}
_ONLY_PUBLISHED = {"knowledge_article": "published"}


def fts_match(terms: Terms, *, any_term: bool = False) -> str:
    """An FTS5 query: every prefix (or any), each quoted (the words are letters and digits only)."""
    return (" OR " if any_term else " AND ").join(f'"{p}"*' for p in terms.prefixes)


def ts_query(terms: Terms, *, any_term: bool = False) -> str:
    return (" | " if any_term else " & ").join(f"'{p}':*" for p in terms.prefixes)


class _Words:
    """The index's own words that begin with a prefix, most common first, remembered a while.

    An FTS5 prefix query merges the whole doclist of every word with the prefix before it can
    return a row (MEASURED here: 7 ms for «принтер*» at 1M incidents, 29 ms for three such
    words); the same words spelt out as an OR of exact terms are read lazily, newest first,
    and stop at the candidate limit (0.2 ms, 4 ms). The panel asks again on every keystroke
    with the finished words unchanged, so their expansions are kept for a few minutes; a
    word first written since then is missed by the panel until they expire, never by the
    explicit search. A prefix with no words is not remembered."""

    TTL = 300.0
    PER_PREFIX = 40

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str, str], tuple[float, tuple[str, ...]]] = {}

    def expand(self, conn: Any, ix: Indexed, prefix: str) -> tuple[str, ...]:
        key = (str(conn.engine.url), ix.fts, prefix)
        now = time.monotonic()
        kept = self._kept.get(key)
        if kept is not None and now - kept[0] < self.TTL:
            return kept[1]
        words = tuple(conn.execute(text(
            f"SELECT term FROM {ix.fts}_vocab WHERE term >= :lo AND term < :hi ORDER BY doc DESC LIMIT :n"),
            {"lo": prefix, "hi": prefix + "\U0010ffff", "n": self.PER_PREFIX}).scalars())
        if len(self._kept) > 5000:
            self._kept.clear()
        if words:  # a word nobody has written yet may be written any moment
            self._kept[key] = (now, words)
        return words


WORDS = _Words()


def _spelt_out(conn: Any, ix: Indexed, terms: Terms, *, any_term: bool) -> str | None:
    """An FTS5 query of exact words for `terms`; None when a word the query needs is not in the index."""
    groups = []
    for prefix in terms.prefixes:
        words = WORDS.expand(conn, ix, prefix)
        if words:
            groups.append("(" + " OR ".join(f'"{w}"' for w in words) + ")")
        elif not any_term:
            return None
    return (" OR " if any_term else " AND ").join(groups) or None


def _ranked_ids(session: Session, ix: Indexed, terms: Terms, *, limit: int, offset: int = 0,
                candidates: int | None, exclude: int | None, any_term: bool = False) -> list[tuple[int, float]]:
    conn = session.connection()
    params: dict[str, Any] = {"q": fts_match(terms, any_term=any_term), "limit": limit, "offset": offset,
                              "cand": candidates, "exclude": exclude if exclude is not None else -1}
    if conn.dialect.name == "sqlite":
        if candidates:
            # The newest matches come straight off the index (rowid order); bm25 ranks those.
            params["q"] = _spelt_out(conn, ix, terms, any_term=any_term)
            if params["q"] is None:
                return []
            sql = (f"SELECT rowid, bm25({ix.fts}, {TITLE_WEIGHT}, 1.0) FROM {ix.fts} WHERE {ix.fts} MATCH :q "
                   f"ORDER BY rowid DESC LIMIT :cand")
            found = sorted(((int(i), float(s)) for i, s in conn.execute(text(sql), params) if i != exclude),
                           key=lambda r: (r[1], -r[0]))[offset: offset + limit]
        else:
            sql = (f"SELECT rowid, bm25({ix.fts}, {TITLE_WEIGHT}, 1.0) AS score FROM {ix.fts} "
                   f"WHERE {ix.fts} MATCH :q AND rowid != :exclude "
                   f"ORDER BY score, rowid DESC LIMIT :limit OFFSET :offset")
            found = [(int(i), float(s)) for i, s in conn.execute(text(sql), params)]
        # bm25 is lower-is-better; the hits carry higher-is-better like ts_rank.
        return [(i, -s) for i, s in found]
    params["q"] = ts_query(terms, any_term=any_term)
    source = (f"(SELECT id, {PG_COLUMN} FROM {ix.table} WHERE {PG_COLUMN} @@ to_tsquery('simple', :q) "
              f"ORDER BY id DESC LIMIT :cand) AS c") if candidates else ix.table
    where = "" if candidates else f"AND {PG_COLUMN} @@ to_tsquery('simple', :q)"
    sql = (f"SELECT id, ts_rank({PG_COLUMN}, to_tsquery('simple', :q), 1) AS score FROM {source} "
           f"WHERE id != :exclude {where} ORDER BY score DESC, id DESC LIMIT :limit OFFSET :offset")
    return [(int(i), float(s)) for i, s in conn.execute(text(sql), params)]


def _details(session: Session, kind: str, ranked: list[tuple[int, float]]) -> list[SearchHit]:
    if not ranked:
        return []
    stmt = text(f"{_DETAILS[kind]} WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
    rows = {r[0]: r for r in session.connection().execute(stmt, {"ids": [i for i, _s in ranked]})}
    hits = []
    for record_id, score in ranked:
        row = rows.get(record_id)
        if row is not None:
            hits.append(SearchHit(kind=kind, id=record_id, number=row[1], title=row[2], status=row[3],
                                  solution=row[4] or "", score=score))
    return hits


def _published(session: Session, kind: str, hits: list[SearchHit]) -> list[SearchHit]:
    column = _ONLY_PUBLISHED.get(kind)
    if not column or not hits:
        return hits
    stmt = text(f"SELECT id FROM {kind} WHERE {column} AND id IN :ids").bindparams(bindparam("ids", expanding=True))
    shown = set(session.connection().execute(stmt, {"ids": [h.id for h in hits]}).scalars())
    return [h for h in hits if h.id in shown]


def related(session: Session, typed: str, *, per_kind: dict[str, int] | None = None,
            exclude: tuple[str, int] | None = None) -> dict[str, list[SearchHit]]:
    """What may be related to a short description being typed, best first, per kind."""
    terms = parse(typed, meaningful_only=True)
    per_kind = per_kind or {"knowledge_article": 5, "problem": 3, "incident": 8}
    out: dict[str, list[SearchHit]] = {k: [] for k in per_kind}
    if not terms:
        return out
    for kind, limit in per_kind.items():
        skip = exclude[1] if exclude and exclude[0] == kind else None
        ranked = _ranked_ids(session, BY_TABLE[kind], terms, limit=limit, candidates=CANDIDATES, exclude=skip)
        if len(ranked) < limit and len(terms.prefixes) > 1:
            # Fewer records have every word than the panel has room for: those with some of
            # the words follow, most words first (bm25 and ts_rank both add up per word).
            seen = {i for i, _s in ranked}
            ranked += [r for r in _ranked_ids(session, BY_TABLE[kind], terms, limit=limit, candidates=CANDIDATES,
                                              exclude=skip, any_term=True) if r[0] not in seen][: limit - len(ranked)]
        out[kind] = _published(session, kind, _details(session, kind, ranked))
    return out


def search(session: Session, typed: str, *, kind: str = "incident", limit: int = 50,
           offset: int = 0) -> list[SearchHit]:
    """Every match of one kind ranked (the explicit search), a page at a time."""
    terms = parse(typed)
    if not terms:
        return []
    ranked = _ranked_ids(session, BY_TABLE[kind], terms, limit=limit, offset=offset, candidates=None, exclude=None)
    return _published(session, kind, _details(session, kind, ranked))
