"""Reports of eval results: terminal tables, report.md/json, PNG charts, failures.csv, and
threshold checks for CI.

``results`` is what ``harness.run_eval`` returns; functions that compare modes take
``{mode: results}``. Charts use matplotlib's Agg backend (no display needed).
"""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from tracuu.eval.metrics import (  # noqa: E402
    ABSTENTION_METRICS,
    ALL_METRICS,
    ANSWER_METRICS,
    CITATION_METRICS,
    LATENCY_METRICS,
    RETRIEVAL_METRICS,
    is_number,
)

log = logging.getLogger(__name__)

TABLE_METRICS = ("hit@1", "hit@5", "mrr@10", "ndcg@10", "accuracy", "f1", "citation_precision",
                 "abstention_recall", "false_abstention_rate", "latency_p50_ms")
CHART_METRICS = ("hit@5", "mrr@10", "accuracy", "correct")
LOWER_IS_BETTER = {"false_abstention_rate", "latency_p50_ms", "latency_p95_ms"}


# --- helpers -------------------------------------------------------------------------------


def as_modes(results: dict) -> dict[str, dict]:
    """Accept one results dict or ``{mode: results}``; return the latter."""
    if "overall" in results and "slices" in results:
        return {results.get("mode", "default"): results}
    return results


def fmt(value: Any, metric: str = "") -> str:
    if not is_number(value):
        return "–"
    if metric.startswith("latency"):
        return f"{value:.1f}" if value < 10 else f"{value:.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return f"{value:.3f}"


def _metrics_present(stats: list[dict], wanted: tuple[str, ...]) -> list[str]:
    return [m for m in wanted if any(is_number(s.get(m)) for s in stats)]


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def _slice_rows(results: dict, metrics: list[str]) -> tuple[list[str], list[list[str]]]:
    header = ["slice", "n"] + metrics
    rows = [[name, str(stats["n"])] + [fmt(stats.get(m), m) for m in metrics]
            for name, stats in results["slices"].items()]
    return header, rows


# --- tables --------------------------------------------------------------------------------


def format_table(results: dict, metrics: tuple[str, ...] = TABLE_METRICS) -> str:
    """Per-slice table of one mode's results, for the terminal."""
    chosen = _metrics_present(list(results["slices"].values()), metrics)
    header, rows = _slice_rows(results, chosen)
    return _text_table(header, rows)


def compare_table(modes: dict[str, dict], metrics: tuple[str, ...] = ALL_METRICS) -> str:
    """Overall metrics of several modes side by side (one column per mode)."""
    modes = as_modes(modes)
    chosen = _metrics_present([r["overall"] for r in modes.values()], metrics)
    rows = [["n"] + [str(r["overall"]["n"]) for r in modes.values()]]
    rows += [[m] + [fmt(r["overall"].get(m), m) for r in modes.values()] for m in chosen]
    return _text_table(["metric"] + list(modes), rows)


# --- thresholds ----------------------------------------------------------------------------


def check_thresholds(results: dict, thresholds: dict) -> list[str]:
    """Failures against ``{"min": {key: value}, "max": {key: value}}``.

    A key is a metric of the overall results ("hit@5") or ``"<slice>/<metric>"``
    ("lang:vi-nodiac/hit@5"). A null value is not checked; a metric the run did not measure
    (e.g. accuracy in search-only mode) is skipped; an unknown slice is a failure.
    """
    failures = []
    for bound, limits in (("min", thresholds.get("min", {})), ("max", thresholds.get("max", {}))):
        for key, limit in limits.items():
            if limit is None:
                continue
            slice_name, _, metric = key.rpartition("/")
            stats = results["slices"].get(slice_name or "all")
            if stats is None:
                failures.append(f"{key}: slice '{slice_name}' not in the results")
                continue
            value = stats.get(metric)
            if not is_number(value):
                log.info("threshold %s skipped: not measured in this run", key)
                continue
            if (bound == "min" and value < limit) or (bound == "max" and value > limit):
                failures.append(f"{key} = {value:.4g} (limit {bound} {limit})")
    return failures


def load_thresholds(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


# --- charts --------------------------------------------------------------------------------


def _bar_groups(ax, groups: list[str], series: dict[str, list[float]], title: str) -> None:
    width = 0.8 / max(len(series), 1)
    for i, (label, values) in enumerate(series.items()):
        xs = [g + (i - (len(series) - 1) / 2) * width for g in range(len(groups))]
        ax.bar(xs, values, width=width, label=label)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, rotation=45, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")


def chart_slices(results: dict, path: Path) -> Path:
    """Grouped bars: the key metrics of one mode for every slice."""
    slices = results["slices"]
    metrics = _metrics_present(list(slices.values()), CHART_METRICS)
    names = list(slices)
    series = {m: [slices[s].get(m) if is_number(slices[s].get(m)) else 0.0 for s in names] for m in metrics}
    fig, ax = plt.subplots(figsize=(max(8, 0.55 * len(names) + 2), 4.5))
    _bar_groups(ax, [f"{s} ({slices[s]['n']})" for s in names], series, f"{results.get('mode', '')}: metrics per slice")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def chart_modes(modes: dict[str, dict], path: Path) -> Path:
    """Grouped bars: overall metrics per mode."""
    metrics = _metrics_present([r["overall"] for r in modes.values()],
                               RETRIEVAL_METRICS + ANSWER_METRICS + CITATION_METRICS + ABSTENTION_METRICS)
    series = {mode: [r["overall"].get(m) if is_number(r["overall"].get(m)) else 0.0 for m in metrics]
              for mode, r in modes.items()}
    fig, ax = plt.subplots(figsize=(max(8, 0.7 * len(metrics) + 2), 4.5))
    _bar_groups(ax, metrics, series, "overall metrics per mode")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def chart_latency(modes: dict[str, dict], path: Path) -> Path:
    """Histogram of per-question latency, one series per mode."""
    fig, ax = plt.subplots(figsize=(8, 4))
    series = {mode: [q["latency_ms"] for q in r["questions"] if is_number(q.get("latency_ms")) and q["latency_ms"] > 0]
              for mode, r in modes.items()}
    everything = [v for values in series.values() for v in values]
    if everything:
        low, high = min(everything), max(everything)
        wide = high / low > 20  # modes of very different speed: log-spaced bins on a log axis
        bins = np.geomspace(low, high, 31) if wide else np.linspace(low, high if high > low else low + 1, 31)
        for mode, values in series.items():
            p50 = fmt(modes[mode]["overall"].get("latency_p50_ms"), "latency")
            p95 = fmt(modes[mode]["overall"].get("latency_p95_ms"), "latency")
            ax.hist(values, bins=bins, alpha=0.6, label=f"{mode} (p50 {p50} ms, p95 {p95} ms)")
        if wide:
            ax.set_xscale("log")
            plain = FuncFormatter(lambda v, _: f"{v:g}")
            ax.xaxis.set_major_formatter(plain)
            ax.xaxis.set_minor_formatter(plain)
        ax.legend(fontsize=8)
    ax.set_xlabel("latency per question (ms)")
    ax.set_ylabel("questions")
    ax.set_title("latency", fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# --- files ---------------------------------------------------------------------------------


def _failure_rows(modes: dict[str, dict]) -> list[dict]:
    rows = []
    for mode, r in modes.items():
        for q in r["questions"]:
            if not q.get("reason"):
                continue
            answer = "[abstained]" if q.get("abstained") else (q.get("answer") or "")
            rows.append({
                "mode": mode, "id": q["id"], "lang": q["lang"], "type": q["type"],
                "question": q["question"], "expected": " | ".join(q["expected"]) or "[abstain]",
                "answer": answer,
                **{f"passage_{i + 1}": (q["top_passages"][i] if i < len(q["top_passages"]) else "") for i in range(3)},
                "reason": q["reason"] if not q.get("error") else f"error: {q['error']}",
            })
    return rows


def write_failures(modes: dict[str, dict], path: Path) -> Path:
    fields = ["mode", "id", "lang", "type", "question", "expected", "answer",
              "passage_1", "passage_2", "passage_3", "reason"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(_failure_rows(modes))
    return path


def render_markdown(modes: dict[str, dict], charts: dict[str, str]) -> str:
    parts = ["# Eval report", ""]
    if len(modes) > 1:
        parts += ["## Modes compared", "", "```", compare_table(modes), "```", "",
                  f"![modes]({charts['modes']})", ""]
    for mode, r in modes.items():
        groups = (("Retrieval", RETRIEVAL_METRICS), ("Answers", ANSWER_METRICS + CITATION_METRICS),
                  ("Abstention and latency", ABSTENTION_METRICS + LATENCY_METRICS))
        parts += [f"## Mode `{mode}` — {r['n']} questions", ""]
        for title, metrics in groups:
            chosen = _metrics_present(list(r["slices"].values()), metrics)
            if chosen:
                header, rows = _slice_rows(r, chosen)
                parts += [f"### {title}", "", _md_table(header, rows), ""]
        failures = r["overall"].get("failures") or {}
        if failures:
            parts += ["Failures: " + ", ".join(f"{k} {v}" for k, v in sorted(failures.items())), ""]
        parts += [f"![slices]({charts[f'slices:{mode}']})", ""]
    parts += [f"![latency]({charts['latency']})", "", "Failed questions: `failures.csv`.", ""]
    return "\n".join(parts)


def write_report(results: dict, out_dir: str | Path) -> dict[str, Path]:
    """Write report.md, report.json, charts (PNG) and failures.csv; return their paths.

    ``results`` is one run's results or ``{mode: results}``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    modes = as_modes(results)
    paths: dict[str, Path] = {}
    charts: dict[str, str] = {}
    for i, (mode, r) in enumerate(modes.items()):
        name = "slices.png" if len(modes) == 1 else f"slices_{i + 1}.png"
        paths[f"slices:{mode}"] = chart_slices(r, out / name)
        charts[f"slices:{mode}"] = name
    if len(modes) > 1:
        paths["modes"] = chart_modes(modes, out / "modes.png")
        charts["modes"] = "modes.png"
    paths["latency"] = chart_latency(modes, out / "latency.png")
    charts["latency"] = "latency.png"
    paths["failures"] = write_failures(modes, out / "failures.csv")
    paths["json"] = out / "report.json"
    paths["json"].write_text(json.dumps(modes, ensure_ascii=False, indent=1), encoding="utf-8")
    paths["md"] = out / "report.md"
    paths["md"].write_text(render_markdown(modes, charts), encoding="utf-8")
    log.info("report written to %s", out)
    return paths
