"""Administration refuses what would spoil the desk's lists and look-ups: blank names, addresses
and phone numbers that are none, one address shared by several people. Contacts are stored
normalised and shown the way people write them."""

from __future__ import annotations

import pytest

from helpdesk_tui.desk import admin
from helpdesk_tui.desk.lookup import find_person
from helpdesk_tui.domain.contacts import shown_phone
from helpdesk_tui.domain.errors import RuleViolation
from tests.world import seed


@pytest.mark.parametrize(("make", "message"), [
    (lambda s, a: admin.create_vendor(s, a, name="   "), "A vendor needs a name"),
    (lambda s, a: admin.create_service(s, a, name=""), "A service needs a name"),
    (lambda s, a: admin.create_category(s, a, name="\t"), "A category needs a name"),
    (lambda s, a: admin.create_organisation(s, a, name=""), "A client needs a name"),
    (lambda s, a: admin.create_group(s, a, name=" "), "A work group needs a name"),
    (lambda s, a: admin.create_configuration_item(s, a, name=""), "A configuration item needs a name"),
    (lambda s, a: admin.create_vendor(s, a, name="x" * 201), "A name has at most 200 characters"),
    (lambda s, a: admin.create_organisation(s, a, name="Митниця", subscription_hours=float("inf")), "Subscription hours"),
    (lambda s, a: admin.create_organisation(s, a, name="Митниця", subscription_hours=-1), "Subscription hours"),
    (lambda s, a: admin.create_organisation(s, a, name="Митниця", email_domain="not a domain"), "is not a mail domain"),
    (lambda s, a: admin.create_person(s, a, login="p1", full_name="П", email="notanemail"), "is not an e-mail address"),
    (lambda s, a: admin.create_person(s, a, login="p2", full_name="П", phone="abc"), "is not a phone number"),
    (lambda s, a: admin.create_person(s, a, login="p3", full_name="П", phone="123"), "is not a phone number"),
    (lambda s, a: admin.create_vendor(s, a, name="Вендор", email="x@"), "is not an e-mail address"),
    (lambda s, a: admin.create_person(s, a, login="p4", full_name="П", email="OLENA@Client.example"),
     r"is already the address of Олена Шевченко \(olena\)"),
])
def test_bad_administration_input_is_refused_and_nothing_is_written(db, make, message):
    w = seed(db)
    with pytest.raises(RuleViolation, match=message):
        with db.write() as s:
            make(s, s.get(type(w.admin), w.admin.id))
    with db.read() as s:
        from sqlalchemy import func, select

        from helpdesk_tui.store.models import Person, Vendor

        assert s.execute(select(func.count()).select_from(Person)).scalar_one() == 5
        assert s.execute(select(func.count()).select_from(Vendor)).scalar_one() == 1


def test_contacts_are_stored_normalised_and_shown_as_written(db):
    w = seed(db)
    with db.write() as s:
        person = admin.create_person(s, w.admin, login="petro", full_name="Петро Гнатюк",
                                     email="Petro@Customs.Gov.UA", phone="067 123-45-68")
        assert (person.email, person.phone) == ("Petro@customs.gov.ua", "+380671234568")
    assert shown_phone("+380671234568") == "+380 67 123 45 68"
    assert shown_phone("+16502530000") == "+1 650-253-0000"
    assert shown_phone("067 кабінет") == "067 кабінет"  # older data is shown as it was kept
    with db.read() as s:  # found however the caller says the number
        assert find_person(s, "0671234568").login == "petro"
        assert find_person(s, "+380 67 123 45 68").login == "petro"
    with db.write() as s, pytest.raises(RuleViolation, match="already the address"):
        admin.update_person(s, w.admin, find_person(s, "ivan"), email="petro@customs.gov.ua")


def test_mail_intake_keeps_a_sender_address_a_form_would_refuse(db):
    w = seed(db)
    with db.write() as s:
        person = admin.create_person(s, w.admin, login="cron", full_name="cron", email="root@localhost", from_mail=True)
    assert person.email == "root@localhost"
