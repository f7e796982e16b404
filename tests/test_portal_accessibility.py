"""The portal readable on a phone and usable without a mouse or sight (issue 20), checked in a
real browser at a phone's width (412 px): on every page a caller reaches, nothing scrolls
sideways, every form control has a label the browser computes for it, the first Tab lands on
«skip to the content», the focused control shows a visible outline, and text and buttons keep a
WCAG AA contrast (4.5:1) against their background."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk_tui.desk import incidents, portal_auth
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.portal import security
from helpdesk_tui.store.models import Person
from tests.portal_browser import browser, served  # noqa: F401  (served is a fixture)
from tests.world import seed

# The computed colour of each element of a kind with text, and what is behind it.
_CONTRAST = """
function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return m.length > 3 && m[3] === 0 ? null : m.slice(0, 3); }
function lum(c) { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                  return 0.2126 * r + 0.7152 * g + 0.0722 * b; }
function behind(el) { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c) return c; }
                      return [255, 255, 255]; }
const worst = [];
for (const el of document.querySelectorAll('body *')) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own || !el.getClientRects().length) continue;
  const fg = rgb(getComputedStyle(el).color), bg = behind(el);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  const ratio = (a + 0.05) / (b + 0.05);
  if (ratio < 4.5) worst.push(el.tagName + ' «' + el.textContent.trim().slice(0, 30) + '» ' + ratio.toFixed(2));
}
return worst;
"""

_UNLABELLED = """
const bad = [];
for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea, button')) {
  const named = el.labels && el.labels.length ? el.labels[0].textContent.trim()
              : (el.getAttribute('aria-label') || (el.tagName === 'BUTTON' ? el.textContent.trim() : ''));
  if (!named) bad.push(el.outerHTML.slice(0, 80));
}
return bad;
"""


def test_every_page_reads_on_a_phone_with_labels_focus_and_contrast(served):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    db, _app, base = served
    w = seed(db)
    with db.write() as s:
        analyst = s.get(Person, w.analyst.id)
        inc = incidents.register_incident(s, analyst, caller=s.get(Person, w.caller.id), group=w.first_line,
                                          short_description="Довгий опис без пробілів " + "дуже" * 40)
        inc = incidents.classify_incident(s, analyst, inc, service=w.service, category=w.category, impact=2,
                                          urgency=2, owner=analyst)
        incidents.change_status(s, analyst, inc, S.INFO_NEEDED, question="Який номер кабінету?")
        secret = portal_auth.start_session(s, s.get(Person, w.caller.id))
        number = s.execute(select(type(inc).number).where(type(inc).id == inc.id)).scalar_one()
    driver = browser()
    try:
        driver.get(base + "/signin")
        pages = ["/signin"]
        driver.add_cookie({"name": security.SESSION_COOKIE, "value": secret, "path": "/"})
        pages += ["/tickets", f"/tickets/{number}", "/tickets/new", "/requests/new", "/approvals"]
        for path in pages:
            if path == "/signin":
                driver.delete_cookie(security.SESSION_COOKIE)
                driver.get(base + path)
                driver.add_cookie({"name": security.SESSION_COOKIE, "value": secret, "path": "/"})
            else:
                driver.get(base + path)
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") in ("uk", "en"), path
            assert driver.find_elements(By.TAG_NAME, "main"), path
            sideways = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert sideways <= 0, f"{path} scrolls {sideways} px sideways on a phone"
            assert driver.execute_script(_UNLABELLED) == [], path
            assert driver.execute_script(_CONTRAST) == [], path
            body = driver.find_element(By.TAG_NAME, "body")
            body.send_keys(Keys.TAB)
            first = driver.switch_to.active_element
            assert first.get_attribute("class") == "skip" and first.get_attribute("href").endswith("#main"), path
            outline = driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
            assert outline not in ("none", ""), f"{path}: the focused control shows no outline"
    finally:
        driver.quit()
