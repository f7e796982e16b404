"""Change requests (R36): an incident of the kind «запит на зміну» goes to the development work
group, its time stays outside the subscription, and its work starts only after the client has
agreed to it («на відміну від підрозділу тех. підтримки… попередньо погоджуються з Клієнтом»).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlmodel import Session

from helpdesk_tui.desk import notify, settings
from helpdesk_tui.desk.common import apply_changes, bump, check_text, desk_staff, feed, journal
from helpdesk_tui.desk.incident_rules import KIND, load_for_change, named_diff
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import GroupMember, Incident, Person, WorkGroup
from helpdesk_tui.store.time_tables import TimeEntry
from helpdesk_tui.store.types import utcnow

KINDS = ("incident", "change_request")
AGREEMENT_MAX = 500


@dataclass(frozen=True)
class KindChange:
    incident: Incident
    group: str | None  # the development group it went to
    missing_group: str | None  # the configured group, when no active group has that name


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise RuleViolation(_("A ticket is an incident or a change request"), field="kind")
    return kind


def development_group(session: Session) -> tuple[WorkGroup | None, str | None]:
    """(the group change requests go to, its configured name when it is missing)."""
    name = settings.current().development_group
    if not name:
        return None, None
    group = session.execute(select(WorkGroup).where(WorkGroup.name == name, WorkGroup.active.is_(True))  # type: ignore[attr-defined]
                            ).scalar_one_or_none()
    return group, (None if group else name)


def kind_changes(session: Session, incident: Incident, kind: str) -> tuple[dict[str, object], WorkGroup | None, str | None]:
    """The fields that making `incident` of `kind` changes: the kind, and for a change request
    the development group (the owner stays only if they are in it)."""
    changes: dict[str, object] = {"kind": check_kind(kind)}
    group, missing = (None, None)
    if kind == "change_request" and incident.kind != "change_request":
        group, missing = development_group(session)
        if group is not None and group.id != incident.group_id:
            changes["group_id"] = group.id
            if incident.owner_id is not None and session.get(GroupMember, (group.id, incident.owner_id)) is None:
                changes["owner_id"] = None
    return changes, group, missing


def follow_kind(session: Session, incident: Incident) -> None:
    """The ticket's time follows its kind: a change request's never counts, both ways, and each
    entry's own «counts» choice is kept for when it is an incident again."""
    session.execute(update(TimeEntry)
                    .where(TimeEntry.record_kind == KIND, TimeEntry.record_id == incident.id)  # type: ignore[arg-type]
                    .values(change_request=incident.kind == "change_request"))


def set_kind(session: Session, actor: Person | None, incident: Incident, kind: str, *,
             expected_version: int | None = None) -> KindChange:
    """Reclassify an incident as a change request or back (R36)."""
    actor = desk_staff(session, actor)
    incident = load_for_change(session, incident, expected_version)
    changes, group, missing = kind_changes(session, incident, kind)
    diff = apply_changes(incident, changes)
    if diff:
        bump(incident)
        follow_kind(session, incident)
        summary = (Message(N_("Made a change request: outside the subscription, agreed with the client before work"))
                   if kind == "change_request" else Message(N_("Made an incident again")))
        journal(session, record_kind=KIND, record_id=incident.id, kind="change", author=actor,  # type: ignore[arg-type]
                summary=summary, diff=named_diff(session, diff), record_version=incident.version)
        if kind == "change_request":
            ask_agreement(session, actor, incident)
        feed(session, KIND, incident.id, "updated", actor)  # type: ignore[arg-type]
    return KindChange(incident, group.name if group and "group_id" in changes else None, missing)


def ask_agreement(session: Session, actor: Person | None, incident: Incident) -> None:
    """Tell the caller it is a change request and how to agree to it (by a reply: mail/intake.py)."""
    if incident.caller_id is None or incident.agreed_at is not None:
        return
    caller = session.get(Person, incident.caller_id)
    if caller is not None:
        notify.queue(session, template="change_request", record_kind=KIND, record_id=incident.id,  # type: ignore[arg-type]
                     number=incident.number, recipients=[caller], author=actor,
                     values=notify.incident_values(session, incident))


def record_agreement(session: Session, actor: Person | None, incident: Incident, how: str, *,
                     expected_version: int | None = None) -> Incident:
    """The client agreed to the change request: who agreed and how («по телефону, Іваненко»)."""
    actor = desk_staff(session, actor)
    incident = load_for_change(session, incident, expected_version)
    if incident.kind != "change_request":
        raise RuleViolation(_("{number} is not a change request: incidents are not agreed beforehand")
                            .format(number=incident.number), field="kind")
    if incident.agreed_at is not None:
        raise RuleViolation(_("The client's agreement to {number} is already recorded").format(number=incident.number),
                            field="agreement")
    how = check_text(how, "agreement", required=True, limit=AGREEMENT_MAX)
    diff = apply_changes(incident, {"agreed_at": utcnow(), "agreement": how})
    bump(incident)
    journal(session, record_kind=KIND, record_id=incident.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("The client agreed to the change request")), body=how,
            diff=[d for d in diff if d[0] == "agreement"], record_version=incident.version)
    feed(session, KIND, incident.id, "updated", actor)  # type: ignore[arg-type]
    return incident


def check_may_start(incident: Incident, kind: str | None = None) -> None:
    """Work on a change request starts once the client has agreed."""
    if (kind or incident.kind) == "change_request" and incident.agreed_at is None:
        raise RuleViolation(
            _("{number} is a change request: record the client's agreement before work starts")
            .format(number=incident.number), field="agreement")
