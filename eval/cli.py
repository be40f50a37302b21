"""``tracuu eval``: score search and answers on a question file against a store.

With ``--corpus DIR`` (or a SQuAD/BEIR set that brings its own documents) the documents are
ingested into a temporary store first, so any document set plus question file can be scored.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tracuu.eval.harness import run_eval
from tracuu.eval.loaders import GOLD_TEST, THRESHOLDS, load_benchmark
from tracuu.eval.report import check_thresholds, compare_table, format_table, load_thresholds, write_report

log = logging.getLogger(__name__)


def answer_fn_for(assistant, mode: str, search_only: bool = False) -> Callable[[dict], dict]:
    """The function the harness calls: full ``ask`` in hybrid mode, ranked hits otherwise."""
    if search_only or mode != "hybrid":
        return lambda q: {"hits": [h.to_dict() for h in assistant.searcher.search(q["question"], k=10, mode=mode)]}
    return lambda q: assistant.ask(q["question"]).to_dict()


def _build_store(folder: Path, store_dir: Path, lexical: bool) -> None:
    from tracuu.cli import _restorer_factory
    from tracuu.index.store import Store
    from tracuu.ingest.pipeline import Ingestor

    factory = None
    if not lexical:
        from tracuu.index.embedder import Embedder

        factory = Embedder
    report = Ingestor(Store(store_dir), factory, _restorer_factory, show_progress=True).run([folder])
    log.info("eval corpus: %s", report.summary())
    if not report.ok:
        raise SystemExit(f"nothing could be ingested from {folder}")


def evaluate(questions_path: str | Path, store_dir: str | Path | None, modes: list[str],
             corpus: str | Path | None = None, search_only: bool = False) -> dict[str, dict]:
    """Run the harness for each mode; returns ``{mode: results}``."""
    from tracuu.retrieval.answer import Assistant
    from tracuu.retrieval.search import SearchConfig, Searcher

    bench = load_benchmark(questions_path)
    with tempfile.TemporaryDirectory(prefix="tracuu-eval-") as tmp:
        lexical = set(modes) <= {"lexical"}
        if bench.documents:
            folder = Path(tmp) / "corpus"
            bench.write_documents(folder)
            store_dir = Path(tmp) / "store"
            _build_store(folder, store_dir, lexical)
        elif corpus:
            store_dir = Path(tmp) / "store"
            _build_store(Path(corpus), store_dir, lexical)
        searcher = Searcher(store_dir, load_embedder=not lexical)
        doc_names = {d.doc_id: Path(d.source).stem for d in searcher.documents.values()}
        out: dict[str, dict] = {}
        for mode in modes:
            base = mode.split("-")[0]
            searcher.config = SearchConfig(restore=not mode.endswith("norestore"))
            assistant = Assistant(searcher=searcher)
            out[mode] = run_eval(bench.questions, answer_fn_for(assistant, base, search_only), doc_names, mode=mode)
        return out


def run_cli(args) -> int:
    questions = args.questions or str(GOLD_TEST)
    modes = ["lexical", "dense", "hybrid", "hybrid-norestore"] if args.compare else [args.mode]
    results = evaluate(questions, args.store, modes, corpus=args.corpus, search_only=args.search_only)
    if len(results) == 1:
        only = next(iter(results.values()))
        print(format_table(only))
    else:
        print(compare_table(results))
    payload = next(iter(results.values())) if len(results) == 1 else results
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    if args.report:
        written = write_report(payload, args.report)
        print("report: " + ", ".join(str(p) for p in written.values()))
    if args.check:
        failures = []
        for mode, res in results.items():
            failures += [f"{mode}: {f}" for f in check_thresholds(res, load_thresholds(THRESHOLDS))]
        if failures:
            print("Below thresholds:\n  " + "\n  ".join(failures), file=sys.stderr)
            return 1
        print("All thresholds met.")
    return 0
