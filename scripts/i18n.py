#!/usr/bin/env python3
"""Translation workflow for helpdesk_tui (gettext domain «helpdesk», languages uk and en).

    python scripts/i18n.py extract   # source -> helpdesk_tui/locale/helpdesk.pot
    python scripts/i18n.py update    # .pot -> uk/en helpdesk.po (keeps translations)
    python scripts/i18n.py compile   # .po -> .mo
    python scripts/i18n.py all       # extract + update + compile
    python scripts/i18n.py check     # exit 1 if uk lacks a translation, a .mo is stale, or a
                                     # marked string hides in an f-string (_(f"..."), f"{_('...')}")

After changing strings in the code: run `all`, fill the empty (and the fuzzy) msgstr entries
in helpdesk_tui/locale/uk/LC_MESSAGES/helpdesk.po, remove their «#, fuzzy» flags, run `all`
again and `check`. The en catalog stays empty: gettext falls back to the English msgid.

Strings are marked with _("..."), N_("..."), ngettext("...", "...", n), and with a context
pgettext("context", "...") and NC_("context", "..."). A comment that
starts with «TRANSLATORS:» on the line(s) before a marked string goes into the catalogs.

The .po/.pot files carry no «#:» location comments, so they do not change when code moves;
`check` (and tests/test_i18n.py) print file:line for every string that needs work. Files are
rewritten only when their content changes, so running `all` twice leaves no diff.

Needs Babel (`pip install babel`, part of the «test» extra); the application itself only
needs the compiled .mo files.
"""

from __future__ import annotations

import argparse
import ast
import copy
import gettext
import io
import re
import string
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "helpdesk_tui"
LOCALE_DIR = PACKAGE / "locale"
DOMAIN = "helpdesk"
POT_FILE = LOCALE_DIR / f"{DOMAIN}.pot"
LANGUAGES = ("uk", "en")
# Languages whose catalog must translate every message; en falls back to the source text.
COMPLETE_LANGUAGES = ("uk",)

KEYWORDS: dict[str, tuple[int | tuple[int, str], ...] | None] = {
    "_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "NC_": ((1, "c"), 2)}
# The portal's Jinja2 templates call _("...") too (Jinja2's own extractor reads them).
METHOD_MAP = [("**.py", "python"), ("portal/templates/**.html", "jinja2.ext:babel_extract")]
COMMENT_TAGS = ("TRANSLATORS:",)

PROJECT = "helpdesk-tui"
COPYRIGHT_HOLDER = "helpdesk-tui contributors"

# Same options for every .po/.pot we write: no locations, sorted by msgid, so that moving
# code does not touch the catalogs. No «#|» previous msgids either: Babel's read_po takes them
# back as translator comments («# | msgid ...»), which would then stay in the file for good.
_WRITE_OPTIONS = {"width": 76, "no_location": True, "sort_output": True, "include_previous": False}


# --- paths and small helpers --------------------------------------------------------------------


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _version() -> str:
    text = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r"""__version__\s*=\s*["']([^"']+)["']""", text)
    return match.group(1) if match else "0"


def msgid_text(msgid: str | tuple[str, ...] | list[str]) -> str:
    """The singular text of a message id (plural ids are tuples)."""
    return msgid if isinstance(msgid, str) else msgid[0]


def _is_translated(message: Message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return bool(message.string) and all(s.strip() for s in message.string)
    return bool(message.string and message.string.strip())


def where(message: Message) -> str:
    """file:line of a message's first occurrence (extracted catalogs only)."""
    return ", ".join(f"{f}:{n}" for f, n in message.locations[:3]) or "?"


def _write_if_changed(path: Path, data: bytes, *, ignore: re.Pattern[bytes] | None = None) -> bool:
    """Write `data` unless the file already holds it (lines matching `ignore` do not count)."""
    if path.exists():
        old = path.read_bytes()
        if ignore is not None:
            if ignore.sub(b"", old) == ignore.sub(b"", data):
                return False
        elif old == data:
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


# What a fresh .pot changes by itself (the date, the year in the header comment): not a change.
_POT_VOLATILE = re.compile(
    rb'^(?:"POT-Creation-Date: .*\\n"|# Copyright \(C\) \d{4} .*|# FIRST AUTHOR .*)\n', re.MULTILINE
)


def _po_bytes(catalog: Catalog, **extra: bool) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, **{**_WRITE_OPTIONS, **extra})
    return buf.getvalue()


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale, domain=DOMAIN)


# --- extract ------------------------------------------------------------------------------------


def extract_catalog() -> Catalog:
    """Every marked string in helpdesk_tui/, with its locations (kept in memory only)."""
    catalog = Catalog(
        project=PROJECT,
        version=_version(),
        copyright_holder=COPYRIGHT_HOLDER,
        charset="utf-8",
        fuzzy=False,
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE),
        method_map=METHOD_MAP,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        catalog.add(
            message,
            None,
            [(f"{PACKAGE.name}/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def cmd_extract() -> None:
    template = extract_catalog()
    changed = _write_if_changed(POT_FILE, _po_bytes(template), ignore=_POT_VOLATILE)
    print(f"{_rel(POT_FILE)}: {len(template)} messages{' (written)' if changed else ' (unchanged)'}")


# --- update -------------------------------------------------------------------------------------


def _new_catalog(lang: str, template: Catalog) -> Catalog:
    return Catalog(
        locale=lang,
        domain=DOMAIN,
        project=template.project,
        version=template.version,
        copyright_holder=COPYRIGHT_HOLDER,
        charset="utf-8",
        creation_date=template.creation_date,
        fuzzy=False,
    )


def update_catalog(catalog: Catalog, template: Catalog) -> None:
    """Merge `template` into `catalog` in place, keeping translations.

    Unchanged strings keep their translation and their flags (so they are not made fuzzy).
    A new string that is close to an old translated one (an edited msgid) gets that
    translation marked «#, fuzzy»: review it, fix it, then remove the flag. A string that
    comes back after being removed gets its old translation back from the obsolete («#~»)
    entries (delete those by hand whenever they get in the way).
    """
    for key, old in list(catalog.obsolete.items()):
        if template.get(old.id, old.context) is not None and catalog.get(old.id, old.context) is None:
            catalog[old.id] = old
            del catalog.obsolete[key]
    before = {catalog._key_for(m.id, m.context): m for m in catalog if m.id and _is_translated(m)}
    previous_obsolete = dict(catalog.obsolete)
    catalog.update(template, no_fuzzy_matching=False, update_creation_date=True)
    for key, old in previous_obsolete.items():
        catalog.obsolete.setdefault(key, old)
    # Catalog.update forgets an old string whose translation it lent to a fuzzy match; keep it
    # as obsolete too, so that undoing the edit brings the translation back unchanged.
    for key, old in before.items():
        if catalog.get(old.id, old.context) is None:
            catalog.obsolete.setdefault(key, old)
    for message in catalog:
        # Locations only matter while extracting; the files are written without them.
        message.locations = []
    catalog.fuzzy = False


def cmd_update() -> None:
    if not POT_FILE.exists():
        sys.exit(f"{_rel(POT_FILE)} is missing: run `extract` first")
    template = read_catalog(POT_FILE)
    for lang in LANGUAGES:
        path = po_path(lang)
        catalog = read_catalog(path, lang) if path.exists() else _new_catalog(lang, template)
        before = {catalog._key_for(m.id, m.context) for m in catalog if m.id}
        update_catalog(catalog, template)
        after = {catalog._key_for(m.id, m.context) for m in catalog if m.id}
        changed = _write_if_changed(path, _po_bytes(catalog))
        fuzzy = sum(1 for m in catalog if m.id and m.fuzzy)
        todo = sum(1 for m in catalog if m.id and not _is_translated(m))
        state = f"{todo} untranslated, {fuzzy} fuzzy" if lang in COMPLETE_LANGUAGES else "msgstr left empty on purpose"
        print(
            f"{_rel(path)}: {len(after)} messages, {len(after - before)} new, {len(before - after)} gone; "
            f"{state}{' (written)' if changed else ' (unchanged)'}"
        )


# --- compile ------------------------------------------------------------------------------------


def mo_bytes(catalog: Catalog) -> bytes:
    """The .mo of a catalog: only complete, non-fuzzy translations go in.

    Babel's write_mo would keep a plural entry whose msgstr[] are empty (a tuple of empty
    strings is truthy), and gettext would then show an empty text instead of the English.
    """
    catalog = copy.deepcopy(catalog)
    for message in list(catalog):
        if message.id and (message.fuzzy or not _is_translated(message)):
            del catalog[message.id]
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def cmd_compile() -> None:
    for lang in LANGUAGES:
        path = po_path(lang)
        if not path.exists():
            sys.exit(f"{_rel(path)} is missing: run `update` first")
        catalog = read_catalog(path, lang)
        data = mo_bytes(catalog)
        translated = sum(1 for m in catalog if m.id and _is_translated(m) and not m.fuzzy)
        changed = _write_if_changed(mo_path(lang), data)
        print(f"{_rel(mo_path(lang))}: {translated} translated{' (written)' if changed else ' (unchanged)'}")


# --- check --------------------------------------------------------------------------------------


def hidden_strings(source: str, filename: str = "<source>") -> list[str]:
    """Marked strings the extraction cannot see, as «file:line: what».

    Babel reads an f-string as one opaque token: `_(f"...")` is never extracted (nor could its
    text be looked up: it changes with its values), and `f"{_('Add a note')}"` hides a literal
    msgid inside the f-string, so the catalog never gets it and the interface shows English.
    A marked call with a variable inside an f-string (`f"{_(label)}"`) is fine: the label was
    marked where it was written.
    """
    problems = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and _marker(node) and node.args and isinstance(node.args[0], ast.JoinedStr):
            problems.append(f"{filename}:{node.lineno}: {ast.unparse(node)}: an f-string cannot be translated; "
                            "mark the text with {placeholders} and .format() it")
        elif isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if (isinstance(inner, ast.Call) and _marker(inner) and inner.args
                        and isinstance(inner.args[0], (ast.Constant, ast.JoinedStr))):
                    problems.append(f"{filename}:{inner.lineno}: {ast.unparse(inner)} inside an f-string is not "
                                    "extracted; translate it outside the f-string")
    return problems


def _marker(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id in KEYWORDS


def hidden_strings_in_package() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        problems.extend(hidden_strings(path.read_text(encoding="utf-8"), _rel(path)))
    return problems



def mo_messages(data: bytes) -> tuple[dict[object, str], str]:
    """The messages of an .mo file (without its header) and its Plural-Forms header."""
    translations = gettext.GNUTranslations(io.BytesIO(data))
    messages = {k: v for k, v in translations._catalog.items() if k != ""}  # type: ignore[attr-defined]
    return messages, translations.info().get("plural-forms", "")


def stale_mo(lang: str) -> str | None:
    """Why the .mo of `lang` does not match its .po, or None if it does."""
    po, mo = po_path(lang), mo_path(lang)
    if not po.exists():
        return f"{_rel(po)} is missing"
    if not mo.exists():
        return f"{_rel(mo)} is missing"
    expected = mo_messages(mo_bytes(read_catalog(po, lang)))
    try:
        actual = mo_messages(mo.read_bytes())
    except OSError as exc:
        return f"{_rel(mo)} cannot be read: {exc}"
    if expected != actual:
        return f"{_rel(mo)} is out of date with {_rel(po)}"
    return None


_FORMATTER = string.Formatter()


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a str.format string (literal «{{» / «}}» are not fields)."""
    try:
        return {field for _, field, _, _ in _FORMATTER.parse(text) if field is not None}
    except ValueError:
        return {"<malformed braces>"}


def placeholder_problems(message: Message) -> list[str]:
    """Differences between the {placeholders} of a msgid and of its translation(s).

    A translation has exactly the msgid's fields. For a plural message every form needs the
    fields of msgid and msgid_plural together: in Ukrainian the «singular» form also serves
    21, 31, ..., so it cannot leave out {n} the way the English singular may.
    """
    if not _is_translated(message):
        return []
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    wanted = set().union(*(placeholders(i) for i in ids))
    problems = []
    for index, text in enumerate(strings):
        got = placeholders(text)
        if got != wanted:
            label = f"msgstr[{index}]" if len(ids) > 1 else "msgstr"
            problems.append(f"{label} has {sorted(got)}, msgid has {sorted(wanted)}")
    return problems


def translation_problems(lang: str, source: Catalog) -> list[str]:
    """Every message of `source` (an extracted catalog) that `lang` lacks, leaves empty or
    has only fuzzily; with the file:line of the string in the code."""
    path = po_path(lang)
    if not path.exists():
        return [f"{_rel(path)} is missing (run update)"]
    catalog = read_catalog(path, lang)
    problems = []
    for message in source:
        if not message.id:
            continue
        entry = catalog.get(message.id, message.context)
        text = msgid_text(message.id)
        if entry is None:
            problems.append(f"not in {_rel(path)} (run update): {text!r}  [{where(message)}]")
        elif not _is_translated(entry):
            problems.append(f"untranslated: {text!r}  [{where(message)}]")
        elif entry.fuzzy:
            problems.append(f"fuzzy (check it, then remove the flag): {text!r}  [{where(message)}]")
    return problems


def placeholder_report(lang: str) -> list[str]:
    """Translations in `lang`'s .po whose {placeholders} differ from their msgid's."""
    path = po_path(lang)
    if not path.exists():
        return []
    return [
        f"placeholders: {msgid_text(m.id)!r}: {problem}"
        for m in read_catalog(path, lang)
        if m.id
        for problem in placeholder_problems(m)
    ]


def cmd_check() -> int:
    source = extract_catalog()
    problems: list[str] = list(hidden_strings_in_package())
    for lang in COMPLETE_LANGUAGES:
        problems.extend(f"{lang}: {p}" for p in translation_problems(lang, source))
    for lang in LANGUAGES:
        problems.extend(f"{lang}: {p}" for p in placeholder_report(lang))
        reason = stale_mo(lang)
        if reason:
            problems.append(f"{lang}: {reason} (run compile)")
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s); see `python scripts/i18n.py --help`", file=sys.stderr)
        return 1
    print(f"OK: {len(source)} messages, {', '.join(COMPLETE_LANGUAGES)} complete, .mo files up to date")
    return 0


# --- command line -------------------------------------------------------------------------------


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/i18n.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("extract", "update", "compile", "check", "all"))
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.command == "extract":
        cmd_extract()
    elif args.command == "update":
        cmd_update()
    elif args.command == "compile":
        cmd_compile()
    elif args.command == "all":
        cmd_extract()
        cmd_update()  # from the .pot on disk, so its creation date (and the .po files) stay put
        cmd_compile()
    elif args.command == "check":
        return cmd_check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
