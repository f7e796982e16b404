"""SSH deployments through a real sshd on loopback: one service account, each analyst's key
mapped to their login by a forced command (`helpdesk ssh-keys sync`), nothing they type can
make them someone else."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpdesk_tui.cli import main
from tests import ssh_server
from tests.strict_ci import in_ci
from tests.trust import OS_USER
from tests.world import seed


@pytest.fixture
def deployment(sqlite_db, tmp_path, capsys):
    if not ssh_server.available():
        if in_ci():
            pytest.fail(f"CI=true and {ssh_server.HINT}", pytrace=False)
        pytest.skip(ssh_server.HINT)
    seed(sqlite_db)
    # The service account's own config: its database, and it is the account ssh-serve runs as.
    service_config = tmp_path / "service.toml"
    service_config.write_text(f'[database]\nurl = "{sqlite_db.url}"\n[ui]\nlanguage = "en"\n'
                              f'[auth]\nservice_user = "{OS_USER}"\n', encoding="utf-8")
    program = tmp_path / "helpdesk-service"
    helpdesk = Path(sys.executable).with_name("helpdesk")
    program.write_text("#!/bin/sh\n"
                       f"export HELPDESK_CONFIG='{service_config}' XDG_CONFIG_HOME='{tmp_path / 'xdg'}' "
                       f"XDG_CACHE_HOME='{tmp_path / 'cache'}' PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring\n"
                       f"exec '{helpdesk}' \"$@\"\n", encoding="utf-8")
    program.chmod(0o755)
    server = ssh_server.SshServer(tmp_path)
    try:
        server.start()
    except RuntimeError as exc:
        server.stop()
        pytest.fail(f"could not start sshd: {exc}", pytrace=False)
    keys = {name: ssh_server.keygen(tmp_path / f"id_{name}") for name in ("ivan", "admin", "stranger")}

    def admin_cli(*args: str) -> str:
        code = main(["--db", sqlite_db.url, "--lang", "en", "--as", "admin", *args])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    admin_cli("ssh-keys", "add", "ivan", str(keys["ivan"]) + ".pub")
    admin_cli("ssh-keys", "add", "admin", str(keys["admin"]) + ".pub")
    admin_cli("ssh-keys", "sync", "--file", str(server.authorized_keys), "--program", str(program))
    yield server, keys, admin_cli
    server.stop()


def test_a_key_signs_its_person_in_and_commands_run_as_them(deployment):
    server, keys, _admin = deployment
    done = server.ssh(keys["ivan"], "whoami", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["login"] == "ivan"
    made = server.ssh(keys["ivan"], "incident", "new", "-s", "'Не друкує принтер'", "--caller", "olena", "--owner", "ivan",
                      "--json")
    assert made.returncode == 0, made.stderr
    listed = server.ssh(keys["ivan"], "helpdesk", "incident", "list", "--json")  # a leading «helpdesk» is fine
    assert [i["short_description"] for i in json.loads(listed.stdout)["rows"]] == ["Не друкує принтер"]
    assert json.loads(server.ssh(keys["admin"], "whoami", "--json").stdout)["login"] == "admin"


def test_nobody_becomes_someone_else_over_ssh(deployment, tmp_path):
    server, keys, _admin = deployment
    for command in (("--as", "admin", "whoami"), ("whoami", "--as=admin"), ("--db", str(tmp_path / "x.db"), "whoami"),
                    ("login", "admin")):
        done = server.ssh(keys["ivan"], "helpdesk", *command)  # ssh itself would take a leading option
        assert done.returncode == 1, (command, done.stdout, done.stderr)
        assert "over SSH" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    refused = server.ssh(keys["ivan"], "db", "backup", str(tmp_path / "all.json"))
    assert refused.returncode == 1 and "needs an administrator; ivan is not one" in refused.stderr
    assert not (tmp_path / "all.json").exists()
    # A shell is never started: a command that would be harmless to a shell is just a bad command.
    odd = server.ssh(keys["ivan"], "whoami; touch", str(tmp_path / "pwned"))
    assert odd.returncode != 0 and not (tmp_path / "pwned").exists()


def test_an_unregistered_key_is_refused(deployment):
    server, keys, _admin = deployment
    done = server.ssh(keys["stranger"], "whoami")
    assert done.returncode == 255 and "Permission denied" in done.stderr


def test_a_removed_key_is_shut_out_after_sync(deployment, tmp_path):
    server, keys, admin = deployment
    fingerprint = json.loads(admin("ssh-keys", "list", "--json"))[0]["fingerprint"]
    admin("ssh-keys", "remove", fingerprint)
    admin("ssh-keys", "sync", "--file", str(server.authorized_keys), "--program", str(tmp_path / "helpdesk-service"))
    gone = [k for k in ("admin", "ivan") if server.ssh(keys[k], "whoami").returncode == 255]
    assert len(gone) == 1


def test_without_a_command_the_interface_opens_as_the_key_s_person(deployment):
    server, keys, _admin = deployment
    process = subprocess.Popen(server.ssh_args(keys["ivan"], tty=True), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and "Іван Петренко".encode() not in seen:
            ready, _w, _x = select.select([process.stdout], [], [], 1)
            if ready:
                chunk = os.read(process.stdout.fileno(), 65536)  # type: ignore[union-attr]
                if not chunk:
                    break
                seen += chunk
        assert "Іван Петренко".encode() in seen, seen[-2000:]
        process.stdin.write(b"\x11")  # Ctrl+Q  # type: ignore[union-attr]
        process.stdin.flush()  # type: ignore[union-attr]
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
