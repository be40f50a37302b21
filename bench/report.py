"""The pass/fail list of the project's speed targets and the Markdown rendering of a run."""

from __future__ import annotations

from typing import Any

TARGETS = {
    "hybrid_p50_ms": ("hybrid search p50 on the bundled corpus", "<=", 30.0),
    "ask_p50_ms": ("ask p50 on the bundled corpus", "<=", 60.0),
    "ingest_overhead": ("ingest time beyond bare encode (fraction)", "<=", 0.15),
    "hybrid_p50_ms_100k": ("hybrid search p50 at 100k chunks", "<=", 150.0),
    "hnsw_recall_at_10_100k": ("HNSW recall@10 vs exact at 100k chunks (as searched)", ">=", 0.95),
    "peak_memory_gb_100k": ("peak memory at 100k chunks (build or serve), GB", "<=", 3.0),
    "cold_start_s": ("python app.py to first answer, s", "<=", 5.0),
}


def _get(d: dict, *path, default=None):
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return d


def target_values(results: dict[str, Any]) -> dict[str, float | None]:
    big = _get(results, "growth", "sizes", "100000")
    peak = None
    if big:
        peak = max(_get(big, "build", "memory", "max_rss_mb", default=0),
                   _get(big, "query", "memory", "max_rss_mb", default=0)) / 1024
    cold = _get(results, "cold_start", "app", "first_answer_s")
    return {
        "hybrid_p50_ms": _get(results, "queries", "hybrid", "p50_ms"),
        "ask_p50_ms": _get(results, "queries", "ask", "p50_ms"),
        "ingest_overhead": _get(results, "ingest", "overhead_beyond_encode"),
        "hybrid_p50_ms_100k": _get(big or {}, "query", "latency", "hybrid", "p50_ms"),
        "hnsw_recall_at_10_100k": _get(big or {}, "query", "ann", "hnsw_as_searched", "recall_at_10"),
        "peak_memory_gb_100k": round(peak, 3) if peak is not None else None,
        "cold_start_s": cold if cold is not None else _get(results, "cold_start", "cli_ask_cold_s"),
    }


def check_targets(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for key, value in target_values(results).items():
        label, op, limit = TARGETS[key]
        ok = None if value is None else (value <= limit if op == "<=" else value >= limit)
        out[key] = {"what": label, "value": value, "target": f"{op} {limit}", "pass": ok}
    if _get(results, "cold_start", "app", "first_answer_s") is None and out["cold_start_s"]["value"] is not None:
        out["cold_start_s"]["what"] += " (app unavailable: cold `tracuu ask` instead)"
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


def render_markdown(r: dict[str, Any]) -> str:
    m = r.get("machine", {})
    lines = [f"# tracuu benchmark — {r.get('date', '')}{' (quick)' if r.get('quick') else ''}", "",
             f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('ram_gb', '?')} GB RAM; "
             f"torch {m.get('torch', '?')} ({m.get('torch_threads', '?')} threads), faiss {m.get('faiss', '?')}. "
             f"Load average at start {m.get('load_avg_at_start')}, at end {r.get('load_avg_at_end')}. "
             f"Total run {_fmt(r.get('seconds'))} s.", ""]
    lines += ["## Targets", ""]
    lines += _table(["target", "value", "limit", "pass"],
                    [[t["what"], t["value"], t["target"], {True: "PASS", False: "FAIL", None: "not measured"}[t["pass"]]]
                     for t in r.get("targets", {}).values()])

    ing = r.get("ingest")
    if ing:
        lines += ["## Ingest", "", f"{ing['documents']} documents, {ing['chunks']} chunks "
                  f"({', '.join(ing['files'])}).", ""]
        lines += _table(["measure", "value"], [
            ["total s", ing["total_s"]], ["parse s (read, clean, structure, chunk, SQLite)", ing["parse_s"]],
            ["embedding s (in ingest)", ing["encode_s"]], ["index build without encode s", ing["index_without_encode_s"]],
            ["bare model encode of the same passages s (mean of before / after)", ing["bare_encode_s"]],
            ["  bare encode before ingest s", ing.get("bare_encode_before_s")],
            ["  bare encode after ingest s", ing.get("bare_encode_after_s")],
            ["documents/s (total)", ing["docs_per_s"]], ["chunks/s (total)", ing["chunks_per_s"]],
            ["chunks/s parsing", ing["parse_chunks_per_s"]], ["chunks/s embedding", ing["embed_chunks_per_s"]],
            ["total / bare encode (wall)", ing["total_over_bare_encode"]],
            ["total / bare encode (CPU time)", _ratio1(ing.get("overhead_beyond_encode_cpu"))],
            ["non-model work / model work, inside the ingest", ing.get("non_model_over_encode")],
            ["re-ingest unchanged s (vectors reused)", ing["reingest_unchanged_s"]],
            ["peak RSS MB", ing["memory"]["peak_mb"]], ["store size MB", ing["disk_mb"]["total"]]])

    q = r.get("queries")
    if q:
        lines += ["## Queries (warm)", "", f"{q['questions']} gold question texts, {q['chunks']} chunks"
                  f"{' — store ' + r['query_store'] if r.get('query_store') else ''}.", ""]
        rows = [[name, q[name]["p50_ms"], q[name]["p95_ms"], q[name]["p99_ms"]]
                for name in ("encode_query", "lexical", "dense", "hybrid", "ask", "hybrid_repeat", "ask_repeat") if name in q]
        lines += _table(["operation (new question; *_repeat: asked before)", "p50 ms", "p95 ms", "p99 ms"], rows)
        lines += _table(["ratio", "value"], [[k, v] for k, v in q["ratios"].items()])
        lines += _table(["hybrid breakdown (means)", "ms"], [[k, v] for k, v in q["hybrid_breakdown"].items()])
        trows = []
        for op, runs in q["throughput"].items():
            for c, t in runs.items():
                trows.append([op, c, t["qps"], t["over_one_client"]])
        lines += _table(["operation", "clients", "queries/s", "× one client"], trows)
        if q.get("encode_env"):
            lines += _table(["query encode p50 ms, fresh process", "value"], [[k, v] for k, v in q["encode_env"].items()])

    b = r.get("baselines")
    if b:
        lines += ["## Baselines", ""]
        s = b.get("bm25_speed")
        if s:
            lines += _table(["lexical scoring (bundled corpus)", "p50 ms"], [
                ["rank_bm25 BM25Okapi.get_scores", s["rank_bm25_get_scores"]["p50_ms"]],
                ["ours, one field (bm25s)", s["ours_one_field_scores"]["p50_ms"]],
                ["ours, full lexical search (2 fields, restore, top-k)", s["ours_lexical_search"]["p50_ms"]],
                ["speed-up one field ×", s["speedup_one_field_p50"]],
                ["speed-up full search ×", s["speedup_full_lexical_search_p50"]]])
        qual = b.get("quality")
        if qual:
            rows = [[name, qual[key].get("hit@1"), qual[key].get("hit@5"), qual[key].get("mrr@10"),
                     qual[key].get("latency_p50_ms")]
                    for name, key in (("ours (hybrid)", "ours_hybrid"), ("fixed 1000/200 + e5 + FAISS flat", "fixed_1000_200_e5_flat"),
                                      ("paragraph BM25 (rank_bm25)", "paragraph_bm25"))]
            lines += [f"Quality on {qual['questions']} gold test questions (search only):", ""]
            lines += _table(["pipeline", "Hit@1", "Hit@5", "MRR@10", "p50 ms"], rows)

    g = r.get("growth")
    if g:
        lines += ["## Growth", "", g["method"] + ".", ""]
        rows = []
        for n, rec in g["sizes"].items():
            bld, qry = rec["build"], rec["query"]
            ann = qry["ann"]
            rows.append([bld["chunks"], bld["documents"], bld["build"]["index_without_encode_s"],
                         bld["build"].get("bm25_build_s"), bld["build"].get("faiss_build_s"),
                         bld["build"].get("restorer_fit_s"), bld.get("dedupe_s"), rec.get("extrapolated_encode_s"),
                         bld["memory"]["max_rss_mb"], qry["memory"]["max_rss_mb"], bld["disk_mb"]["total"],
                         qry["searcher_load_s"], qry["assistant_init_s"]])
        lines += _table(["chunks", "docs", "index s (no encode)", "BM25 s", "FAISS s", "restorer s", "dedupe s",
                         "encode s (extrapolated)", "build peak MB", "serve peak MB", "disk MB", "load s",
                         "ask init s"], rows)
        rows = []
        for n, rec in g["sizes"].items():
            qry = rec["query"]
            lat, ann = qry["latency"], qry["ann"]
            rows.append([qry["chunks"], qry["dense_index"], lat["lexical"]["p50_ms"], lat["dense"]["p50_ms"],
                         lat["hybrid"]["p50_ms"], lat["hybrid"]["p95_ms"], lat["ask"]["p50_ms"],
                         ann["exact"]["p50_ms"], ann["hnsw"]["p50_ms"], ann["hnsw"]["recall_at_10"],
                         ann["hnsw_as_searched"]["recall_at_10"]])
        lines += _table(["chunks", "dense index", "lexical p50 ms", "dense p50 ms", "hybrid p50 ms", "hybrid p95 ms",
                         "ask p50 ms", "exact k=10 ms", "HNSW k=10 ms", "HNSW recall@10 (k=10)",
                         "HNSW recall@10 (k=200, as searched)"], rows)
        rows = []
        for n, rec in g["sizes"].items():
            bb = rec["build"]["build"]
            rows.append([rec["build"]["chunks"], rec["build"]["memory"]["build"]["start_mb"],
                         bb.get("bm25_build_peak_growth_mb"), bb.get("faiss_build_peak_growth_mb"),
                         bb.get("restorer_fit_peak_growth_mb"), rec["build"]["memory"]["build"]["peak_mb"]])
        lines += _table(["chunks", "RSS before indexing MB", "+ BM25 build peak MB", "+ FAISS build peak MB",
                         "+ restorer fit peak MB", "build peak MB"], rows)
        rows = []
        for n, rec in g["sizes"].items():
            noise = rec["query"].get("ann_noise")
            if not noise:
                continue
            for level, v in noise["noise"].items():
                rows.append([noise["vectors"], level, v["nearest_neighbour_cosine"], v.get("ef128"), v.get("ef512")])
        if rows:
            first = next(rec["query"]["ann_noise"] for rec in g["sizes"].values() if rec["query"].get("ann_noise"))
            lines += [f"HNSW recall@10 by perturbation size (the real {first['real_chunks']} chunks: nearest-neighbour "
                      f"cosine {first['real_nearest_neighbour_cosine']}, mean pair cosine {first['real_pair_cosine']}):", ""]
            lines += _table(["vectors", "noise norm", "nearest-neighbour cosine", "recall@10 ef=128", "recall@10 ef=512"], rows)
        for n, rec in g["sizes"].items():
            sweep = rec["query"]["ann"]["ef_sweep"]
            lines += [f"HNSW efSearch sweep at {rec['query']['chunks']} chunks (k=10):", ""]
            lines += _table(["efSearch", "recall@10", "p50 ms"], [[ef, v["recall_at_10"], v["p50_ms"]] for ef, v in sweep.items()])
            bd = rec["query"]["hybrid_breakdown"]
            lines += _table(["hybrid breakdown (means) at " + str(rec["query"]["chunks"]), "ms"], [[k, v] for k, v in bd.items()])
            rb = rec["query"].get("rank_bm25")
            if rb:
                lines += _table([f"rank_bm25 vs ours at {rb['chunks']} chunks", "value"], [
                    ["rank_bm25 get_scores p50 ms", rb["rank_bm25_get_scores"]["p50_ms"]],
                    ["ours one field p50 ms", rb["ours_one_field_scores"]["p50_ms"]],
                    ["speed-up one field ×", rb["speedup_one_field_p50"]],
                    ["speed-up full lexical search ×", rb["speedup_full_lexical_search_p50"]]])

    c = r.get("cold_start")
    if c:
        lines += ["## Cold start", ""]
        app = c.get("app", {})
        lines += _table(["measure", "s"], [
            ["python app.py → page served", app.get("page_s")], ["python app.py → first answer", app.get("first_answer_s")],
            ["  of which model load (app log)", app.get("model_load_s")], ["  of which index load (app log)", app.get("index_load_s")],
            ["cold `tracuu ask`", c.get("cli_ask_cold_s")], ["model load alone (floor)", c.get("model_load_floor_s")],
            ["import torch alone", c.get("python_import_torch_s")], ["app / floor ×", c.get("app_over_model_floor")]])
        if app.get("error"):
            lines += [f"App cold start not measured: {app['error']}", ""]
    notes = r.get("notes") or []
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines)
