"""Files attached to a reply in the portal (issue 20), over HTTP on both engines: kept with the
reply, named in its journal text for the analysts, listed in the thread and downloaded only as a
download, only through a ticket the visitor may read; limits as for mail; another caller's file
is not found by any address."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk_tui.desk import admin, incidents, portal_files
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.store.models import Incident, JournalEntry, Person, PortalAttachment
from tests.portal_client import form_token, signed_in
from tests.world import seed

CALLER = "olena@client.example"
OTHER = "anna@client.example"


@pytest.fixture
def desk(db):
    w = seed(db)
    with db.write() as s:
        analyst = s.get(Person, w.analyst.id)
        other = admin.create_person(s, s.get(Person, w.admin.id), login="anna", full_name="Анна Клієнтка", email=OTHER)
        mine = incidents.register_incident(s, analyst, caller=s.get(Person, w.caller.id), short_description="Принтер",
                                           group=w.first_line)
        mine = incidents.classify_incident(s, analyst, mine, service=w.service, category=w.category, impact=2,
                                           urgency=2, owner=analyst)
        incidents.change_status(s, analyst, mine, S.INFO_NEEDED, question="Надішліть знімок екрана")
        theirs = incidents.register_incident(s, analyst, caller=other, short_description="Чуже", group=w.first_line)
    return db, w, mine.number, theirs.number


def _files(db) -> int:
    with db.read() as s:
        return s.execute(select(func.count()).select_from(PortalAttachment)).scalar_one()


def test_a_file_answers_the_question_and_comes_back_as_a_download(desk):
    db, w, mine, _theirs = desk
    c = signed_in(db, CALLER)
    token = form_token(c, f"/tickets/{mine}")
    picture = b"\x89PNG\r\n\x1a\n" + b"0" * 2000
    answer = c.post(f"/tickets/{mine}/reply", data={"csrf": token, "text": ""},
                    files=[("files", ("../../etc/знімок <1>.png", picture, "image/png")),
                           ("files", ("page.html", b"<script>alert(1)</script>", "text/html"))])
    assert answer.status_code == 303, answer.text
    with db.read() as s:
        inc = s.execute(select(Incident).where(Incident.number == mine)).scalar_one()
        assert inc.status == S.INFO_PROVIDED.value
        rows = s.execute(select(PortalAttachment).order_by(PortalAttachment.id)).scalars().all()
        assert [r.filename for r in rows] == ["знімок <1>.png", "page.html"]
        entry = s.get(JournalEntry, rows[0].entry_id)
        assert entry.author_id == w.caller.id and "📎 знімок <1>.png (2 KB)" in entry.body and entry.published
    page = c.get(f"/tickets/{mine}").text
    assert "знімок &lt;1&gt;.png" in page and f"/tickets/{mine}/files/{rows[1].id}" in page
    download = c.get(f"/tickets/{mine}/files/{rows[1].id}")
    assert download.status_code == 200 and download.content == b"<script>alert(1)</script>"
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in download.headers["content-security-policy"]
    assert c.get(f"/tickets/{mine}/files/{rows[0].id}").content == picture


def test_another_callers_file_is_not_found_by_any_address(desk):
    db, _w, mine, theirs = desk
    anna = signed_in(db, OTHER)  # Анна's own ticket gets a file of hers
    token = form_token(anna, f"/tickets/{theirs}")
    assert anna.post(f"/tickets/{theirs}/reply", data={"csrf": token, "text": "Ось"},
                     files=[("files", ("таємне.txt", b"secret", "text/plain"))]).status_code == 303
    with db.read() as s:
        file_id = s.execute(select(PortalAttachment.id)).scalar_one()
    c = signed_in(db, CALLER)
    for path in (f"/tickets/{theirs}/files/{file_id}", f"/tickets/{mine}/files/{file_id}",
                 f"/tickets/{mine}/files/99999", f"/tickets/{mine}/files/abc"):
        answer = c.get(path)
        assert answer.status_code == 404 and b"secret" not in answer.content, path
    assert anna.get(f"/tickets/{theirs}/files/{file_id}").content == b"secret"


def test_limits_as_for_mail(desk):
    db, _w, mine, _theirs = desk
    c = signed_in(db, CALLER)
    token = form_token(c, f"/tickets/{mine}")
    before = portal_files.limits()
    portal_files.configure(portal_files.FileLimits(max_files=2, max_bytes=1000))
    try:
        big = c.post(f"/tickets/{mine}/reply", data={"csrf": token, "text": "Великий"},
                     files=[("files", ("big.bin", b"x" * 1001, "application/octet-stream"))])
        assert big.status_code == 400 and "big.bin" in big.text
        many = c.post(f"/tickets/{mine}/reply", data={"csrf": token, "text": "Багато"},
                      files=[("files", (f"{n}.txt", b"x", "text/plain")) for n in range(3)])
        assert many.status_code == 400
        huge = c.post(f"/tickets/{mine}/reply", data={"csrf": token, "text": "Завеликий запит"},
                      files=[("files", ("a.bin", b"x" * 3_200_000, "application/octet-stream"))])
        assert huge.status_code == 413
    finally:
        portal_files.configure(before)
    assert _files(db) == 0
    with db.read() as s:
        assert s.execute(select(Incident.status).where(Incident.number == mine)).scalar_one() == S.INFO_NEEDED.value
    # Without a file, a reply still needs words.
    assert c.post(f"/tickets/{mine}/reply", data={"csrf": token, "text": " "}).status_code == 400


def test_a_new_incident_comes_with_its_files_and_too_large_a_one_keeps_nothing(desk):
    db, w, _mine, _theirs = desk
    c = signed_in(db, CALLER)
    token = form_token(c, "/tickets/new")
    form = {"csrf": token, "short_description": "Помилка при вході в ЕТС", "description": "Знімок додаю",
            "service": str(w.service.id), "kind": "incident"}
    before = portal_files.limits()
    portal_files.configure(portal_files.FileLimits(max_files=2, max_bytes=1000))
    try:
        refused = c.post("/tickets/new", data=form, files=[("files", ("big.png", b"x" * 1001, "image/png"))])
        assert refused.status_code == 400 and "big.png" in refused.text
        assert 'value="Помилка при вході в ЕТС"' in refused.text  # what was typed stays in the form
    finally:
        portal_files.configure(before)
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Incident)
                         .where(Incident.short_description == "Помилка при вході в ЕТС")).scalar_one() == 0
    made = c.post("/tickets/new", data=form, files=[("files", ("помилка.png", b"\x89PNG", "image/png"))])
    assert made.status_code == 303, made.text
    number = made.headers["location"].split("/tickets/")[1].split("?")[0]
    with db.read() as s:
        inc = s.execute(select(Incident).where(Incident.number == number)).scalar_one()
        row = s.execute(select(PortalAttachment).where(PortalAttachment.record_id == inc.id)).scalar_one()
        assert (inc.caller_id, inc.channel, row.filename, row.data) == (w.caller.id, "portal", "помилка.png", b"\x89PNG")
    assert "помилка.png" in c.get(f"/tickets/{number}").text


def test_the_analyst_lists_and_saves_the_callers_files_from_the_shell(desk, tmp_path, capsys):
    """What a caller attached reaches the analyst working the ticket (`incident files`, `incident
    file`), saved under its own name only — never a path the caller chose; a caller cannot."""
    import json

    from helpdesk_tui.cli import main

    db, _w, mine, _theirs = desk
    c = signed_in(db, CALLER)
    token = form_token(c, f"/tickets/{mine}")
    assert c.post(f"/tickets/{mine}/reply", data={"csrf": token, "text": "Знімок"},
                  files=[("files", ("../../знімок.png", b"\x89PNG-data", "image/png"))]).status_code == 303

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", db.url, "--lang", "en", *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, err = run("--as", "ivan", "incident", "files", mine, "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert [(f["name"], f["sent_by"]) for f in listed] == [("знімок.png", "Олена Шевченко")]
    code, out, err = run("--as", "ivan", "incident", "file", mine, str(listed[0]["id"]), "-o", str(tmp_path))
    assert code == 0, err
    assert (tmp_path / "знімок.png").read_bytes() == b"\x89PNG-data"
    code, _out, err = run("--as", "ivan", "incident", "file", mine, "99999", "-o", str(tmp_path))
    assert code != 0 and "No such file" in err
    code, _out, err = run("--as", "olena", "incident", "files", mine)
    assert code != 0 and "Traceback" not in err  # the caller is no analyst
