"""A catalog item's definition (R27, R29) and the values of its fields, pure.

The definition comes from the reviewed catalog file (domain/catalog_file.py reads it; the desk
resolves its names and keeps each version). Here: the kinds of field, how a typed value becomes
the stored one (or one clear message naming the field), how a stored value reads, and the task
short descriptions that use field values («Створити обліковий запис VPN для {requester}»).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from helpdesk_tui.domain.errors import MissingFields, RuleViolation
from helpdesk_tui.i18n import N_, _, current_language

FIELD_KINDS: dict[str, str] = {
    "text": N_("text"),
    "long_text": N_("long text"),
    "number": N_("number"),
    "date": N_("date"),
    "choice": N_("one of a list"),
    "choices": N_("several of a list"),
    "person": N_("person"),
    "yes_no": N_("yes or no"),
}
TEXT_MAX = {"text": 500, "long_text": 20_000}
YES = frozenset({"так", "yes", "y", "true", "1", "+", "т"})
NO = frozenset({"ні", "no", "n", "false", "0", "-", "н"})
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Words a task's short description may use besides the item's own fields.
TEMPLATE_WORDS = ("number", "requester", "item")


@dataclass(frozen=True)
class FieldDef:
    name: str
    kind: str
    label: dict[str, str]
    required: bool = False
    help: dict[str, str] = field(default_factory=dict)
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    options: tuple[str, ...] = ()

    def title(self) -> str:
        return in_language(self.label) or self.name

    def hint(self) -> str:
        return in_language(self.help)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "label": self.label, "required": self.required}
        if self.help:
            out["help"] = self.help
        if self.minimum is not None:
            out["min"] = str(self.minimum)
        if self.maximum is not None:
            out["max"] = str(self.maximum)
        if self.options:
            out["options"] = list(self.options)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FieldDef:
        return cls(name=data["name"], kind=data["kind"], label=dict(data.get("label") or {}),
                   required=bool(data.get("required")), help=dict(data.get("help") or {}),
                   minimum=Decimal(data["min"]) if data.get("min") is not None else None,
                   maximum=Decimal(data["max"]) if data.get("max") is not None else None,
                   options=tuple(data.get("options") or ()))


def in_language(texts: Mapping[str, str], lang: str | None = None) -> str:
    """The text in the interface's language, else in the other one."""
    lang = lang or current_language()
    return texts.get(lang) or texts.get("uk") or texts.get("en") or ""


def fields_of(data: Sequence[Mapping[str, Any]]) -> list[FieldDef]:
    return [FieldDef.from_json(d) for d in data]


# --- typed values → stored values -----------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, (list, tuple, set)) and not value)


def clean_value(definition: FieldDef, value: Any) -> Any:
    """The stored form of what was typed for a field (None when left empty), or a
    RuleViolation that names the field and says what it takes. A person field is
    checked by the desk, which knows the people: here it stays the text typed."""
    if _blank(value):
        return None
    title = definition.title()
    kind = definition.kind
    if kind in TEXT_MAX:
        text = str(value).strip() if kind == "text" else str(value).rstrip()
        if kind == "text":
            text = " ".join(text.split())
        if len(text) > TEXT_MAX[kind]:
            raise RuleViolation(_("«{field}» takes at most {n} characters").format(field=title, n=TEXT_MAX[kind]),
                                field=definition.name)
        return text
    if kind == "number":
        return _number(definition, value)
    if kind == "date":
        return _date(definition, value).isoformat()
    if kind == "choice":
        return _option(definition, str(value))
    if kind == "choices":
        items = value if isinstance(value, (list, tuple, set)) else [v for v in str(value).split(",")]
        chosen = [_option(definition, str(v)) for v in items if str(v).strip()]
        return [o for o in definition.options if o in chosen] or None
    if kind == "yes_no":
        if isinstance(value, bool):
            return value
        word = str(value).strip().casefold()
        if word in YES:
            return True
        if word in NO:
            return False
        raise RuleViolation(_("«{field}» takes yes or no, not «{value}»").format(field=title, value=value),
                            field=definition.name)
    if kind == "person":
        return str(value).strip()
    raise RuleViolation(_("«{field}» has an unknown kind «{kind}»").format(field=title, kind=kind), field=definition.name)


def _number(definition: FieldDef, value: Any) -> str:
    text = str(value).strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        number = Decimal(text)
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise RuleViolation(_("«{field}» takes a number, not «{value}»").format(field=definition.title(), value=value),
                            field=definition.name) from None
    low, high = definition.minimum, definition.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        raise RuleViolation(_("«{field}» takes a number from {low} to {high}").format(
            field=definition.title(), low=low if low is not None else "…", high=high if high is not None else "…"),
            field=definition.name)
    return format(number.normalize(), "f") if number == number.to_integral() else str(number)


DATE_FORMATS = (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"))


def _date(definition: FieldDef, value: Any) -> date:
    if isinstance(value, date):
        return value
    text = str(value).strip()
    iso, dotted = (pattern.match(text) for pattern in DATE_FORMATS)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dotted:
            return date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
    except ValueError:
        pass
    raise RuleViolation(_("«{field}» takes a date (DD.MM.YYYY), not «{value}»").format(
        field=definition.title(), value=value), field=definition.name)


def _option(definition: FieldDef, value: str) -> str:
    wanted = " ".join(value.split()).casefold()
    for option in definition.options:
        if option.casefold() == wanted:
            return option
    raise RuleViolation(_("«{field}» takes one of: {options}; not «{value}»").format(
        field=definition.title(), options=", ".join(definition.options), value=value.strip()), field=definition.name)


def clean_parameters(definitions: Sequence[FieldDef], typed: Mapping[str, Any]) -> dict[str, Any]:
    """Every field's stored value; an unknown field name, a wrong value or a required field left
    empty is refused with the field named (the first wrong value; then all missing ones)."""
    known = {d.name for d in definitions}
    unknown = [name for name in typed if name not in known]
    if unknown:
        raise RuleViolation(_("This request has no field «{name}»; its fields are: {names}").format(
            name=unknown[0], names=", ".join(d.name for d in definitions) or "—"), field=unknown[0])
    out = {}
    for definition in definitions:
        value = clean_value(definition, typed.get(definition.name))
        if value is not None:
            out[definition.name] = value
    missing = [d for d in definitions if d.required and d.name not in out]
    if missing:
        raise MissingFields(_("Fill in: {fields}").format(fields=", ".join(d.title() for d in missing)),
                            [d.name for d in missing])
    return out


def shown_value(definition: FieldDef, value: Any, names: Mapping[str, str] | None = None) -> str:
    """A stored value as the analyst reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if definition.kind == "yes_no":
        return _("yes") if value else _("no")
    if definition.kind == "date":
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y")
        except (TypeError, ValueError):
            return str(value)
    if definition.kind == "choices":
        return ", ".join(value) if isinstance(value, list) else str(value)
    if definition.kind == "person":
        return (names or {}).get(str(value), str(value))
    return str(value)


# --- task short descriptions from field values (R29) -----------------------------------------

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


def fill_template(template: str, values: Mapping[str, str]) -> str:
    """`{name}` replaced by the value shown for it; the values are the requester's text and are
    put in literally (never read as a template themselves)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
