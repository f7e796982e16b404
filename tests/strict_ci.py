"""Under CI a skipped test is a failed test: a skip there means something the suite needs
(PostgreSQL, Dovecot, the mail corpus, Babel) was missing, and the run must not look green.

`in_ci()` reads the CI variable the way CI services set it (true, 1, yes, on, any case); the
hooks below turn every skip, at collection or in a test, into a failure that says why it was
skipped. tests/conftest.py imports them, so they apply to the whole suite; `.ci/run` sets CI.
A test that is expected to fail (xfail) is left alone: that is not a skip.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

_FALSE = ("", "0", "false", "no", "off")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in _FALSE


def skip_or_fail(reason: str) -> None:
    """Skip for a developer without the tool; fail under CI. Also at a module's top level."""
    if in_ci():
        pytest.fail(f"CI={os.environ.get('CI')} and {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def _why(longrepr: Any) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (path, line, "Skipped: reason")
        return f"{longrepr[0]}:{longrepr[1]}: {longrepr[2]}"
    return str(longrepr)


def _failed_instead(report: Any) -> None:
    report.outcome = "failed"
    report.longrepr = f"skipped under CI={os.environ.get('CI')}, which counts as a failure: {_why(report.longrepr)}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and in_ci():
        _failed_instead(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci():
        _failed_instead(report)
