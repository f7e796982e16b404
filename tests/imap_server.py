"""A throwaway Dovecot IMAP server on loopback: its own config, passwd file and maildirs."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from imapclient import IMAPClient

from tests.smtp_server import free_port

USER, PASSWORD = "helpdesk", "imap-test-password"


class DovecotServer:
    def __init__(self) -> None:
        self.binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        self.base = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("dovecot") is not None or Path("/usr/sbin/dovecot").exists()

    def _users(self) -> tuple[int, int, str, str]:
        if os.getuid() == 0:
            mail = pwd.getpwnam("dovecot")  # the package's own user owns the test maildirs
            return mail.pw_uid, mail.pw_gid, "dovecot", "dovenull"
        me = pwd.getpwuid(os.getuid())
        return me.pw_uid, me.pw_gid, me.pw_name, me.pw_name

    def start(self) -> None:
        uid, gid, internal, login = self._users()
        for sub in ("run", "state", "home"):
            (self.base / sub).mkdir()
        (self.base / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n", encoding="utf-8")
        conf = self.base / "dovecot.conf"
        conf.write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.base}/run
state_dir = {self.base}/state
log_path = {self.base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.base}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
""", encoding="utf-8")
        os.chown(self.base / "home", uid, gid)
        for path in (self.base, self.base / "passwd", conf):
            path.chmod(0o755 if path.is_dir() else 0o644)
        self.process = subprocess.Popen([self.binary, "-F", "-c", str(conf)], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.process.stdout.read().decode(errors='replace')}\n{self.log()}")  # type: ignore[union-attr]
            try:
                with IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=2) as client:
                    client.login(USER, PASSWORD)
                    return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not answer on port {self.port}:\n{self.log()}")

    def log(self) -> str:
        try:
            return (self.base / "dovecot.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def reset(self) -> None:
        """Empty every folder of the test user between tests."""
        with self.client() as client:
            for _flags, _delim, name in client.list_folders():
                client.select_folder(name)
                messages = client.search(["ALL"])
                if messages:
                    client.delete_messages(messages)
                    client.expunge()
                if name != "INBOX":
                    client.close_folder()
                    client.delete_folder(name)

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        with self.client() as client:
            client.append(folder, raw)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.base, ignore_errors=True)
