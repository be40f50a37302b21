"""The pass/fail list of the project's speed targets and the Markdown rendering of a run.

Dense approximate search is IVF (``index/dense.py``): the recall target and the growth tables
read the IVF figures ``bench/growth.py`` writes (``approx``, ``approx_as_searched``,
``nprobe_sweep``, ``nprobe<n>``); its HNSW figures are shown as the reference only. JSON from
older runs renders too, a missing figure as "–". Render a saved run again:
``python -m tracuu.bench.report RUN.json [--out RUN.md]``.
"""

from __future__ import annotations

from typing import Any

TARGETS = {
    "hybrid_p50_ms": ("hybrid search p50 on the bundled corpus", "<=", 30.0),
    "ask_p50_ms": ("ask p50 on the bundled corpus", "<=", 60.0),
    "ingest_overhead": ("ingest time beyond bare encode (fraction)", "<=", 0.15),
    "hybrid_p50_ms_100k": ("hybrid search p50 at 100k chunks", "<=", 150.0),
    "approx_recall_at_10_100k": ("approximate (IVF) recall@10 vs exact at 100k chunks (as searched)", ">=", 0.95),
    "peak_memory_gb_100k": ("peak memory at 100k chunks (build or serve), GB", "<=", 3.0),
    "cold_start_s": ("python app.py to first answer, s", "<=", 5.0),
}


def _get(d: Any, *path, default=None):
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return default if d is None else d


def _num(v: Any) -> float | None:
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def target_values(results: dict[str, Any]) -> dict[str, float | None]:
    big = _get(results, "growth", "sizes", "100000", default={})
    peaks = [p for p in (_num(_get(big, "build", "memory", "max_rss_mb")), _num(_get(big, "query", "memory", "max_rss_mb")))
             if p is not None]
    peak = max(peaks) / 1024 if peaks else None
    cold = _get(results, "cold_start", "app", "first_answer_s")
    return {
        "hybrid_p50_ms": _get(results, "queries", "hybrid", "p50_ms"),
        "ask_p50_ms": _get(results, "queries", "ask", "p50_ms"),
        "ingest_overhead": _get(results, "ingest", "overhead_beyond_encode"),
        "hybrid_p50_ms_100k": _get(big, "query", "latency", "hybrid", "p50_ms"),
        # the index the project searches (IVF); the HNSW beside it is a reference, never the target
        "approx_recall_at_10_100k": _get(big, "query", "ann", "approx_as_searched", "recall_at_10"),
        "peak_memory_gb_100k": round(peak, 3) if peak is not None else None,
        "cold_start_s": cold if cold is not None else _get(results, "cold_start", "cli_ask_cold_s"),
    }


def _s(v: Any) -> str:
    return f"{v:.1f} s" if _num(v) is not None else "–"


def check_targets(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for key, value in target_values(results).items():
        label, op, limit = TARGETS[key]
        value = _num(value)
        ok = None if value is None else (value <= limit if op == "<=" else value >= limit)
        out[key] = {"what": label, "value": value, "target": f"{op} {limit}", "pass": ok}
    ann = _get(results, "growth", "sizes", "100000", "query", "ann", default={})
    approx = _get(ann, "approx", default={})
    hnsw = _get(ann, "hnsw_as_searched", "recall_at_10")
    notes = []
    if approx:
        notes.append(f"IVF {approx.get('nlist', '?')} lists, nprobe {approx.get('nprobe', '?')}")
    if hnsw is not None:
        notes.append(f"HNSW reference {_fmt(hnsw)}"
                     + ("" if out["approx_recall_at_10_100k"]["value"] is not None else ", not judged"))
    if notes:
        out["approx_recall_at_10_100k"]["what"] += f" ({'; '.join(notes)})"
    app = _get(results, "cold_start", "app", default={})
    if app.get("first_answer_s") is None:
        if out["cold_start_s"]["value"] is not None:
            out["cold_start_s"]["what"] += " (app unavailable: cold `tracuu ask` instead)"
    else:
        parts = [f"{app['first_answer_mode']} answer"] if app.get("first_answer_mode") else []
        if app.get("page_s") is not None:
            parts.append(f"page {_s(app['page_s'])}")
        if app.get("model_failed"):
            parts.append("model failed to load: no hybrid search")
        elif app.get("hybrid_ready_s") is not None:
            parts.append(f"hybrid ready {_s(app['hybrid_ready_s'])}")
        if parts:
            out["cold_start_s"]["what"] += f" ({', '.join(parts)})"
    return out


def _ratio1(overhead: float | None) -> float | None:
    return None if overhead is None else round(1 + overhead, 3)


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
    return str(v)


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _rows(d: Any) -> list[list[Any]]:
    return [[k, v] for k, v in d.items()] if isinstance(d, dict) else []


def _sizes(r: dict[str, Any]) -> list[tuple[str, dict]]:
    return [(n, rec) for n, rec in _get(r, "growth", "sizes", default={}).items() if isinstance(rec, dict)]


def _growth(g: dict[str, Any], sizes: list[tuple[str, dict]]) -> list[str]:
    lines = ["## Growth", ""] + ([g["method"] + ".", ""] if g.get("method") else [])
    rows = []
    for _, rec in sizes:
        bld, qry = _get(rec, "build", default={}), _get(rec, "query", default={})
        bb = _get(bld, "build", default={})
        rows.append([bld.get("chunks"), bld.get("documents"), bb.get("index_without_encode_s"), bb.get("bm25_build_s"),
                     bb.get("faiss_build_s"), bb.get("restorer_fit_s"), bld.get("dedupe_s"),
                     rec.get("extrapolated_encode_s"), _get(bld, "memory", "max_rss_mb"),
                     _get(qry, "memory", "max_rss_mb"), _get(bld, "disk_mb", "total"), qry.get("searcher_load_s"),
                     qry.get("assistant_init_s")])
    lines += _table(["chunks", "docs", "index s (no encode)", "BM25 s", "FAISS s", "restorer s", "dedupe s",
                     "encode s (extrapolated)", "build peak MB", "serve peak MB", "disk MB", "load s",
                     "ask init s"], rows)
    rows = []
    for _, rec in sizes:
        qry = _get(rec, "query", default={})
        lat = _get(qry, "latency", default={})
        rows.append([qry.get("chunks"), qry.get("dense_index"), _get(lat, "lexical", "p50_ms"),
                     _get(lat, "dense", "p50_ms"), _get(lat, "hybrid", "p50_ms"), _get(lat, "hybrid", "p95_ms"),
                     _get(lat, "ask", "p50_ms")])
    lines += _table(["chunks", "dense index", "lexical p50 ms", "dense p50 ms", "hybrid p50 ms", "hybrid p95 ms",
                     "ask p50 ms"], rows)
    # exact against the project's approximate index (IVF); the HNSW it replaced only as a reference
    rows = []
    for _, rec in sizes:
        ann = _get(rec, "query", "ann", default={})
        approx, hnsw = _get(ann, "approx", default={}), _get(ann, "hnsw", default={})
        searched = _get(ann, "approx_as_searched", default={})
        ivf = f"{approx['nlist']} / {approx['nprobe']}" if "nlist" in approx and "nprobe" in approx else None
        rows.append([ann.get("vectors", _get(rec, "query", "chunks")), ann.get("index_in_store"),
                     _get(ann, "exact", "p50_ms"), ivf, approx.get("p50_ms"), approx.get("recall_at_10"),
                     searched.get("recall_at_10"), ann.get("speedup_p50"), hnsw.get("p50_ms"),
                     hnsw.get("recall_at_10"), _get(ann, "hnsw_as_searched", "recall_at_10")])
    k = next((a for a in (_get(rec, "query", "ann", "approx_as_searched", "k") for _, rec in sizes) if a), None)
    ef = next((a for a in (_get(rec, "query", "ann", "hnsw", "ef_search") for _, rec in sizes) if a), None)
    lines += ["Approximate dense search (IVF, the index the project searches from "
              "`index/dense.py: APPROX_THRESHOLD` chunks up) against exact; HNSW only as the reference it replaced:", ""]
    lines += _table(["vectors", "index in store", "exact k=10 ms", "IVF lists / nprobe", "IVF k=10 ms",
                     "IVF recall@10 (k=10)", f"IVF recall@10 (k={_fmt(k)}, as searched)", "exact / IVF ×",
                     f"HNSW ref. k=10 ms (efSearch {_fmt(ef)})", "HNSW ref. recall@10 (k=10)",
                     "HNSW ref. recall@10 (as searched)"], rows)
    rows = []
    for _, rec in sizes:
        bld = _get(rec, "build", default={})
        bb = _get(bld, "build", default={})
        rows.append([bld.get("chunks"), _get(bld, "memory", "build", "start_mb"), bb.get("bm25_build_peak_growth_mb"),
                     bb.get("faiss_build_peak_growth_mb"), bb.get("restorer_fit_peak_growth_mb"),
                     _get(bld, "memory", "build", "peak_mb")])
    lines += _table(["chunks", "RSS before indexing MB", "+ BM25 build peak MB", "+ FAISS build peak MB",
                     "+ restorer fit peak MB", "build peak MB"], rows)
    noises = [_get(rec, "query", "ann_noise", default={}) for _, rec in sizes]
    noises = [nz for nz in noises if isinstance(nz.get("noise"), dict) and nz["noise"]]
    if noises:
        levels = [v for nz in noises for v in nz["noise"].values() if isinstance(v, dict)]
        with_ef = any("ef128" in v or "ef512" in v for v in levels)
        rows = []
        for nz in noises:
            for level, v in nz["noise"].items():
                if not isinstance(v, dict):
                    continue
                npr = _num(v.get("nprobe"))  # growth.py sweeps nprobe/2, nprobe and 2·nprobe as "nprobe<value>"
                probes = [v.get(f"nprobe{int(x)}") if npr is not None else None
                          for x in ((npr or 0) // 2, npr or 0, 2 * (npr or 0))]
                row = [nz.get("vectors"), level, v.get("nearest_neighbour_cosine"), npr, *probes]
                rows.append(row + ([v.get("ef128"), v.get("ef512")] if with_ef else []))
        first = noises[0]
        lines += [f"Approximate (IVF) recall@10 by perturbation size (the real {_fmt(first.get('real_chunks'))} chunks: "
                  f"nearest-neighbour cosine {_fmt(first.get('real_nearest_neighbour_cosine'))}, mean pair cosine "
                  f"{_fmt(first.get('real_pair_cosine'))}):", ""]
        lines += _table(["vectors", "noise norm", "nearest-neighbour cosine", "nprobe", "recall@10 nprobe/2",
                         "recall@10 nprobe", "recall@10 2·nprobe"]
                        + (["HNSW ref. recall@10 ef=128", "HNSW ref. recall@10 ef=512"] if with_ef else []), rows)
    for _, rec in sizes:
        qry = _get(rec, "query", default={})
        ann = _get(qry, "ann", default={})
        chunks = _fmt(qry.get("chunks"))
        sweep = _get(ann, "nprobe_sweep", default={})
        if isinstance(sweep, dict) and sweep:
            lines += [f"IVF nprobe sweep at {chunks} chunks (k=10, {_fmt(_get(ann, 'approx', 'nlist'))} lists):", ""]
            lines += _table(["nprobe", "recall@10", "p50 ms"],
                            [[v, _get(x, "recall_at_10"), _get(x, "p50_ms")] for v, x in sweep.items()])
        sweep = _get(ann, "ef_sweep", default={})
        if isinstance(sweep, dict) and sweep:
            lines += [f"HNSW efSearch sweep at {chunks} chunks (reference; k=10):", ""]
            lines += _table(["efSearch", "recall@10", "p50 ms"],
                            [[v, _get(x, "recall_at_10"), _get(x, "p50_ms")] for v, x in sweep.items()])
        bd = _rows(qry.get("hybrid_breakdown"))
        if bd:
            lines += _table([f"hybrid breakdown (means) at {chunks}", "ms"], bd)
        rb = qry.get("rank_bm25")
        if isinstance(rb, dict):
            lines += _table([f"rank_bm25 vs ours at {_fmt(rb.get('chunks'))} chunks", "value"], [
                ["rank_bm25 get_scores p50 ms", _get(rb, "rank_bm25_get_scores", "p50_ms")],
                ["ours one field p50 ms", _get(rb, "ours_one_field_scores", "p50_ms")],
                ["speed-up one field ×", rb.get("speedup_one_field_p50")],
                ["speed-up full lexical search ×", rb.get("speedup_full_lexical_search_p50")]])
    return lines


def _cold_start(c: dict[str, Any]) -> list[str]:
    app = _get(c, "app", default={})
    lines = ["## Cold start", ""]
    lines += _table(["measure", "value"], [
        ["python app.py → page served, s", app.get("page_s")],
        ["python app.py → first answer, s (the ≤ 5 s target)", app.get("first_answer_s")],
        ["  first answer was (lexical: model still loading)", app.get("first_answer_mode")],
        ["python app.py → hybrid search ready, s", app.get("hybrid_ready_s")],
        ["  model failed to load", app.get("model_failed")],
        ["  model load, s (app log)", app.get("model_load_s")], ["  index load, s (app log)", app.get("index_load_s")],
        ["cold `tracuu ask`, s", c.get("cli_ask_cold_s")], ["model load alone (floor), s", c.get("model_load_floor_s")],
        ["import torch alone, s", c.get("python_import_torch_s")],
        ["app first answer / floor ×", c.get("app_over_model_floor")]])
    if app.get("error"):
        lines += [f"App cold start not measured: {app['error']}", ""]
    return lines


def render_markdown(r: dict[str, Any]) -> str:
    """The Markdown report of a run (``tracuu bench`` JSON, this version's or an older one's):
    a missing figure is shown as "–". The targets are judged again from the figures, so an
    older run is read the way this version reads a new one."""
    m = _get(r, "machine", default={})
    lines = [f"# tracuu benchmark — {r.get('date', '')}{' (quick)' if r.get('quick') else ''}", "",
             f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('ram_gb', '?')} GB RAM; "
             f"torch {m.get('torch', '?')} ({m.get('torch_threads', '?')} threads), faiss {m.get('faiss', '?')}. "
             f"Load average at start {m.get('load_avg_at_start')}, at end {r.get('load_avg_at_end')}. "
             f"Total run {_fmt(r.get('seconds'))} s.", ""]
    lines += ["## Targets", ""]
    lines += _table(["target", "value", "limit", "pass"],
                    [[t["what"], t["value"], t["target"], {True: "PASS", False: "FAIL", None: "not measured"}[t["pass"]]]
                     for t in check_targets(r).values()])

    ing = _get(r, "ingest", default={})
    if ing:
        files = ing.get("files")
        lines += ["## Ingest", "", f"{_fmt(ing.get('documents'))} documents, {_fmt(ing.get('chunks'))} chunks"
                  + (f" ({', '.join(map(str, files))})" if isinstance(files, list) else "") + ".", ""]
        lines += _table(["measure", "value"], [
            ["total s", ing.get("total_s")], ["parse s (read, clean, structure, chunk, SQLite)", ing.get("parse_s")],
            ["embedding s (in ingest)", ing.get("encode_s")],
            ["index build without encode s", ing.get("index_without_encode_s")],
            ["bare model encode of the same passages s (mean of before / after)", ing.get("bare_encode_s")],
            ["  bare encode before ingest s", ing.get("bare_encode_before_s")],
            ["  bare encode after ingest s", ing.get("bare_encode_after_s")],
            ["documents/s (total)", ing.get("docs_per_s")], ["chunks/s (total)", ing.get("chunks_per_s")],
            ["chunks/s parsing", ing.get("parse_chunks_per_s")], ["chunks/s embedding", ing.get("embed_chunks_per_s")],
            ["total / bare encode (wall)", ing.get("total_over_bare_encode")],
            ["total / bare encode (CPU time)", _ratio1(_num(ing.get("overhead_beyond_encode_cpu")))],
            ["non-model work / model work, inside the ingest", ing.get("non_model_over_encode")],
            ["re-ingest unchanged s (vectors reused)", ing.get("reingest_unchanged_s")],
            ["peak RSS MB", _get(ing, "memory", "peak_mb")], ["store size MB", _get(ing, "disk_mb", "total")]])

    q = _get(r, "queries", default={})
    if q:
        lines += ["## Queries (warm)", "", f"{_fmt(q.get('questions'))} gold question texts, {_fmt(q.get('chunks'))} chunks"
                  f"{' — store ' + r['query_store'] if r.get('query_store') else ''}.", ""]
        rows = [[name, _get(q, name, "p50_ms"), _get(q, name, "p95_ms"), _get(q, name, "p99_ms")]
                for name in ("encode_query", "lexical", "dense", "hybrid", "ask", "hybrid_repeat", "ask_repeat") if name in q]
        lines += _table(["operation (new question; *_repeat: asked before)", "p50 ms", "p95 ms", "p99 ms"], rows)
        if _rows(q.get("ratios")):
            lines += _table(["ratio", "value"], _rows(q.get("ratios")))
        if _rows(q.get("hybrid_breakdown")):
            lines += _table(["hybrid breakdown (means)", "ms"], _rows(q.get("hybrid_breakdown")))
        trows = [[op, c, _get(t, "qps"), _get(t, "over_one_client")]
                 for op, runs in _get(q, "throughput", default={}).items() if isinstance(runs, dict)
                 for c, t in runs.items()]
        if trows:
            lines += _table(["operation", "clients", "queries/s", "× one client"], trows)
        if _rows(q.get("encode_env")):
            lines += _table(["query encode p50 ms, fresh process", "value"], _rows(q.get("encode_env")))

    b = _get(r, "baselines", default={})
    if b:
        lines += ["## Baselines", ""]
        s = _get(b, "bm25_speed", default={})
        if s:
            lines += _table(["lexical scoring (bundled corpus)", "p50 ms"], [
                ["rank_bm25 BM25Okapi.get_scores", _get(s, "rank_bm25_get_scores", "p50_ms")],
                ["ours, one field (bm25s)", _get(s, "ours_one_field_scores", "p50_ms")],
                ["ours, full lexical search (2 fields, restore, top-k)", _get(s, "ours_lexical_search", "p50_ms")],
                ["speed-up one field ×", s.get("speedup_one_field_p50")],
                ["speed-up full search ×", s.get("speedup_full_lexical_search_p50")]])
        qual = _get(b, "quality", default={})
        if qual:
            rows = [[name, _get(qual, key, "hit@1"), _get(qual, key, "hit@5"), _get(qual, key, "mrr@10"),
                     _get(qual, key, "latency_p50_ms")]
                    for name, key in (("ours (hybrid)", "ours_hybrid"), ("fixed 1000/200 + e5 + FAISS flat", "fixed_1000_200_e5_flat"),
                                      ("paragraph BM25 (rank_bm25)", "paragraph_bm25"))]
            lines += [f"Quality on {_fmt(qual.get('questions'))} gold test questions (search only):", ""]
            lines += _table(["pipeline", "Hit@1", "Hit@5", "MRR@10", "p50 ms"], rows)

    g = _get(r, "growth", default={})
    sizes = _sizes(r)
    if g and sizes:
        lines += _growth(g, sizes)

    c = _get(r, "cold_start", default={})
    if c:
        lines += _cold_start(c)
    notes = r.get("notes") or []
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Render a saved run again: ``python -m tracuu.bench.report RUN.json [--out RUN.md]``."""
    import argparse
    import json
    import sys
    from pathlib import Path

    p = argparse.ArgumentParser(prog="python -m tracuu.bench.report", description=main.__doc__)
    p.add_argument("json", help="results JSON written by `tracuu bench`")
    p.add_argument("--out", help="write the Markdown here instead of printing it")
    args = p.parse_args(argv)
    md = render_markdown(json.loads(Path(args.json).read_text(encoding="utf-8")))
    if args.out:
        Path(args.out).write_text(md, encoding="utf-8")
    else:
        sys.stdout.write(md + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
