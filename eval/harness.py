"""Run a question set through an answer function and score it.

``answer_fn(question) -> dict`` returns the ``tracuu ask --json`` object for one question
(or only ``{"hits": [...]}`` in search-only mode). The harness times each call, scores it
with ``tracuu.eval.metrics`` and aggregates overall and per slice. One failing question is
logged and scored as an empty output, so a long run is never lost to one exception.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

from tracuu.eval.metrics import add_rank_scores, aggregate_slices, score_question

log = logging.getLogger(__name__)

AnswerFn = Callable[[dict], dict]


def _call(answer_fn: AnswerFn, question: dict) -> tuple[dict, float]:
    start = time.perf_counter()
    try:
        output = answer_fn(question)
    except Exception as exc:  # noqa: BLE001 - one broken question must not end the run
        log.exception("question %s failed", question.get("id"))
        output = {"hits": [], "error": f"{type(exc).__name__}: {exc}"}
    return output, (time.perf_counter() - start) * 1000.0


def run_eval(
    questions: list[dict],
    answer_fn: AnswerFn,
    doc_names: dict[str, str] | None = None,
    mode: str = "default",
) -> dict[str, Any]:
    """Score ``answer_fn`` on ``questions``.

    Returns ``{"mode", "n", "answer_mode", "overall", "slices", "questions"}``: ``overall``
    equals ``slices["all"]``; ``questions`` holds one record per question (see
    ``metrics.score_question``). ``doc_names`` maps returned ``doc_id``s to the source file
    stems that ``relevant_docs`` use (BEIR/SQuAD sets).
    """
    records = []
    for i, question in enumerate(questions, 1):
        output, latency_ms = _call(answer_fn, question)
        records.append(score_question(question, output, doc_names, latency_ms))
        if i % 50 == 0:
            log.info("%s: %d/%d questions", mode, i, len(questions))
    add_rank_scores(records)
    slices = aggregate_slices(records)
    return {
        "mode": mode,
        "n": len(records),
        "answer_mode": any(r["answer_mode"] for r in records),
        "overall": slices.get("all", {}),
        "slices": slices,
        "questions": records,
    }
