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
    calls = []
    for i, question in enumerate(questions, 1):
        calls.append(_call(answer_fn, question))
        if i % 50 == 0:
            log.info("%s: %d/%d questions", mode, i, len(questions))
    # in a run that answers, a question that raised is a wrong answer, not a search-only result
    # (otherwise a run where most questions fail reports the accuracy of the few that did not)
    answering = any(("answer" in o or "abstained" in o) and "error" not in o for o, _ in calls)
    records = []
    for question, (output, latency_ms) in zip(questions, calls):
        if answering and "error" in output:
            output = {**output, "answer": None, "abstained": False}
        records.append(score_question(question, output, doc_names, latency_ms))
    errors = sum(1 for r in records if r["error"])
    if errors:
        log.warning("%s: %d of %d questions raised (scored as wrong)", mode, errors, len(records))
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
