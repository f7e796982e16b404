"""The e-mail tab (R7, R8) driven from the keyboard: «Вхідні» and «Вихідні», a message in its
own view with its source, «Створити інцидент» for an unknown sender, «Відкрити в батьківському»."""

from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy import select

from helpdesk_tui.mail.intake import IntakeSettings, ingest
from helpdesk_tui.screens.dialogs import ChoiceDialog
from helpdesk_tui.screens.mail import MailScreen, MessageScreen
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.store.models import Incident, InboundMail, Person
from tests.mail_builders import message
from tests.tui import drive, screen_text, wait_for, wait_notified, wait_text, workspace_ready
from tests.world import FIRST_LINE, seed


def _with_attachment() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Невідомий Клієнт <stranger@elsewhere.example>"
    msg["To"] = "helpdesk@desk.example"
    msg["Subject"] = "[red]Терміново[/red] не працює каса \x1b[2J"
    msg["Message-ID"] = "<stranger-1@elsewhere.example>"
    msg.set_content("Каса показує помилку 17.\nДякую.")
    msg.add_attachment(b"\x89PNG fake", maintype="image", subtype="png", filename="помилка.png")
    return msg.as_bytes()


def _mail(db):
    w = seed(db)
    mailbox = IntakeSettings(group=FIRST_LINE)
    with db.write() as s:
        known = ingest(s, message(sender="olena@client.example", name="Олена Шевченко", subject="Не друкує принтер",
                                  body="Доброго дня! Принтер не друкує."), mailbox)
        stranger = ingest(s, _with_attachment(), mailbox)
    assert (known.outcome, stranger.outcome) == ("incident", "waiting")
    return w, known, stranger


def test_inbox_message_source_and_an_incident_from_an_unknown_sender(db):
    w, known, stranger = _mail(db)

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, MailScreen))
        await wait_text(pilot, "Не друкує принтер")
        text = screen_text(app)
        assert "[red]Терміново[/red] не працює" in text  # as sent, nothing obeyed
        assert "unknown sender" in text and known.incident in text, text
        await pilot.press("w")  # only what waits for an analyst
        await wait_for(pilot, lambda: "Не друкує принтер" not in screen_text(app), what="the filter")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageScreen))
        await wait_text(pilot, "Каса показує помилку 17.")
        text = screen_text(app)
        assert "stranger@elsewhere.example" in text and "помилка.png" in text and "image/png" in text
        assert "Subject: [red]Терміново[/red] не працює каса ␛[2J" in text
        await pilot.press("v")
        await wait_text(pilot, "Content-Type: multipart/mixed")
        await pilot.press("v")
        await wait_text(pilot, "Каса показує помилку 17.")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("enter")  # the first choice: register the sender as a caller
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen), what="the new incident")
        await wait_notified(pilot, "Registered INC")
        await wait_text(pilot, "Невідомий Клієнт")

    drive(db, scenario)
    with db.read() as s:
        mail = s.get(InboundMail, stranger.mail_id)
        incident = s.get(Incident, mail.incident_id)
        caller = s.get(Person, incident.caller_id)
        assert mail.status == "incident" and incident.channel == "email"
        assert (caller.full_name, caller.email) == ("Невідомий Клієнт", "stranger@elsewhere.example")
        # The app's config sets no work group for mail: the analyst who created it owns it (R3).
        assert (incident.group_id, incident.owner_id) == (None, w.analyst.id)


def test_sent_mail_and_open_in_parent(db):
    w, known, _stranger = _mail(db)
    with db.read() as s:
        incident_id = s.execute(select(Incident.id).where(Incident.number == known.incident)).scalar_one()

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, MailScreen))
        await wait_text(pilot, "Не друкує принтер")
        await pilot.press("right_square_bracket")  # «Вихідні»: what the desk told people
        await wait_text(pilot, "olena@client.example")
        assert "queued" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageScreen))
        await wait_text(pilot, known.incident)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.record_id == incident_id)
        await wait_text(pilot, "Не друкує принтер")

    drive(db, scenario)


def test_the_running_app_reads_the_mailbox_and_the_new_incident_appears(sqlite_db, imap, monkeypatch):
    """The app's own mail job against a real Dovecot: a caller writes, the header says the
    round took one, and the incident shows up in the open dashboard tab without a key pressed."""
    import asyncio

    from helpdesk_tui.config import ServerSettings
    from tests.imap_server import PASSWORD, USER
    from tests.tui import make_app

    seed(sqlite_db)
    monkeypatch.setenv("HELPDESK_IMAP_PASSWORD", PASSWORD)
    imap.append(message(sender="olena@client.example", name="Олена Шевченко", subject="Зламалась клавіатура",
                        body="Не працюють клавіші F1–F12."))

    async def main():
        app = make_app(sqlite_db, "ivan")
        app.jobs_enabled = True
        app.settings.imap = ServerSettings(host="127.0.0.1", port=imap.port, security="none", user=USER, timeout=10)
        app.settings.intake_group = FIRST_LINE
        async with app.run_test(size=(160, 40)) as pilot:
            await workspace_ready(pilot)
            await wait_for(pilot, lambda: "Mail" in app.job_states, timeout=30, what="the first mail round")
            text, error = app.job_states["Mail"]
            assert not error and "new 1" in text, text
            await wait_text(pilot, "Зламалась клавіатура")  # the live refresh brought it in
            assert "Mail: " in screen_text(app) and "new 1" in screen_text(app)

    asyncio.run(main())
    with sqlite_db.read() as s:
        incident = s.execute(select(Incident).where(Incident.short_description == "Зламалась клавіатура")).scalar_one()
        assert incident.channel == "email"
    with imap.client() as client:
        client.select_folder("INBOX")
        assert client.search(["ALL"]) == []  # taken, and moved out of the inbox


def test_a_task_s_mail_in_sent_names_the_task_and_opens_it(db):
    from helpdesk_tui.desk import incidents, tasks

    w = seed(db)
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line,
                                          short_description="Перевірити мережу в 204")
        task = tasks.create_task(s, w.analyst, inc, group=w.second_line, short_description="Мережа в 204")
        task_id, task_number = task.id, task.number

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, MailScreen))
        await pilot.press("right_square_bracket")
        await wait_text(pilot, "taras@desk.example")
        assert task_number in screen_text(app)  # the record the mail was about, in its column
        mail = app.screen
        table = mail.query_one("DataTable")
        row = next(i for i, r in enumerate(mail.rows) if r["to"] == "taras@desk.example")
        table.move_cursor(row=row)
        await pilot.press("p")  # from the list
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.record_id == task_id)
        assert app.screen.kind == "task"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is mail)
        await pilot.press("enter")  # and from the message
        await wait_for(pilot, lambda: isinstance(app.screen, MessageScreen))
        await wait_text(pilot, task_number)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.kind == "task")

    drive(db, scenario)


def test_a_message_held_back_for_a_reason_says_so_and_not_unknown_sender(db):
    """A known caller's message with no work group to go to waits for an analyst: the inbox does
    not call them a stranger, and the message says why it waits; an auto-reply is named in words."""
    w = seed(db)
    with db.write() as s:
        held = ingest(s, message(sender="olena@client.example", name="Олена Шевченко", subject="Не друкує принтер",
                                 body="Доброго дня!"), IntakeSettings(group=None))
        auto = ingest(s, message(sender="robot@elsewhere.example", subject="Автовідповідь: відпустка",
                                 body="Я у відпустці.", headers={"Auto-Submitted": "auto-replied"}),
                      IntakeSettings(group=FIRST_LINE))
    assert held.outcome == "waiting"

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, MailScreen))
        await wait_text(pilot, "Не друкує принтер")
        row = next(line for line in screen_text(app).splitlines() if "Не друкує принтер" in line)
        assert "held for an analyst" in row and "unknown sender" not in row
        for mail_id, shown in ((held.mail_id, "Why it waits"), (auto.mail_id, "automatic reply")):
            table = app.screen.query_one("DataTable")
            table.move_cursor(row=table.get_row_index(str(mail_id)))
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, MessageScreen))
            await wait_text(pilot, shown)
            assert "auto_reply" not in screen_text(app)
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, MailScreen))

    drive(db, scenario)
