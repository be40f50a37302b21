"""Warm query latency (lexical, dense, hybrid, full ``ask``) on the gold question texts, and
throughput with 1, 2 and 8 concurrent clients (threads sharing one loaded index and model).

"Warm" means the process, model and index are loaded; each timed query is still a new
question: the searcher's query-vector cache is cleared before it (a repeated question is
timed separately as ``*_repeat``). Each latency stands beside the cost it cannot avoid,
measured in the same run: dense and hybrid beside the bare query encoding, ``ask`` beside
the hybrid search it starts with, each throughput beside one client's.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from tracuu.bench.measure import clear_query_cache, latency, ratio, summarize_ms, throughput

log = logging.getLogger(__name__)

MODES = ("lexical", "dense", "hybrid")
CLIENTS = (1, 2, 8)
K = 10


def gold_questions(limit: int | None = None) -> list[str]:
    """The question texts of both gold splits (test first), as users typed them."""
    from tracuu.eval.loaders import GOLD_DEV, GOLD_TEST, load_jsonl

    texts = [q["question"] for q in load_jsonl(GOLD_TEST) + load_jsonl(GOLD_DEV)]
    return texts[:limit] if limit else texts


def mode_latencies(searcher, assistant, questions: list[str]) -> dict[str, Any]:
    """p50/p95/p99 of each search mode and of ``ask`` for new questions, and of hybrid and
    ``ask`` again for questions just asked (the query-vector cache hit)."""
    def fresh(fn):
        def call(q):
            clear_query_cache(searcher)
            return fn(q)
        return call

    out: dict[str, Any] = {}
    if searcher.embedder is not None:
        out["encode_query"] = latency(lambda q: searcher.embedder.encode_queries([q]), questions)
    for mode in MODES:
        out[mode] = latency(fresh(lambda q, m=mode: searcher.search(q, K, mode=m)), questions)
    out["ask"] = latency(fresh(assistant.ask), questions)
    for q in questions:  # ask each once more, so every vector is in the cache
        searcher.search(q, K)
    out["hybrid_repeat"] = latency(lambda q: searcher.search(q, K), questions)
    out["ask_repeat"] = latency(assistant.ask, questions)
    return out


def hybrid_breakdown(searcher, questions: list[str]) -> dict[str, Any]:
    """Where a new hybrid query's time goes (means, so the parts add up): parsing, BM25 (both
    fields), query encoding, ANN search, and the rest (fusion, filters, top-k, hits)."""
    parts: dict[str, list[float]] = {k: [] for k in ("total", "parse", "bm25", "encode", "ann")}
    for q in questions:
        clear_query_cache(searcher)
        t0 = time.perf_counter()
        searcher.search(q, K)
        t1 = time.perf_counter()
        pq = searcher.parse(q)
        t2 = time.perf_counter()
        searcher.lexical_scores(pq)
        t3 = time.perf_counter()
        vec = None
        if searcher.embedder is not None:
            text = pq.original if pq.lang == "en" else pq.restored
            vec = searcher.embedder.encode_queries([text])[0]
        t4 = time.perf_counter()
        if vec is not None and searcher.dense is not None:
            searcher.dense.search(vec, searcher.config.dense_candidates)
        t5 = time.perf_counter()
        for key, dt in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            parts[key].append(dt * 1000)
    out = {f"{k}_mean_ms": summarize_ms(v)["mean_ms"] for k, v in parts.items()}
    out["rest_mean_ms"] = round(out["total_mean_ms"] - sum(out[f"{k}_mean_ms"] for k in ("parse", "bm25", "encode", "ann")), 3)
    return out


def bench_queries(searcher, assistant, questions: list[str], throughput_questions: int = 200) -> dict[str, Any]:
    out: dict[str, Any] = {"questions": len(questions), "chunks": len(searcher.chunks)}
    out.update(mode_latencies(searcher, assistant, questions))
    out["hybrid_breakdown"] = hybrid_breakdown(searcher, questions)
    enc = out.get("encode_query", {}).get("p50_ms")
    out["ratios"] = {
        "dense_over_encode_p50": ratio(out["dense"]["p50_ms"], enc),
        "hybrid_over_encode_p50": ratio(out["hybrid"]["p50_ms"], enc),
        "hybrid_over_dense_plus_lexical_p50": ratio(out["hybrid"]["p50_ms"],
                                                    out["dense"]["p50_ms"] + out["lexical"]["p50_ms"]),
        "ask_over_hybrid_p50": ratio(out["ask"]["p50_ms"], out["hybrid"]["p50_ms"]),
        "hybrid_repeat_over_new_p50": ratio(out["hybrid_repeat"]["p50_ms"], out["hybrid"]["p50_ms"]),
    }
    sample = questions[:throughput_questions]  # distinct questions: no run is served from the cache
    out["throughput"] = {}
    for name, fn in (("hybrid", lambda q: searcher.search(q, K)), ("ask", assistant.ask)):
        runs = {}
        for c in CLIENTS:
            clear_query_cache(searcher)
            runs[str(c)] = throughput(fn, sample, c)
        for c in CLIENTS:
            runs[str(c)]["over_one_client"] = ratio(runs[str(c)]["qps"], runs["1"]["qps"])
        out["throughput"][name] = runs
    return out


_ENCODE_SNIPPET = """
import json, sys
import torch
from tracuu.index.embedder import Embedder
from tracuu.bench.measure import latency
e = Embedder()
if int(sys.argv[2]):
    torch.set_num_threads(int(sys.argv[2]))
print(json.dumps(latency(lambda q: e.encode_queries([q]), json.loads(sys.argv[1]))))
"""

ENCODE_VARIANTS = {  # name -> (extra environment, torch threads or 0 for the embedder's default)
    "default": ({}, 0),
    "OMP_WAIT_POLICY=PASSIVE": ({"OMP_WAIT_POLICY": "PASSIVE"}, 0),
    "torch threads=1": ({}, 1),
}


def encode_variants(questions: list[str]) -> dict[str, float]:
    """Query-encoding p50 in fresh processes under different threading settings: shows how
    much of a query's time is the OpenMP runtime rather than the model."""
    import json
    import subprocess
    import sys

    from tracuu.bench.coldstart import offline_env

    out = {}
    for name, (env, threads) in ENCODE_VARIANTS.items():
        proc = subprocess.run([sys.executable, "-c", _ENCODE_SNIPPET, json.dumps(questions), str(threads)],
                              env={**offline_env(), **env}, capture_output=True, text=True, timeout=900, check=True)
        out[f"{name} p50_ms"] = json.loads(proc.stdout.strip().splitlines()[-1])["p50_ms"]
    return out
