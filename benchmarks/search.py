"""Issue 6's search figures: related-items latency per keystroke, full search, recall at scale.

The corpus is generated, not copied: titles from devices, programs, faults and places in their
Ukrainian case forms, bodies from those plus a Zipf-distributed vocabulary of 5 000 made-up
words and rare error codes, so term frequencies look like a real desk's (a few words in every
tenth incident, most words rare). The recall set (tests/search_recall.py) is added as the
newest incidents.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from benchmarks.data import incident_rows
from benchmarks.foundation import _pct, prepare
from helpdesk_tui.desk import incidents
from helpdesk_tui.domain.search_terms import parse
from helpdesk_tui.store import bulk, search
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

    def body(self, lo: int = 8, hi: int = 40) -> str:
        rng = self.rng
        device = rng.choice(DEVICES)
        words = [rng.choice(device), rng.choice(FAULTS), *self._filler(rng.randint(lo, hi))]
        if rng.random() < 0.3:
            words.append(f"0x{rng.getrandbits(32):08X}")
        if rng.random() < 0.3:
            words.append(rng.choice(PROGRAMS))
        rng.shuffle(words)
        return " ".join(words).capitalize() + "."


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
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    with db.writer.begin() as conn:
        conn.execute(text(
            "INSERT INTO knowledge_article (number, title, body, solution, published, created_at, updated_at, version) "
            "VALUES (:number, :title, :body, :solution, :published, :at, :at, 1)"),
            [{"number": f"KB{i:07d}", "title": writer.title(), "body": writer.body(40, 150),
              "solution": writer.body(10, 40), "published": True, "at": now - timedelta(minutes=i)}
             for i in range(1, articles + 1)])
        conn.execute(text(
            "INSERT INTO problem (number, short_description, description, workaround, status, created_at, version) "
            "VALUES (:number, :title, :body, :workaround, 'open', :at, 1)"),
            [{"number": f"PRB{i:07d}", "title": writer.title(), "body": writer.body(), "workaround": writer.body(5, 20),
              "at": now - timedelta(minutes=i)} for i in range(1, problems + 1)])
    kb_s = time.perf_counter() - t0
    # A desk that has been running has statistics on these tables (autovacuum, ANALYZE).
    with db.writer.begin() as conn:
        conn.execute(text("ANALYZE knowledge_article" if db.dialect == "sqlite" else "ANALYZE knowledge_article, problem"))
    with db.write() as s:
        analyst = s.get(Person, ref["analyst"])
        ids = {key: incidents.register_incident(s, analyst, short_description=short, description=body,
                                                owner=analyst).id
               for key, (short, body) in DOCUMENTS.items()}
    return {"ids": ids, "load_s": load_s, "kb_s": kb_s}


def recall_ids(db: Database) -> dict[str, int]:
    """The recall set's incidents in a database built earlier (the newest with each title)."""
    with db.engine.connect() as conn:
        return {key: conn.execute(text("SELECT max(id) FROM incident WHERE short_description = :t"), {"t": short}).scalar_one()
                for key, (short, _body) in DOCUMENTS.items()}


def typing_latency(db: Database, n_titles: int = 40, seed: int = 11) -> list[float]:
    """Milliseconds per keystroke for the related-items panel (all three kinds), typing titles."""
    writer = Writer(seed)
    samples: list[float] = []
    with db.read() as s:
        for _ in range(n_titles):
            title = writer.title()
            for end in range(3, len(title) + 1):
                t0 = time.perf_counter()
                search.related(s, title[:end])
                samples.append((time.perf_counter() - t0) * 1000)
    return samples


def full_search_latency(db: Database, n_queries: int = 80, seed: int = 13) -> list[float]:
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
            search.search(s, q, limit=50)
            samples.append((time.perf_counter() - t0) * 1000)
    return samples


def _matches(s: Any, query: str, record_id: int) -> bool:
    terms = parse(query)
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
