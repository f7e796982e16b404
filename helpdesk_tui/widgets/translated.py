"""Key bindings and safe text for every screen and widget.

Binding descriptions are marked with N_ where they are declared and translated per instance,
so a screen built after a language switch speaks the new language.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from helpdesk_tui.domain.text import printable
from helpdesk_tui.i18n import N_, _

# Textual's own bindings that reach the key bar or the command palette (textual/screen.py,
# widgets/_select.py): their English descriptions, for the catalog; shown through `described`.
TEXTUAL_DESCRIPTIONS = frozenset({
    N_("Dismiss menu"), N_("Copy selected text"), N_("Focus Next"), N_("Focus Previous"),
})


def translate_bindings(node: DOMNode) -> None:
    keys = {
        key: [replace(b, description=_(b.description) if b.description else "",
                      tooltip=_(b.tooltip) if b.tooltip else "") for b in bindings]
        for key, bindings in node._bindings.key_to_bindings.items()
    }
    node._bindings = BindingsMap.from_keys(keys)


def described(binding: Binding) -> str | None:
    """What a binding does, in the interface's language; None for Textual's internals whose
    English has no translation here (an Input's cursor moves: no command anyone looks for)."""
    if not binding.description:
        return None
    if binding.id is not None:  # ours: translated when the node was built
        return binding.description
    return _(binding.description) if binding.description in TEXTUAL_DESCRIPTIONS else None


class TranslatedBindings:
    """Mixin: this node's bindings in the interface's language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)  # type: ignore[arg-type]


def literal(text: str | None, style: str = "", *, one_line: bool = False) -> Text:
    """Untrusted text as it was typed (rule 7): no markup, no terminal control sequences."""
    return Text(printable(text, one_line=one_line), style=style)
