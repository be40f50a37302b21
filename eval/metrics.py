"""Scoring of one eval run: pure functions on plain dicts.

A *question* is a dict in the gold format (see ``eval/README.md``); an *output* is the
``tracuu ask --json`` object (or only its ``"hits"`` in search-only mode). Every text
comparison goes through ``tracuu.normalize.match_key`` so accents, case, tone placement and
punctuation never decide a score; containment is checked on whole tokens ("18" is not
found in "2018").

MRR@10 and nDCG@10 come from ranx, fed with the relevance judgements made here (a passage
is relevant when it holds an evidence quote, or comes from a relevant document).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from difflib import SequenceMatcher
from typing import Any, Iterable

import numpy as np

from tracuu.normalize import match_key

K_VALUES = (1, 3, 5, 10)
RANK_DEPTH = 10
MAX_ANSWER_CHARS = 250  # a longer answer is a passage dump, not an answer: no accuracy credit
PARTIAL_SHARE = 0.5  # a cut quote counts for the passage holding ≥ half of it, contiguously
FLAG_SLICES = ("table", "acronym", "paraphrase")

RETRIEVAL_METRICS = tuple(f"hit@{k}" for k in K_VALUES) + ("mrr@10", "ndcg@10")
ANSWER_METRICS = ("accuracy", "exact_match", "f1", "correct")
CITATION_METRICS = ("citation_precision", "citation_recall")
ABSTENTION_METRICS = ("abstention_precision", "abstention_recall", "false_abstention_rate")
LATENCY_METRICS = ("latency_p50_ms", "latency_p95_ms")
ALL_METRICS = RETRIEVAL_METRICS + ANSWER_METRICS + CITATION_METRICS + ABSTENTION_METRICS + LATENCY_METRICS


# --- token-level matching ------------------------------------------------------------------


def contains(text_key: str, part_key: str) -> bool:
    """``part_key`` occurs in ``text_key`` as a run of whole tokens (both are match keys)."""
    return bool(part_key) and f" {part_key} " in f" {text_key} "


def longest_run(part_tokens: list[str], text_tokens: list[str]) -> int:
    """Length of the longest contiguous token run shared by the two token lists."""
    if not part_tokens or not text_tokens:
        return 0
    matcher = SequenceMatcher(None, part_tokens, text_tokens, autojunk=False)
    return matcher.find_longest_match(0, len(part_tokens), 0, len(text_tokens)).size


def covers(text: str, quote: str) -> bool:
    """``text`` holds the whole quote, or at least half of its tokens as one contiguous run."""
    text_key, quote_key = match_key(text), match_key(quote)
    if contains(text_key, quote_key):
        return True
    quote_tokens = quote_key.split()
    run = longest_run(quote_tokens, text_key.split())
    return bool(quote_tokens) and run >= PARTIAL_SHARE * len(quote_tokens)


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style F1 over syllable tokens of the two match keys."""
    pred, ref = match_key(prediction).split(), match_key(reference).split()
    if not pred or not ref:
        return float(pred == ref)
    overlap = sum((Counter(pred) & Counter(ref)).values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(pred), overlap / len(ref)
    return 2 * precision * recall / (precision + recall)


# --- questions -----------------------------------------------------------------------------


def is_answerable(question: dict) -> bool:
    """The documents answer it: it has accepted answers, evidence or relevant documents."""
    return bool(question.get("answers") or question.get("evidence") or question.get("relevant_docs"))


def slice_names(question: dict) -> list[str]:
    """Slices a question belongs to: ``all``, ``lang:…``, ``type:…`` and its true flags."""
    names = ["all"]
    if question.get("lang"):
        names.append(f"lang:{question['lang']}")
    if question.get("type"):
        names.append(f"type:{question['type']}")
    names.extend(flag for flag in FLAG_SLICES if question.get(flag))
    return names


def hit_doc_name(hit: dict, doc_names: dict[str, str] | None) -> str:
    doc_id = str(hit.get("doc_id", ""))
    return (doc_names or {}).get(doc_id, doc_id)


# --- retrieval -----------------------------------------------------------------------------


def judge_hits(question: dict, hits: list[dict], doc_names: dict[str, str] | None = None) -> list[bool]:
    """Relevance of each returned passage.

    With ``evidence``: a passage is relevant when its text contains an evidence quote; when no
    passage holds the whole of a quote (a chunk boundary cut it), the passage(s) holding the
    longest contiguous share of it count, if that share is ≥ 50% of its tokens. With
    ``relevant_docs``: the passage must also come from one of those documents (through
    ``doc_names``: our doc id → source file stem); without evidence that alone decides.
    """
    n = len(hits)
    relevant_docs = set(question.get("relevant_docs") or [])
    from_relevant_doc = [not relevant_docs or hit_doc_name(h, doc_names) in relevant_docs for h in hits]
    quotes = [q for q in question.get("evidence") or [] if match_key(q)]
    if not quotes:
        return from_relevant_doc if relevant_docs else [False] * n

    keys = [match_key(str(h.get("text", ""))) for h in hits]
    judged = [False] * n
    for quote in quotes:
        quote_key = match_key(quote)
        whole = [i for i in range(n) if from_relevant_doc[i] and contains(keys[i], quote_key)]
        if whole:
            for i in whole:
                judged[i] = True
            continue
        quote_tokens = quote_key.split()
        runs = [longest_run(quote_tokens, keys[i].split()) if from_relevant_doc[i] else 0 for i in range(n)]
        best = max(runs, default=0)
        if best and best >= PARTIAL_SHARE * len(quote_tokens):
            for i in range(n):
                if runs[i] == best:
                    judged[i] = True
    return judged


def hit_at_k(judged: list[bool], k: int) -> float:
    return float(any(judged[:k]))


def first_rank(judged: list[bool]) -> int | None:
    """1-based rank of the first relevant passage, or None."""
    return next((i + 1 for i, ok in enumerate(judged) if ok), None)


def rank_scores(judgements: dict[str, list[bool]], depth: int = RANK_DEPTH) -> dict[str, dict[str, float]]:
    """MRR@depth and nDCG@depth per question, computed by ranx.

    The run keeps the returned order (scores strictly decrease with rank); the qrels hold the
    passages judged relevant. Questions with no relevant passage score 0 on both.
    """
    mrr, ndcg = f"mrr@{depth}", f"ndcg@{depth}"
    out = {qid: {mrr: 0.0, ndcg: 0.0} for qid in judgements}
    qrels = {qid: {f"r{i}": 1 for i, ok in enumerate(j[:depth]) if ok} for qid, j in judgements.items()}
    qrels = {qid: rel for qid, rel in qrels.items() if rel}
    if not qrels:
        return out
    from ranx import Qrels, Run, evaluate  # heavy import (numba), only when needed

    run = Run({qid: {f"r{i}": float(depth - i) for i in range(min(len(judgements[qid]), depth))} for qid in qrels})
    with warnings.catch_warnings():  # numba's compile-time type-safety chatter
        warnings.simplefilter("ignore")
        evaluate(Qrels(qrels), run, [mrr, ndcg], save_results_in_run=True)
    for qid in qrels:
        out[qid] = {mrr: float(run.scores[mrr][qid]), ndcg: float(run.scores[ndcg][qid])}
    return out


# --- answers, citations --------------------------------------------------------------------


def answer_scores(answer: str | None, accepted: list[str]) -> dict[str, float]:
    """Accuracy (answer contains an accepted answer, ≤ 250 chars), exact match, best F1."""
    if not answer or not accepted:
        return {"accuracy": 0.0, "exact_match": 0.0, "f1": 0.0}
    answer_key = match_key(answer)
    keys = [match_key(a) for a in accepted]
    short_enough = len(answer.strip()) <= MAX_ANSWER_CHARS
    return {
        "accuracy": float(short_enough and any(contains(answer_key, k) for k in keys)),
        "exact_match": float(any(answer_key == k for k in keys if k)),
        "f1": max(token_f1(answer, a) for a in accepted),
    }


def citation_scores(
    question: dict, citations: list[dict], doc_names: dict[str, str] | None = None
) -> dict[str, float | None]:
    """Precision: share of citations whose quote holds an accepted answer or an evidence quote
    (and, with ``relevant_docs``, comes from a relevant document). Recall: share of evidence
    quotes (else of relevant documents) covered by some citation."""
    answers = [match_key(a) for a in question.get("answers") or [] if match_key(a)]
    quotes = [q for q in question.get("evidence") or [] if match_key(q)]
    relevant_docs = set(question.get("relevant_docs") or [])

    def from_relevant(c: dict) -> bool:
        return not relevant_docs or hit_doc_name(c, doc_names) in relevant_docs

    def supports(c: dict) -> bool:
        if not from_relevant(c):
            return False
        text = str(c.get("quote", ""))
        if not answers and not quotes:
            return bool(relevant_docs)
        key = match_key(text)
        return any(contains(key, a) for a in answers) or any(covers(text, q) for q in quotes)

    precision = sum(map(supports, citations)) / len(citations) if citations else None
    if quotes:
        recall = sum(
            any(from_relevant(c) and covers(str(c.get("quote", "")), q) for c in citations) for q in quotes
        ) / len(quotes)
    elif relevant_docs:
        cited = {hit_doc_name(c, doc_names) for c in citations}
        recall = len(relevant_docs & cited) / len(relevant_docs)
    else:
        recall = None
    return {"citation_precision": precision, "citation_recall": recall}


# --- one question --------------------------------------------------------------------------


def passage_preview(hit: dict, limit: int = 300) -> str:
    text = " ".join(str(hit.get("text", "")).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"[{hit.get('doc_id', '')}] {text}"


def failure_reason(record: dict) -> str | None:
    """Why a question failed: missed abstention, false abstention, retrieval miss or wrong."""
    retrieval_miss = record["answerable"] and record.get("hit@10") == 0.0
    if not record["answer_mode"]:
        return "retrieval miss" if retrieval_miss else None
    if not record["answerable"]:
        return None if record["abstained"] else "missed abstention"
    if record["abstained"]:
        return "false abstention"
    if record.get("accuracy") == 0.0:
        return "retrieval miss" if retrieval_miss else "wrong"
    return None


def score_question(
    question: dict, output: dict, doc_names: dict[str, str] | None = None, latency_ms: float | None = None
) -> dict[str, Any]:
    """Per-question record: judgements, retrieval, answer, citation and abstention scores.

    An output with neither ``answer`` nor ``abstained`` is a search-only result: answer,
    citation and abstention fields stay None. MRR/nDCG are filled in by ``add_rank_scores``.
    """
    hits = list(output.get("hits") or [])[:RANK_DEPTH]
    answerable = is_answerable(question)
    answer_mode = "answer" in output or "abstained" in output
    record: dict[str, Any] = {
        "id": question.get("id"),
        "question": question.get("question"),
        "lang": question.get("lang"),
        "type": question.get("type"),
        **{flag: bool(question.get(flag)) for flag in FLAG_SLICES},
        "slices": slice_names(question),
        "expected": list(question.get("answers") or []),
        "evidence": list(question.get("evidence") or []),
        "answerable": answerable,
        "answer_mode": answer_mode,
        "answer": output.get("answer"),
        "abstained": bool(output.get("abstained")) if answer_mode else None,
        "latency_ms": latency_ms,
        "top_passages": [passage_preview(h) for h in hits[:3]],
        "error": output.get("error"),
    }
    judged = judge_hits(question, hits, doc_names) if answerable else []
    record["judged"] = judged
    record["first_rank"] = first_rank(judged) if answerable else None
    for k in K_VALUES:
        record[f"hit@{k}"] = hit_at_k(judged, k) if answerable else None
    record["mrr@10"] = record["ndcg@10"] = None

    for name in ANSWER_METRICS + CITATION_METRICS:
        record[name] = None
    if answer_mode:
        answer = None if record["abstained"] else output.get("answer")
        if question.get("answers"):
            record.update(answer_scores(answer, question["answers"]))
        if answerable:
            cites = [] if record["abstained"] else list(output.get("citations") or [])
            record.update(citation_scores(question, cites, doc_names))
        if question.get("answers") or not answerable:
            record["correct"] = float(record["abstained"]) if not answerable else record["accuracy"]
    record["reason"] = "error" if record["error"] else failure_reason(record)
    return record


def add_rank_scores(records: list[dict]) -> None:
    """Fill ``mrr@10``/``ndcg@10`` of the answerable records in place (one ranx call)."""
    judgements = {str(i): r["judged"] for i, r in enumerate(records) if r["answerable"]}
    scores = rank_scores(judgements)
    for key, values in scores.items():
        records[int(key)].update(values)


# --- aggregation ---------------------------------------------------------------------------


def _mean(values: Iterable[float | None]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def aggregate(records: list[dict]) -> dict[str, Any]:
    """Mean scores of a set of question records (None where a metric does not apply)."""
    out: dict[str, Any] = {
        "n": len(records),
        "n_answerable": sum(r["answerable"] for r in records),
        "n_unanswerable": sum(not r["answerable"] for r in records),
    }
    for name in RETRIEVAL_METRICS + ANSWER_METRICS + CITATION_METRICS:
        out[name] = _mean(r.get(name) for r in records)

    answered = [r for r in records if r["answer_mode"]]
    true_abst = sum(1 for r in answered if r["abstained"] and not r["answerable"])
    false_abst = sum(1 for r in answered if r["abstained"] and r["answerable"])
    out["abstention_precision"] = _ratio(true_abst, true_abst + false_abst)
    out["abstention_recall"] = _ratio(true_abst, sum(not r["answerable"] for r in answered))
    out["false_abstention_rate"] = _ratio(false_abst, sum(r["answerable"] for r in answered))
    out["n_abstained"] = sum(1 for r in answered if r["abstained"])

    latencies = [r["latency_ms"] for r in records if r.get("latency_ms") is not None]
    out["latency_p50_ms"] = float(np.percentile(latencies, 50)) if latencies else None
    out["latency_p95_ms"] = float(np.percentile(latencies, 95)) if latencies else None
    out["failures"] = dict(Counter(r["reason"] for r in records if r.get("reason")))
    return out


def aggregate_slices(records: list[dict]) -> dict[str, dict[str, Any]]:
    """``aggregate`` for every slice present in the records (``all`` first)."""
    groups: dict[str, list[dict]] = {}
    for record in records:
        for name in record["slices"]:
            groups.setdefault(name, []).append(record)
    order = sorted(groups, key=lambda s: (s != "all", s.split(":")[0] if ":" in s else "~", s))
    return {name: aggregate(groups[name]) for name in order}


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value))
