"""Under CI a skipped test fails the run (tests/strict_ci.py), whatever truthy value CI has; a
developer without PostgreSQL, Dovecot or Babel still gets skips, with the reason."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SUITE = {
    "test_in_a_test.py": """
import pytest

def test_needs_a_server():
    pytest.skip("PostgreSQL is missing")

@pytest.mark.skip(reason="not on this machine")
def test_marked():
    pass

def test_passes():
    pass

@pytest.mark.xfail(reason="a known bug", strict=True)
def test_known_bug():
    assert False
""",
    "test_at_collection.py": """
import pytest

pytest.importorskip("no_such_module_for_strict_ci", reason="Babel is missing")

def test_never_collected():
    pass
""",
}


def _pytest(tmp_path: Path, ci: str | None, name: str) -> tuple[int, str, str]:
    """(exit code, output, summary line) of pytest with the plugin on one of SUITE's files."""
    (tmp_path / name).write_text(SUITE[name], encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.strict_ci", "-p", "no:cacheprovider",
                          "-q", "-rs", str(tmp_path / name)], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    return run.returncode, run.stdout, run.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("ci", ["true", "1", "yes", "TRUE", "on"])
def test_under_ci_every_skip_fails_the_run(tmp_path, ci):
    code, out, summary = _pytest(tmp_path, ci, "test_in_a_test.py")
    assert code == 1 and "skipped" not in summary, out
    # The skip in the test fails it, the marked one fails its setup (an error); an xfail stays an xfail.
    assert "1 failed" in summary and "1 error" in summary and "1 passed" in summary and "1 xfailed" in summary, out
    for reason in ("PostgreSQL is missing", "not on this machine"):
        assert re.search(rf"skipped under CI={ci}, which counts as a failure: .*{reason}", out), out
    code, out, summary = _pytest(tmp_path, ci, "test_at_collection.py")
    assert code != 0 and "skipped" not in summary and "error" in summary, out
    assert re.search(rf"skipped under CI={ci}, which counts as a failure: .*Babel is missing", out), out


@pytest.mark.parametrize("ci", [None, "", "0", "false", "no", "off"])
def test_outside_ci_a_skip_is_a_skip(tmp_path, ci):
    code, out, summary = _pytest(tmp_path, ci, "test_in_a_test.py")
    assert code == 0 and "2 skipped" in summary and "1 passed" in summary and "1 xfailed" in summary, out
    code, out, summary = _pytest(tmp_path, ci, "test_at_collection.py")
    assert code in (0, 5) and "1 skipped" in summary and "Babel is missing" in out, out  # 5: nothing else to collect


def test_the_suite_and_the_ci_script_use_it(request):
    hooks = request.config.pluginmanager.hook.pytest_runtest_makereport.get_hookimpls()
    assert any(impl.function.__module__.endswith("strict_ci") for impl in hooks)  # through conftest.py
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^CI=true \.venv/bin/python -m pytest\b", script, re.MULTILINE)


@pytest.mark.parametrize("ci", ["1", "yes", "true"])
def test_a_missing_mail_corpus_fails_under_any_truthy_ci(monkeypatch, tmp_path, ci):
    from tests import test_mail_parse

    def outcome() -> BaseException | None:
        try:
            test_mail_parse._corpus_path("mail001.box")
        except BaseException as exc:  # pytest's skip and fail are outcomes, not Exceptions
            return exc
        return None

    monkeypatch.setattr(test_mail_parse, "CORPUS", tmp_path / "no-corpus")
    monkeypatch.setenv("CI", ci)
    failed = outcome()
    assert isinstance(failed, pytest.fail.Exception) and "the mail corpus is missing" in str(failed), repr(failed)
    monkeypatch.setenv("CI", "0")
    skipped = outcome()
    assert isinstance(skipped, pytest.skip.Exception) and "the mail corpus is missing" in str(skipped), repr(skipped)


@pytest.mark.parametrize("ci, fails", [("1", True), ("on", True), ("", False)])
def test_the_translation_checks_without_babel_fail_under_ci(tmp_path, ci, fails):
    hidden = tmp_path / "babel"
    hidden.mkdir()
    (hidden / "__init__.py").write_text("raise ImportError('Babel is not installed here')\n", encoding="utf-8")
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", "tests/test_i18n.py"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert "the translation checks need Babel" in run.stdout, run.stdout
    summary = run.stdout.strip().splitlines()[-1]
    if fails:
        assert run.returncode not in (0, 5) and "skipped" not in summary, run.stdout
    else:  # 5: nothing else was collected
        assert run.returncode in (0, 5) and "1 skipped" in summary, run.stdout
