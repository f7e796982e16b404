"""Full-text search over incidents, knowledge articles and problems (R4, `helpdesk search`).

A record matches when it has every word typed (as a prefix of one of its words, see
domain/search_terms.py), in any of the word's dictionary forms (store/morphology.py). The
panel, which must not come up empty because one word of a half-typed sentence is missing, then
fills up with records that have some of the words.

Two questions with two budgets (MEASURED.md): the related-items panel asks on every keystroke
(p95 ≤ 30 ms at 1M incidents), so it ranks only the newest few hundred matches of a table; an
explicit search ranks every match (p95 ≤ 300 ms). Ranking is bm25 on SQLite and ts_rank on
PostgreSQL, the title weighing more than the body on both.
"""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

from helpdesk_tui.domain.search_terms import SearchHit, SearchPage, Terms, parse, rerank
from helpdesk_tui.store import morphology
from helpdesk_tui.store.search_schema import BY_TABLE, PG_COLUMN, Indexed

KINDS = ("knowledge_article", "problem", "incident")
CANDIDATES = 100
# The panel fills up with records that have only some of the words when fewer than this many
# have all of them (a few good matches beat eight half-matches, and the second pass is half
# the cost of a keystroke).
RELAX_BELOW = 3
TITLE_WEIGHT = 4.0
# Whether the word still being typed in the panel is looked for in its other dictionary forms
# too (a finished word always is): decided by measurement, docs/benchmarks.md.
EXPAND_TYPING = True

_DETAILS = {
    "incident": "SELECT id, number, short_description, status, coalesce(solution, '') FROM incident",
    "knowledge_article": "SELECT id, number, title, NULL, coalesce(solution, '') || "
                         "CASE WHEN coalesce(solution, '') = '' THEN body ELSE '' END FROM knowledge_article",
    # A resolved problem's solution is what an incident reuses (desk/knowledge.py), before its workaround.
    "problem": "SELECT id, number, short_description, status, coalesce(solution, '') || "
               "CASE WHEN coalesce(solution, '') = '' THEN coalesce(workaround, '') ELSE '' END FROM problem",
}
_ONLY_PUBLISHED = {"knowledge_article": "published"}


def query_terms(typed: str, **how: Any) -> Terms:
    """A typed query's terms, each word in any of its dictionary forms («входу» finds «вхід»)."""
    return parse(typed, forms=morphology.forms, **how)


def fts_match(terms: Terms, *, any_term: bool = False) -> str:
    """An FTS5 query: every group (or any), each by any of its prefixes, quoted (the words are
    letters and digits only): `"вимк"* AND ("вхід"* OR "вход"*)`."""
    return (" OR " if any_term else " AND ").join(_fts_group(g) for g in terms.groups)


def _fts_group(group: tuple[str, ...]) -> str:
    either = " OR ".join(f'"{p}"*' for p in group)
    return either if len(group) == 1 else f"({either})"


def ts_query(terms: Terms, *, any_term: bool = False) -> str:
    """The same as a tsquery: `'вимк':* & ('вхід':* | 'вход':*)`."""
    return (" | " if any_term else " & ").join(_ts_group(g) for g in terms.groups)


def _ts_group(group: tuple[str, ...]) -> str:
    either = " | ".join(f"'{p}':*" for p in group)
    return either if len(group) == 1 else f"({either})"


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
    PER_PREFIX = 12

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str, str], tuple[float, tuple[str, ...], int]] = {}

    def expand(self, conn: Any, ix: Indexed, prefix: str) -> tuple[tuple[str, ...], int]:
        """The words, and how many records have one of them (at most)."""
        key = (str(conn.engine.url), ix.fts, prefix)
        now = time.monotonic()
        kept = self._kept.get(key)
        if kept is not None and now - kept[0] < self.TTL:
            return kept[1], kept[2]
        rows = conn.execute(text(
            f"SELECT term, doc FROM {ix.fts}_vocab WHERE term >= :lo AND term < :hi ORDER BY doc DESC LIMIT :n"),
            {"lo": prefix, "hi": prefix + "\U0010ffff", "n": self.PER_PREFIX}).all()
        words, docs = tuple(r[0] for r in rows), sum(int(r[1]) for r in rows)
        if len(self._kept) > 5000:
            self._kept.clear()
        if words:  # a word nobody has written yet may be written any moment
            self._kept[key] = (now, words, docs)
        return words, docs


WORDS = _Words()
# All of several common words rarely meet in one record, and FTS5 reads their lists back to
# the beginning looking for a hundred that do (30 ms for five such words at 1M). When even
# the rarest word of the query is in this many records, only the newest window is searched:
# that is where a match is worth showing while typing, and it bounds the reading.
SQLITE_DENSE = 2_000
SQLITE_WINDOW = 30_000


def _spelt_out(conn: Any, ix: Indexed, terms: Terms, *, any_term: bool) -> tuple[str | None, int]:
    """An FTS5 query of exact words for `terms`, and the records its rarest group is in (at
    most); no query when a group the query needs has no word in the index."""
    clauses, rarest = [], 0
    for group in terms.groups:
        words, docs = _group_words(conn, ix, group)
        if words:
            clauses.append("(" + " OR ".join(f'"{w}"' for w in words) + ")")
            rarest = docs if not rarest else min(rarest, docs)
        elif not any_term:
            return None, 0
    return (" OR " if any_term else " AND ").join(clauses) or None, rarest


def _group_words(conn: Any, ix: Indexed, group: tuple[str, ...]) -> tuple[list[str], int]:
    """The index's words for every prefix of a group, and the records that have one (at most)."""
    words: list[str] = []
    docs = 0
    for prefix in group:
        found, count = WORDS.expand(conn, ix, prefix)
        words += found
        docs += count
    return words, docs


def _ranked_ids(session: Session, ix: Indexed, terms: Terms, *, limit: int, offset: int = 0,
                candidates: int | None, exclude: int | None, any_term: bool = False,
                floor: int = 0) -> list[tuple[int, float]]:
    conn = session.connection()
    params: dict[str, Any] = {"q": fts_match(terms, any_term=any_term), "limit": limit, "offset": offset,
                              "cand": candidates, "exclude": exclude if exclude is not None else -1,
                              "floor": floor}
    if conn.dialect.name == "sqlite":
        if candidates:
            # The newest matches come straight off the index (rowid order); bm25 ranks those.
            params["q"], rarest = _spelt_out(conn, ix, terms, any_term=any_term)
            if params["q"] is None:
                return []
            params["floor"] = 0
            if not any_term and len(terms.groups) > 1 and rarest >= SQLITE_DENSE:
                top = conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {ix.table}")).scalar_one()
                params["floor"] = top - SQLITE_WINDOW
            sql = (f"SELECT rowid, bm25({ix.fts}, {TITLE_WEIGHT}, 1.0) FROM {ix.fts} WHERE {ix.fts} MATCH :q "
                   f"AND rowid > :floor ORDER BY rowid DESC LIMIT :cand")
            found = sorted(((int(i), float(s)) for i, s in conn.execute(text(sql), params) if i != exclude),
                           key=lambda r: (r[1], -r[0]))[offset: offset + limit]
        else:
            sql = (f"SELECT rowid, bm25({ix.fts}, {TITLE_WEIGHT}, 1.0) AS score FROM {ix.fts} "
                   f"WHERE {ix.fts} MATCH :q AND rowid != :exclude AND rowid >= :floor "
                   f"ORDER BY score, rowid DESC LIMIT :limit OFFSET :offset")
            found = [(int(i), float(s)) for i, s in conn.execute(text(sql), params)]
        # bm25 is lower-is-better; the hits carry higher-is-better like ts_rank.
        return [(i, -s) for i, s in found]
    params["q"] = ts_query(terms, any_term=any_term)
    if candidates:
        return _pg_newest(conn, ix, terms, params, limit=limit, offset=offset, any_term=any_term)
    if ix.table in PG_RANK_AT_MOST:
        return _pg_rank_newest(conn, ix, params)
    sql = (f"SELECT id, ts_rank({PG_COLUMN}, to_tsquery('simple', :q), 1) AS score FROM {ix.table} "
           f"WHERE id != :exclude AND id >= :floor AND {PG_COLUMN} @@ to_tsquery('simple', :q) "
           f"ORDER BY score DESC, id DESC LIMIT :limit OFFSET :offset")
    return [(int(i), float(s)) for i, s in conn.execute(text(sql), params)]


def _pg_rank_newest(conn: Any, ix: Indexed, params: dict[str, Any]) -> list[tuple[int, float]]:
    """Long records (articles): the floor comes from the planner's estimate, which misses short
    prefixes of many rare words («на»: 501 articles expected, 32,000 there), so the newest
    matches past the limit are left unranked whatever it expected; they are collected through
    the index (walking the table newest first decompresses every vector on the way)."""
    sql = (f"SELECT id, ts_rank({PG_COLUMN}, to_tsquery('simple', :q), 1) AS score FROM "
           f"(SELECT id, {PG_COLUMN} FROM {ix.table} WHERE id != :exclude AND id >= :floor "
           f"AND {PG_COLUMN} @@ to_tsquery('simple', :q) ORDER BY id DESC LIMIT :most) AS c "
           f"ORDER BY score DESC, id DESC LIMIT :limit OFFSET :offset")
    conn.execute(text("SET LOCAL enable_indexscan = off"))
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    found = [(int(i), float(s)) for i, s in conn.execute(text(sql), {**params, "most": _rank_at_most(conn, ix) + 1})]
    conn.execute(text("SET LOCAL enable_indexscan = on"))
    conn.execute(text("SET LOCAL enable_seqscan = on"))
    return found


# PostgreSQL: the newest rows of a big table are read in key order and tested one by one
# (≈ 1.5 µs a row here, so the window bounds the cost), because the GIN index first collects
# every match of each word before it can answer (≈ 0.8 µs a match: 75 ms for «принтер*» at
# 1M, and a statement timeout does not interrupt it). When the window holds too few matches,
# the index is asked only if the planner's statistics say its words are rare enough to
# collect quickly: an error code typed finds the incidents of last year with it. ts_rank
# costs ≈ 50 µs on a long article, so at most PG_CANDIDATES are ranked.
PG_WINDOW = 5000
# An article's vector is long (≈ 1.9 kB against an incident's 0.3: ≈ 8 µs a row to test), so
# fewer of the newest articles are walked before the index is asked (issue 19, 100,000 articles:
# the 5,000 newest took 40 ms when a query's words were never together in them).
PG_WINDOWS = {"knowledge_article": 500}
PG_BIG_TABLE = 20_000
PG_INDEX_ROWS = 10_000
# For articles the index is asked first when the planner bounds the matches this low (for all
# the words: the rarest word's count; for any of them: their sum): «сервер вмикається» is in
# 1 of the 1,000 newest articles (8 ms to find out) and the index has its 100 newest in 5 ms.
PG_INDEX_FIRST = {"knowledge_article": 5000}
# At most this many of the newest matches are ranked (ts_rank detoasts an article's vector).
PG_CANDIDATES = {"*": 100, "knowledge_article": 50}


class _Estimates:
    """Rows the planner expects a group of prefixes (one query word) to match, per table,
    remembered a while."""

    TTL = 300.0

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str, str], tuple[float, float]] = {}

    def rows(self, conn: Any, ix: Indexed, group: tuple[str, ...]) -> float:
        key = (str(conn.engine.url), ix.table, _ts_group(group))
        now = time.monotonic()
        kept = self._kept.get(key)
        if kept is not None and now - kept[0] < self.TTL:
            return kept[1]
        plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {ix.table} "
                                 f"WHERE {PG_COLUMN} @@ to_tsquery('simple', :q)"), {"q": key[2]}).scalar_one()
        estimate = _plan_rows(plan)
        if len(self._kept) > 5000:
            self._kept.clear()
        self._kept[key] = (now, estimate)
        return estimate


ESTIMATES = _Estimates()


def _plan_rows(plan: Any) -> float:
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def _pg_newest(conn: Any, ix: Indexed, terms: Terms, params: dict[str, Any], *, limit: int,
               offset: int, any_term: bool = False) -> list[tuple[int, float]]:
    rank = f"ts_rank({PG_COLUMN}, to_tsquery('simple', :q), 1)"
    matches = f"{PG_COLUMN} @@ to_tsquery('simple', :q) AND id != :exclude"
    params = {**params, "cand": min(params["cand"], PG_CANDIDATES.get(ix.table, PG_CANDIDATES["*"]))}
    found: dict[int, float] = {}
    top = conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {ix.table}")).scalar_one()
    big = top > PG_BIG_TABLE
    index_first = big and ix.table in PG_INDEX_FIRST
    if index_first:
        estimates = [ESTIMATES.rows(conn, ix, g) for g in terms.groups]
        index_first = (sum(estimates) if any_term else min(estimates)) <= PG_INDEX_FIRST[ix.table]
    if big and not index_first:
        window = PG_WINDOWS.get(ix.table, PG_WINDOW)
        conn.execute(text("SET LOCAL enable_bitmapscan = off"))
        rows = conn.execute(text(f"SELECT id, {rank} FROM {ix.table} WHERE id > :floor AND {matches} "
                                 f"ORDER BY id DESC LIMIT :cand"), {**params, "floor": top - window})
        found.update((int(i), float(s)) for i, s in rows)
        conn.execute(text("SET LOCAL enable_bitmapscan = on"))
    wanted = len(found) < offset + limit
    if wanted and big and not index_first:
        wanted = sum(ESTIMATES.rows(conn, ix, g) for g in terms.groups) <= PG_INDEX_ROWS
    if wanted:
        sql = (f"SELECT id, {rank} FROM (SELECT id, {PG_COLUMN} FROM {ix.table} WHERE {matches} "
               f"ORDER BY id DESC LIMIT :cand) AS c")
        # Through the index, whatever the planner expects: walking the table newest first
        # decompresses every long article's vector on the way (8 µs each) to find a hundred.
        conn.execute(text("SET LOCAL enable_indexscan = off"))
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        found.update((int(i), float(s)) for i, s in conn.execute(text(sql), params))
        conn.execute(text("SET LOCAL enable_indexscan = on"))
        conn.execute(text("SET LOCAL enable_seqscan = on"))
    return sorted(found.items(), key=lambda r: (-r[1], -r[0]))[offset: offset + limit]


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
    terms = query_terms(typed, meaningful_only=True, partial_min=3, expand_partial=EXPAND_TYPING)
    per_kind = per_kind or {"knowledge_article": 5, "problem": 3, "incident": 8}
    out: dict[str, list[SearchHit]] = {k: [] for k in per_kind}
    if not terms:
        return out
    for kind, shown in per_kind.items():
        skip = exclude[1] if exclude and exclude[0] == kind else None
        # Drafts and retired articles are among the matches but never shown: twice as many are
        # asked for, so that the panel still fills up with published ones.
        limit = shown * 2 if kind in _ONLY_PUBLISHED else shown
        ranked = _ranked_ids(session, BY_TABLE[kind], terms, limit=limit, candidates=CANDIDATES, exclude=skip)
        if len(ranked) < min(limit, RELAX_BELOW) and len(terms.groups) > 1:
            # Hardly any record has every word: those with some of the words follow, most
            # words first (bm25 and ts_rank both add up per word).
            seen = {i for i, _s in ranked}
            ranked += [r for r in _ranked_ids(session, BY_TABLE[kind], terms, limit=limit, candidates=CANDIDATES,
                                              exclude=skip, any_term=True) if r[0] not in seen][: limit - len(ranked)]
        out[kind] = rerank(_published(session, kind, _details(session, kind, ranked)), typed)[:shown]
    return out


# Ranking costs ≈ 1.5 µs a match on SQLite and ≈ 5 µs on PostgreSQL (its rows are fetched
# from the table), so a word in a tenth of a million incidents takes 150–500 ms to rank in
# full. Past this many matches the newest this many are ranked, and the answer says so.
RANK_AT_MOST = 20_000
# PostgreSQL ranks a long article in ≈ 12 µs, its vector detoasted (issue 19: 100,000
# articles, «не» in 45,000 of them took 0.8 s): fewer of its newest matches are ranked.
PG_RANK_AT_MOST = {"knowledge_article": 3000}


def _rank_at_most(conn: Any, ix: Indexed) -> int:
    return PG_RANK_AT_MOST.get(ix.table, RANK_AT_MOST) if conn.dialect.name == "postgresql" else RANK_AT_MOST
# The explicit search's first pages are reordered over this many of the best matches.
RERANK_WINDOW = 200


def search_page(session: Session, typed: str, *, kind: str = "incident", limit: int = 50,
                offset: int = 0) -> SearchPage:
    """The explicit search: every match of one kind ranked, a page at a time (up to
    RANK_AT_MOST matches; past that the newest of them)."""
    terms = query_terms(typed)
    if not terms:
        return SearchPage([], 0, False)
    ix = BY_TABLE[kind]
    conn = session.connection()
    floor, matches = _rank_floor(conn, ix, terms)
    if offset + limit <= RERANK_WINDOW:
        # The first pages are ordered as an analyst reads them (domain rerank), over a window
        # wide enough that a page never holds what another page already showed.
        window = _ranked_ids(session, ix, terms, limit=RERANK_WINDOW, offset=0, candidates=None, exclude=None,
                             floor=floor)
        hits = rerank(_published(session, kind, _details(session, kind, window)), typed)
        return SearchPage(hits[offset: offset + limit], matches, floor > 0)
    ranked = _ranked_ids(session, ix, terms, limit=limit, offset=offset, candidates=None, exclude=None, floor=floor)
    return SearchPage(_published(session, kind, _details(session, kind, ranked)), matches, floor > 0)


def search(session: Session, typed: str, *, kind: str = "incident", limit: int = 50,
           offset: int = 0) -> list[SearchHit]:
    return search_page(session, typed, kind=kind, limit=limit, offset=offset).hits


def _rank_floor(conn: Any, ix: Indexed, terms: Terms) -> tuple[int, int]:
    """The id above which matches are ranked (0: all of them), and how many match (on
    PostgreSQL the planner's estimate: counting would cost as much as ranking)."""
    if conn.dialect.name == "sqlite":
        q = {"q": fts_match(terms), "n": RANK_AT_MOST}
        matches = conn.execute(text(f"SELECT count(*) FROM {ix.fts} WHERE {ix.fts} MATCH :q"), q).scalar_one()
        if matches <= RANK_AT_MOST:
            return 0, matches
        floor = conn.execute(text(f"SELECT rowid FROM {ix.fts} WHERE {ix.fts} MATCH :q ORDER BY rowid DESC "
                                  f"LIMIT 1 OFFSET :n"), q).scalar_one()
        return int(floor), matches
    # Compiling the ranking query to machine code costs more (≈ 50 ms) than it saves here.
    conn.execute(text("SET LOCAL jit = off"))
    # The planner multiplies the words' shares as if they were independent; «відділ кадрів»
    # are not, and it guessed a fifth of the matches. The rarest word's count is a bound
    # that holds.
    matches = int(min(ESTIMATES.rows(conn, ix, g) for g in terms.groups))
    most = _rank_at_most(conn, ix)
    if matches <= most:
        return 0, matches
    top = conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {ix.table}")).scalar_one()
    # Matches spread evenly over the ids is what the estimate assumes too.
    return max(0, top - int(top * most / matches)), matches
