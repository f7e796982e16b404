"""People in Ukrainian alphabetical order, by surname (R13)."""

from __future__ import annotations

import random

from helpdesk_tui.domain.collation import UKRAINIAN_ALPHABET, person_sort_key, sort_key, split_name


def test_the_ukrainian_alphabet_in_its_order():
    letters = list(UKRAINIAN_ALPHABET)
    shuffled = letters[:]
    random.Random(1).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == letters
    assert sorted(["Ярема", "Ґава", "Гава", "Єва", "Ева", "Іра", "Ира", "Їжак", "Йосип"], key=sort_key) == \
        ["Гава", "Ґава", "Ева", "Єва", "Ира", "Іра", "Їжак", "Йосип", "Ярема"]


def test_case_and_apostrophe_do_not_matter_but_word_ends_do():
    assert sort_key("П'ятниця") == sort_key("пʼятниця") == sort_key("ПЯТНИЦЯ")
    assert sorted(["Коваль", "Коваленко", "Ковальчук"], key=sort_key) == ["Коваленко", "Коваль", "Ковальчук"]
    assert sort_key("Квітка-Основʼяненко") < sort_key("Квіткаа")


def test_latin_names_in_english_order_before_cyrillic_ones():
    names = ["Андрій", "Zoe", "adam", "Émile", "Brown", "Яна"]
    assert sorted(names, key=sort_key) == ["adam", "Brown", "Émile", "Zoe", "Андрій", "Яна"]


def test_surname_then_name():
    assert split_name("Іван Петренко") == ("Петренко", "Іван")
    assert split_name("Петренко Іван Васильович") == ("Петренко", "Іван Васильович")
    assert split_name("Коваленко О. П.") == ("Коваленко", "О. П.")
    assert split_name("Mary Ann Smith") == ("Smith", "Mary Ann")
    people = ["Іван Їжакевич", "Андрій Гнатюк", "Іван Гнатюк", "Ганна Ґудзь", "Олена Шевченко", "Марія Коваль",
              "Андрій Коваленко", "John Smith", "HELP DESK"]
    assert sorted(people, key=person_sort_key) == [
        "HELP DESK", "John Smith", "Андрій Гнатюк", "Іван Гнатюк", "Ганна Ґудзь", "Іван Їжакевич", "Андрій Коваленко",
        "Марія Коваль", "Олена Шевченко"]


def test_keys_compare_the_same_as_their_utf8_bytes():
    """What SQLite (BINARY) and PostgreSQL (COLLATE "C") compare."""
    names = ["Їжакевич", "Гнатюк", "Ґудзь", "Єрмак", "Smith", "Андрієнко", "Андрій", "яна"]
    keys = [person_sort_key(n) for n in names]
    assert sorted(keys) == sorted(keys, key=lambda k: k.encode())
