"""The callers' portal in a real browser (issue 20): Debian's chromium driven by its own
chromium-driver (no browser download), against the portal served by uvicorn on loopback and the
mail it sends through a real SMTP server. A caller asks for a sign-in link, reads it from the
mail, signs in, files an incident with a file attached, answers the analyst's question, sees
the analyst's published note appear (never an internal one) and closes the ticket."""

from __future__ import annotations

import re

from sqlalchemy import select

from helpdesk_tui.config import ServerSettings
from helpdesk_tui.desk import incidents, notes
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.mail.outbox import send_due
from helpdesk_tui.store.models import Incident, Person
from helpdesk_tui.store.portal_tables import PortalAttachment
from tests.portal_browser import browser, served  # noqa: F401  (served is a fixture)
from tests.smtp_server import smtp_server
from tests.world import seed


def _wait(driver, condition, what: str, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: condition(d), message=what)


def _submit(driver, form_action: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f'form[action="{form_action}"] button[type="submit"]').click()


def test_a_caller_signs_in_by_mail_files_an_incident_answers_and_closes_it(served, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    db, _app, base = served
    w = seed(db)
    with smtp_server() as (controller, recorder):
        smtp = ServerSettings(host="127.0.0.1", port=controller.port, security="none")
        driver = browser()
        try:
            # The sign-in link, asked for in the browser and read from the mail it sends.
            driver.get(base + "/tickets")
            _wait(driver, lambda d: d.current_url.startswith(base + "/signin"), "the sign-in page")
            driver.find_element(By.ID, "email").send_keys("olena@client.example")
            _submit(driver, "/signin/link")
            # The page answers once the link is queued; the outbox job then sends it.
            _wait(driver, lambda d: send_due(db, smtp, "helpdesk@desk.example", holder="browser").sent == 1,
                  "the sign-in mail")
            mail = next(m for m in recorder.received if m["To"] == "olena@client.example")
            link = re.search(re.escape(base) + r"/signin/link\?token=[A-Za-z0-9_\-]+", mail.get_content())
            assert link, mail.get_content()
            driver.get(link.group(0))
            _submit(driver, "/signin/link/confirm")
            _wait(driver, lambda d: d.current_url == base + "/tickets", "the ticket list")
            assert "Мої звернення" in driver.find_element(By.TAG_NAME, "h1").text  # the browser asks for Ukrainian

            # A new incident from the form.
            driver.find_element(By.CSS_SELECTOR, 'a[href="/tickets/new"]').click()
            driver.find_element(By.ID, "short_description").send_keys("Не відкривається ЕТС <script>alert(1)</script>")
            driver.find_element(By.ID, "description").send_keys("Після оновлення браузера")
            Select(driver.find_element(By.ID, "service")).select_by_visible_text(w.service.name)
            shot = tmp_path / "знімок екрана.txt"
            shot.write_text("Помилка 502 о 9:14", encoding="utf-8")
            driver.find_element(By.ID, "files").send_keys(str(shot))
            _submit(driver, "/tickets/new")
            found = _wait(driver, lambda d: re.search(r"/tickets/(INC\d+)", d.current_url), "the new ticket's page")
            number = found.group(1)
            assert "<script>alert(1)</script>" in driver.find_element(By.TAG_NAME, "h1").text  # shown, not run
            assert "знімок екрана.txt" in driver.find_element(By.TAG_NAME, "main").text

            # The analyst asks a question; the caller answers it in the portal.
            with db.write() as s:
                inc = s.execute(select(Incident).where(Incident.number == number)).scalar_one()
                analyst = s.get(Person, w.analyst.id)
                inc = incidents.classify_incident(s, analyst, inc, service=w.service, category=w.category, impact=2,
                                                  urgency=2, owner=analyst)
                incidents.change_status(s, analyst, inc, S.INFO_NEEDED, question="Яка версія браузера?")
                notes.add_note(s, analyst, inc, summary="", text="Внутрішня примітка для колег")
            driver.refresh()
            _wait(driver, lambda d: "Яка версія браузера?" in d.page_source, "the question")
            driver.find_element(By.ID, "text").send_keys("Chrome 120")
            _submit(driver, f"/tickets/{number}/reply")
            _wait(driver, lambda d: _status(db, number) == S.INFO_PROVIDED.value, "«Інформацію надано»")
            _wait(driver, lambda d: "Chrome 120" in d.find_element(By.TAG_NAME, "main").text, "the answer shown")

            # The analyst's note published in self-service appears; the internal one never does.
            with db.write() as s:
                inc = s.execute(select(Incident).where(Incident.number == number)).scalar_one()
                notes.add_note(s, s.get(Person, w.analyst.id), inc, summary="", text="Оновили сертифікат, спробуйте",
                               published=True)
            driver.refresh()
            _wait(driver, lambda d: "Оновили сертифікат, спробуйте" in d.page_source, "the published note")
            assert "Внутрішня примітка" not in driver.page_source

            # No longer needed: the caller closes it (R39).
            _submit(driver, f"/tickets/{number}/close")
            _wait(driver, lambda d: _status(db, number) == S.CLOSED.value, "the ticket closed")
        finally:
            driver.quit()
    with db.read() as s:
        kept = s.execute(select(PortalAttachment)).scalar_one()
    assert (kept.filename, kept.data) == ("знімок екрана.txt", "Помилка 502 о 9:14".encode())


def _status(db, number: str) -> str:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(Incident.status).where(Incident.number == number)).scalar_one()  # type: ignore[no-any-return]
