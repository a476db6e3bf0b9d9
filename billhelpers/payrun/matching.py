"""
billhelpers.payrun.matching
~~~~~~~~~~~~~~~~~~~~~~~~~~~

Find the BILL vendor an exported bill belongs to.

Why normalise first and fuzzy-match second: accounting systems and BILL spell the same vendor
with different punctuation and legal suffixes ("Acme Supplies, Inc." / "ACME Supplies"), which
normalising settles exactly. What is left (a typo, a dropped word) gets a similarity score from
``rapidfuzz``, shown to the person running the batch and never accepted silently: paying the
wrong vendor is worse than asking.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

#: Words that say what kind of company it is, not which one.
_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "l",
        "l",
        "c",
        "ltd",
        "limited",
        "co",
        "company",
        "corp",
        "corporation",
        "plc",
        "llp",
        "lp",
        "gmbh",
        "the",
    ]
)
#: A fuzzy score at or above this is offered as "looks like"; below it the vendor is new.
SUGGEST_AT = 85
#: The best candidate must beat the next by this much, or the match is ambiguous.
MARGIN = 5


def normalise_name(name: str) -> str:
    """``"  ACME Supplies, Inc. "`` → ``"acme supplies"``: case, accents, punctuation, ``&``
    and legal suffixes do not tell two vendors apart. Letters and digits of every script are
    kept (``"ООО Ромашка"`` → ``"ооо ромашка"``): dropping what is not ASCII made every
    Cyrillic, Chinese or Greek name the empty string, and so one name."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))  # accents only
    text = text.casefold().replace("&", " and ")
    words = [w for w in re.split(r"[\W_]+", text) if w]
    kept = [w for w in words if w not in _SUFFIXES]
    return " ".join(kept or words)


@dataclasses.dataclass(frozen=True)
class VendorMatch:
    """``status``: ``matched`` (one vendor, same normalised name), ``fuzzy`` (looks like
    ``vendor``, score shown; needs a person's yes), ``ambiguous`` (several candidates),
    ``unnamed`` (no letter or digit to match on; needs a person) or ``new`` (no such vendor
    yet: the run creates it)."""

    status: str
    vendor: dict | None = None
    score: float | None = None
    candidates: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        if self.status == "matched":
            return f"same name as vendor {self.vendor['id']}"
        if self.status == "fuzzy":
            return f"looks like {self.vendor['name']!r} (score {self.score:.0f}); confirm it"
        if self.status == "ambiguous":
            return "several vendors fit: " + ", ".join(self.candidates)
        if self.status == "unnamed":
            return "the name has no letter or digit to match on: confirm which vendor it is"
        return "no vendor of that name in BILL: it will be created"


class VendorIndex:
    """The organization's vendors, indexed once for many look-ups."""

    def __init__(self, vendors: list[dict]):
        self.by_name: dict[str, list[dict]] = {}
        for vendor in vendors:
            if vendor.get("archived"):
                continue
            key = normalise_name(vendor.get("name", ""))
            if key:  # a name without letters matches nothing, not every other such name
                self.by_name.setdefault(key, []).append(vendor)
        self.names = list(self.by_name)

    def match(self, name: str) -> VendorMatch:
        key = normalise_name(name)
        if not key:
            return VendorMatch("unnamed")
        exact = self.by_name.get(key, [])
        if len(exact) == 1:
            return VendorMatch("matched", exact[0], 100.0)
        if len(exact) > 1:
            return VendorMatch("ambiguous", candidates=tuple(v["id"] for v in exact))
        from rapidfuzz import fuzz, process  # lazy: only fuzzy look-ups pay for the import

        best = process.extract(
            key, self.names, scorer=fuzz.token_sort_ratio, limit=2, score_cutoff=SUGGEST_AT
        )
        if not best:
            return VendorMatch("new")
        if len(best) > 1 and best[0][1] - best[1][1] < MARGIN:
            names = tuple(self.by_name[b[0]][0]["name"] for b in best)
            return VendorMatch("ambiguous", score=best[0][1], candidates=names)
        vendors = self.by_name[best[0][0]]
        if len(vendors) > 1:
            return VendorMatch("ambiguous", candidates=tuple(v["id"] for v in vendors))
        return VendorMatch("fuzzy", vendors[0], best[0][1])


def match_vendor(name: str, vendors: list[dict]) -> VendorMatch:
    """One look-up (build a :class:`VendorIndex` for many)."""
    return VendorIndex(vendors).match(name)
