"""Issue 19: would pymorphy3's Ukrainian dictionary find what the stemmer misses?

The stemmer (domain/search_terms.py) cuts endings off the query and matches the rest as a
prefix of the index's whole words. Ukrainian alternates vowels and consonants inside the stem
(«вхід» / «входу», «стіл» / «столу», «картка» / «картці», «рядок» / «рядка»), and no cut of
one form is a prefix of the other. Here realistic desk queries are matched against documents
written with another form of the same words, the way FTS5 and tsquery prefixes match, by:

- stemmer: today's search (query stems as prefixes of the document's words);
- lemmas: index and query lemmatised (every dictionary reading of each word), exact match;
- stemmer or lemma: today's search plus a lemma column (what adopting it for the index means);
- stemmer + lexeme: the query word's dictionary forms, stemmed, as more prefixes (the index
  untouched): what the search does since issue 19, measured through its own code
  (store/search.py `query_terms`, domain/search_terms.py `alternatives`, store/morphology.py).

A distractor corpus (titles the search benchmark generates) counts what each way matches
besides: recall bought with noise is not bought. Then the analyser's cost: load time, memory,
words per second when indexing, microseconds per query.
"""

from __future__ import annotations

import functools
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from helpdesk_tui.domain.search_terms import STOPWORDS, alternatives, fold, parse, stem
from helpdesk_tui.store import morphology, search

# (what a colleague types, what the record says); the forms differ, often inside the stem.
PAIRS: list[tuple[str, str]] = [
    ("вхід", "Немає входу в особистий кабінет"),
    ("входу в систему", "Блокує вхід у систему після оновлення"),
    ("вхід до системи", "Проблема зі входом до системи ЕТС"),
    ("стіл", "Не вмикається комп'ютер під столом у бухгалтерії"),
    ("віддалений стіл", "Не підключається віддаленого столу сервер"),
    ("ріг", "Пошкоджений кабель на розі коридору"),
    ("паролі", "Користувач забув пароль до пошти"),
    ("пароль", "Вимагає змінити паролі всім у відділі"),
    ("ліцензія", "Закінчився термін ліцензій Microsoft Office"),
    ("ліцензій", "Офіс просить активувати ліцензію"),
    ("ключ", "Загублено ключа від серверної"),
    ("ключі", "Не приймає ключ ЕЦП"),
    ("картка", "Не зчитується пропуск: на картці стерся чип"),
    ("картці", "Заблоковано картку водія"),
    ("флешка", "Не відкривається файл на флешці"),
    ("рядок", "Excel не вставляє рядка в таблицю"),
    ("рядки", "Зникає рядок стану в Outlook"),
    ("рахунок", "Не формується рахунку в 1С"),
    ("рахунки", "Помилка в рахунку-фактурі"),
    ("пристрій", "Windows не бачить пристрою USB"),
    ("пристрою", "Невідомий пристрій у диспетчері"),
    ("вікно", "Не закривається вікон браузера"),
    ("вікна", "Зависає вікно входу"),
    ("папка", "Не синхронізуються папок OneDrive"),
    ("папки", "Зникла спільна папка відділу"),
    ("скринька", "Переповнена поштова скринька директора"),
    ("скриньку", "Лист не дійшов до скриньці бухгалтерії"),
    ("двері", "Не відчиняються дверей серверної"),
    ("замок", "Не працює електронний замка на вході"),
    ("дзвінки", "Обривається дзвінок у Teams"),
    ("дзвінок", "Не проходять дзвінки на мобільні"),
    ("підпис", "Не накладається підпису на документ"),
    ("рахунку", "Банк не приймає рахунок"),
    ("мишка", "Не працює мишки в кабінеті 204"),
    ("помилки", "Помилка 0x80070643 при оновленні"),
    ("помилка друку", "Помилок друку багато на складі"),
    ("сторінки", "Принтер друкує порожня сторінка"),
    ("поверх", "Немає мережі на третьому поверсі"),
    ("поверсі", "Пропала мережа на поверх нижче"),
    ("книга", "Не відкривається книзі Excel з макросами"),
    ("рука", "Травма руки, потрібне ергономічне крісло"),
    ("ніж", "Зламаний ніж шредера"),
    ("міст", "Мережевий міст не працює після оновлення"),
    ("мосту", "Не налаштовується міст Wi-Fi"),
    ("вузол", "Не відповідає вузла кластера"),
    ("вихід", "Немає виходу в інтернет"),
    ("виходу", "Аварійний вихід заблоковано сервером"),
]
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return [w.replace("_", "") for w in _WORD.findall(fold(text))]


def _meaningful(text: str) -> list[str]:
    words = [w for w in _words(text) if len(w) >= 2]
    return [w for w in words if w not in STOPWORDS] or words


class Analyzer:
    """pymorphy3 with its Ukrainian dictionary as the search loads it, each word's answers remembered."""

    def __init__(self) -> None:
        self.morph = morphology.analyzer()
        if self.morph is None:
            raise SystemExit("this measurement needs pymorphy3 and its Ukrainian dictionary: "
                             ".venv/bin/pip install pymorphy3 pymorphy3-dicts-uk")
        self.lemmas = functools.lru_cache(maxsize=200_000)(self._lemmas)

    def _lemmas(self, word: str) -> frozenset[str]:
        return frozenset(fold(p.normal_form) for p in self.morph.parse(word))


def _prefix_in(prefix: str, words: Iterable[str]) -> bool:
    return any(w.startswith(prefix) for w in words)


def matcher(method: str, an: Analyzer | None) -> Callable[[str, str], bool]:
    def stemmer(query: str, doc: str) -> bool:
        words = _words(doc)
        return all(_prefix_in(p, words) for p in parse(query).prefixes)

    def lemmas(query: str, doc: str) -> bool:
        assert an is not None
        doc_lemmas = set().union(*(an.lemmas(w) for w in _words(doc)))
        return all(an.lemmas(w) & doc_lemmas for w in _meaningful(query))

    def either(query: str, doc: str) -> bool:
        assert an is not None
        words = _words(doc)
        doc_lemmas = set().union(*(an.lemmas(w) for w in words))
        return all(_prefix_in(stem(w), words) or an.lemmas(w) & doc_lemmas for w in _meaningful(query))

    def lexeme(query: str, doc: str) -> bool:
        words = _words(doc)
        return all(any(_prefix_in(p, words) for p in group) for group in search.query_terms(query).groups)

    return {"stemmer": stemmer, "lemmas": lemmas, "stemmer or lemma": either, "stemmer + lexeme": lexeme}[method]


METHODS = ("stemmer", "lemmas", "stemmer or lemma", "stemmer + lexeme")


def issue6_pairs() -> list[tuple[str, str]]:
    """Issue 6's recall set (tests/search_recall.py): forms that differ in their endings."""
    from tests.search_recall import DOCUMENTS, RECALL

    return [(q, " ".join(DOCUMENTS[key])) for q, key in RECALL]


def recall(an: Analyzer, distractors: list[str], pairs: list[tuple[str, str]] = PAIRS) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for method in METHODS:
        match = matcher(method, an)
        found = [match(q, d) for q, d in pairs]
        noise = [sum(match(q, d) for d in distractors) for q, _d in pairs]
        out[method] = {"found": sum(found), "missed": [q for (q, _d), f in zip(pairs, found) if not f],
                       "noise_mean": statistics.mean(noise), "noise_max": max(noise)}
    return out


def load_cost() -> dict[str, float]:
    """In a fresh interpreter: seconds to import and load the analyser, and resident memory added."""
    code = ("import time, json\n"
            "def rss():\n"
            "    for line in open('/proc/self/status'):\n"
            "        if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024\n"
            "before = rss(); t0 = time.perf_counter()\n"
            "from helpdesk_tui.store import morphology; morphology.forms('входу')\n"
            "print(json.dumps({'seconds': time.perf_counter() - t0, 'rss_mb': rss() - before}))\n")
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                      text=True).stdout) for _ in range(5)]
    return {"seconds": statistics.median(r["seconds"] for r in runs), "rss_mb": statistics.median(r["rss_mb"] for r in runs)}


def _rate(fn: Callable[[str], Any], words: list[str]) -> float:
    t0 = time.perf_counter()
    for w in words:
        fn(w)
    return len(words) / (time.perf_counter() - t0)


def speed(an: Analyzer, incidents: int = 20_000) -> dict[str, float]:
    """Words per second, uncached (dictionary words, made-up words the predictor guesses) and over
    generated incidents with the cache; microseconds per query of 2–4 words."""
    from benchmarks.search import Writer

    writer = Writer(5)
    texts = [f"{writer.title()} {writer.body()}" for _ in range(incidents)]
    stream = [w for t in texts for w in _words(t)]
    real = sorted({w for q, d in PAIRS for w in _words(q) + _words(d)} |
                  {w for t in texts[:2000] for w in _words(t.split(".")[0])[:6]})
    made_up = sorted({w for w in stream if not an.morph.word_is_known(w)})[:5000]
    out = {"known_per_s": _rate(lambda w: an._lemmas(w), real * 3),
           "unknown_per_s": _rate(lambda w: an._lemmas(w), made_up),
           "stream_words": float(len(stream)), "distinct_words": float(len(set(stream)))}
    an.lemmas.cache_clear()
    t0 = time.perf_counter()
    for w in stream:
        an.lemmas(w)
    out["cached_stream_per_s"] = len(stream) / (time.perf_counter() - t0)
    out["incidents"] = float(incidents)
    queries = [q for q, _d in PAIRS] + [" ".join(writer.title().split()[:3]) for _ in range(200)]
    per_query: list[float] = []
    per_query_lexeme: list[float] = []
    for q in queries:
        words = _meaningful(q)
        an.lemmas.cache_clear()
        t0 = time.perf_counter()
        for w in words:
            an.lemmas(w)
        per_query.append((time.perf_counter() - t0) * 1e6)
        morphology._forms.cache_clear()
        alternatives.cache_clear()
        t0 = time.perf_counter()
        search.query_terms(q)
        per_query_lexeme.append((time.perf_counter() - t0) * 1e6)
    ordered = sorted(per_query)
    ordered_lx = sorted(per_query_lexeme)
    out["query_us_p50"] = statistics.median(per_query)
    out["query_us_p95"] = ordered[int(0.95 * (len(ordered) - 1))]
    out["lexeme_us_p50"] = statistics.median(per_query_lexeme)
    out["lexeme_us_p95"] = ordered_lx[int(0.95 * (len(ordered_lx) - 1))]
    return out


def main() -> None:
    from benchmarks.search import Writer

    an = Analyzer()
    cost = load_cost()
    print(f"pymorphy3 {__import__('pymorphy3').__version__} with pymorphy3-dicts-uk: load (import + dictionary, "
          f"fresh interpreter, median of 5) {cost['seconds'] * 1000:.0f} ms, resident memory "
          f"+{cost['rss_mb']:.0f} MB", flush=True)
    writer = Writer(3)
    distractors = [writer.title() for _ in range(2000)]
    for name, pairs in ((f"{len(PAIRS)} query/document pairs, the forms differing", PAIRS),
                        ("issue 6's recall set (tests/search_recall.py)", issue6_pairs())):
        print(f"\n{name}; {len(distractors):,} distractor titles\n")
        print("| way | found | missed | distractors matched per query, mean | max |")
        print("|---|---:|---|---:|---:|")
        for method, r in recall(an, distractors, pairs).items():
            missed = ", ".join(f"«{q}»" for q in r["missed"]) or "—"
            print(f"| {method} | {r['found']}/{len(pairs)} ({r['found'] / len(pairs):.0%}) | {missed} | "
                  f"{r['noise_mean']:.1f} | {r['noise_max']} |", flush=True)
    s = speed(an)
    per_million = s["stream_words"] / s["incidents"] * 1_000_000
    print(f"\nlemmatising, uncached: dictionary words {s['known_per_s']:,.0f}/s, words it does not know "
          f"(guessed) {s['unknown_per_s']:,.0f}/s")
    print(f"{int(s['incidents']):,} generated incidents ({int(s['stream_words']):,} words, "
          f"{int(s['distinct_words']):,} distinct) with a per-word cache: {s['cached_stream_per_s']:,.0f} words/s; "
          f"1M incidents ≈ {per_million / 1e6:.0f}M words ≈ {per_million / s['cached_stream_per_s']:.0f} s "
          f"(the vocabulary of a real desk is larger than this generator's)")
    print(f"a query's words, uncached: lemmas p50 {s['query_us_p50']:.0f} µs, p95 {s['query_us_p95']:.0f} µs; "
          f"the search's terms with dictionary forms (query_terms, a whole query) p50 {s['lexeme_us_p50']:.0f} µs, "
          f"p95 {s['lexeme_us_p95']:.0f} µs", flush=True)


if __name__ == "__main__":
    main()
