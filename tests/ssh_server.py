"""A throwaway OpenSSH server on loopback for the SSH deployment tests: its own host key, its
own authorized_keys file (the one `helpdesk ssh-keys sync` writes), public keys only."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

SSHD = "/usr/sbin/sshd"
HINT = "OpenSSH's server is not installed; `apt-get install openssh-server openssh-client` lets the SSH tests run"


def available() -> bool:
    return Path(SSHD).is_file() and shutil.which("ssh") is not None and shutil.which("ssh-keygen") is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)], check=True)
    return path


class SshServer:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = _free_port()
        self.authorized_keys = home / "authorized_keys"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = home / "sshd.log"

    def start(self) -> None:
        host_key = keygen(self.home / "host_key")
        self.authorized_keys.touch(mode=0o600)
        config = self.home / "sshd_config"
        config.write_text("\n".join([
            f"Port {self.port}", "ListenAddress 127.0.0.1", f"HostKey {host_key}", f"PidFile {self.home / 'sshd.pid'}",
            f"AuthorizedKeysFile {self.authorized_keys}", "StrictModes no", "PubkeyAuthentication yes",
            "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no",
            # The service account may only run its keys' forced commands (root in CI's container).
            "PermitRootLogin forced-commands-only", "LogLevel VERBOSE", "",
        ]), encoding="utf-8")
        Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation directory sshd insists on
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text(errors="replace")[-2000:])
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("sshd did not listen within 10 s")

    def ssh(self, key: Path, *command: str, tty: bool = False, timeout: float = 60,
            user: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.ssh_args(key, *command, tty=tty, user=user), capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def ssh_args(self, key: Path, *command: str, tty: bool = False, user: str | None = None) -> list[str]:
        import pwd

        who = user or pwd.getpwuid(os.getuid()).pw_name
        return ["ssh", "-i", str(key), "-p", str(self.port), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                "-o", "LogLevel=ERROR", *(["-tt"] if tty else ["-T"]), f"{who}@127.0.0.1", *command]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
