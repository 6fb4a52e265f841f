"""kb.text: the one accent fold and the one name parser every stage uses."""

from __future__ import annotations

import pytest

from kb.checks.text import person_name
from kb.ingest import bib_author, make_citekey
from kb.linking.enrich import first_family
from kb.model import ReferenceEntry
from kb.text import fold, fold_lower, initials, split_name, surname, words


@pytest.mark.parametrize(
    "raw, folded",
    [
        ("Søren Ørsted", "Soren Orsted"),
        ("Łukasz Wąs", "Lukasz Was"),
        ("Straße", "Strasse"),
        ("José Müller-Çelik", "Jose Muller-Celik"),
        ("mild® procedure™", "mild procedure"),
    ],
)
def test_fold_keeps_letters_a_decomposition_drops(raw, folded):
    assert fold(raw) == folded


def test_fold_lower_and_words():
    assert fold_lower("  Ørsted ") == "orsted"
    assert (
        words("The MiDAS-ENCORE® trial: 2-year results!") == "the midas encore trial 2 year results"
    )
    assert words(None) == ""


@pytest.mark.parametrize(
    "raw, parts",
    [
        ("Staats PS", ("Staats", "PS")),
        ("PS Staats", ("Staats", "PS")),
        ("Staats, Peter S.", ("Staats", "Peter S.")),
        ("Peter S. Staats", ("Staats", "Peter S.")),
        ("Staats, Jr, Peter S.", ("Staats", "Peter S.")),
        ("van der Berg J", ("van der Berg", "J")),
        ("Jan van der Berg", ("van der Berg", "Jan")),
        ("de la Cruz, María", ("de la Cruz", "María")),
        ("Robert Tiso (Immediate Past President, signatory)", ("Tiso", "Robert")),
        ("Sudhir Diwan, MD", ("Diwan", "Sudhir")),
        ("Mekhail", ("Mekhail", "")),
        ("  ", None),
    ],
)
def test_split_name(raw, parts):
    assert split_name(raw) == parts


@pytest.mark.parametrize(
    "author, name",
    [
        ("Staats PS", "staats"),
        ("PS Staats", "staats"),
        ("Staats, Peter S.", "staats"),
        ("Peter S. Staats", "staats"),
        ("DL Caraway", "caraway"),
        ("Mekhail NA", "mekhail"),
        ("van der Berg J", "van der berg"),
        ("Søren Ørsted", "orsted"),
        ("", None),
        (None, None),
    ],
)
def test_surname(author, name):
    assert surname(author) == name


def test_every_stage_agrees_on_the_family_name():
    """The resolver, the enricher, the officer check and the citekey maker read one name alike."""
    for raw in ("van der Berg J", "Peter S. Staats", "Søren Ørsted", "Ørsted S"):
        family = surname(raw)
        assert person_name(raw)[0] == family
        assert first_family([raw]) == family.replace(" ", "")
        entry = ReferenceEntry(
            "d:ref1", "d", 1, f"{raw}. A trial. 2020.", authors=(raw,), year=2020
        )
        assert make_citekey(entry, set()).startswith(family.replace(" ", ""))


@pytest.mark.parametrize(
    "raw, bib",
    [
        ("Staats PS", "Staats, P. S."),
        ("B Chopko", "Chopko, B."),
        ("Peter S. Staats", "Peter S. Staats"),
        ("World Health Organization", "World Health Organization"),
        ("van der Berg J", "van der Berg, J."),
        ("Doe, Jane", "Doe, Jane"),
        ("Consortium", "Consortium"),
    ],
)
def test_bib_author(raw, bib):
    assert bib_author(raw) == bib


def test_initials():
    assert initials("PS") == "P. S."
    assert initials("Peter S.") == "P. S."
    assert initials("Jean-Pierre") == "J.-P."
