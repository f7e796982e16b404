"""The tests drive the CLI as the service account's cron would: the OS user running them is a
trusted OS user (so `--as LOGIN` works) and the service account (so `ssh-serve` runs). Tests of
who may do what write a config of their own without it; a config a test writes for other
reasons starts with TRUSTED_AUTH to keep `--as`."""

from __future__ import annotations

import os
import pwd

OS_USER = pwd.getpwuid(os.getuid()).pw_name
TRUSTED_AUTH = f'[auth]\ntrusted_os_users = ["{OS_USER}"]\nservice_user = "{OS_USER}"\n'
