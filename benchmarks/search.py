"""Issue 6's search figures: related-items latency per keystroke, full search, recall at scale.

The corpus is generated, not copied: titles from devices, programs, faults and places in their
Ukrainian case forms, bodies from those plus a Zipf-distributed vocabulary of 5 000 made-up
words and rare error codes, so term frequencies look like a real desk's (a few words in every
tenth incident, most words rare). The recall set (tests/search_recall.py) is added as the
newest incidents.

Issue 19: knowledge articles are written as the desk's are, Markdown with «Симптоми»,
«Причина» and numbered steps, commands and links, two to five keywords, and mostly published
(a tenth drafts, a twentieth retired: only published ones are suggested); problems go through
their lifecycle with a root cause, a workaround and, once resolved, a solution.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from benchmarks.data import incident_rows
from benchmarks.foundation import _pct, prepare
from helpdesk_tui.desk import incidents
from helpdesk_tui.store import bulk, morphology, search
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import Person
from tests.search_recall import DOCUMENTS, RECALL

DEVICES = [
    ("принтер", "принтера", "принтером", "принтери", "принтерів"),
    ("ноутбук", "ноутбука", "ноутбуком", "ноутбуки", "ноутбуків"),
    ("монітор", "монітора", "монітором", "монітори", "моніторів"),
    ("сканер", "сканера", "сканером", "сканери", "сканерів"),
    ("телефон", "телефона", "телефоном", "телефони", "телефонів"),
    ("мишка", "мишки", "мишкою", "мишки", "мишок"),
    ("клавіатура", "клавіатури", "клавіатурою", "клавіатури", "клавіатур"),
    ("роутер", "роутера", "роутером", "роутери", "роутерів"),
    ("сервер", "сервера", "сервером", "сервери", "серверів"),
    ("диск", "диска", "диском", "диски", "дисків"),
    ("картридж", "картриджа", "картриджем", "картриджі", "картриджів"),
    ("проектор", "проектора", "проектором", "проектори", "проекторів"),
    ("камера", "камери", "камерою", "камери", "камер"),
    ("комп'ютер", "комп'ютера", "комп'ютером", "комп'ютери", "комп'ютерів"),
    ("планшет", "планшета", "планшетом", "планшети", "планшетів"),
]
PROGRAMS = ["Outlook", "Teams", "Zoom", "ЕТС", "1С", "Windows", "Chrome", "Excel", "Word", "SAP", "VPN",
            "Active Directory", "Медок", "Viber", "Telegram", "антивірус", "пошта", "сайт", "портал", "CRM"]
FAULTS = ["не працює", "не друкує", "не вмикається", "зависає", "не підключається", "показує помилку",
          "перезавантажується", "гальмує", "не відкривається", "не зберігає файли", "вимагає пароль",
          "не бачить мережу", "мерехтить", "шумить", "не оновлюється", "втрачає з'єднання", "блокує вхід",
          "видає помилку ліцензії", "не синхронізується", "повільно завантажується"]
PLACES = ["у кабінеті {n}", "у бухгалтерії", "у відділі кадрів", "на складі", "у філії {city}", "на рецепції",
          "в переговорній {n}", "у диспетчерській", "в юридичному відділі", "вдома у працівника"]
CITIES = ["Києві", "Львові", "Одесі", "Харкові", "Дніпрі", "Вінниці", "Полтаві", "Чернігові", "Ужгороді", "Житомирі"]
_SYLLABLES = ("ка ко ку ма мо ні на ро ра ри ло ле лі та то ти ва во ві за зо пе по пі ба бо ди до дя ге го "
              "жа же ша шо ча чі ся со су хо фа ре ре ме мі ну").split()
_ENDINGS = ("", "а", "и", "ою", "ів", "ний", "ного", "ати", "ує", "ення", "ість", "ка", "ник")


def _vocabulary(rng: random.Random, n: int = 5000) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) + rng.choice(_ENDINGS))
    return sorted(words)


class Writer:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.words = _vocabulary(self.rng)
        weights = [1 / (i + 1) ** 1.07 for i in range(len(self.words))]
        self.cum = list(_accumulate(weights))

    def _filler(self, n: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum, k=n)

    def title(self) -> str:
        rng = self.rng
        place = rng.choice(PLACES).format(n=rng.randint(100, 520), city=rng.choice(CITIES))
        if rng.random() < 0.45:
            subject = rng.choice(PROGRAMS)
        else:
            subject = rng.choice(DEVICES)[0 if rng.random() < 0.7 else 3].capitalize()
        return f"{subject} {rng.choice(FAULTS)} {place}"

    def body(self, lo: int = 8, hi: int = 40, *, device: tuple[str, ...] | None = None, fault: str | None = None) -> str:
        """A paragraph about a device and a fault (random ones unless given: an article keeps to its subject)."""
        rng = self.rng
        device = device or rng.choice(DEVICES)
        words = [rng.choice(device), fault or rng.choice(FAULTS), *self._filler(rng.randint(lo, hi))]
        if rng.random() < 0.3:
            words.append(f"0x{rng.getrandbits(32):08X}")
        if rng.random() < 0.3:
            words.append(rng.choice(PROGRAMS))
        rng.shuffle(words)
        return " ".join(words).capitalize() + "."


COMMANDS = ["ipconfig /flushdns", "gpupdate /force", "sfc /scannow", "net use Z: /delete", "certmgr.msc",
            "control printers", "services.msc", "chkdsk C: /f", "outlook.exe /safe", "wsreset.exe"]
ARTICLE_STATUSES = (("published", 85), ("draft", 10), ("retired", 5))
PROBLEM_STATUSES = (("registered", 20), ("analysis", 25), ("known_error", 30), ("resolved", 15), ("closed", 10))


def article_row(writer: Writer, number: int) -> dict[str, Any]:
    """A knowledge article as analysts write them: Markdown sections, steps, a command, a link."""
    rng = writer.rng
    device = rng.choice(DEVICES)
    program = rng.choice(PROGRAMS)
    fault = rng.choice(FAULTS)
    subject = device[0].capitalize() if rng.random() < 0.5 else program
    title = rng.choice(("{s} {f}: що робити", "Як виправити: {s} {f}", "{s} {f} після оновлення",
                        "{s} {f}")).format(s=subject, f=fault)
    about = {"device": device, "fault": fault}
    steps = "\n".join(f"{i}. {writer.body(4, 12, **about)}" for i in range(1, rng.randint(3, 6)))
    body = (f"## Симптоми\n\n{writer.body(15, 50, **about)}\n\n## Причина\n\n{writer.body(10, 40, **about)}\n\n"
            f"## Що зробити\n\n{steps}\n\n```\n{rng.choice(COMMANDS)}\n```\n\n"
            f"> **Увага:** {writer.body(4, 10, **about)}\n\nДив. також [KB{rng.randint(1, number + 1):07d}]"
            f"(kb://KB{rng.randint(1, number + 1):07d}).")
    keywords = {device[0], program, fault.split()[-1], *writer._filler(rng.randint(0, 2))}
    status = rng.choices([s for s, _w in ARTICLE_STATUSES], [w for _s, w in ARTICLE_STATUSES])[0]
    return {"title": title, "body": body, "solution": writer.body(10, 40, **about) if rng.random() < 0.8 else "",
            "keywords": ", ".join(sorted(keywords)), "status": status, "published": status == "published"}


def problem_row(writer: Writer) -> dict[str, Any]:
    rng = writer.rng
    status = rng.choices([s for s, _w in PROBLEM_STATUSES], [w for _s, w in PROBLEM_STATUSES])[0]
    analysed = status != "registered"
    return {"title": writer.title(), "body": writer.body(), "status": status,
            "root_cause": writer.body(5, 25) if analysed and rng.random() < 0.8 or status == "known_error" else "",
            "workaround": writer.body(5, 20) if status != "registered" else "",
            "solution": writer.body(8, 30) if status in ("resolved", "closed") else ""}


def _accumulate(values: list[float]) -> list[float]:
    total, out = 0.0, []
    for v in values:
        total += v
        out.append(total)
    return out


def build(db: Database, n: int, articles: int, problems: int) -> dict[str, Any]:
    """Load the corpus; returns the recall set's ids and the load's timings."""
    ref = prepare(db)
    writer = Writer()
    rows = incident_rows(n, groups=ref["groups"], staff_by_group=ref["staff_by_group"], callers=ref["callers"],
                         services=ref["services"], categories=ref["categories"], caller_keys=ref["caller_keys"])
    for row in rows:
        row["short_description"] = writer.title()
        row["description"] = writer.body()
    t0 = time.perf_counter()
    bulk.insert_incidents(db, bulk.incident_tuples(rows, db.dialect))
    load_s = time.perf_counter() - t0
    del rows
    kb_s = load_knowledge(db, articles, problems)
    with db.write() as s:
        analyst = s.get(Person, ref["analyst"])
        ids = {key: incidents.register_incident(s, analyst, short_description=short, description=body,
                                                owner=analyst).id
               for key, (short, body) in DOCUMENTS.items()}
    return {"ids": ids, "articles": article_ids(db), "load_s": load_s, "kb_s": kb_s}


def load_knowledge(db: Database, articles: int, problems: int, *, replace: bool = False) -> float:
    """Articles and problems (a writer of their own, so a reload writes the same ones); seconds."""
    writer = Writer(19)
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    # Oldest first, so that ids grow with time as the desk's do; the search index is kept by its
    # triggers (SQLite) or generated column (PostgreSQL) row by row, as the desk writes them.
    with db.writer.begin() as conn:
        if replace:
            conn.execute(text("DELETE FROM knowledge_article"))
            conn.execute(text("DELETE FROM problem"))
        conn.execute(text(
            "INSERT INTO knowledge_article (number, title, body, solution, keywords, status, published, created_at, "
            "updated_at, version) VALUES (:number, :title, :body, :solution, :keywords, :status, :published, :at, :at, 1)"),
            [{"number": f"KB{i:07d}", **article_row(writer, i), "at": now - timedelta(minutes=articles - i)}
             for i in range(1, articles + 1)])
        conn.execute(text(
            "INSERT INTO problem (number, short_description, description, root_cause, workaround, solution, status, "
            "created_at, version) VALUES (:number, :title, :body, :root_cause, :workaround, :solution, :status, :at, 1)"),
            [{"number": f"PRB{i:07d}", **problem_row(writer), "at": now - timedelta(minutes=problems - i)}
             for i in range(1, problems + 1)])
        # The recall set as the newest published articles too, the way issue 6 measured incidents.
        conn.execute(text(
            "INSERT INTO knowledge_article (number, title, body, solution, keywords, status, published, created_at, "
            "updated_at, version) VALUES (:number, :title, :body, '', '', 'published', :published, :at, :at, 1)"),
            [{"number": f"KB9{i:06d}", "title": short, "body": body, "published": True, "at": now}
             for i, (short, body) in enumerate(DOCUMENTS.values(), start=1)])
    seconds = time.perf_counter() - t0
    # A desk that has been running has statistics on these tables (autovacuum, ANALYZE).
    if db.dialect == "sqlite":
        with db.writer.begin() as conn:
            if replace:  # the deleted rows' entries merged away, as a fresh build has none
                for table in ("knowledge_article_fts", "problem_fts"):
                    conn.execute(text(f"INSERT INTO {table}({table}) VALUES ('optimize')"))
            conn.execute(text("ANALYZE knowledge_article"))
            conn.execute(text("ANALYZE problem"))
    else:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) knowledge_article, problem"))
    return seconds


def built_already(db: Database) -> bool:
    from helpdesk_tui.store import migrate

    if migrate.current_revision(db) is None:
        return False
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM (SELECT 1 FROM incident LIMIT 1) AS x")).scalar_one() > 0


def recall_ids(db: Database) -> dict[str, int]:
    """The recall set's incidents in a database built earlier (the newest with each title)."""
    with db.engine.connect() as conn:
        return {key: conn.execute(text("SELECT max(id) FROM incident WHERE short_description = :t"), {"t": short}).scalar_one()
                for key, (short, _body) in DOCUMENTS.items()}


def article_ids(db: Database) -> dict[str, int]:
    """The recall set's articles (the newest published one with each title)."""
    with db.engine.connect() as conn:
        return {key: conn.execute(text("SELECT max(id) FROM knowledge_article WHERE title = :t AND published"),
                                  {"t": short}).scalar_one()
                for key, (short, _body) in DOCUMENTS.items()}


def corpus(db: Database) -> str:
    with db.engine.connect() as conn:
        kb = dict(conn.execute(text("SELECT status, count(*) FROM knowledge_article GROUP BY status")).all())
        prb = dict(conn.execute(text("SELECT status, count(*) FROM problem GROUP BY status")).all())
    return (f"articles {sum(kb.values()):,} ({', '.join(f'{k} {v:,}' for k, v in sorted(kb.items()))}); "
            f"problems {sum(prb.values()):,} ({', '.join(f'{k} {v:,}' for k, v in sorted(prb.items()))})")


def article_recall(db: Database, ids: dict[str, int]) -> tuple[float, float]:
    """Shares of the recall set's queries whose article is in the panel's five articles and in
    the full search's first 10 articles."""
    panel = full = 0
    with db.read() as s:
        for query, key in RECALL:
            panel += ids[key] in [h.id for h in search.related(s, query)["knowledge_article"]]
            full += ids[key] in [h.id for h in search.search(s, query, kind="knowledge_article", limit=10)]
    return panel / len(RECALL), full / len(RECALL)


PANEL = {"knowledge_article": 5, "problem": 3, "incident": 8}


def typing_latency(db: Database, n_titles: int = 40, seed: int = 11, kind: str | None = None) -> list[float]:
    """Milliseconds per keystroke for the related-items panel (all three kinds, or one), typing titles."""
    writer = Writer(seed)
    per_kind = {kind: PANEL[kind]} if kind else None
    samples: list[float] = []
    with db.read() as s:
        for _ in range(n_titles):
            title = writer.title()
            for end in range(3, len(title) + 1):
                t0 = time.perf_counter()
                search.related(s, title[:end], per_kind=per_kind)
                samples.append((time.perf_counter() - t0) * 1000)
    return samples


# Issue 19: the panel and the search without the dictionary (as before), with the dictionary
# forms of the finished words only, and of every word, the last one still being typed too.
MORPHOLOGY_MODES = ("off", "finished words", "every word")


@contextmanager
def morphology_mode(mode: str) -> Iterator[None]:
    saved = morphology.analyzer, search.EXPAND_TYPING
    if mode == "off":
        morphology.analyzer = lambda: None  # type: ignore[assignment]
    search.EXPAND_TYPING = mode == "every word"
    try:
        yield
    finally:
        morphology.analyzer, search.EXPAND_TYPING = saved


def morphology_typing(db: Database, n_titles: int = 40, seed: int = 11) -> dict[str, list[float]]:
    """Milliseconds per keystroke for the whole panel in each mode, the modes interleaved title
    by title and each first in turn, so that a shared machine's load falls on all of them alike."""
    writer = Writer(seed)
    samples: dict[str, list[float]] = {m: [] for m in MORPHOLOGY_MODES}
    with db.read() as s:
        for n in range(n_titles):
            title = writer.title()
            for mode in MORPHOLOGY_MODES[n % 3:] + MORPHOLOGY_MODES[: n % 3]:
                with morphology_mode(mode):
                    for end in range(3, len(title) + 1):
                        t0 = time.perf_counter()
                        search.related(s, title[:end])
                        samples[mode].append((time.perf_counter() - t0) * 1000)
    return samples


def morphology_full_search(db: Database, n_queries: int = 80, seed: int = 13,
                           kind: str = "incident") -> dict[str, list[float]]:
    """The explicit search's first page without and with the dictionary, query by query in turn."""
    rng = random.Random(seed)
    writer = Writer(seed)
    samples: dict[str, list[float]] = {"off": [], "every word": []}
    with db.read() as s:
        for n in range(n_queries):
            words = writer.title().split()
            q = " ".join(rng.sample(words, k=min(len(words), rng.randint(1, 3))))
            for mode in (("off", "every word") if n % 2 else ("every word", "off")):
                with morphology_mode(mode):
                    t0 = time.perf_counter()
                    search.search(s, q, kind=kind, limit=50)
                    samples[mode].append((time.perf_counter() - t0) * 1000)
    return samples


def warm(db: Database) -> float:
    """Read the searched tables and their indexes once, as a desk in use has them in memory (a
    database built earlier, or loaded while other work ran, is partly out of the page cache:
    measured here, 26,000 blocks read from disk made one PostgreSQL search take 7.8 s). Seconds."""
    t0 = time.perf_counter()
    if db.dialect == "sqlite":
        with open(db.engine.url.database or "", "rb") as f:
            while f.read(1 << 20):
                pass
        return time.perf_counter() - t0
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
        for table in ("incident", "knowledge_article", "problem"):
            toast = conn.execute(text("SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = :t"),
                                 {"t": table}).scalar_one()
            for rel in (table, f"ix_{table}_search", f"{table}_pkey", toast):
                if rel and rel != "-":
                    conn.execute(text("SELECT pg_prewarm(CAST(:r AS regclass), 'read')"), {"r": rel})
    return time.perf_counter() - t0


def full_search_latency(db: Database, n_queries: int = 80, seed: int = 13, kind: str = "incident") -> list[float]:
    rng = random.Random(seed)
    writer = Writer(seed)
    queries = []
    for _ in range(n_queries):
        words = writer.title().split()
        queries.append(" ".join(rng.sample(words, k=min(len(words), rng.randint(1, 3)))))
    samples: list[float] = []
    with db.read() as s:
        for q in queries:
            t0 = time.perf_counter()
            search.search(s, q, kind=kind, limit=50)
            samples.append((time.perf_counter() - t0) * 1000)
    return samples


def _matches(s: Any, query: str, record_id: int) -> bool:
    terms = search.query_terms(query)
    if s.connection().dialect.name == "sqlite":
        sql, q = "SELECT 1 FROM incident_fts WHERE incident_fts MATCH :q AND rowid = :id", search.fts_match(terms)
    else:
        sql, q = "SELECT 1 FROM incident WHERE id = :id AND search_vector @@ to_tsquery('simple', :q)", search.ts_query(terms)
    return s.connection().execute(text(sql), {"q": q, "id": record_id}).first() is not None


def recall(db: Database, ids: dict[str, int]) -> tuple[float, float, float]:
    """Shares of the recall set: matched at all (the words were understood), shown in the
    panel, and in the full search's first 10 (where one-word queries compete with thousands of
    incidents that are just as relevant)."""
    matched = panel = full = 0
    with db.read() as s:
        for query, key in RECALL:
            matched += _matches(s, query, ids[key])
            panel += ids[key] in [h.id for h in search.related(s, query)["incident"]]
            full += ids[key] in [h.id for h in search.search(s, query, limit=10)]
    return matched / len(RECALL), panel / len(RECALL), full / len(RECALL)


def summary(samples: list[float]) -> str:
    return (f"p50 {statistics.median(samples):.1f} ms, p95 {_pct(samples, 95):.1f} ms, "
            f"max {max(samples):.1f} ms over {len(samples)}")


def index_size_mb(db: Database) -> float:
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            try:
                pages = conn.execute(text(
                    "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'incident_fts%'")).scalar_one()
            except Exception:  # dbstat is a compile-time option
                return float("nan")
            return (pages or 0) / 1e6
        return conn.execute(text("SELECT pg_relation_size('ix_incident_search')")).scalar_one() / 1e6
