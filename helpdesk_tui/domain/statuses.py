"""Incident, task and external-task statuses with the names the users know (R9, R24, R29)."""

from __future__ import annotations

from enum import StrEnum

from helpdesk_tui.domain.problem_status import ProblemStatus
from helpdesk_tui.i18n import N_, _


class IncidentStatus(StrEnum):
    REGISTERED = "registered"
    IN_PROGRESS = "in_progress"
    INFO_NEEDED = "info_needed"
    INFO_PROVIDED = "info_provided"
    THIRD_PARTY = "third_party"
    FROM_THIRD_PARTY = "from_third_party"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _(INCIDENT_STATUS_LABELS[self])


INCIDENT_STATUS_LABELS: dict[IncidentStatus, str] = {
    IncidentStatus.REGISTERED: N_("Registered"),
    IncidentStatus.IN_PROGRESS: N_("In progress"),
    IncidentStatus.INFO_NEEDED: N_("Information needed"),
    IncidentStatus.INFO_PROVIDED: N_("Information provided"),
    IncidentStatus.THIRD_PARTY: N_("Passed to third party"),
    IncidentStatus.FROM_THIRD_PARTY: N_("Received from third party"),
    IncidentStatus.RESOLVED: N_("Resolved"),
    IncidentStatus.CLOSED: N_("Closed"),
    IncidentStatus.REOPENED: N_("Reopened"),
    IncidentStatus.CANCELLED: N_("Cancelled"),
}

# R9: the statuses in which the owner has to act, and those in which the desk waits.
NEEDS_MY_ACTION = frozenset(
    {
        IncidentStatus.REGISTERED,
        IncidentStatus.IN_PROGRESS,
        IncidentStatus.FROM_THIRD_PARTY,
        IncidentStatus.INFO_PROVIDED,
        IncidentStatus.REOPENED,
    }
)
AWAITING_OTHERS = frozenset(
    {IncidentStatus.INFO_NEEDED, IncidentStatus.THIRD_PARTY, IncidentStatus.RESOLVED}
)
FINAL = frozenset({IncidentStatus.CLOSED, IncidentStatus.CANCELLED})
ACTIVE = frozenset(set(IncidentStatus) - FINAL)


class TaskStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _(TASK_STATUS_LABELS[self])


TASK_STATUS_LABELS: dict[TaskStatus, str] = {
    TaskStatus.OPEN: N_("Open"),
    TaskStatus.ACCEPTED: N_("Accepted"),
    TaskStatus.COMPLETED: N_("Completed"),
    TaskStatus.CANCELLED: N_("Cancelled"),
}
TASK_DONE = frozenset({TaskStatus.COMPLETED, TaskStatus.CANCELLED})


class ExternalTaskStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _(TASK_STATUS_LABELS[TaskStatus(self.value)])


class Channel(StrEnum):
    """R37: how a request reached the desk."""

    PHONE = "phone"
    EMAIL = "email"
    PORTAL = "portal"
    WEB = "web"
    MESSENGER = "messenger"
    WALK_IN = "walk_in"

    @property
    def label(self) -> str:
        return _(CHANNEL_LABELS[self])


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.PHONE: N_("Phone"),
    Channel.EMAIL: N_("E-mail"),
    Channel.PORTAL: N_("Self-service portal"),
    Channel.WEB: N_("Web site"),
    Channel.MESSENGER: N_("Messenger"),
    Channel.WALK_IN: N_("In person"),
}
# The order a choice offers them in: the seed's (phone, messenger, the site, the portal, e-mail),
# then what it does not name.
CHANNEL_ORDER: tuple[Channel, ...] = (Channel.PHONE, Channel.MESSENGER, Channel.WEB, Channel.PORTAL, Channel.EMAIL,
                                      Channel.WALK_IN)


class ReasonCode(StrEnum):
    """R25: «Код причини» of a resolution."""

    PERMANENT_FIX = "permanent_fix"
    WORKAROUND = "workaround"
    ADVICE = "advice"
    NOT_REPRODUCIBLE = "not_reproducible"
    DUPLICATE = "duplicate"
    SOLVED_BY_CALLER = "solved_by_caller"
    OUT_OF_SCOPE = "out_of_scope"

    @property
    def label(self) -> str:
        return _(REASON_CODE_LABELS[self])


REASON_CODE_LABELS: dict[ReasonCode, str] = {
    ReasonCode.PERMANENT_FIX: N_("Solved (permanent fix)"),
    ReasonCode.WORKAROUND: N_("Solved (workaround)"),
    ReasonCode.ADVICE: N_("Advice or training given"),
    ReasonCode.NOT_REPRODUCIBLE: N_("Not reproducible"),
    ReasonCode.DUPLICATE: N_("Duplicate"),
    ReasonCode.SOLVED_BY_CALLER: N_("Solved by the caller"),
    ReasonCode.OUT_OF_SCOPE: N_("Outside the scope of support"),
}


class Criticality(StrEnum):
    """R34: the service-desk profile's criticality."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        return _(CRITICALITY_LABELS[self])


CRITICALITY_LABELS: dict[Criticality, str] = {
    Criticality.LOW: N_("Low"),
    Criticality.MEDIUM: N_("Medium"),
    Criticality.HIGH: N_("High"),
    Criticality.URGENT: N_("Urgent"),
}


# R36: what kind of work a ticket is (the seed's «Категорія звернення»): the desk's, within the
# subscription, or development's, outside it.
TICKET_KIND_LABELS: dict[str, str] = {
    "incident": N_("Incident"),
    "change_request": N_("Change request"),
}


# Journal entries that are comments (R16): what can be unread, and marked read or unread.
COMMENT_KINDS = ("note", "email", "task")
# Those that can carry a question of their own, to split off into a ticket (R38): an e-mail
# received in the thread, or a note (what a caller said on the phone).
SPLITTABLE_KINDS = ("email", "note")


class Role(StrEnum):
    """R2: the roles a person may hold."""

    ANALYST = "analyst"
    GROUP_MEMBER = "group_member"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return _(ROLE_LABELS[self])


ROLE_LABELS: dict[Role, str] = {
    Role.ANALYST: N_("Support analyst"),
    Role.GROUP_MEMBER: N_("Work group member"),
    Role.ADMIN: N_("Administrator"),
}


def names_in_all_languages(source: str, context: str | None = None) -> set[str]:
    """A label's source text and its translation in every language, case-folded."""
    from helpdesk_tui.i18n import LANGUAGES, context_translator, translator

    if context:
        return {source.casefold()} | {context_translator(lang)(context, source).casefold() for lang in LANGUAGES}
    return {source.casefold()} | {translator(lang)(source).casefold() for lang in LANGUAGES}


def parse_incident_status(text: str) -> IncidentStatus:
    """A status from its code or from its name in either language, case-insensitively."""
    from helpdesk_tui.domain.errors import RuleViolation

    wanted = " ".join(text.strip().casefold().split())
    for status in IncidentStatus:
        if wanted == status.value or wanted in names_in_all_languages(INCIDENT_STATUS_LABELS[status]):
            return status
    raise RuleViolation(
        _("Unknown status «{name}»; one of: {names}").format(
            name=text, names=", ".join(f"{s.value} ({s.label})" for s in IncidentStatus)
        )
    )




def status_label(kind: str, code: str | None) -> str:
    """A record's status as people say it; an unknown code as it is."""
    if code is None:
        return ""
    try:
        if kind == "incident":
            return IncidentStatus(code).label
        if kind == "task":
            return TaskStatus(code).label
    except ValueError:
        return code
    if kind == "service_request":
        from helpdesk_tui.domain.requests import RequestStatus

        try:
            return RequestStatus(code).label
        except ValueError:
            return code
    if kind == "problem":
        try:
            return ProblemStatus(code).label
        except ValueError:
            return code
    return code
