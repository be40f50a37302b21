"""``tracuu bench``: ingest speed, warm query latency and throughput, growth to 100k chunks,
baselines and cold start, in one run; JSON plus a Markdown table beside it.

Everything runs on the bundled corpus in temporary stores (``--store`` points the query and
cold-start benchmarks at an existing index instead). ``--quick`` keeps to one small
document, a 1k-chunk growth step and fewer questions (about two minutes on two cores).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from tracuu.bench.measure import machine_info
from tracuu.bench.report import check_targets, render_markdown

log = logging.getLogger(__name__)

RESULTS_DIR = Path(__file__).resolve().parent / "results"
QUICK_FILES = ("003_fc34b6e3cdc17385.txt",)  # the smallest complete plan
COLD_QUESTION = "Ai ký Kế hoạch 304/KH-UBND của tỉnh Quảng Ninh?"


class _Phases:
    """Logs each benchmark as it starts and records how long each took."""

    def __init__(self, results: dict[str, Any]):
        self.times = results.setdefault("phase_seconds", {})
        self.name: str | None = None
        self.t0 = time.perf_counter()

    def __call__(self, name: str | None) -> None:
        now = time.perf_counter()
        if self.name:
            self.times[self.name] = round(now - self.t0, 1)
        self.name, self.t0 = name, now
        if name:
            log.info("bench: %s", name)


def _corpus(work: Path, quick: bool) -> Path:
    from tracuu.ingest.pipeline import BUNDLED_CORPUS

    if not quick:
        return BUNDLED_CORPUS
    folder = work / "corpus"
    folder.mkdir()
    for name in QUICK_FILES:
        shutil.copy(BUNDLED_CORPUS / name, folder / name)
    return folder


def run_benchmarks(quick: bool = False, store: str | Path | None = None, work: Path | None = None) -> dict[str, Any]:
    """Run every benchmark; return the results (targets included)."""
    from tracuu.bench.baselines import quality_comparison, questions_about, rank_bm25_vs_ours
    from tracuu.bench.coldstart import bench_cold_start
    from tracuu.bench.growth import SIZES_FULL, SIZES_QUICK, run_growth
    from tracuu.bench.ingest_speed import bench_ingest
    from tracuu.bench.queries import bench_queries, encode_variants, gold_questions
    from tracuu.eval.loaders import GOLD_TEST, load_jsonl
    from tracuu.index.embedder import Embedder
    from tracuu.index.store import Store
    from tracuu.retrieval.answer import Assistant
    from tracuu.retrieval.search import Searcher

    started = time.perf_counter()
    own_work = work is None
    work = Path(work or tempfile.mkdtemp(prefix="tracuu-bench-"))
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"), "quick": quick, "machine": machine_info(),
                               "notes": []}
    try:
        corpus = _corpus(work, quick)
        files = sorted(corpus.glob("*.txt"))
        t0 = time.perf_counter()
        embedder = Embedder()
        results["model_load_s"] = round(time.perf_counter() - t0, 3)

        phase = _Phases(results)
        phase("ingest")
        ingest_store = work / "ingest-store"
        results["ingest"] = bench_ingest(embedder, files, ingest_store)

        query_store = Path(store) if store and Store(store).exists() else ingest_store
        results["query_store"] = str(query_store) if query_store != ingest_store else None
        searcher = Searcher(query_store, embedder=embedder)
        assistant = Assistant(searcher=searcher)
        questions = gold_questions(30 if quick else 300)
        phase("queries")
        results["queries"] = bench_queries(searcher, assistant, questions, 30 if quick else 200)
        if not quick:
            results["queries"]["encode_env"] = encode_variants(questions[:100])

        phase("baselines")
        ingest_searcher = searcher if query_store == ingest_store else Searcher(ingest_store, embedder=embedder)
        test = load_jsonl(GOLD_TEST)
        if quick:
            docs = ingest_searcher.documents.values()
            test = questions_about(test, [d.text for d in docs])
        results["baselines"] = {
            "bm25_speed": rank_bm25_vs_ours(ingest_searcher, questions),
            "quality": quality_comparison(ingest_searcher, embedder, corpus, test),
        }

        phase("growth")
        rate = results["ingest"].get("bare_encode_chunks_per_s")
        results["growth"] = run_growth(ingest_store, work, SIZES_QUICK if quick else SIZES_FULL, rate,
                                       n_questions=30 if quick else 200)

        phase("cold start")
        results["cold_start"] = bench_cold_start(query_store, COLD_QUESTION, work, floors=not quick)
        phase(None)
    finally:
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
    results["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["seconds"] = round(time.perf_counter() - started, 1)
    if quick:
        results["notes"].append(f"quick run: ingest, queries and quality on {', '.join(QUICK_FILES)} only; "
                                "growth at 1k chunks only (100k targets not measured); cold start of the app without the floors")
    if max(results["machine"]["load_avg_at_start"][0], results["load_avg_at_end"][0]) > results["machine"]["cores"]:
        results["notes"].append("the CPU was shared with other work during this run (load average above the "
                                "core count): latencies are pessimistic")
    results["targets"] = check_targets(results)
    return results


def write_results(results: dict[str, Any], out_json: Path) -> Path:
    """Write the JSON and the Markdown table beside it (same name, ``.md``)."""
    out_json.parent.mkdir(parents=True, exist_ok=True)
    out_json.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    md = out_json.with_suffix(".md")
    md.write_text(render_markdown(results))
    return md


def run_cli(args) -> int:
    """Entry point of ``tracuu bench [--json OUT] [--quick] [--store DIR]``."""
    logging.getLogger("tracuu").setLevel(logging.INFO)
    out = Path(args.json_out) if getattr(args, "json_out", None) else \
        RESULTS_DIR / f"bench-{time.strftime('%Y%m%d-%H%M%S')}{'-quick' if args.quick else ''}.json"
    results = run_benchmarks(quick=bool(args.quick), store=getattr(args, "store", None))
    md = write_results(results, out)
    print(md.read_text())
    print(f"Results: {out} and {md}")
    failed = [k for k, t in results["targets"].items() if t["pass"] is False]
    if failed:
        print(f"Targets missed: {', '.join(failed)}")
    return 0
