"""The catalog file (R27, R29): TOML that an administrator keeps in version control.

    [[item]]
    code = "vpn-access"
    name.uk = "Доступ до VPN"
    name.en = "VPN access"
    service = "Мережа"                      # optional
    group = "Друга лінія: мережа"           # the work group that answers for the request
    organisations = ["ТОВ «Ромашка»"]        # who may ask: left out, everyone
    groups = []
    response_hours = 4                       # working hours on the business calendar
    resolution_hours = 16

    [[item.field]]
    name = "reason"                          # used as {reason} and in `--field reason=…`
    kind = "long_text"                       # text long_text number date choice choices person yes_no
    label.uk = "Обґрунтування"
    required = true

    [item.approval]
    people = ["o.boiko"]                     # logins, and/or
    groups = ["Керівники"]                   # work groups (their members at the time)
    mode = "any"                             # any one of them, or all

    [[item.stage]]                           # stages run in order
    [[item.stage.task]]                      # a stage's tasks run side by side
    group = "Друга лінія: мережа"
    short_description = "Видати доступ до VPN для {requester}"

Reading it is pure: `read_catalog(text, file)` gives the items and one line per mistake, each
naming the file, the line and the key. The desk resolves the names and loads all or nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from helpdesk_tui.domain.catalog import FIELD_KINDS, NAME_PATTERN, TEMPLATE_WORDS, FieldDef, placeholders
from helpdesk_tui.domain.requests import APPROVAL_MODES
from helpdesk_tui.i18n import _

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
LANGS = ("uk", "en")
ITEM_KEYS = {"code", "name", "description", "service", "group", "organisations", "groups", "field", "approval",
             "stage", "response_hours", "resolution_hours", "active"}
FIELD_KEYS = {"name", "kind", "label", "required", "help", "min", "max", "options"}
APPROVAL_KEYS = {"people", "groups", "mode"}
STAGE_KEYS = {"task"}
TASK_KEYS = {"group", "short_description", "details"}


@dataclass(frozen=True)
class TaskSpec:
    group: str
    short_description: str
    details: str = ""


@dataclass
class ItemSpec:
    """One item as the file says it, names not yet resolved; `where` finds a key's line."""

    code: str
    name: dict[str, str]
    description: dict[str, str]
    group: str
    service: str | None = None
    organisations: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    fields: list[FieldDef] = field(default_factory=list)
    approvers: list[str] = field(default_factory=list)
    approver_groups: list[str] = field(default_factory=list)
    approval_mode: str = "any"
    stages: list[list[TaskSpec]] = field(default_factory=list)
    response_hours: float | None = None
    resolution_hours: float | None = None
    active: bool = True
    index: int = 0

    def digest(self) -> str:
        """The same definition gives the same digest: loading a file twice changes nothing."""
        data = {
            "code": self.code, "name": self.name, "description": self.description, "group": self.group,
            "service": self.service, "organisations": sorted(self.organisations), "groups": sorted(self.groups),
            "fields": [f.as_json() for f in self.fields], "approvers": sorted(self.approvers),
            "approver_groups": sorted(self.approver_groups), "mode": self.approval_mode,
            "stages": [[vars(t) for t in stage] for stage in self.stages],
            "response": self.response_hours, "resolution": self.resolution_hours, "active": self.active,
        }
        return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class Lines:
    """Where each key of a TOML text is: (table path, key) → line, for messages."""

    HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    KEY = re.compile(r'^\s*([A-Za-z0-9_."\- ]+?)\s*=')

    def __init__(self, text: str) -> None:
        self.at: dict[tuple[Any, ...], int] = {}
        counters: dict[tuple[Any, ...], int] = {}
        path: tuple[Any, ...] = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = self.HEADER.match(line)
            if header:
                names = [n.strip().strip('"') for n in header[2].split(".")]
                path = self._table_path(names, header[1] == "[[", path, counters)
                self.at.setdefault(path, number)
                continue
            key = self.KEY.match(line)
            if key:
                self.at.setdefault(path + tuple(k.strip().strip('"') for k in key[1].split(".")), number)

    @staticmethod
    def _table_path(names: list[str], array: bool, current: tuple[Any, ...],
                    counters: dict[tuple[Any, ...], int]) -> tuple[Any, ...]:
        # A header names its parents by name only; the parents are the latest of each array.
        out: tuple[Any, ...] = ()
        for depth, name in enumerate(names):
            out += (name,)
            last = depth == len(names) - 1
            if last and array:
                counters[out] = counters.get(out, -1) + 1
                out += (counters[out],)
            elif not last and out in counters:
                out += (counters[out],)
        return out

    def line(self, *path: Any) -> int | None:
        while path:
            if path in self.at:
                return self.at[path]
            path = path[:-1]
        return None


class Problems:
    def __init__(self, file: str, lines: Lines) -> None:
        self.file, self.lines, self.found = file, lines, []  # type: ignore[var-annotated]

    def add(self, path: tuple[Any, ...], message: str) -> None:
        line = self.lines.line(*path)
        self.found.append(f"{self.file}:{line or 1}: {key_name(path)}: {message}")


def key_name(path: tuple[Any, ...]) -> str:
    """("item", 2, "field", 0, "kind") → item[3].field[1].kind, as people count."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_catalog(text: str, file: str) -> tuple[list[ItemSpec], list[str]]:
    """The items of a catalog file and its mistakes, one line each."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = match[1] if match else "1"
        return [], [f"{file}:{line}: " + _("not valid TOML: {error}").format(error=str(exc))]
    problems = Problems(file, Lines(text))
    for key in data:
        if key != "item":
            problems.add((key,), _("unknown key (the file holds [[item]] tables)"))
    items_data = data.get("item", [])
    if not isinstance(items_data, list) or not items_data:
        problems.add(("item",), _("the file has no [[item]]"))
        return [], problems.found
    items: list[ItemSpec] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(items_data):
        item = _item(raw, ("item", index), problems)
        if item is None:
            continue
        item.index = index
        if item.code in seen:
            problems.add(("item", index, "code"), _("the code «{code}» is already used by item {n}").format(
                code=item.code, n=seen[item.code] + 1))
        seen.setdefault(item.code, index)
        items.append(item)
    return items, problems.found


def _unknown(raw: dict[str, Any], allowed: set[str], path: tuple[Any, ...], problems: Problems) -> None:
    for key in raw:
        if key not in allowed:
            problems.add(path + (key,), _("unknown key; the keys here are: {keys}").format(keys=", ".join(sorted(allowed))))


def _text(raw: dict[str, Any], key: str, path: tuple[Any, ...], problems: Problems, *, required: bool = False) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            problems.add(path + (key,), _("is required"))
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.add(path + (key,), _("takes a text") if not isinstance(value, str) else _("is required"))
        return ""
    return value.strip()


def _languages(raw: dict[str, Any], key: str, path: tuple[Any, ...], problems: Problems, *,
               required: bool = False) -> dict[str, str]:
    value = raw.get(key)
    if value is None:
        if required:
            problems.add(path + (key, "uk"), _("is required"))
        return {}
    if isinstance(value, str):
        value = {"uk": value}
    if not isinstance(value, dict):
        problems.add(path + (key,), _("takes a text, or texts per language (uk, en)"))
        return {}
    out = {}
    for lang, text in value.items():
        if lang not in LANGS:
            problems.add(path + (key, lang), _("unknown language; the languages are: uk, en"))
        elif not isinstance(text, str):
            problems.add(path + (key, lang), _("takes a text"))
        elif text.strip():
            out[lang] = text.strip()
    if required and "uk" not in out:
        problems.add(path + (key, "uk"), _("is required"))
    return out


def _names(raw: dict[str, Any], key: str, path: tuple[Any, ...], problems: Problems) -> list[str]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.add(path + (key,), _("takes a list of names"))
        return []
    return [v.strip() for v in value]


def _hours(raw: dict[str, Any], key: str, path: tuple[Any, ...], problems: Problems) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or value > 10_000:
        problems.add(path + (key,), _("takes a number of working hours above 0"))
        return None
    return float(value)


def _item(raw: Any, path: tuple[Any, ...], problems: Problems) -> ItemSpec | None:
    if not isinstance(raw, dict):
        problems.add(path, _("an item is a table"))
        return None
    _unknown(raw, ITEM_KEYS, path, problems)
    code = _text(raw, "code", path, problems, required=True)
    if code and not CODE_PATTERN.match(code):
        problems.add(path + ("code",), _("a code is lowercase Latin letters, digits, «-», «_» or «.», up to 40"))
    item = ItemSpec(
        code=code,
        name=_languages(raw, "name", path, problems, required=True),
        description=_languages(raw, "description", path, problems),
        group=_text(raw, "group", path, problems, required=True),
        service=_text(raw, "service", path, problems) or None,
        organisations=_names(raw, "organisations", path, problems),
        groups=_names(raw, "groups", path, problems),
        response_hours=_hours(raw, "response_hours", path, problems),
        resolution_hours=_hours(raw, "resolution_hours", path, problems),
    )
    active = raw.get("active", True)
    if not isinstance(active, bool):
        problems.add(path + ("active",), _("takes true or false"))
    item.active = active is not False
    if item.response_hours and item.resolution_hours and item.response_hours > item.resolution_hours:
        problems.add(path + ("response_hours",), _("the response cannot take longer than the resolution"))
    item.fields = _fields(raw.get("field", []), path + ("field",), problems)
    _approval(raw.get("approval"), path + ("approval",), problems, item)
    item.stages = _stages(raw.get("stage", []), path + ("stage",), problems, item)
    return item


def _fields(raw: Any, path: tuple[Any, ...], problems: Problems) -> list[FieldDef]:
    if not isinstance(raw, list):
        problems.add(path, _("fields are written as [[item.field]] tables"))
        return []
    out: list[FieldDef] = []
    names: set[str] = set()
    for index, data in enumerate(raw):
        at = path + (index,)
        if not isinstance(data, dict):
            problems.add(at, _("a field is a table"))
            continue
        _unknown(data, FIELD_KEYS, at, problems)
        name = _text(data, "name", at, problems, required=True)
        if name and not NAME_PATTERN.match(name):
            problems.add(at + ("name",), _("a field name is lowercase Latin letters, digits and «_», starting with a letter"))
        elif name in names or name in ("number", "requester", "item"):
            problems.add(at + ("name",), _("the name «{name}» is already taken").format(name=name))
        names.add(name)
        kind = _text(data, "kind", at, problems, required=True)
        if kind and kind not in FIELD_KINDS:
            problems.add(at + ("kind",), _("unknown kind «{kind}»; the kinds are: {kinds}").format(
                kind=kind, kinds=", ".join(FIELD_KINDS)))
        required = data.get("required", False)
        if not isinstance(required, bool):
            problems.add(at + ("required",), _("takes true or false"))
        options = data.get("options", [])
        if kind in ("choice", "choices"):
            if not isinstance(options, list) or not options or not all(isinstance(o, str) and o.strip() for o in options):
                problems.add(at + ("options",), _("a list field needs its options: a list of texts"))
                options = []
            elif len({o.strip().casefold() for o in options}) != len(options):
                problems.add(at + ("options",), _("an option is listed twice"))
        elif "options" in data:
            problems.add(at + ("options",), _("only a list field (choice, choices) has options"))
        bounds = {}
        for key in ("min", "max"):
            if key in data:
                value = data[key]
                if kind != "number":
                    problems.add(at + (key,), _("only a number field has bounds"))
                elif isinstance(value, bool) or not isinstance(value, (int, float)):
                    problems.add(at + (key,), _("takes a number"))
                else:
                    bounds[key] = Decimal(str(value))
        if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
            problems.add(at + ("min",), _("the lowest value is above the highest"))
        out.append(FieldDef(name=name, kind=kind, label=_languages(data, "label", at, problems, required=True),
                            required=required is True, help=_languages(data, "help", at, problems),
                            minimum=bounds.get("min"), maximum=bounds.get("max"),
                            options=tuple(o.strip() for o in options) if isinstance(options, list) else ()))
    return out


def _approval(raw: Any, path: tuple[Any, ...], problems: Problems, item: ItemSpec) -> None:
    if raw is None:
        return
    if not isinstance(raw, dict):
        problems.add(path, _("approval is a table: [item.approval]"))
        return
    _unknown(raw, APPROVAL_KEYS, path, problems)
    item.approvers = _names(raw, "people", path, problems)
    item.approver_groups = _names(raw, "groups", path, problems)
    mode = raw.get("mode", "any")
    if mode not in APPROVAL_MODES:
        problems.add(path + ("mode",), _("takes «any» (any one of them) or «all»"))
    item.approval_mode = mode if mode in APPROVAL_MODES else "any"
    if not item.approvers and not item.approver_groups:
        problems.add(path, _("name the approvers: people (logins) or groups"))


def _stages(raw: Any, path: tuple[Any, ...], problems: Problems, item: ItemSpec) -> list[list[TaskSpec]]:
    if not isinstance(raw, list):
        problems.add(path, _("stages are written as [[item.stage]] tables"))
        return []
    known = {f.name for f in item.fields} | set(TEMPLATE_WORDS)
    stages = []
    for index, stage in enumerate(raw):
        at = path + (index,)
        if not isinstance(stage, dict):
            problems.add(at, _("a stage is a table"))
            continue
        _unknown(stage, STAGE_KEYS, at, problems)
        tasks_raw = stage.get("task", [])
        if not isinstance(tasks_raw, list) or not tasks_raw:
            problems.add(at, _("a stage has no tasks: add [[item.stage.task]] under it"))
            continue
        tasks = []
        for number, task in enumerate(tasks_raw):
            where = at + ("task", number)
            if not isinstance(task, dict):
                problems.add(where, _("a task is a table"))
                continue
            _unknown(task, TASK_KEYS, where, problems)
            spec = TaskSpec(group=_text(task, "group", where, problems, required=True),
                            short_description=_text(task, "short_description", where, problems, required=True),
                            details=_text(task, "details", where, problems))
            for key in ("short_description", "details"):
                for word in placeholders(getattr(spec, key)):
                    if word not in known:
                        problems.add(where + (key,), _("«{{{word}}}» is no field of this item; it may use: {words}").format(
                            word=word, words=", ".join("{" + w + "}" for w in sorted(known))))
            tasks.append(spec)
        stages.append(tasks)
    return stages
