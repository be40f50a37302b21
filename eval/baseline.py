"""A plain BM25 baseline: what benchmarks compare against, and a real answer function that
exercises the whole eval pipeline before the real ``ask`` exists.

Passages are the blank-line separated paragraphs of each cleaned document (a tab-separated
table row is a passage of its own); tokens are accent-folded syllables, so unaccented
questions still match. The "answer" is the passage segment (sentence or table cell) that
shares most words with the question; the baseline abstains when the best BM25 score is low.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path

from rank_bm25 import BM25Okapi

from tracuu.eval.loaders import BUNDLED_CORPUS
from tracuu.eval.metrics import MAX_ANSWER_CHARS
from tracuu.normalize import clean_text, fold, syllables

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Passage:
    chunk_id: str
    doc_id: str
    text: str
    start: int  # offset in the cleaned document text


def tokens(text: str) -> list[str]:
    return syllables(fold(text))


def split_passages(doc_id: str, text: str) -> list[Passage]:
    """Blank-line paragraphs of ``text``; every line holding a tab (a table row) on its own."""
    passages: list[Passage] = []
    offset = 0
    for block in re.split(r"(\n\s*\n)", text):
        if block.strip() and not block.startswith("\n"):
            lines = block.split("\n")
            if any("\t" in ln for ln in lines):
                pos = offset
                for ln in lines:
                    if ln.strip():
                        passages.append(Passage(f"{doc_id}:{len(passages)}", doc_id, ln, pos))
                    pos += len(ln) + 1
            else:
                passages.append(Passage(f"{doc_id}:{len(passages)}", doc_id, block, offset))
        offset += len(block)
    return passages


def best_segment(query: list[str], passage: str) -> tuple[str, int]:
    """The sentence or cell of ``passage`` sharing most question words (and its offset)."""
    wanted = set(query)
    best, best_score, best_at = passage, -1.0, 0
    for m in re.finditer(r"[^\n\t]+?(?:(?<=[.;!?])(?=\s)|(?=[\n\t])|$)", passage):
        seg = m.group(0).strip()
        seg_tokens = tokens(seg)
        if not seg_tokens:
            continue
        score = len(wanted & set(seg_tokens)) / math.sqrt(len(seg_tokens))
        if score > best_score:
            best, best_score, best_at = seg, score, m.start() + m.group(0).find(seg)
    return best[:MAX_ANSWER_CHARS], best_at


class Bm25Baseline:
    """BM25 (rank_bm25) over paragraphs of the ``*.txt`` files in ``corpus_dir``."""

    def __init__(self, corpus_dir: str | Path = BUNDLED_CORPUS, top_k: int = 10, min_score: float = 8.0):
        self.top_k = top_k
        self.min_score = min_score
        self.passages: list[Passage] = []
        for path in sorted(Path(corpus_dir).glob("*.txt")):
            self.passages.extend(split_passages(path.stem, clean_text(path.read_text(encoding="utf-8"))))
        if not self.passages:
            raise ValueError(f"no .txt documents in {corpus_dir}")
        self.bm25 = BM25Okapi([tokens(p.text) or ["_"] for p in self.passages])
        log.info("BM25 baseline: %d passages from %s", len(self.passages), corpus_dir)

    @property
    def doc_names(self) -> dict[str, str]:
        """doc_id → source file stem (they are the same here)."""
        return {p.doc_id: p.doc_id for p in self.passages}

    def search(self, query: str, k: int | None = None) -> list[tuple[Passage, float]]:
        scores = self.bm25.get_scores(tokens(query))
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[: k or self.top_k]
        return [(self.passages[i], float(scores[i])) for i in order]

    def __call__(self, question: dict) -> dict:
        """The ``tracuu ask --json`` object for one question."""
        query = question["question"]
        ranked = self.search(query)
        hits = [{"chunk_id": p.chunk_id, "doc_id": p.doc_id, "section": "", "text": p.text,
                 "score": round(s, 4)} for p, s in ranked]
        top_score = ranked[0][1] if ranked else 0.0
        out = {"question": query, "answer": None, "abstained": True, "intent": "baseline",
               "confidence": round(top_score / (top_score + self.min_score), 4) if top_score > 0 else 0.0,
               "citations": [], "hits": hits}
        if top_score < self.min_score:
            return out
        passage = ranked[0][0]
        answer, at = best_segment(tokens(query), passage.text)
        out.update(answer=answer, abstained=False, citations=[{
            "doc_id": passage.doc_id, "doc_number": None, "title": passage.doc_id, "section": "",
            "quote": answer, "start": passage.start + at, "end": passage.start + at + len(answer)}])
        return out
