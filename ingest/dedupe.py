"""Exact and near-duplicate documents (a truncated copy, the same plan saved twice).

Near-duplicates are found by word 5-gram shingle containment on accent-folded text, so a
copy with a website header or a cut-off tail still matches the complete document.

Intersecting every document's shingle set with every kept one's is quadratic. Instead an
inverted index from shingle to kept documents counts, for each document, the shingles it
shares with each kept one: work in proportion to what is shared, not to the number of pairs,
and exactly the containments the pairwise scan computes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np

from tracuu.normalize import fold
from tracuu.records import Document

SHINGLE = 5
CONTAINMENT = 0.8


@lru_cache(maxsize=200_000)
def _folded_words(token: str) -> tuple[str, ...]:
    return tuple(fold(token).split())


def folded_words(text: str) -> list[str]:
    """``fold(text).split()``, folding each distinct whitespace-separated token once: folding
    is word-local, and plans repeat their words, so this is several times faster."""
    return [w for token in text.split() for w in _folded_words(token)]


def shingles(text: str, n: int = SHINGLE) -> set[int]:
    words = folded_words(text)
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

    def __init__(self, threshold: float):
        self.docs: list[Document] = []
        self.postings: defaultdict[int, list[int]] = defaultdict(list)
        self.by_hash: dict[str, int] = {}
        self.threshold = threshold

    def add(self, doc: Document, sh: set[int]) -> None:
        pos = len(self.docs)
        self.docs.append(doc)
        self.by_hash.setdefault(doc.content_hash, pos)
        for s in sh:
            self.postings[s].append(pos)

    def first_match(self, doc: Document, sh: set[int]) -> tuple[Document, float, bool] | None:
        """The first kept document ``doc`` is an exact or near copy of, as the pairwise scan
        finds it; the postings count the shingles shared with every kept document (|S ∩ K|) at once."""
        hits = np.fromiter(chain.from_iterable(self.postings[s] for s in sh if s in self.postings), np.int64)
        shared = np.bincount(hits, minlength=len(self.docs))
        found = np.flatnonzero(shared / len(sh) >= self.threshold).tolist() if sh else []
        if doc.content_hash in self.by_hash:
            found.append(self.by_hash[doc.content_hash])
        if not found:
            return None
        first = min(found)
        k = self.docs[first]
        if doc.content_hash == k.content_hash:
            return k, 1.0, True
        return k, int(shared[first]) / len(sh), False


def find_duplicates(docs: list[Document], threshold: float = CONTAINMENT) -> tuple[list[Document], list[DuplicateReport]]:
    """Keep the most complete document of each duplicate group; merge the others' metadata.

    ``threshold`` must be in (0, 1]: each document is matched to the first kept one (longest
    first) with the same content or containing at least that share of its shingles."""
    if not 0 < threshold <= 1:
        raise ValueError(f"containment threshold must be in (0, 1], got {threshold}")
    order = sorted(docs, key=lambda d: len(d.text), reverse=True)  # most complete first
    kept = _Kept(threshold)
    reports: list[DuplicateReport] = []
    for doc in order:
        sh = shingles(doc.text)
        match = kept.first_match(doc, sh)
        if match:
            k, score, exact = match
            merge_metadata(k, doc)
            reports.append(DuplicateReport(k.doc_id, doc.doc_id, doc.source, round(score, 3), exact))
        else:
            kept.add(doc, sh)
    keep_ids = {d.doc_id for d in kept.docs}
    return [d for d in docs if d.doc_id in keep_ids], reports
