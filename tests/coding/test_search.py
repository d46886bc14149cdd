"""How a code list is searched: every word first, then all words but one."""

from cpms.coding.index import CodingIndex
from cpms.coding.index import Entry

LIST = CodingIndex(
    [
        Entry("ORPHA:1", "IgG4-related retroperitoneal fibrosis"),
        Entry("ORPHA:2", "Idiopathic pulmonary fibrosis"),
        Entry("ORPHA:3", "Idiopathic retroperitoneal fibrosis of the adult"),
        Entry("ORPHA:4", "Retroperitoneal tumour"),
        Entry("ORPHA:5", "Posterior urethral valve"),
        Entry("ORPHA:6", "Anterior urethral valve"),
        Entry("ORPHA:7", "Cystic fibrosis"),
        Entry("ORPHA:8", "Bladder exstrophy", ("Ectopia vesicae",)),
    ]
)


def codes(text):
    return [e.code for e in LIST.search(text)]


def test_a_name_missing_one_word_is_found():
    # no name has "child"; those missing two words are not offered
    assert codes("idiopathic retroperitoneal fibrosis of the child") == ["ORPHA:3"]


def test_full_matches_come_before_those_missing_a_word():
    assert codes("idiopathic retroperitoneal fibrosis") == [
        "ORPHA:3",  # every word
        "ORPHA:1",  # "idiopathic" missing (the shorter word left out first)
        "ORPHA:2",  # "retroperitoneal" missing
    ]


def test_two_words_leave_one_out_only_when_nothing_has_both():
    # "retroperitoneal" alone would list every retroperitoneal disease
    assert codes("retroperitoneal fibrosis") == ["ORPHA:1", "ORPHA:3"]
    assert codes("chronic fibrosis") == ["ORPHA:7", "ORPHA:2", "ORPHA:1", "ORPHA:3"]


def test_plural_word_order_and_small_words():
    assert codes("posterior urethral valves")[0] == "ORPHA:5"
    assert codes("urethral valves, posterior")[0] == "ORPHA:5"
    assert codes("exstrophy of the bladder") == ["ORPHA:8"]


def test_two_words_missing_find_nothing():
    assert codes("congenital urethral stricture") == []
