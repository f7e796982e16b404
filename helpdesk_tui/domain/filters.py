"""The filter language shared by the typed filter line, quick filters and saved searches (R13–R15).

    status:Зареєстровано group:"Перша лінія" priority<=2 -owner:me критичність:термінова принтер

`field:value` is equality, `field:a,b` is one of several, `field~text` contains, `-field:value`
negates, `field:` alone is empty, comparisons `< <= > >=`; bare words are free text. Field names
work in English and Ukrainian. A saved search stores the parsed conditions, not the text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.i18n import _

OPERATORS = ("=", "!=", "in", "not in", "contains", "not contains", "empty", "not empty", "<", "<=", ">", ">=")

# Ukrainian field names as the users say them, and short English ones.
FIELD_ALIASES: dict[str, str] = {
    "статус": "status",
    "стан": "status",
    "пріоритет": "priority",
    "вплив": "impact",
    "терміновість": "urgency",
    "група": "group",
    "робоча_група": "group",
    "власник": "owner",
    "користувач": "caller",
    "абонент": "caller",
    "caller": "caller",
    "user": "caller",
    "сервіс": "service",
    "категорія": "category",
    "канал": "channel",
    "критичність": "criticality",
    "вид": "ticket_kind",  # R36: incident or change request («Категорія звернення» in the seed)
    "вид_звернення": "ticket_kind",
    "kind": "ticket_kind",
    "номер": "number",
    "опис": "description",
    "короткий_опис": "short_description",
    "title": "short_description",
    "організація": "organisation",
    "org": "organisation",
    "client": "organisation",
    "створено": "created_at",
    "created": "created_at",
    "оновлено": "updated_at",
    "updated": "updated_at",
    "черга": "waiting_on",
    "turn": "waiting_on",
    "заявник": "requester",
    "позиція": "item",
    "каталог": "item",
    "термін": "due_at",
    "due": "due_at",
}


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: str | list[str] | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Condition:
        op = str(data.get("op", "="))
        if op not in OPERATORS:
            raise RuleViolation(_("Unknown operator «{op}»").format(op=op))
        value = data.get("value")
        if isinstance(value, list):
            value = [str(v) for v in value]
        elif value is not None:
            value = str(value)
        return cls(str(data["field"]), op, value)


@dataclass(frozen=True)
class Filter:
    conditions: tuple[Condition, ...] = ()
    text: str = ""


_TOKEN = re.compile(r"^(?P<neg>-)?(?P<field>[\w.]+)(?P<op><=|>=|!=|:|~|<|>|=)(?P<value>.*)$", re.UNICODE)


def canonical_field(name: str, known: set[str] | None = None) -> str | None:
    key = name.casefold()
    field = FIELD_ALIASES.get(key, key)
    if known is not None and field == "caller" and "caller" not in known and "requester" in known:
        field = "requester"  # «користувач» of a request is its requester (R27)
    if known is not None and field not in known:
        return None
    return field


def _tokens(line: str) -> list[tuple[str, bool, bool]]:
    """Split on spaces outside double quotes; (token, whether it had quotes, whether it began
    with one: a wholly quoted "http://x" is text, never a field).

    Only double quotes quote: the apostrophe is a letter in Ukrainian («зв'язок»).
    """
    tokens: list[tuple[str, bool, bool]] = []
    buf: list[str] = []
    quoted = in_quotes = leading = False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_quotes:
            if ch == "\\" and i + 1 < len(line) and line[i + 1] in '"\\':
                buf.append(line[i + 1])
                i += 1
            elif ch == '"':
                in_quotes = False
            else:
                buf.append(ch)
        elif ch == '"':
            leading = leading or (not buf and not quoted)
            in_quotes = quoted = True
        elif ch.isspace():
            if buf or quoted:
                tokens.append(("".join(buf), quoted, leading))
            buf, quoted, leading = [], False, False
        else:
            buf.append(ch)
        i += 1
    if in_quotes:
        raise RuleViolation(_("Unbalanced quotes in the filter"))
    if buf or quoted:
        tokens.append(("".join(buf), quoted, leading))
    return tokens


_WORD = re.compile(r"[^\W\d]+")


def parse(line: str, known_fields: set[str] | None = None) -> Filter:
    """Parse a filter line. `name:value` with a name that is no field is refused (it would find
    nothing, silently); a token in quotes, or with digits before the colon («10:30»), is text."""
    conditions: list[Condition] = []
    words: list[str] = []
    for token, quoted, leading in _tokens(line):
        match = None if leading else _TOKEN.match(token)
        field = canonical_field(match["field"], known_fields) if match else None
        if match is not None and field is None and known_fields is not None and _WORD.fullmatch(match["field"]):
            raise RuleViolation(_("No field «{name}»; the fields are: {names} (put text with a colon in quotes)").format(
                name=match["field"], names=", ".join(sorted(known_fields))), field="filter")
        if match is None or field is None:
            words.append(token)
            continue
        neg, op, value = bool(match["neg"]), match["op"], match["value"]
        if op in (":", "="):
            if value == "":
                cond = Condition(field, "not empty" if neg else "empty")
            elif "," in value and not quoted:
                cond = Condition(field, "not in" if neg else "in", [v for v in value.split(",") if v])
            else:
                cond = Condition(field, "!=" if neg else "=", value)
        elif op == "!=":
            cond = Condition(field, "=" if neg else "!=", value)
        elif op == "~":
            cond = Condition(field, "not contains" if neg else "contains", value)
        else:
            if neg:
                op = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}[op]
            cond = Condition(field, op, value)
        conditions.append(cond)
    return Filter(tuple(conditions), " ".join(words))


def _quote(value: str) -> str:
    if value and not re.search(r'[\s",:\\<>=~]', value) and not value.startswith("-"):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'



def format_filter(flt: Filter) -> str:
    """The filter line that parses back to the same filter."""
    parts = []
    for c in flt.conditions:
        if c.op == "=":
            parts.append(f"{c.field}:{_quote(str(c.value))}")
        elif c.op == "!=":
            parts.append(f"-{c.field}:{_quote(str(c.value))}")
        elif c.op in ("in", "not in"):
            values = ",".join(c.value or [])  # type: ignore[arg-type]
            parts.append(f"{'-' if c.op == 'not in' else ''}{c.field}:{_quote(values) if ' ' in values else values}")
        elif c.op in ("contains", "not contains"):
            parts.append(f"{'-' if c.op == 'not contains' else ''}{c.field}~{_quote(str(c.value))}")
        elif c.op == "empty":
            parts.append(f"{c.field}:")
        elif c.op == "not empty":
            parts.append(f"-{c.field}:")
        else:
            parts.append(f"{c.field}{c.op}{_quote(str(c.value))}")
    if flt.text:  # a word that would read as a condition goes back in quotes, as it came
        parts.append(" ".join(_quote(w) if _TOKEN.match(w) else w for w in flt.text.split()))
    return " ".join(parts)
