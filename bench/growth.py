"""Growth: index build time, peak memory, size on disk and query latency at ~1k, 10k and
100k chunks, and exact FAISS against the project's approximate index (IVF) and HNSW
(recall@10 and speed); BM25 built from token ids against the string-token build.

The corpora are real Vietnamese text: synthetic plans recombined from the bundled corpus
(the preamble of one plan with a fresh number, a few top-level sections drawn from all
plans, the closing block). Each is parsed by the real ``parse_text`` and written and indexed
by the real store and ``build_indexes``.

Embedding 100k chunks with e5 takes hours on two cores, so the dense side does not run the
model on the synthetic chunks: each one gets the real e5 vector of the bundled chunk its
text came from (same document, largest span overlap) plus a small Gaussian perturbation,
re-normalised (:class:`ReplayEmbedder`). Queries are encoded by the real model. The
embedding time such a corpus would need is extrapolated from the rate measured in the same
run. Every size is built and queried in fresh subprocesses, so each peak-memory figure
belongs to that size alone.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import logging
import random
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tracuu.index.build import CHUNK_IDS, DENSE, MANIFEST, build_indexes, passage_text
from tracuu.index.dense import DenseIndex
from tracuu.index.store import Store
from tracuu.ingest.pipeline import Parsed, parse_text
from tracuu.records import Document

from tracuu.bench.baselines import rank_bm25_vs_ours
from tracuu.bench.measure import PeakRss, latency, max_rss_mb, ratio, sizes_mb
from tracuu.bench.queries import hybrid_breakdown, mode_latencies

log = logging.getLogger(__name__)

SIZES_FULL = (1_000, 10_000, 100_000)
SIZES_QUICK = (1_000,)
NOISE = 0.2  # norm of the Gaussian perturbation added to a unit vector (cosine to its source ≈ 0.98)
MAX_PIECE_CHARS = 12_000  # a larger top-level section is split into its subsections
PIECES_PER_DOC = (2, 6)
RANK_BM25_MAX_CHUNKS = 12_000  # rank_bm25 is pure Python per query token; beyond this it only measures patience
EF_SWEEP = (32, 64, 128, 256, 512)
NPROBE_SWEEP = (8, 16, 32, 64, 128)
HNSW_M, HNSW_EF_CONSTRUCTION = 32, 80  # the HNSW the project used before IVF, kept as a reference
K = 10


# --- the material: the bundled corpus with its real vectors ----------------------------------


@dataclass
class SourceCorpus:
    """The documents, their recombinable pieces and the real vectors of their chunks."""

    docs: dict[str, Document]
    pieces: list[tuple[str, int, int]]  # (doc_id, start, end) of a top-level section or subsection
    preambles: list[tuple[str, int, int]]
    tails: dict[str, tuple[int, int]]  # doc_id -> span of "Nơi nhận" + signature
    spans: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # doc_id -> (starts, ends, row of vectors)
    meta_rows: dict[str, int]  # doc_id -> row of its document-facts chunk
    vectors: np.ndarray
    model_id: str
    checksum: str

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])


def load_source(store_root: Path) -> SourceCorpus:
    """Read the bundled corpus store (built with the real model) as recombination material."""
    snap = Store(store_root).open()
    manifest = json.loads((snap.path / MANIFEST).read_text())
    if not manifest.get("dense"):
        raise ValueError(f"{store_root} has no dense index; growth needs the real vectors of its chunks")
    docs = {d.doc_id: d for d in snap.documents()}
    by_id = {c.chunk_id: c for c in snap.chunks()}
    chunks = [by_id[cid] for cid in json.loads((snap.path / CHUNK_IDS).read_text())]
    vectors = stored_vectors(DenseIndex.load(snap.path / DENSE).index)  # rows in chunk_ids order
    spans, meta_rows = {}, {}
    for doc_id in docs:
        rows = [i for i, c in enumerate(chunks) if c.doc_id == doc_id and c.kind != "meta"]
        spans[doc_id] = (np.array([chunks[i].start for i in rows]), np.array([chunks[i].end for i in rows]),
                         np.array(rows))
        meta = [i for i, c in enumerate(chunks) if c.doc_id == doc_id and c.kind == "meta"]
        if meta:
            meta_rows[doc_id] = meta[0]
    pieces, preambles, tails = [], [], {}
    sections = snap.sections()
    children: dict[str | None, list] = {}
    for s in sections:
        children.setdefault(s.parent_id, []).append(s)

    def split(sec) -> list:
        kids = children.get(sec.section_id, [])
        if sec.end - sec.start <= MAX_PIECE_CHARS or not kids:
            return [sec]
        return [p for k in kids for p in split(k)]

    for sec in children.get(None, []):
        if sec.kind == "preamble":
            preambles.append((sec.doc_id, sec.start, sec.end))
        elif sec.kind in ("recipients", "signature"):
            a, b = tails.get(sec.doc_id, (sec.start, sec.end))
            tails[sec.doc_id] = (min(a, sec.start), max(b, sec.end))
        else:
            pieces.extend((p.doc_id, p.start, p.end) for p in split(sec))
    snap.close()
    return SourceCorpus(docs, pieces, preambles, tails, spans, meta_rows, vectors.astype(np.float32),
                        manifest["model_id"], manifest["model_checksum"])


# --- recombination -----------------------------------------------------------------------------


@dataclass
class Segment:
    syn_start: int
    doc_id: str
    real_start: int


@dataclass
class Synthetic:
    parsed: list[Parsed]
    table: dict[str, np.ndarray]  # passage text -> planned vector
    chunks: int = 0
    fallback: int = 0  # chunks whose source could not be located (random real vector instead)
    cosine_to_source: float = 0.0
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


_NUMBER = re.compile(r"(Số\s*(?:hiệu)?\s*[:.]?\s*)\d{1,5}(/[A-Za-zĐđ][\w\-–&]*)")


def _compose(src: SourceCorpus, n: int, rng: random.Random) -> tuple[str, list[Segment]]:
    """One synthetic plan: a preamble with a fresh number, random pieces, a closing block."""
    doc_id, a, b = rng.choice(src.preambles)
    head = src.docs[doc_id].text[a:b].strip("\n")
    number = f"{n}/KH-UBND"
    head, found = _NUMBER.subn(rf"\g<1>{number.split('/')[0]}\g<2>", head, count=1)
    prefix = "" if found else f"Số: {number}\n\n"
    parts: list[tuple[str, str, int]] = [(prefix + head, doc_id, a - len(prefix))]
    for pid, pa, pb in rng.sample(src.pieces, min(len(src.pieces), rng.randint(*PIECES_PER_DOC))):
        parts.append((src.docs[pid].text[pa:pb].strip("\n"), pid, pa))
    if doc_id in src.tails:
        ta, tb = src.tails[doc_id]
        parts.append((src.docs[doc_id].text[ta:tb].strip("\n"), doc_id, ta))
    text, segments = "", []
    for body, pid, real_start in parts:
        if text:
            text += "\n\n"
        segments.append(Segment(len(text), pid, real_start))
        text += body
    return text + "\n", segments


def _source_row(src: SourceCorpus, segments: list[Segment], starts: list[int], a: int, b: int) -> int | None:
    """Row of the real chunk that the synthetic span [a, b) was copied from."""
    seg = segments[max(0, bisect.bisect_right(starts, a) - 1)]
    ra, rb = a - seg.syn_start + seg.real_start, b - seg.syn_start + seg.real_start
    s, e, rows = src.spans[seg.doc_id]
    if not len(rows):
        return None
    overlap = np.minimum(e, rb) - np.maximum(s, ra)
    best = int(np.argmax(overlap))
    return int(rows[best]) if overlap[best] > 0 else None


def synthesize(src: SourceCorpus, n_chunks: int, seed: int = 0) -> Synthetic:
    """Recombined plans until they hold at least ``n_chunks`` chunks, and a planned vector for
    each chunk's passage text."""
    t0 = time.perf_counter()
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    sigma = NOISE / np.sqrt(src.dim)
    out = Synthetic([], {})
    cosines = []
    i = 0
    while out.chunks < n_chunks:
        i += 1
        text, segments = _compose(src, 1000 + i, rng)
        parsed = parse_text(f"syn-{i:06d}", f"syn_{i:06d}.txt", text)
        if parsed.doc.text != text:  # clean_text changed offsets: map nothing, count them all
            segments = []
        starts = [s.syn_start for s in segments]
        for c in parsed.chunks:
            row = None
            if c.kind == "meta":
                row = next((src.meta_rows[s.doc_id] for s in segments[:1] if s.doc_id in src.meta_rows), None)
            elif segments:
                row = _source_row(src, segments, starts, c.start, max(c.end, c.start + 1))
            if row is None:
                out.fallback += 1
                row = int(nrng.integers(len(src.vectors)))
            vec = src.vectors[row] + nrng.normal(0.0, sigma, src.dim).astype(np.float32)
            vec /= np.linalg.norm(vec)
            cosines.append(float(vec @ src.vectors[row]))
            out.table.setdefault(passage_text(c), vec)
        out.parsed.append(parsed)
        out.chunks += len(parsed.chunks)
    out.cosine_to_source = float(np.mean(cosines)) if cosines else 0.0
    out.seconds = time.perf_counter() - t0
    return out


class ReplayEmbedder:
    """Stands in for the model at build time only: returns each passage's planned vector.
    It carries the real model's id and checksum, so the real model answers the queries."""

    def __init__(self, table: dict[str, np.ndarray], model_id: str, checksum: str, dim: int):
        self.table, self.model_id, self.checksum, self.dim = table, model_id, checksum, dim

    def encode_passages(self, texts: list[str], batch_size: int = 16, show_progress: bool = False) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]).astype(np.float32) if texts else np.zeros((0, self.dim), np.float32)

    def _vector(self, text: str) -> np.ndarray:
        """A chunk's planned vector; a sentence (indexed on its own for answers) gets a fixed
        unit vector seeded by its text, so builds cost what they would and stay reproducible."""
        if text in self.table:
            return self.table[text]
        rng = np.random.default_rng(int.from_bytes(hashlib.sha1(text.encode()).digest()[:8], "little"))
        vec = rng.normal(size=self.dim).astype(np.float32)
        return vec / np.linalg.norm(vec)

    def encode_queries(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - never called at build time
        raise RuntimeError("the replay embedder only builds indexes")


# --- child process: build ----------------------------------------------------------------------


@contextmanager
def _timed_calls(times: dict[str, float]):
    """Time the components ``build_indexes`` calls (BM25, FAISS, restorer) and the memory each
    adds at its peak, without changing what they do."""
    import tracuu.index.build as build_mod
    from tracuu.index.lexical import LexicalIndex

    orig_lex, orig_faiss = LexicalIndex.build, build_mod.build_faiss

    def lex(texts, config=None):
        with _measured(times, "bm25_build"):
            return orig_lex(texts, config) if config is not None else orig_lex(texts)

    def fa(vectors, approximate=None):
        with _measured(times, "faiss_build"):
            return orig_faiss(vectors, approximate)

    LexicalIndex.build = staticmethod(lex)
    build_mod.build_faiss = fa
    try:
        yield
    finally:
        LexicalIndex.build = orig_lex
        build_mod.build_faiss = orig_faiss


@contextmanager
def _measured(times: dict[str, float], name: str):
    t0 = time.perf_counter()
    with PeakRss() as mem:
        yield
    times[f"{name}_s"] = times.get(f"{name}_s", 0.0) + time.perf_counter() - t0
    times[f"{name}_peak_growth_mb"] = max(times.get(f"{name}_peak_growth_mb", 0.0), mem.peak_mb - mem.start_mb)


def _restorer_factory(times: dict[str, float]):
    from tracuu.retrieval.restore import DiacriticRestorer

    class TimedRestorer(DiacriticRestorer):
        def fit(self, texts, seed: bool = True):
            with _measured(times, "restorer_fit"):
                return super().fit(texts, seed)

    return TimedRestorer


def build_child(source: Path, n_chunks: int, out: Path, seed: int, dedupe: bool) -> dict[str, Any]:
    from tracuu.ingest.dedupe import find_duplicates

    result: dict[str, Any] = {"target_chunks": n_chunks}
    with PeakRss() as mem_synth:
        src = load_source(source)
        syn = synthesize(src, n_chunks, seed)
    result.update(documents=len(syn.parsed), chunks=syn.chunks, chars=sum(len(p.doc.text) for p in syn.parsed),
                  synth_s=round(syn.seconds, 3), fallback_vectors=syn.fallback,
                  mean_cosine_to_source=round(syn.cosine_to_source, 4), noise_norm=NOISE,
                  source_chunks=len(src.vectors))
    if dedupe:
        t0 = time.perf_counter()
        _, dups = find_duplicates([p.doc for p in syn.parsed])
        result["dedupe_s"] = round(time.perf_counter() - t0, 3)
        result["dedupe_flagged"] = len(dups)
    embedder = ReplayEmbedder(syn.table, src.model_id, src.checksum, src.dim)
    times: dict[str, float] = {}
    store = Store(out / "store")
    t_all = time.perf_counter()
    with PeakRss() as mem_build:
        with store.writer(fresh=True) as w:
            t0 = time.perf_counter()
            for p in syn.parsed:
                w.put_document(p.doc, p.sections, p.chunks, p.assignments)
            times["sqlite_write_s"] = time.perf_counter() - t0
            with _timed_calls(times):
                stats = build_indexes(w.path, w.snapshot_view(), embedder, _restorer_factory(times))
            times["build_indexes_s"] = stats.total_seconds
            times["replay_vectors_s"] = stats.encode_seconds
            t_commit = time.perf_counter()
        times["commit_swap_s"] = time.perf_counter() - t_commit
    times["index_total_s"] = time.perf_counter() - t_all
    result["build"] = {k: round(v, 3) for k, v in times.items()}
    # what ingest costs without the model: writing + indexes (the replayed vectors are free)
    result["build"]["index_without_encode_s"] = round(times["index_total_s"] - times["replay_vectors_s"], 3)
    result["memory"] = {"synthesis": mem_synth.to_dict(), "build": mem_build.to_dict(), "max_rss_mb": round(max_rss_mb(), 1)}
    result["disk_mb"] = sizes_mb(store.current_path)
    return result


def bm25_baseline_child(source: Path, n_chunks: int, seed: int) -> dict[str, Any]:
    """BM25 built as before token ids (a list of every passage's token strings per field, the
    two fields' lists overlapping), on the same synthetic corpus as the build child: the
    baseline for the time and memory of ``LexicalIndex.build``."""
    import bm25s

    from tracuu.index.lexical import EMPTY, FIELDS
    from tracuu.index.tokenize import tokenize

    syn = synthesize(load_source(source), n_chunks, seed)
    texts = [passage_text(c) for p in syn.parsed for c in p.chunks]
    times: dict[str, float] = {}
    models = []
    with _measured(times, "bm25_string_tokens"):
        for name in FIELDS:
            corpus = [tokenize(t, folded=(name == "folded")) or [EMPTY] for t in texts]
            model = bm25s.BM25(k1=1.2, b=0.75)
            model.index(corpus, show_progress=False)
            models.append(model)
    return {"chunks": len(texts), **{k: round(v, 3) for k, v in times.items()}, "max_rss_mb": round(max_rss_mb(), 1)}


# --- child process: query ----------------------------------------------------------------------


def _questions(n: int) -> list[str]:
    from tracuu.eval.loaders import GOLD_DEV, GOLD_TEST, load_jsonl

    qs = [q["question"] for q in load_jsonl(GOLD_TEST) + load_jsonl(GOLD_DEV)]
    return qs[:n]


def recall_at_k(approx_ids: np.ndarray, exact_ids: np.ndarray, exact_scores: np.ndarray,
                approx_scores: np.ndarray, k: int = K) -> dict[str, float]:
    """Mean recall@k of approximate results against exact ones: by id, and tie-aware (a
    result scoring at least the exact k-th score counts: duplicate texts have equal vectors)."""
    by_id, by_score = [], []
    for a, e, es, asc in zip(approx_ids, exact_ids, exact_scores, approx_scores):
        kk = min(k, int((e >= 0).sum()))
        if kk == 0:
            continue
        by_id.append(len(set(a[:kk].tolist()) & set(e[:kk].tolist())) / kk)
        by_score.append(float(np.sum(asc[:kk] >= es[kk - 1] - 1e-5)) / kk)
    return {"recall_at_10": round(float(np.mean(by_id)), 4), "recall_at_10_tie_aware": round(float(np.mean(by_score)), 4)}


def stored_vectors(index) -> np.ndarray:
    """Every vector of a FAISS index in position order (an IVF index needs its id map first)."""
    import faiss

    if isinstance(index, faiss.IndexIVF):
        index.make_direct_map()
    return index.reconstruct_n(0, index.ntotal)


def _hnsw(matrix: np.ndarray):
    """The HNSW index the project built above its threshold before IVF (the reference)."""
    import faiss

    index = faiss.IndexHNSWFlat(matrix.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.add(np.ascontiguousarray(matrix, dtype=np.float32))
    return index


def _approximate(index, matrix: np.ndarray) -> tuple[Any, float | None]:
    """The store's index if it is the project's approximate kind, else one built like it."""
    import faiss

    from tracuu.index.dense import build_faiss

    if isinstance(index, faiss.IndexIVF):
        return index, None
    t0 = time.perf_counter()
    built = build_faiss(matrix, approximate=True)
    return built, time.perf_counter() - t0


def _sweep(index, setter, values, qvecs: np.ndarray, e_ids: np.ndarray, e_scores: np.ndarray,
           timed: bool = True) -> dict[str, Any]:
    """Recall@10 (and per-query latency) of ``index`` at each search parameter value."""
    one = [q.reshape(1, -1) for q in qvecs]
    out = {}
    for v in values:
        setter(index, v)
        a_scores, a_ids = index.search(qvecs, K)
        out[str(v)] = {**recall_at_k(a_ids, e_ids, e_scores, a_scores),
                       **(latency(lambda q: index.search(q, K), one, warmup=5) if timed else {})}
    return out


def _set_nprobe(index, v: int) -> None:
    index.nprobe = v


def _set_ef(index, v: int) -> None:
    index.hnsw.efSearch = v


def _as_searched(index, qvecs: np.ndarray, e_ids: np.ndarray, e_scores: np.ndarray) -> dict[str, Any]:
    """Recall@10 as hybrid search sees it: it asks for SearchConfig.dense_candidates."""
    from tracuu.retrieval.search import SearchConfig

    cand = SearchConfig().dense_candidates
    a_scores, a_ids = index.search(qvecs, cand)
    return {"k": cand, **recall_at_k(a_ids[:, :K], e_ids, e_scores, a_scores[:, :K]),
            **latency(lambda q: index.search(q, cand), [q.reshape(1, -1) for q in qvecs], warmup=5)}


def compare_ann(index, qvecs: np.ndarray) -> dict[str, Any]:
    """Exact inner product against the project's approximate index (IVF, nprobe swept) and
    the HNSW it replaced (efSearch swept), on the same vectors and queries."""
    from tracuu.index.dense import HNSW_EF_SEARCH, build_faiss, ivf_probes

    n = index.ntotal
    matrix = stored_vectors(index)
    t0 = time.perf_counter()
    exact = build_faiss(matrix, approximate=False)
    exact_build = time.perf_counter() - t0
    approx, approx_build = _approximate(index, matrix)
    t0 = time.perf_counter()
    hnsw = _hnsw(matrix)
    hnsw_build = time.perf_counter() - t0
    e_scores, e_ids = exact.search(qvecs, K)
    one = [q.reshape(1, -1) for q in qvecs]
    nprobe = ivf_probes(approx.nlist)
    out: dict[str, Any] = {"vectors": n, "queries": len(qvecs), "index_in_store": type(index).__name__,
                           "exact_build_s": round(exact_build, 3),
                           "approx_build_s": round(approx_build, 3) if approx_build is not None else "built by build_indexes",
                           "hnsw_build_s": round(hnsw_build, 3)}
    out["exact"] = latency(lambda q: exact.search(q, K), one, warmup=5)
    out["nprobe_sweep"] = _sweep(approx, _set_nprobe, sorted(set(NPROBE_SWEEP) | {nprobe}), qvecs, e_ids, e_scores)
    _set_nprobe(approx, nprobe)
    out["approx"] = {"kind": "IVFFlat", "nlist": approx.nlist, "nprobe": nprobe, **out["nprobe_sweep"][str(nprobe)]}
    out["approx_as_searched"] = _as_searched(approx, qvecs, e_ids, e_scores)
    out["ef_sweep"] = _sweep(hnsw, _set_ef, sorted(set(EF_SWEEP) | {HNSW_EF_SEARCH}), qvecs, e_ids, e_scores)
    _set_ef(hnsw, HNSW_EF_SEARCH)
    out["hnsw"] = {"m": HNSW_M, "ef_search": HNSW_EF_SEARCH, **out["ef_sweep"][str(HNSW_EF_SEARCH)]}
    out["hnsw_as_searched"] = _as_searched(hnsw, qvecs, e_ids, e_scores)
    out["speedup_p50"] = ratio(out["exact"]["p50_ms"], out["approx"]["p50_ms"])
    return out


def ann_noise_sensitivity(source: Path, n: int, qvecs: np.ndarray, noises=(0.2, 0.35, 0.5)) -> dict[str, Any]:
    """Recall of the approximate index against exact on ``n`` perturbed copies of the real
    vectors, for several noise levels: how much the recall figure owes to the synthetic
    corpus's tight clusters (the real chunks' own neighbour similarity is given for comparison)."""
    from tracuu.index.dense import build_faiss, ivf_probes

    real = load_source(source).vectors
    sims = real @ real.T
    np.fill_diagonal(sims, -1.0)
    out: dict[str, Any] = {"vectors": n, "real_chunks": len(real),
                           "real_nearest_neighbour_cosine": round(float(sims.max(axis=1).mean()), 4),
                           "real_pair_cosine": round(float(sims[sims > -1].mean()), 4), "noise": {}}
    rng = np.random.default_rng(1)
    rows = rng.integers(len(real), size=n)
    for noise in noises:
        m = real[rows] + rng.normal(0.0, noise / np.sqrt(real.shape[1]), (n, real.shape[1])).astype(np.float32)
        m /= np.linalg.norm(m, axis=1, keepdims=True)
        exact = build_faiss(m, approximate=False)
        probe = m[: min(500, n)]
        nn = exact.search(probe, 2)[0][:, 1]
        t0 = time.perf_counter()
        approx = build_faiss(m, approximate=True)
        rec: dict[str, Any] = {"nearest_neighbour_cosine": round(float(nn.mean()), 4),
                               "approx_build_s": round(time.perf_counter() - t0, 3)}
        e_scores, e_ids = exact.search(qvecs, K)
        nprobe = ivf_probes(approx.nlist)
        sweep = _sweep(approx, _set_nprobe, sorted({nprobe // 2, nprobe, 2 * nprobe}), qvecs, e_ids, e_scores,
                       timed=False)
        rec.update({f"nprobe{v}": r["recall_at_10"] for v, r in sweep.items()}, nprobe=nprobe)
        out["noise"][str(noise)] = rec
        del m, exact, approx
    return out


def query_child(store: Path, n_questions: int, with_rank_bm25: bool, source: Path | None = None) -> dict[str, Any]:
    from tracuu.index.embedder import Embedder
    from tracuu.retrieval.answer import Assistant
    from tracuu.retrieval.search import Searcher

    result: dict[str, Any] = {}
    t0 = time.perf_counter()
    embedder = Embedder()
    result["model_load_s"] = round(time.perf_counter() - t0, 3)
    with PeakRss() as mem_load:
        t0 = time.perf_counter()
        searcher = Searcher(store, embedder=embedder)
        result["searcher_load_s"] = round(time.perf_counter() - t0, 3)
        t0 = time.perf_counter()
        assistant = Assistant(searcher=searcher)
        result["assistant_init_s"] = round(time.perf_counter() - t0, 3)
    result["chunks"] = len(searcher.chunks)
    result["dense_index"] = type(searcher.dense.index).__name__ if searcher.dense else None
    questions = _questions(n_questions)
    with PeakRss() as mem_query:
        result["latency"] = mode_latencies(searcher, assistant, questions)
        result["hybrid_breakdown"] = hybrid_breakdown(searcher, questions)
        qvecs = embedder.encode_queries(questions)
        result["ann"] = compare_ann(searcher.dense.index, qvecs)
    if source is not None:
        result["ann_noise"] = ann_noise_sensitivity(source, len(searcher.chunks), qvecs)
    if with_rank_bm25:
        result["rank_bm25"] = rank_bm25_vs_ours(searcher, questions)
    result["memory"] = {"load": mem_load.to_dict(), "queries": mem_query.to_dict(), "max_rss_mb": round(max_rss_mb(), 1)}
    return result


# --- the parent: one build and one query process per size ---------------------------------------


def _child(args: list[str], out_json: Path, timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "tracuu.bench.growth", *args, "--json", str(out_json)]
    log.info("growth: %s", " ".join(args))
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"growth child {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(out_json.read_text())


def run_growth(source_store: Path, work: Path, sizes: tuple[int, ...], encode_chunks_per_s: float | None,
               n_questions: int = 200, timeout: float = 3 * 3600) -> dict[str, Any]:
    """Build and query each size in its own subprocesses; return one record per size."""
    out: dict[str, Any] = {"method": (
        "synthetic plans recombined from the bundled corpus (real Vietnamese text, parsed by parse_text); "
        f"passage vectors = real e5 vector of the source chunk + Gaussian noise of norm {NOISE}, re-normalised; "
        "queries encoded by the real model; embedding time extrapolated from the measured encode rate"),
        "sizes": {}}
    for n in sizes:
        folder = work / f"growth-{n}"
        folder.mkdir(parents=True, exist_ok=True)
        build = _child(["build", "--source", str(source_store), "--chunks", str(n), "--out", str(folder), "--dedupe"],
                       folder / "build.json", timeout)
        query = _child(["query", "--store", str(folder / "store"), "--questions", str(n_questions),
                        "--source", str(source_store),
                        *(["--rank-bm25"] if build["chunks"] <= RANK_BM25_MAX_CHUNKS else [])],
                       folder / "query.json", timeout)
        baseline = _child(["bm25-baseline", "--source", str(source_store), "--chunks", str(n)],
                          folder / "bm25_baseline.json", timeout)
        baseline["build_time_ratio"] = ratio(build["build"]["bm25_build_s"], baseline["bm25_string_tokens_s"])
        baseline["peak_growth_ratio"] = ratio(build["build"]["bm25_build_peak_growth_mb"],
                                              baseline["bm25_string_tokens_peak_growth_mb"])
        rec = {"build": build, "query": query, "bm25_string_baseline": baseline}
        if encode_chunks_per_s:
            rec["extrapolated_encode_s"] = round(build["chunks"] / encode_chunks_per_s, 1)
            rec["extrapolated_ingest_s"] = round(rec["extrapolated_encode_s"] + build["build"]["index_without_encode_s"], 1)
        out["sizes"][str(n)] = rec
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tracuu.bench.growth", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--source", required=True, help="store of the bundled corpus built with the real model")
    b.add_argument("--chunks", type=int, required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--dedupe", action="store_true", help="also time duplicate detection over the documents")
    b.add_argument("--json", required=True)
    lb = sub.add_parser("bm25-baseline", help="BM25 from string tokens on the same corpus (time and memory baseline)")
    lb.add_argument("--source", required=True)
    lb.add_argument("--chunks", type=int, required=True)
    lb.add_argument("--seed", type=int, default=0)
    lb.add_argument("--json", required=True)
    q = sub.add_parser("query")
    q.add_argument("--store", required=True)
    q.add_argument("--questions", type=int, default=200)
    q.add_argument("--rank-bm25", action="store_true")
    q.add_argument("--source", help="the bundled corpus store: also measure approximate recall at other noise levels")
    q.add_argument("--json", required=True)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.cmd == "build":
        result = build_child(Path(args.source), args.chunks, Path(args.out), args.seed, args.dedupe)
    elif args.cmd == "bm25-baseline":
        result = bm25_baseline_child(Path(args.source), args.chunks, args.seed)
    else:
        result = query_child(Path(args.store), args.questions, args.rank_bm25, Path(args.source) if args.source else None)
    Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
