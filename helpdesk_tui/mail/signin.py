"""R1: the seed's analysts sign in with their mailbox credentials; the IMAP server says yes or no."""

from __future__ import annotations

from dataclasses import replace

from imapclient.exceptions import IMAPClientError, LoginError

from helpdesk_tui.config import ServerSettings
from helpdesk_tui.desk.auth import PasswordCheck, SignInFailed
from helpdesk_tui.i18n import _
from helpdesk_tui.mail.poller import connect


def imap_password_check(server: ServerSettings) -> PasswordCheck:
    """A check that logs in to `server` as the user with the password they typed."""

    def check(user: str, password: str) -> bool:
        try:
            client = connect(replace(server, user=user), password)
        except LoginError:
            return False
        except (IMAPClientError, OSError) as exc:
            raise SignInFailed(_("The mail server cannot check the password now: {detail}").format(detail=exc)) from exc
        try:
            client.logout()
        except (IMAPClientError, OSError):
            pass
        return True

    return check
