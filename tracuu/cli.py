"""The single command-line entry point: ``tracuu <subcommand>``."""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

log = logging.getLogger("tracuu")


def _embedder_factory(args) -> Callable[[], object] | None:
    if getattr(args, "lexical_only", False):
        return None

    from tracuu.index.embedder import configured_embedder

    return configured_embedder


def _restorer_factory():
    from tracuu.retrieval.restore import DiacriticRestorer

    return DiacriticRestorer()


def _store(args):
    from tracuu.index.store import Store

    return Store(args.store)


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


# -- ingest / docs / assignments ---------------------------------------------------------

def cmd_ingest(args) -> int:
    from tracuu.ingest.pipeline import Ingestor
    from tracuu.records import IngestError

    ingestor = Ingestor(_store(args), _embedder_factory(args), _restorer_factory,
                        max_bytes=int(args.max_mb * 1024 * 1024), show_progress=not args.quiet)
    try:
        report = ingestor.run(args.paths or None, add_only=args.add, rebuild=args.rebuild, strict=args.strict)
    except IngestError as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return 1
    print(report.summary())
    print(f"Store: {ingestor.store.root}")
    if not report.ok:
        print("Nothing could be ingested.", file=sys.stderr)
        return 1
    return 0


def cmd_docs(args) -> int:
    snap = _store(args).open()
    docs = snap.documents()
    if args.json:
        _print_json([d.to_dict() for d in docs])
        return 0
    for d in docs:
        print(f"{d.doc_id}\n  {d.label}  |  {d.issuer or '-'}  |  {d.issue_date or '-'}  |  ký: {d.signer or '-'}"
              f" ({d.signer_title or '-'})\n  {(d.title or '')[:160]}")
        if d.duplicates:
            print(f"  bản trùng đã gộp: {', '.join(d.duplicates)}")
    return 0


def _matches_agency(a, needle: str) -> bool:
    from tracuu.normalize import fold

    n = fold(needle)
    return any(n in fold(x) for x in a.lead + a.partners)


def cmd_assignments(args) -> int:
    snap = _store(args).open()
    rows = snap.assignments(args.doc)
    if args.agency:
        rows = [a for a in rows if _matches_agency(a, args.agency)]
    if args.json:
        _print_json([a.to_dict() for a in rows])
    elif args.csv:
        w = csv.writer(sys.stdout)
        w.writerow(["doc_id", "row", "task", "lead", "partners", "deadline", "target", "section"])
        for a in rows:
            w.writerow([a.doc_id, a.row_number, a.task, "; ".join(a.lead), "; ".join(a.partners),
                        a.deadline or "", a.target or "", a.section_path])
    else:
        for a in rows:
            print(f"[{a.doc_id} #{a.row_number}] {a.task[:140]}\n   Chủ trì: {'; '.join(a.lead) or '-'}"
                  f"\n   Phối hợp: {'; '.join(a.partners) or '-'}\n   Thời gian: {a.deadline or '-'}"
                  + (f"\n   Chỉ tiêu: {a.target}" if a.target else ""))
    return 0


# -- search / ask ------------------------------------------------------------------------

def _read_questions(path: str) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except ValueError as exc:
                    raise SystemExit(f"{path}:{n}: not valid JSON ({exc})")
    return out


def _filters(args) -> dict:
    return {"doc": args.doc, "province": getattr(args, "province", None), "year": getattr(args, "year", None),
            "doc_type": getattr(args, "doc_type", None)}


def cmd_search(args) -> int:
    from tracuu.retrieval.search import Searcher

    searcher = Searcher(args.store, load_embedder=args.mode != "lexical")
    questions = _read_questions(args.questions) if args.questions else [{"id": None, "question": args.query}]
    if not args.questions and not args.query:
        print("give a QUESTION or --questions FILE", file=sys.stderr)
        return 2
    for q in questions:
        hits = searcher.search(q["question"], k=args.k, filters=_filters(args), mode=args.mode)
        if args.json:
            obj = {"query": q["question"], "hits": [h.to_dict() for h in hits]}
            if q.get("id") is not None:
                obj = {"id": q["id"], **obj}
            _print_json(obj)
        else:
            print(f"? {q['question']}")
            for i, h in enumerate(hits, 1):
                print(f"{i:2d}. [{h.score:.3f}] {h.doc_id} › {h.section}\n    {h.text[:300]}")
    return 0


def cmd_ask(args) -> int:
    from tracuu.retrieval.answer import Assistant, format_answer

    assistant = Assistant(args.store)
    if not args.questions and not args.query:
        print("give a QUESTION or --questions FILE", file=sys.stderr)
        return 2
    questions = _read_questions(args.questions) if args.questions else [{"id": None, "question": args.query}]
    for q in questions:
        ans = assistant.ask(q["question"], filters=_filters(args), k=args.k)
        if args.json:
            obj = ans.to_dict()
            if q.get("id") is not None:
                obj = {"id": q["id"], **obj}
            _print_json(obj)
        else:
            print(format_answer(ans, assistant.searcher.documents))
    return 0


def cmd_eval(args) -> int:
    from tracuu.eval.cli import run_cli

    return run_cli(args)


def keep_ipython_out() -> None:
    """Mark IPython absent in a serving process, before gradio is imported.

    The web server is never a notebook, yet gradio imports IPython for its notebook hooks:
    0.3-0.4 s of a ~3 s start (bench/README.md, "Cold start"). Marked absent, those imports fail
    fast, which gradio (and tqdm, transformers) take as "not running in a notebook". A process
    that has already imported IPython keeps it. Used by ``tracuu serve`` and ``app.py``.
    """
    sys.modules.setdefault("IPython", None)


def cmd_serve(args) -> int:
    keep_ipython_out()
    from tracuu.ui import serve

    serve(store=args.store, host=args.host, port=args.port, allow_upload=not args.no_upload)
    return 0


def cmd_bench(args) -> int:
    from tracuu.bench.run import run_cli

    return run_cli(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tracuu", description="Tra cứu kế hoạch (Vietnamese plan documents): "
                                "ingest, search, ask, evaluate, serve.")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp):
        sp.add_argument("--store", default=os.environ.get("TRACUU_STORE"),
                        help="store directory (default: per-user data dir, or $TRACUU_STORE)")
        return sp

    sp = common(sub.add_parser("ingest", help="read documents into the store and build the indexes"))
    sp.add_argument("paths", nargs="*", help="files or folders (default: the bundled corpus)")
    sp.add_argument("--add", action="store_true", help="add to the store instead of replacing its document set")
    sp.add_argument("--rebuild", action="store_true", help="start from an empty store")
    sp.add_argument("--strict", action="store_true", help="fail (changing nothing) if any file is skipped")
    sp.add_argument("--max-mb", type=float, default=20.0, help="size limit per file in MB (default 20)")
    sp.add_argument("--lexical-only", action="store_true", help="skip the embedding model (BM25 only)")
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    sp.set_defaults(func=cmd_ingest)

    sp = common(sub.add_parser("docs", help="list documents and their metadata"))
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_docs)

    sp = common(sub.add_parser("assignments", help="the responsibility table: who does what, by when"))
    sp.add_argument("--doc", help="document id")
    sp.add_argument("--agency", help="agency name (accents optional), lead or partner")
    g = sp.add_mutually_exclusive_group()
    g.add_argument("--json", action="store_true")
    g.add_argument("--csv", action="store_true")
    sp.set_defaults(func=cmd_assignments)

    for name, func, help_ in (("search", cmd_search, "ranked passages for a question"),
                              ("ask", cmd_ask, "a direct answer with citations")):
        sp = common(sub.add_parser(name, help=help_))
        sp.add_argument("query", nargs="?", help="the question")
        sp.add_argument("-k", type=int, default=10)
        sp.add_argument("--doc", help="restrict to a document id or number")
        sp.add_argument("--province")
        sp.add_argument("--year", type=int)
        sp.add_argument("--doc-type")
        sp.add_argument("--json", action="store_true")
        sp.add_argument("--questions", help="JSONL file of {id, question} lines")
        if name == "search":
            sp.add_argument("--mode", default="hybrid", choices=["hybrid", "lexical", "dense"])
        sp.set_defaults(func=func)

    sp = common(sub.add_parser("eval", help="score search and answers on a question file"))
    sp.add_argument("--questions", help="question file (JSONL, SQuAD JSON or BEIR folder); default: gold test split")
    sp.add_argument("--corpus", help="ingest this folder into a temporary store first")
    sp.add_argument("--mode", default="hybrid", choices=["hybrid", "lexical", "dense"])
    sp.add_argument("--compare", action="store_true", help="run several configurations side by side")
    sp.add_argument("--json", dest="json_out", help="write results JSON here")
    sp.add_argument("--report", help="write report.md, report.json, charts and failures.csv into this folder")
    sp.add_argument("--check", action="store_true", help="fail when below eval/data/thresholds.json")
    sp.add_argument("--search-only", action="store_true", help="score retrieval only")
    sp.set_defaults(func=cmd_eval)

    sp = common(sub.add_parser("serve", help="start the web app"))
    sp.add_argument("--host", default=os.environ.get("TRACUU_HOST", "127.0.0.1"))
    sp.add_argument("--port", type=int, default=int(os.environ.get("TRACUU_PORT", "7860")))
    sp.add_argument("--no-upload", action="store_true", help="turn off the upload tab")
    sp.set_defaults(func=cmd_serve)

    sp = common(sub.add_parser("bench", help="benchmarks (speed, growth, baselines)"))
    sp.add_argument("--json", dest="json_out", help="write results JSON here (Markdown beside it)")
    sp.add_argument("--quick", action="store_true", help="small sizes only")
    sp.set_defaults(func=cmd_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("bm25s", "faiss", "httpx", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return args.func(args)
    except Exception as exc:
        from tracuu.index.store import StoreError

        if isinstance(exc, StoreError):
            print(f"Lỗi / error: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
