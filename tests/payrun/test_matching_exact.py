"""Which BILL vendor an exported name is, with exact answers: the status, the vendor, the score
and the candidates (``payrun/matching.py``). A wrong "matched" pays the wrong vendor, so each
case pins the whole :class:`VendorMatch`; scores are rapidfuzz's ``token_sort_ratio``, computed
here the same way.
"""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz

from billhelpers.payrun import matching
from billhelpers.payrun.matching import VendorIndex, VendorMatch, match_vendor, normalise_name

ACME = {"id": "009acme", "name": "ACME Supplies, Inc."}
SUPPLIER = {"id": "009supplier", "name": "Acme Supplier"}
SUPPLIS = {"id": "009supplis", "name": "Acme Supplis"}


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("  ACME Supplies, Inc. ", "acme supplies"),
        ("Inc.", "inc"),  # only suffixes: kept, or every such name would be one
        ("The Co", "the co"),
        ("Café & Bar_Grill", "cafe and bar grill"),
        ("ООО Ромашка", "ооо ромашка"),
        ("!!!", ""),
    ],
)
def test_normalise_name(name, key):
    assert normalise_name(name) == key


def test_an_exact_name_is_matched_with_the_full_score():
    assert match_vendor("Acme Supplies", [ACME]) == VendorMatch("matched", ACME, 100.0)
    assert match_vendor("acme supplies", [{**ACME, "archived": True}]) == VendorMatch("new")
    twins = [ACME, {"id": "009twin", "name": "Acme Supplies LLC"}]
    assert match_vendor("Acme Supplies", twins) == VendorMatch(
        "ambiguous", candidates=("009acme", "009twin")
    )


def test_names_without_letters_match_nothing():
    assert match_vendor("!!!", [ACME]) == VendorMatch("unnamed")
    nameless = [{"id": "009x", "name": "???"}, {"id": "009y"}]
    assert VendorIndex(nameless).names == []
    assert match_vendor("None", nameless) == VendorMatch("new")  # a missing name is not "None"


def test_a_close_name_is_fuzzy_with_its_token_sort_score():
    got = match_vendor("Acme Supplier Inc", [ACME])
    assert got == VendorMatch(
        "fuzzy", ACME, fuzz.token_sort_ratio("acme supplier", "acme supplies")
    )
    reordered = match_vendor("Supplies Acme", [ACME])
    assert reordered == VendorMatch("fuzzy", ACME, 100.0)  # token_sort_ratio, not WRatio (95)
    assert match_vendor("Acme Supply", [ACME]) == VendorMatch("new")  # 83: below 85


def test_two_close_candidates_are_ambiguous_and_named():
    score = fuzz.token_sort_ratio("acme suppliis", "acme supplis")
    got = match_vendor("Acme Suppliis", [SUPPLIS, SUPPLIER, ACME])
    assert got.status == "ambiguous" and got.score == score
    assert len(got.candidates) == 2 and "Acme Supplis" in got.candidates
    assert got.reason == "several vendors fit: " + ", ".join(got.candidates)


def test_the_margin_is_strict(monkeypatch):
    best = fuzz.token_sort_ratio("acme supplis", "acme supplies")
    second = fuzz.token_sort_ratio("acme supplis", "acme supplier")
    monkeypatch.setattr(matching, "MARGIN", best - second)  # exactly the margin: not ambiguous
    assert match_vendor("Acme Supplis", [ACME, SUPPLIER]) == VendorMatch("fuzzy", ACME, best)
    monkeypatch.setattr(matching, "MARGIN", best - second + 0.01)
    assert match_vendor("Acme Supplis", [ACME, SUPPLIER]) == VendorMatch(
        "ambiguous", score=best, candidates=("ACME Supplies, Inc.", "Acme Supplier")
    )


def test_a_fuzzy_name_shared_by_two_vendors_is_ambiguous():
    twins = [ACME, {"id": "009twin", "name": "Acme Supplies LLC"}]
    assert match_vendor("Acme Supplis", twins) == VendorMatch(
        "ambiguous", candidates=("009acme", "009twin")
    )


def test_reasons_are_exact():
    assert VendorMatch("matched", ACME, 100.0).reason == "same name as vendor 009acme"
    assert VendorMatch("fuzzy", ACME, 92.3).reason == (
        "looks like 'ACME Supplies, Inc.' (score 92); confirm it"
    )
    assert VendorMatch("unnamed").reason == (
        "the name has no letter or digit to match on: confirm which vendor it is"
    )
    assert VendorMatch("new").reason == "no vendor of that name in BILL: it will be created"


def test_an_ambiguous_match_names_the_two_best_only():
    vendors = [ACME, SUPPLIER, {"id": "009supplied", "name": "Acme Supplied"}]
    got = match_vendor("Acme Suppliex", vendors)
    score = fuzz.token_sort_ratio("acme suppliex", "acme supplies")
    assert got == VendorMatch(
        "ambiguous", score=score, candidates=("ACME Supplies, Inc.", "Acme Supplier")
    )
