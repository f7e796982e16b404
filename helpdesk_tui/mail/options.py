"""How parse_mail was asked to read a message: the attachment size cap (bodies.py), the loop
header and the desk's own addresses (machine.py). Shared by both, so it sits below them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class _Options:
    max_attachment_bytes: int
    loop_header: str
    own_addresses: frozenset[str]
