"""Priority from impact and urgency (R20), with the override that needs a justification."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.i18n import N_, _

LEVELS = (1, 2, 3)
LEVEL_LABELS = {1: N_("1 - High"), 2: N_("2 - Medium"), 3: N_("3 - Low")}
PRIORITY_LABELS = {
    1: N_("1 - Critical"),
    2: N_("2 - High"),
    3: N_("3 - Moderate"),
    4: N_("4 - Low"),
    5: N_("5 - Planning"),
}

# ServiceNow's default data lookup: (impact, urgency) -> priority.
DEFAULT_MATRIX: dict[tuple[int, int], int] = {
    (1, 1): 1, (1, 2): 2, (1, 3): 3,
    (2, 1): 2, (2, 2): 3, (2, 3): 4,
    (3, 1): 3, (3, 2): 4, (3, 3): 5,
}  # fmt: skip


def level_label(level: int | None) -> str:
    return _(LEVEL_LABELS[level]) if level in LEVEL_LABELS else ""


def priority_label(priority: int | None) -> str:
    return _(PRIORITY_LABELS[priority]) if priority in PRIORITY_LABELS else ""


@dataclass(frozen=True)
class PriorityMatrix:
    table: Mapping[tuple[int, int], int] = field(default_factory=lambda: dict(DEFAULT_MATRIX))

    def __post_init__(self) -> None:
        for impact in LEVELS:
            for urgency in LEVELS:
                value = self.table.get((impact, urgency))
                if value not in PRIORITY_LABELS:
                    raise ValueError(f"priority matrix: ({impact}, {urgency}) must map to 1..5, not {value!r}")

    @classmethod
    def from_rows(cls, rows: list[list[int]]) -> PriorityMatrix:
        """From three rows (impact 1..3) of three priorities (urgency 1..3), as in the config file."""
        if len(rows) != 3 or any(len(r) != 3 for r in rows):
            raise ValueError("priority matrix: three rows of three numbers")
        return cls({(i + 1, u + 1): rows[i][u] for i in range(3) for u in range(3)})

    def compute(self, impact: int | None, urgency: int | None) -> int | None:
        if impact is None or urgency is None:
            return None
        check_level("impact", impact)
        check_level("urgency", urgency)
        return self.table[(impact, urgency)]


def check_level(name: str, value: int) -> None:
    if value not in LEVELS:
        from helpdesk_tui.domain.lifecycle import field_label

        raise RuleViolation(
            _("{field} must be 1, 2 or 3, not {value}").format(field=field_label(name), value=value), field=name
        )


def check_override(priority: int, justification: str | None) -> None:
    """R20: an override names its priority and says why."""
    if priority not in PRIORITY_LABELS:
        raise RuleViolation(_("Priority must be from 1 to 5, not {value}").format(value=priority), field="priority")
    if not justification or not justification.strip():
        raise RuleViolation(_("Changing the priority needs a justification"), field="justification")
