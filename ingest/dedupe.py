"""Exact and near-duplicate documents (a truncated copy, the same plan saved twice).

Near-duplicates are found by word 5-gram shingle containment on accent-folded text, so a
copy with a website header or a cut-off tail still matches the complete document.
"""

from __future__ import annotations

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


def find_duplicates(docs: list[Document], threshold: float = CONTAINMENT) -> tuple[list[Document], list[DuplicateReport]]:
    """Keep the most complete document of each duplicate group; merge the others' metadata."""
    order = sorted(docs, key=lambda d: len(d.text), reverse=True)  # most complete first
    kept: list[tuple[Document, set[int]]] = []
    reports: list[DuplicateReport] = []
    for doc in order:
        sh = shingles(doc.text)
        match = None
        for k, ksh in kept:
            if doc.content_hash == k.content_hash:
                match = (k, 1.0, True)
                break
            score = containment(sh, ksh)
            if score >= threshold:
                match = (k, score, False)
                break
        if match:
            k, score, exact = match
            merge_metadata(k, doc)
            reports.append(DuplicateReport(k.doc_id, doc.doc_id, doc.source, round(score, 3), exact))
        else:
            kept.append((doc, sh))
    keep_ids = {d.doc_id for d, _ in kept}
    return [d for d in docs if d.doc_id in keep_ids], reports
