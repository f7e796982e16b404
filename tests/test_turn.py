"""Whose turn (R40): the pure rule behind the coloured dot, and the desk keeping `waiting_on` in
step with the messages between the client and the desk, on both engines. Through a real
mailbox: test_caller_close.test_whose_turn_follows_a_reply_through_a_real_mailbox."""

from __future__ import annotations

from hypothesis import given, strategies as st
from sqlalchemy import select

from helpdesk_tui.desk import incidents, notes
from helpdesk_tui.desk.incidents import VendorHandoff
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.domain.turn import TURN_COLOURS, TURN_WORDS, TURNS, turn
from helpdesk_tui.i18n import translator
from helpdesk_tui.mail.intake import IntakeSettings, ingest
from helpdesk_tui.store.models import Incident
from tests.mail_builders import message
from tests.world import FIRST_LINE, seed

STATUSES = st.sampled_from([s.value for s in S])
ANY_TURN = st.one_of(st.sampled_from(["desk", "caller", "vendor", "nobody"]), st.none(), st.text(max_size=12))


@given(STATUSES, ANY_TURN)
def test_every_ticket_has_exactly_one_colour_and_the_status_decides_red_and_grey(status, waiting_on):
    whose = turn(status, waiting_on)
    assert whose in TURNS
    assert (whose == "closed") == (status in ("closed", "cancelled"))
    assert (whose == "confirm") == (status == "resolved")
    if status not in ("closed", "cancelled", "resolved"):
        # Open and not resolved: yellow exactly when the desk wrote last, green otherwise.
        assert whose == ("details" if waiting_on == "caller" else "client_wrote")


@given(st.one_of(st.none(), st.text(max_size=20)), ANY_TURN)
def test_any_stored_value_gets_an_answer(status, waiting_on):
    """Rows imported from elsewhere may hold anything: the list still draws a dot."""
    assert turn(status, waiting_on) in TURNS


@given(STATUSES)
def test_whose_turn_matters_only_while_the_ticket_is_open(status):
    colours = {turn(status, w) for w in ("desk", "caller", "vendor", "nobody", None)}
    assert len(colours) == (2 if status not in ("closed", "cancelled", "resolved") else 1)


def test_every_colour_has_words_in_both_languages():
    assert set(TURN_WORDS) == set(TURN_COLOURS) == set(TURNS)
    uk = translator("uk")
    for words in TURN_WORDS.values():
        assert uk(words) != words  # translated, not the English fallback


def test_the_turn_follows_messages_not_other_status_changes(db):
    """R40: a published note or a question is the desk's message (the caller's turn); the
    caller's mail or answer is theirs (the desk's turn); classifying and a vendor's hand-off and
    answer write nobody a message and leave it as it was; closing ends it."""
    w = seed(db)

    def now(inc):
        with db.read() as s:
            row = s.get(Incident, inc.id)
            return row.waiting_on, turn(row.status, row.waiting_on)

    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description="Не друкує")
    assert now(inc) == ("desk", "client_wrote")
    with db.write() as s:
        notes.add_note(s, w.analyst, inc, summary="", text="Перевіряємо чергу друку")  # internal: nobody reads it
    assert now(inc) == ("desk", "client_wrote")
    with db.write() as s:
        notes.add_note(s, w.analyst, inc, summary="", text="Перезапустіть, будь ласка, принтер", published=True)
    assert now(inc) == ("caller", "details")
    with db.write() as s:
        inc = incidents.classify_incident(s, w.analyst, s.get(Incident, inc.id), service=w.service,
                                          category=w.category, impact=2, urgency=2, owner=w.analyst)
        inc = incidents.change_status(s, w.analyst, inc, S.THIRD_PARTY, handoff=VendorHandoff(
            vendor=w.vendor, short_description="Перевірте драйвер"))
    assert now(inc) == ("caller", "details")  # neither is a message to or from the client
    with db.write() as s:
        result = ingest(s, message(sender=w.caller.email, subject=f"Re: [{inc.number}] Не друкує",
                                   body="Перезапустила, не допомогло.\n\n> Перезапустіть"),
                        IntakeSettings(group=FIRST_LINE))
    assert result.outcome == "linked" and now(inc) == ("desk", "client_wrote")
    with db.write() as s:
        incidents.change_status(s, w.analyst, s.get(Incident, inc.id), S.FROM_THIRD_PARTY,
                                vendor_answer="Оновіть драйвер до 2.1")
    assert now(inc) == ("desk", "client_wrote")
    with db.write() as s:
        incidents.change_status(s, w.analyst, s.get(Incident, inc.id), S.INFO_NEEDED, question="Яка модель?")
    assert now(inc) == ("caller", "details")
    with db.write() as s:
        incidents.change_status(s, w.analyst, s.get(Incident, inc.id), S.INFO_PROVIDED, answer="HP 1020")
    assert now(inc) == ("desk", "client_wrote")
    with db.write() as s:
        incidents.resolve_incident(s, w.analyst, s.get(Incident, inc.id), solution="Драйвер оновлено",
                                   reason_code="permanent_fix", resolve_with_open_tasks=False)
    assert now(inc) == ("caller", "confirm")
    with db.write() as s:
        incidents.close_incident(s, w.analyst, s.get(Incident, inc.id))
    assert now(inc) == ("nobody", "closed")


def test_a_published_note_says_in_the_journal_whose_turn_it_became(db):
    """R42: the turn is a field like any other; its change is in the note's entry."""
    from helpdesk_tui.store.records import journal_entries

    w = seed(db)
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line,
                                          short_description="Пошта")
        notes.add_note(s, w.analyst, inc, summary="Відповідь", text="Скриньку очищено", published=True)
    with db.read() as s:
        entry = [e for e in journal_entries(s, "incident", inc.id) if e["kind"] == "note"][-1]
        assert s.execute(select(Incident.waiting_on).where(Incident.id == inc.id)).scalar_one() == "caller"
    assert entry["changes"] == [{"field": "waiting_on", "old": "desk", "new": "caller", "names": {}}]
