"""Exact and near-duplicate documents (a truncated copy, the same plan saved twice).

Near-duplicates are found by word 5-gram shingle containment on accent-folded text, so a
copy with a website header or a cut-off tail still matches the complete document.

Comparing every document with every kept one is quadratic (37 s at 1,795 documents). A
document can only reach containment ``t`` in a kept one that holds at least one of its
``|S| - floor(t·|S|) + 1`` rarest shingles (otherwise at most ``floor(t·|S|) - 1`` are shared),
so only kept documents found through those shingles' postings are compared: the same
result as the pairwise definition, exactly (a "prefix filter").
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from tracuu.normalize import fold
from tracuu.records import Document

SHINGLE = 5
CONTAINMENT = 0.8


def shingles(text: str, n: int = SHINGLE) -> set[int]:
    words = fold(text).split()
    return {hash(" ".join(words[i : i + n])) for i in range(max(0, len(words) - n + 1))}


def containment(small: set[int], big: set[int]) -> float:
    return len(small & big) / len(small) if small else 0.0


@dataclass
class DuplicateReport:
    kept: str  # doc_id kept
    dropped: str  # doc_id merged away
    dropped_source: str
    score: float  # containment of the dropped document in the kept one
    exact: bool


_MERGE_FIELDS = (
    "doc_number", "doc_type", "issuer", "province", "issue_date", "title",
    "signer", "signer_title",
)


def merge_metadata(kept: Document, other: Document) -> None:
    """Fill the kept document's empty fields from its duplicate (never overwrite)."""
    for name in _MERGE_FIELDS:
        if getattr(kept, name) in (None, "") and getattr(other, name):
            setattr(kept, name, getattr(other, name))
            kept.extra.setdefault("merged_from", {})[name] = other.source
    for key, value in other.extra.items():
        kept.extra.setdefault(key, value)
    kept.duplicates.append(other.source)


class _Kept:
    """The documents kept so far, with an inverted index from shingle to their positions."""

    def __init__(self, doc_freq: Counter, threshold: float):
        self.docs: list[tuple[Document, set[int]]] = []
        self.postings: defaultdict[int, list[int]] = defaultdict(list)
        self.by_hash: dict[str, int] = {}
        self.doc_freq = doc_freq
        self.threshold = threshold

    def add(self, doc: Document, sh: set[int]) -> None:
        pos = len(self.docs)
        self.docs.append((doc, sh))
        self.by_hash.setdefault(doc.content_hash, pos)
        for s in sh:
            self.postings[s].append(pos)

    def candidates(self, doc: Document, sh: set[int]) -> list[int]:
        """Positions, in keeping order, of the kept documents that could match ``doc``."""
        need = len(sh) - math.floor(self.threshold * len(sh)) + 1
        found: set[int] = set()
        for s in sorted(sh, key=self.doc_freq.__getitem__)[:need]:
            found.update(self.postings.get(s, ()))
        if doc.content_hash in self.by_hash:
            found.add(self.by_hash[doc.content_hash])
        return sorted(found)

    def first_match(self, doc: Document, sh: set[int]) -> tuple[Document, float, bool] | None:
        """The first kept document ``doc`` is an exact or near copy of, as the pairwise scan finds it."""
        for pos in self.candidates(doc, sh):
            k, ksh = self.docs[pos]
            if doc.content_hash == k.content_hash:
                return k, 1.0, True
            score = containment(sh, ksh)
            if score >= self.threshold:
                return k, score, False
        return None


def find_duplicates(docs: list[Document], threshold: float = CONTAINMENT) -> tuple[list[Document], list[DuplicateReport]]:
    """Keep the most complete document of each duplicate group; merge the others' metadata.

    ``threshold`` must be in (0, 1]: each document is matched to the first kept one (longest
    first) with the same content or containing at least that share of its shingles."""
    if not 0 < threshold <= 1:
        raise ValueError(f"containment threshold must be in (0, 1], got {threshold}")
    order = sorted(docs, key=lambda d: len(d.text), reverse=True)  # most complete first
    sets = [shingles(d.text) for d in order]
    doc_freq: Counter = Counter()
    for sh in sets:
        doc_freq.update(sh)
    kept = _Kept(doc_freq, threshold)
    reports: list[DuplicateReport] = []
    for doc, sh in zip(order, sets):
        match = kept.first_match(doc, sh)
        if match:
            k, score, exact = match
            merge_metadata(k, doc)
            reports.append(DuplicateReport(k.doc_id, doc.doc_id, doc.source, round(score, 3), exact))
        else:
            kept.add(doc, sh)
    keep_ids = {d.doc_id for d, _ in kept.docs}
    return [d for d in docs if d.doc_id in keep_ids], reports
