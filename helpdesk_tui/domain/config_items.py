"""Kinds of configuration item («Конфігураційний елемент», R25): what the desk's lists and
forms call them."""

from __future__ import annotations

from enum import StrEnum

from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.i18n import N_, _


class ItemKind(StrEnum):
    SERVER = "server"
    WORKSTATION = "workstation"
    PRINTER = "printer"
    NETWORK = "network"
    SOFTWARE = "software"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _(ITEM_KIND_LABELS[self])


ITEM_KIND_LABELS: dict[ItemKind, str] = {
    ItemKind.SERVER: N_("Server"),
    ItemKind.WORKSTATION: N_("Workstation"),
    ItemKind.PRINTER: N_("Printer"),
    ItemKind.NETWORK: N_("Network equipment"),
    ItemKind.SOFTWARE: N_("Software"),
    ItemKind.OTHER: N_("Other"),
}


def parse_kind(value: str | None) -> ItemKind:
    """A kind by its code or its label in either language."""
    text = (value or "").strip().casefold()
    for kind in ItemKind:
        if text in (kind.value, _(ITEM_KIND_LABELS[kind]).casefold(), ITEM_KIND_LABELS[kind].casefold()):
            return kind
    raise RuleViolation(_("A configuration item's kind is one of: {kinds}").format(
        kinds=", ".join(f"{k.value} ({k.label})" for k in ItemKind)), field="kind")
