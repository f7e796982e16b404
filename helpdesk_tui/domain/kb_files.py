"""Knowledge articles as Markdown files with front matter (R4): what `helpdesk kb import DIR`
reads and `kb export DIR` writes, so a team brings its existing notes and takes them away.

    ---
    title: Не друкує мережевий принтер
    service: Робоче місце користувача
    keywords: [принтер, друк]
    status: published
    ---
    Що бачить користувач…

    ## Рішення
    Перезапустити службу друку…

The front matter is YAML (the notes of Obsidian, Jekyll, Hugo and most wikis start so); the
text under a «## Рішення» / «## Solution» heading is the article's solution, the rest its body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from helpdesk_tui.domain.text import TRANSLIT
from helpdesk_tui.i18n import _

KEYS = ("title", "service", "keywords", "status", "number")
STATUSES = ("draft", "published", "retired")
SOLUTION_HEADINGS = ("рішення", "solution", "вирішення")
_SOLUTION = re.compile(r"^##\s+(?P<name>[^\n#]+?)\s*#*\s*$", re.MULTILINE)
MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class ArticleFile:
    title: str
    body: str
    solution: str = ""
    service: str | None = None
    keywords: str = ""
    status: str = "draft"
    number: str | None = None  # an article exported from a desk keeps its number


class FileProblem(ValueError):
    """One file's mistake, said with its line when there is one."""


def read_article(text: str) -> ArticleFile:
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise FileProblem(_("line 1: the file starts with front matter: --- then title: …, then ---"))
    end = text.find("\n---", 3)
    if end < 0 or text[end + 4:end + 5] not in ("", "\n"):
        raise FileProblem(_("the front matter has no closing ---"))
    head, rest = text[4:end], text[end + 4:].lstrip("\n")
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise FileProblem(_("line {line}: the front matter is not YAML ({reason})").format(
            line=line, reason=getattr(exc, "problem", None) or exc)) from None
    if not isinstance(meta, dict):
        raise FileProblem(_("line 2: the front matter is a list of key: value lines"))
    unknown = [str(k) for k in meta if k not in KEYS]
    if unknown:
        raise FileProblem(_("unknown key «{key}»; the keys are: {keys}").format(key=unknown[0], keys=", ".join(KEYS)))
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise FileProblem(_("title: every article has a title"))
    status = str(meta.get("status") or "draft")
    if status not in STATUSES:
        raise FileProblem(_("status: «{value}» is not one of: {allowed}").format(value=status,
                                                                              allowed=", ".join(STATUSES)))
    keywords = meta.get("keywords") or ""
    if isinstance(keywords, list):
        keywords = ", ".join(str(k) for k in keywords)
    service = meta.get("service")
    number = meta.get("number")
    body, solution = _split_solution(rest)
    return ArticleFile(title=title.strip(), body=body, solution=solution,
                       service=str(service).strip() if service not in (None, "") else None,
                       keywords=str(keywords), status=status, number=str(number).strip() if number else None)


def _split_solution(text: str) -> tuple[str, str]:
    for match in _SOLUTION.finditer(text):
        if match["name"].strip().casefold() in SOLUTION_HEADINGS:
            return text[:match.start()].strip(), text[match.end():].strip()
    return text.strip(), ""


def write_article(article: ArticleFile, solution_heading: str) -> str:
    meta: dict[str, object] = {"title": article.title}
    if article.number:
        meta["number"] = article.number
    if article.service:
        meta["service"] = article.service
    if article.keywords:
        meta["keywords"] = [k.strip() for k in article.keywords.split(",") if k.strip()]
    meta["status"] = article.status
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False).strip()
    parts = [f"---\n{head}\n---\n", article.body.strip()]
    if article.solution.strip():
        parts.append(f"\n## {solution_heading}\n{article.solution.strip()}")
    return "\n".join(part for part in parts if part) + "\n"


def file_name(number: str, title: str) -> str:
    """«KB0000012-ne-drukuie-merezhevyi-prynter.md»: safe on every file system."""
    words = title.casefold().translate(TRANSLIT)
    slug = re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:60].strip("-")
    return f"{number}-{slug}.md" if slug else f"{number}.md"
