"""Regression gate: the gold test split, scored by the harness, must stay above the
thresholds stored in eval/data/thresholds.json (set just under the current figures)."""

from __future__ import annotations

from tracuu.eval.cli import answer_fn_for
from tracuu.eval.harness import run_eval
from tracuu.eval.loaders import GOLD_TEST, THRESHOLDS, load_questions
from tracuu.eval.report import check_thresholds, load_thresholds


def test_gold_test_split_meets_thresholds(assistant):
    questions = load_questions(GOLD_TEST)
    results = run_eval(questions, answer_fn_for(assistant, "hybrid"), mode="hybrid")
    thresholds = load_thresholds(THRESHOLDS)
    assert thresholds["min"]["accuracy"] > 0 and thresholds["min"]["hit@5"] > 0  # a gate, not a formality
    failures = check_thresholds(results, thresholds)
    assert not failures, "below thresholds:\n" + "\n".join(failures)
