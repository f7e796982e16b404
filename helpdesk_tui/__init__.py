"""helpdesk-tui: a keyboard-driven terminal help desk for support analysts."""

__version__ = "0.1.0"
