"""Rule 1 of the architecture, as Harlequin checks it: the core never pulls in Textual."""

from __future__ import annotations

import subprocess
import sys


def test_core_and_cli_do_not_import_textual_or_the_database_into_rules():
    code = (
        "import sys\n"
        "import helpdesk_tui.domain.lifecycle, helpdesk_tui.domain.filters, helpdesk_tui.domain.priority\n"
        "assert 'sqlalchemy' not in sys.modules and 'sqlmodel' not in sys.modules, 'domain imports the database'\n"
        "import helpdesk_tui.cli, helpdesk_tui.desk.incidents, helpdesk_tui.store.queries\n"
        "assert 'textual' not in sys.modules, 'textual imported outside the UI'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
