"""A field and its value as an analyst reads them (R42, R44).

The journal keeps each change as it was made: the field's name and its raw old and new values
(`registered`, `desk`, `2026-12-06T14:00:51+00:00`, a login, `knowledge_article:1`), so that the
history stays exact whatever the interface's language. Everything that shows a change — the
record view's journal, «Історія змін», `helpdesk incident show` — turns it into words here:
statuses, channels, reason codes and whose turn by their names, times in the deployment's zone,
people by their full names, linked records by kind and number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.config_items import ITEM_KIND_LABELS
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.lifecycle import FIELD_LABELS
from helpdesk_tui.domain.priority import level_label, priority_label
from helpdesk_tui.domain.problem_status import PROBLEM_STATUS_LABELS
from helpdesk_tui.domain.statuses import (
    CHANNEL_LABELS,
    CRITICALITY_LABELS,
    INCIDENT_STATUS_LABELS,
    REASON_CODE_LABELS,
    ROLE_LABELS,
    TASK_STATUS_LABELS,
    TICKET_KIND_LABELS,
    names_in_all_languages,
)
from helpdesk_tui.domain.requests import REQUEST_STATUS_LABELS
from helpdesk_tui.domain.sla import URGENT_REASONS
from helpdesk_tui.i18n import LANGUAGES, N_, _, label_of, translator

EMPTY = "—"

# Names of the fields beyond those of the forms (lifecycle.FIELD_LABELS): what the journal records.
FIELD_NAMES: dict[str, str] = {
    **FIELD_LABELS,
    "number": N_("Number"),
    "requester": N_("Requester"),
    "item": N_("Catalog item"),
    "parent": N_("Parent"),
    "vendor": N_("Vendor"),
    "kind": N_("Kind"),
    "title": N_("Title"),
    "details": N_("Details"),
    "completion_comment": N_("Completion comment"),
    "waiting_on": N_("Whose turn"),
    "related": N_("Related record"),
    "created_at": N_("Created"),
    "updated_at": N_("Updated"),
    "responded_at": N_("Responded"),
    "resolved_at": N_("Resolved"),
    "closed_at": N_("Closed"),
    "accepted_at": N_("Accepted"),
    "completed_at": N_("Completed"),
    "response_due": N_("Response due"),
    "resolution_due": N_("Resolution due"),
    "due_at": N_("Due"),
    "owner_id": N_("Owner"),
    "caller_id": N_("Caller"),
    "group_id": N_("Work group"),
    "priority_overridden": N_("Priority changed by hand"),
    "urgent_reason": N_("Reason for urgency"),
    "agreement": N_("Client's agreement"),
    "ticket_kind": N_("Kind of ticket"),
    "agreed_at": N_("Agreed"),
    "login": N_("Login"),
    "full_name": N_("Full name"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "active": N_("Active"),
    "roles": N_("Roles"),
    "language": N_("Language"),
    "organisation_id": N_("Organisation"),
    "root_cause": N_("Root cause"),
    "workaround": N_("Workaround"),
    "incidents": N_("Incidents"),
    "location": N_("Location"),
    "name": N_("Name"),
    "service_id": N_("Service"),
    "configuration_item_id": N_("Configuration item"),
}

# R40: whose turn it is, as the record's dot says it.
TURN_LABELS: dict[str, str] = {
    "desk": N_("the desk"),
    "caller": N_("the caller"),
    "vendor": N_("the vendor"),
    "nobody": N_("nobody (closed)"),
}

# R38: how a related record is related, when it is more than «related».
RELATION_LABELS: dict[str, str] = {
    "split_into": N_("split off from this one"),
    "split_from": N_("this one was split off from it"),
}

RECORD_KIND_LABELS: dict[str, str] = {
    "incident": N_("Incident"),
    "knowledge_article": N_("Knowledge article"),
    "problem": N_("Problem"),
    "task": N_("Task"),
    "external_task": N_("External task"),
    "service_request": N_("Service request"),
}

LANGUAGE_LABELS: dict[str, str] = {"uk": N_("Ukrainian"), "en": N_("English")}

# Fields whose stored value names a person (by login) or a record (kind:id): shown by the name
# the store looked up for it (`names`).
PERSON_FIELDS = frozenset({"caller", "owner", "requester", "login"})
PERSON_ID_FIELDS = frozenset({"owner_id", "caller_id", "requester_id", "opened_by_id"})
RECORD_FIELDS = frozenset({"related"})
_BOOLEANS = frozenset({"active", "published", "priority_overridden"})
_LABELS: dict[str, Mapping[str, str]] = {
    "channel": CHANNEL_LABELS,
    "reason_code": REASON_CODE_LABELS,
    "criticality": CRITICALITY_LABELS,
    "kind": TICKET_KIND_LABELS,
    "ticket_kind": TICKET_KIND_LABELS,
    "urgent_reason": URGENT_REASONS,
    "waiting_on": TURN_LABELS,
    "language": LANGUAGE_LABELS,
}
# A status is named by its own record kind first; the journal of an incident also records the
# statuses of its vendor tasks («open → completed»), which are task statuses.
_STATUS_LABELS: dict[str, tuple[Mapping[str, str], ...]] = {
    "incident": (INCIDENT_STATUS_LABELS, TASK_STATUS_LABELS),  # type: ignore[dict-item]
    "task": (TASK_STATUS_LABELS, INCIDENT_STATUS_LABELS),  # type: ignore[dict-item]
    "external_task": (TASK_STATUS_LABELS,),  # type: ignore[dict-item]
    "service_request": (REQUEST_STATUS_LABELS, TASK_STATUS_LABELS),  # type: ignore[dict-item]
    "problem": (PROBLEM_STATUS_LABELS,),  # type: ignore[dict-item]
}


def field_name(field: str) -> str:
    """A field's name in the interface's language; an unknown one as it is."""
    return _(FIELD_NAMES[field]) if field in FIELD_NAMES else field


def record_label(kind: str, number: str | None) -> str:
    """«Стаття бази знань KB0000001»."""
    what = _(RECORD_KIND_LABELS[kind]) if kind in RECORD_KIND_LABELS else kind
    return f"{what} {number}" if number else what


def shown_value(field: str, value: str | None, *, kind: str = "incident",
                names: Mapping[str, str] | None = None) -> str:
    """What an analyst reads for a stored `value` of `field` on a record of `kind`.

    `names` maps the stored value of a person or record field to the name the store found for
    it (store/records.py looks them up for a whole journal at once); a value it lacks (the person
    was deleted) is shown as stored.
    """
    if value is None or value == "":
        return EMPTY
    if field in RECORD_FIELDS:
        kind_of, _sep, rid = value.partition(":")
        if kind_of not in RECORD_KIND_LABELS:
            return value
        return record_label(kind_of, (names or {}).get(value) or f"#{rid}")
    if field in PERSON_FIELDS or field in PERSON_ID_FIELDS:
        return (names or {}).get(value, value)
    if field == "status":
        for labels in _STATUS_LABELS.get(kind, (INCIDENT_STATUS_LABELS, TASK_STATUS_LABELS)):  # type: ignore[arg-type]
            if value in labels:
                return label_of(labels, value)
        return value
    if field == "priority":
        return _number_label(value, priority_label)
    if field in ("impact", "urgency"):
        return _number_label(value, level_label)
    if field == "kind" and kind == "configuration_item":
        return label_of(ITEM_KIND_LABELS, value) if value in ITEM_KIND_LABELS else value
    if field in _LABELS:
        labels = _LABELS[field]
        return _(labels[value]) if value in labels else value
    if field == "roles":
        return ", ".join(_(ROLE_LABELS[r]) if r in ROLE_LABELS else r  # type: ignore[index]
                         for r in value.split(",") if r) or EMPTY
    if field in _BOOLEANS:
        return {"true": _("yes"), "false": _("no")}.get(value, value)
    if field.endswith(("_at", "_due")):
        try:
            return when(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def _number_label(value: str, label) -> str:  # type: ignore[no-untyped-def]
    try:
        return label(int(value)) or value
    except ValueError:
        return value


# --- a filter as words (the saved searches' list, R14) ---------------------------------------

_OPERATOR_WORDS: dict[str, str] = {
    "=": N_("{field}: {value}"),
    "!=": N_("{field}: not {value}"),
    "in": N_("{field}: {value}"),
    "not in": N_("{field}: not {value}"),
    "contains": N_("{field} contains «{value}»"),
    "not contains": N_("{field} does not contain «{value}»"),
    "empty": N_("{field}: not set"),
    "not empty": N_("{field}: set"),
}
_COMPARISONS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}
# Values that are codes in the data and words on the screen; the rest (names, numbers, text)
# are shown as they were typed.
_CODED = frozenset({"status", "channel", "waiting_on", "reason_code", "criticality", "kind", "ticket_kind"})


def filter_value(kind: str, field: str, value: str) -> str:
    """One value of a filter's condition as people say it («registered» → «Зареєстровано»)."""
    if field in _CODED:
        return shown_value(field, value, kind=kind)
    if field in ("owner", "caller", "requester") and value.casefold() == "me":
        return _("me")
    return value


def describe_filter(kind: str, conditions: list[tuple[str, str, str | list[str] | None]], text: str = "") -> str:
    """A filter's conditions ((field, operator, value) each) and words, in words:
    «Статус: Зареєстровано; Робоча група: Перша лінія підтримки Контакт-центр»."""
    parts = []
    for field, op, value in conditions:
        values = value if isinstance(value, list) else [] if value is None else [value]
        shown = [filter_value(kind, field, v) for v in values]
        joined = (_(" or ") if op == "in" else ", ").join(shown)
        if op in _COMPARISONS:
            parts.append(f"{field_name(field)} {_COMPARISONS[op]} {joined}")
        else:
            parts.append(_(_OPERATOR_WORDS.get(op, "{field}: {value}")).format(field=field_name(field), value=joined))
    if text:
        parts.append(_("words: {text}").format(text=text))
    return "; ".join(parts)


def status_code(kind: str, text: str) -> str:
    """The status a label names, in either language («Закрито», «Closed» → closed); an unknown
    text as it is (the filter then says it knows no such status)."""
    from helpdesk_tui.domain.statuses import names_in_all_languages

    wanted = " ".join(text.strip().casefold().split())
    for labels in _STATUS_LABELS.get(kind, (INCIDENT_STATUS_LABELS,)):
        for code, label in labels.items():
            if wanted == str(code) or wanted in names_in_all_languages(label, getattr(labels, "context", None)):
                return str(code)
    return text.strip()


# Filter fields whose values are codes named by a label (R13): «критичність:термінова».
CHOSEN_BY_LABEL: dict[str, Mapping[str, str]] = {"channel": CHANNEL_LABELS, "criticality": CRITICALITY_LABELS,
                                                  "ticket_kind": TICKET_KIND_LABELS}
_WORD = re.compile(r"[^\W_]+")


def coded_value(field: str, text: str) -> str:
    """The code a typed value of `field` names: the code, its label in either language
    («термінова», «Urgent», «urgent» → urgent), or a beginning of a word of just one label
    («портал» → portal, «сайт» → web). Anything else is refused with the labels to choose from."""
    labels = CHOSEN_BY_LABEL[field]
    wanted = " ".join(text.strip().casefold().split())
    for code, label in labels.items():
        if wanted == str(code) or wanted in names_in_all_languages(label):
            return str(code)
    if wanted:
        begun = {str(code) for code, label in labels.items()
                 for lang in LANGUAGES for word in _WORD.findall(translator(lang)(label).casefold())
                 if word.startswith(wanted)}
        if len(begun) == 1:
            return begun.pop()
    raise RuleViolation(_("{field}: no value «{value}»; one of: {names}").format(
        field=field_name(field), value=text, names=", ".join(_(label) for label in labels.values())), field="filter")


# Fields a saved search keeps as codes, so that it reads the same in either language.
KEPT_AS_CODES = frozenset({"status", *CHOSEN_BY_LABEL})


def kept_value(kind: str, field: str, text: str) -> str:
    """What a saved search keeps for a value typed in its editor: the code a status, criticality
    or channel name means, in either language; any other text as typed, an unknown name too (the
    filter then says what it could be)."""
    if field == "status":
        return status_code(kind, text)
    if field in CHOSEN_BY_LABEL:
        try:
            return coded_value(field, text)
        except RuleViolation:
            return text.strip()
    return text
