"""Baselines measured in the same run as our numbers.

Speed: rank_bm25's BM25Okapi against our bm25s index on the same passages and tokens.

Quality: the pipeline most people would build instead — the files' text cut into fixed
1,000-character windows overlapping by 200, the same e5 model, FAISS exact inner product —
against our hybrid search, on the gold test questions, scored by ``tracuu.eval`` (Hit@1,
Hit@5, MRR@10). The paragraph BM25 of ``tracuu.eval.baseline`` is scored beside them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from tracuu.bench.measure import clear_query_cache, latency, ratio
from tracuu.eval.harness import run_eval
from tracuu.normalize import match_key

log = logging.getLogger(__name__)

WINDOW = 1000
OVERLAP = 200
K = 10
QUALITY_METRICS = ("hit@1", "hit@5", "mrr@10", "latency_p50_ms")


@dataclass(frozen=True)
class Window:
    chunk_id: str
    doc_id: str
    start: int
    text: str


def fixed_windows(doc_id: str, text: str, size: int = WINDOW, overlap: int = OVERLAP) -> list[Window]:
    """Character windows of ``size`` every ``size - overlap`` characters (the last may be short)."""
    step = size - overlap
    out = []
    for start in range(0, max(1, len(text) - overlap), step):
        piece = text[start : start + size]
        if piece.strip():
            out.append(Window(f"{doc_id}:{len(out)}", doc_id, start, piece))
    return out


class FixedChunkBaseline:
    """Fixed windows of the raw file text, embedded with our e5, searched exactly with FAISS."""

    def __init__(self, embedder, files: list[Path]):
        import faiss

        from tracuu.ingest.readers import read_file

        self.embedder = embedder
        self.windows = [w for f in files for w in fixed_windows(f.stem, read_file(f))]
        t0 = time.perf_counter()
        vecs = embedder.encode_passages([w.text for w in self.windows])
        self.encode_seconds = time.perf_counter() - t0
        self.index = faiss.IndexFlatIP(vecs.shape[1])
        self.index.add(np.ascontiguousarray(vecs, dtype=np.float32))

    def search(self, query: str, k: int = K) -> list[dict]:
        vec = self.embedder.encode_queries([query])
        scores, ids = self.index.search(vec, min(k, self.index.ntotal))
        return [{"chunk_id": self.windows[i].chunk_id, "doc_id": self.windows[i].doc_id, "section": "",
                 "text": self.windows[i].text, "score": float(s)} for s, i in zip(scores[0], ids[0]) if i >= 0]


def rank_bm25_vs_ours(searcher, questions: list[str]) -> dict[str, Any]:
    """rank_bm25's BM25Okapi on the same passages and tokens as our accented BM25 field."""
    from rank_bm25 import BM25Okapi

    from tracuu.index.build import passage_text
    from tracuu.index.lexical import LexicalIndex
    from tracuu.index.tokenize import tokenize

    texts = [passage_text(c) for c in searcher.chunks]
    t0 = time.perf_counter()
    theirs = BM25Okapi([tokenize(t) or ["∅"] for t in texts])
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    LexicalIndex.build(texts)
    ours_build = time.perf_counter() - t0
    toks = [tokenize(q) for q in questions]
    rb = latency(lambda t: theirs.get_scores(t), toks)
    ours_field = latency(lambda q: searcher.lexical.scores(q, "key"), questions)
    ours_search = latency(lambda q: searcher.search(q, K, mode="lexical"), questions)
    return {"chunks": len(texts), "rank_bm25_build_s": round(build, 3), "ours_build_s_both_fields": round(ours_build, 3),
            "rank_bm25_get_scores": rb, "ours_one_field_scores": ours_field, "ours_lexical_search": ours_search,
            "speedup_one_field_p50": ratio(rb["p50_ms"], ours_field["p50_ms"]),
            "speedup_full_lexical_search_p50": ratio(rb["p50_ms"], ours_search["p50_ms"])}


def questions_about(questions: list[dict], texts: list[str]) -> list[dict]:
    """The answerable questions whose evidence is in ``texts`` (for a smaller corpus)."""
    keys = [match_key(t) for t in texts]
    keep = []
    for q in questions:
        quotes = [match_key(e) for e in q.get("evidence") or []]
        if quotes and all(any(f" {qk} " in f" {k} " for k in keys) for qk in quotes if qk):
            keep.append(q)
    return keep


def _score(questions: list[dict], search: Callable[[str], list[dict]], name: str) -> dict[str, Any]:
    result = run_eval(questions, lambda q: {"hits": search(q["question"])}, mode=name)
    overall = result["overall"]
    return {m: (round(overall[m], 4) if isinstance(overall.get(m), float) else overall.get(m)) for m in QUALITY_METRICS} | {
        "n_answerable": overall.get("n_answerable")}


def quality_comparison(searcher, embedder, corpus_dir: Path, questions: list[dict]) -> dict[str, Any]:
    """Hit@1/Hit@5/MRR@10 of our hybrid search, the fixed-window e5 pipeline and paragraph
    BM25, all over the ``*.txt`` files of ``corpus_dir`` (what ``searcher`` was built from)."""
    from tracuu.eval.baseline import Bm25Baseline

    files = sorted(Path(corpus_dir).glob("*.txt"))
    t0 = time.perf_counter()
    fixed = FixedChunkBaseline(embedder, files)
    fixed_build = time.perf_counter() - t0
    def ours_search(q: str) -> list[dict]:
        clear_query_cache(searcher)  # a new question each time, as for the baseline
        return [h.to_dict() for h in searcher.search(q, K)]

    ours = _score(questions, ours_search, "ours-hybrid")
    base = _score(questions, fixed.search, "fixed-1000-e5-flat")
    bm25 = Bm25Baseline(corpus_dir)
    para = _score(questions, lambda q: [{"chunk_id": p.chunk_id, "doc_id": p.doc_id, "section": "", "text": p.text,
                                          "score": s} for p, s in bm25.search(q, K)], "paragraph-bm25")
    out = {
        "questions": len(questions),
        "ours_hybrid": ours,
        "fixed_1000_200_e5_flat": {**base, "windows": len(fixed.windows), "build_s": round(fixed_build, 3),
                                   "encode_s": round(fixed.encode_seconds, 3)},
        "paragraph_bm25": {**para, "passages": len(bm25.passages)},
    }
    out["ours_minus_fixed"] = {m: round(ours[m] - base[m], 4) for m in ("hit@1", "hit@5", "mrr@10")
                               if ours.get(m) is not None and base.get(m) is not None}
    out["ours_over_fixed"] = {m: (round(ours[m] / base[m], 3) if base.get(m) else None)
                              for m in ("hit@1", "hit@5", "mrr@10")}
    return out
