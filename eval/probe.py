"""Probe questions generated from every responsibility record of a store.

A gold file covers a few dozen rows; an appendix table has hundreds. Asking, for every row,
who leads it, when it is due and what its target is — with the row's own cells as the answer and
evidence — checks table-cell answering across the whole corpus, in the harness's question format
(so ``run_eval`` scores it like any gold file). The wording is plain and close to the row: this
measures reading the right row and cell, not paraphrase.
"""

from __future__ import annotations

from typing import Iterable

# what is asked of a row, the cell that answers it, and how it is asked
_KINDS = {
    "lead": (lambda a: list(a.lead), "Cơ quan nào chủ trì: {task}{where}?"),
    "deadline": (lambda a: [a.deadline] if a.deadline else [], "Thời gian thực hiện: {task}{where} là khi nào?"),
    "target": (lambda a: [a.target] if a.target else [], "Chỉ tiêu {task}{where} là bao nhiêu?"),
}
TASK_WORDS = 14  # the task as a user would start typing it, not pasted whole


def record_questions(assignments: Iterable, documents: dict, kinds: Iterable[str] = tuple(_KINDS)) -> list[dict]:
    """One question per record and asked kind that the record answers, in the gold-file format."""
    out = []
    for a in assignments:
        doc = documents[a.doc_id]
        where = f" ({doc.province})" if doc.province else ""
        task = " ".join(a.task.split()[:TASK_WORDS])
        for kind in kinds:
            cells, template = _KINDS[kind]
            answers = [c for c in cells(a) if c]
            if not answers or not task:
                continue
            out.append({"id": f"probe-{kind}-{a.assignment_id}", "question": template.format(task=task, where=where),
                        "answers": answers, "evidence": [], "lang": "vi", "type": kind, "table": True,
                        "doc": doc.doc_number or a.doc_id})
    return out
