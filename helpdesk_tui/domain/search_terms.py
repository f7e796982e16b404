"""What a typed search means: words folded, stemmed and matched as prefixes (R4, `helpdesk search`).

Ukrainian inflects: «принтер», «принтера», «принтером», «принтерів» are one word to an analyst.
The index keeps whole words (so it is exact and cheap to maintain); the query side cuts a
word's ending off and matches the rest as a prefix. Stemming only the query keeps the index
free of a language decision, and a wrong cut costs ranking, never a lost document.

Both engines get the same folding: case (Cyrillic included), the apostrophe inside words
(«комп'ютер», «комп’ютер» and «компʼютер» are one spelling), and nothing else: «й», «ї» and «ґ»
are letters of their own in Ukrainian, not accented «и», «і» and «г».

Ukrainian also alternates inside the stem («вхід» / «входу», «стіл» / «столом», «картка» /
«картці»), where no cut of one form is a prefix of the other (issue 19). Given a word's
dictionary forms (a dictionary the store loads: the rules here read no files), a query word
becomes a group of prefixes, its own stem or the stems of its other forms, any of which matches.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

APOSTROPHES = "'\u2019\u02bc`"
_APOSTROPHE = re.compile(f"(?<=\\w)[{re.escape(APOSTROPHES)}](?=\\w)")
_WORD = re.compile(r"\w+")
# A word as a dictionary spells it: the apostrophe inside it kept («комп'ютер»).
_SPELT_WORD = re.compile(r"\w+(?:'\w+)*")

# Function words that say nothing about the subject; «не працює» is about «працює». A query
# made only of them keeps them.
STOPWORDS = frozenset(
    "а але б би в во від віт для до же з за зі із й і їй та то у що щоб як як-от на над не ні о об "
    "от по при про під це ця цей ці чи ще або the a an of to in on and or is not for with".split()
)

# Endings cut from a query word, longest first; what remains must keep MIN_STEM letters.
_ENDINGS = sorted(set("""
    ування ювання овання ування ення ання іння ття ння
    овано ований ована овані увати ювати овувати
    уватися юватися атися итися ітися
    ується юються уються ються ється ається яється иться ться ілися илися алися лися лася лося вся
    ати яти ити іти ути
    ують юють ують ать ять ить уть ють ємо имо ете ите єте іть
    ую юю уєш юєш ює ує ає яє ився ився ав ала али ало ив ила или ило ів ла ли ло
    ений ена ено ені аний ана ано ані ний на но ні
    ого ому ього ьому ими іми ій ої ою ею єю ий их іх ім им ая яя ее
    ами ями ах ях ам ям ом ем єм ові еві єві ів їв ей
    а я і ї о е и у ю ь є
""".split()), key=len, reverse=True)
_REFLEXIVE = ("ся", "сь")
MIN_STEM = 3
# Ukrainian words this short are stems already: «пк», «вхід», «сайт».
_KEEP_UP_TO = 4


def fold(text: str) -> str:
    """The text both the index and the query see: NFC, case folded, apostrophes inside words dropped."""
    text = unicodedata.normalize("NFC", text or "")
    return _APOSTROPHE.sub("", text).casefold()


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


@functools.lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The part of a folded word its inflections share (a prefix to match). Remembered: the
    panel reranks by the stems of every title it shows, at every keystroke (18 µs a word)."""
    if len(word) <= _KEEP_UP_TO or not _is_cyrillic(word):
        return word
    for base in (word, _unreflexive(word)):
        for ending in _ENDINGS:
            if base.endswith(ending) and len(base) - len(ending) >= MIN_STEM:
                return base[: -len(ending)]
    return _unreflexive(word)


def _unreflexive(word: str) -> str:
    for ending in _REFLEXIVE:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM + 1:
            return word[: -len(ending)]
    return word


# A word's dictionary forms, as the dictionary spells them, one sequence per lexeme it may be a
# form of («києві»: «Київ» or «кий»); none when it does not know the word.
Lexemes = tuple[tuple[str, ...], ...]
Forms = Callable[[str], Lexemes]
# Prefixes a query word may become: each is one more vocabulary lookup per keystroke on SQLite
# (docs/benchmarks.md), and a verb's forms would give a dozen.
MAX_ALTERNATIVES = 4


@dataclass(frozen=True)
class Terms:
    """A query as groups of prefixes: every group must match (AND), each by any of its
    prefixes (OR); a group is one word's stem and the stems of its other dictionary forms."""

    groups: tuple[tuple[str, ...], ...]

    @property
    def prefixes(self) -> tuple[str, ...]:
        """Every prefix of every group, in order."""
        return tuple(p for group in self.groups for p in group)

    def __bool__(self) -> bool:
        return bool(self.groups)


def _spelt_words(text: str) -> list[tuple[str, str]]:
    """Each word of the text folded, and as a dictionary spells it (lower case, the apostrophe
    inside it as «'»): pymorphy3 knows «комп'ютер», not «компютер»."""
    text = _APOSTROPHE.sub("'", unicodedata.normalize("NFC", text or "")).casefold()
    return [(w.replace("'", "").replace("_", ""), w.replace("_", "")) for w in _SPELT_WORD.findall(text)]


def _common_start(words: list[str]) -> str:
    first, last = min(words), max(words)
    n = 0
    while n < len(first) and first[n] == last[n]:
        n += 1
    return first[:n]


@functools.lru_cache(maxsize=20_000)
def alternatives(word: str, lexemes: Lexemes = ()) -> tuple[str, ...]:
    """The prefixes a folded query word matches by: its stem, and the stems of its dictionary
    forms that it does not already cover («входу»: «вход», «вхід»), at most MAX_ALTERNATIVES.
    The word's own stem comes first. Remembered: the panel asks again at every keystroke with
    the finished words unchanged, and a verb's forms take 0.2 ms."""
    own = stem(word)
    folded = [{f for f in (fold(f) for f in lexeme) if f} for lexeme in lexemes]
    every = set().union(*folded)
    found = {own} | {_tightened(stem(f), every) for f in every}
    # A prefix too short says nothing (it is the word itself only when typed that short).
    found = {p for p in found if p == own or len(p) >= MIN_STEM}
    # A prefix that a shorter one of the group begins says nothing more.
    found = {p for p in found if not any(o != p and p.startswith(o) for o in found)}
    return tuple(_covering(found, folded, [own] if own in found else []))


def _covering(prefixes: set[str], lexemes: list[set[str]], kept: list[str]) -> list[str]:
    """`kept` and more of the prefixes, up to MAX_ALTERNATIVES: each lexeme in turn gets the one
    that begins most of its forms not begun yet, so that a homonym («кий») does not crowd out
    the word meant («Київ»)."""
    kept = list(kept)
    while len(kept) < MAX_ALTERNATIVES:
        before = len(kept)
        for forms in lexemes:
            best = _best_cover(prefixes, [f for f in forms if not any(f.startswith(k) for k in kept)])
            if best and len(kept) < MAX_ALTERNATIVES:
                kept.append(best)
        if len(kept) == before:  # every form begun
            break
    return kept


def _best_cover(prefixes: set[str], forms: list[str]) -> str | None:
    cover = {p: n for p in prefixes if (n := sum(f.startswith(p) for f in forms))}
    return min(cover, key=lambda p: (-cover[p], p)) if cover else None


def _tightened(prefix: str, forms: set[str]) -> str:
    """The start that the forms beginning with `prefix` share: the stemmer cuts «стола» to
    «сто» (as if «-ла» were a verb's ending), which would match «сторінка»; the forms say «стол»."""
    return _common_start([f for f in forms if f.startswith(prefix)]) or prefix


def _implies(group: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether a record that matches `group` matches `other`: each of its prefixes extends one of other's."""
    return all(any(p.startswith(o) for o in other) for p in group)


def parse(text: str, *, min_length: int = 2, meaningful_only: bool = False, partial_min: int = 0,
          forms: Forms | None = None, expand_partial: bool = True) -> Terms:
    """Words of a typed query as groups of prefixes: folded, stemmed, function words and
    one-letter fragments left out (a one-letter prefix matches half the corpus and says
    nothing). A query of function words alone is searched for as typed, unless
    `meaningful_only` (suggestions while typing «Не в…» would be noise); `partial_min` is the
    length from which the word still being typed (nothing after it) counts. With `forms`,
    each word's group holds the stems of its dictionary forms too (the word still being typed
    only if `expand_partial`)."""
    words = _spelt_words(text)
    typing = bool(words) and fold(text)[-1:].isalnum()
    if partial_min and typing and len(words[-1][0]) < partial_min:
        # The word still being typed: two letters of it match half the index and say little.
        words.pop()
        typing = False
    marked = [(w, spelt, typing and i == len(words) - 1) for i, (w, spelt) in enumerate(words)]
    marked = [m for m in marked if len(m[0]) >= min_length]
    meaningful = [m for m in marked if m[0] not in STOPWORDS] or ([] if meaningful_only else marked)
    seen: dict[frozenset[str], tuple[str, ...]] = {}
    for word, spelt, still_typing in meaningful:
        lexemes = forms(spelt) if forms is not None and (expand_partial or not still_typing) else ()
        group = alternatives(word, lexemes)
        seen.setdefault(frozenset(group), group)
    groups = list(seen.values())
    # A group that another one implies says nothing more: «пошт» is implied by «поштов».
    return Terms(tuple(g for g in groups if not any(o is not g and _implies(o, g) for o in groups)))


@dataclass(frozen=True)
class SearchHit:
    """One found record: what the related-items panel and `helpdesk search` show."""

    kind: str  # "knowledge_article", "problem" or "incident"
    id: int
    number: str
    title: str
    status: str | None
    solution: str
    score: float


@dataclass(frozen=True)
class SearchPage:
    """A page of the explicit search; `newest_only`: there were more matches than are ranked,
    and the newest of them were (`matches` is then an estimate on PostgreSQL)."""

    hits: list[SearchHit]
    matches: int
    newest_only: bool


# Finished records an analyst would not take a solution from: they sink below live ones.
SUNK_STATUSES = frozenset({"cancelled"})
PHRASE_BONUS = 2.0
SUNK_FACTOR = 0.5


def _stems_of(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(fold(text)) if w]


def _has_run(words: list[str], run: list[str]) -> bool:
    """Whether the stems of `run` begin consecutive words of `words`, in that order."""
    if not run or len(run) > len(words):
        return False
    return any(all(words[i + j].startswith(r) for j, r in enumerate(run)) for i in range(len(words) - len(run) + 1))


def rerank(hits: list[SearchHit], typed: str) -> list[SearchHit]:
    """The engines' scores (bm25, ts_rank) favour the shortest title with the words anywhere;
    an analyst means the record that says what they typed, as they typed it («Не друкує
    принтер»), and never a cancelled one first. Ties keep the engine's order."""
    run = _stems_of(typed)

    def weight(hit: SearchHit) -> float:
        factor = PHRASE_BONUS if len(run) > 1 and _has_run(_stems_of(hit.title), run) else 1.0
        if hit.status in SUNK_STATUSES:
            factor *= SUNK_FACTOR
        return hit.score * factor

    return sorted(hits, key=weight, reverse=True)
