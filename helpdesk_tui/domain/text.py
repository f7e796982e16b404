"""Untrusted text made safe to show (rule 7): no terminal control sequence reaches the screen."""

from __future__ import annotations

import re

# C0 controls (but tab and newline), DEL and the C1 range, including ESC and CSI (U+009B).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC
    if code == 0x7F:
        return "\u2421"
    return f"\\x{code:02x}"


def printable(text: str | None, *, one_line: bool = False) -> str:
    """`text` with control characters replaced by visible stand-ins; optionally on one line."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n")
    if one_line:
        text = " ".join(text.replace("\t", " ").split("\n"))
    return _CONTROL.sub(_stand_in, text)
