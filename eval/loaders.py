"""Question sets in, as plain dicts: our gold JSONL, SQuAD-style JSON and BEIR-style folders.

Every format becomes the same question dict (see ``eval/README.md``). SQuAD and BEIR sets
also bring their own documents, returned as ``(name, text)`` pairs to be written as ``.txt``
files into a corpus folder and ingested; ``relevant_docs`` then names those files' stems,
and the harness maps retrieved ``doc_id``s back to them through ``doc_names``.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from tracuu.normalize import clean_text, has_diacritics

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
GOLD_DEV = DATA_DIR / "gold_dev.jsonl"
GOLD_TEST = DATA_DIR / "gold_test.jsonl"
THRESHOLDS = DATA_DIR / "thresholds.json"
GOLD_PARA = DATA_DIR / "gold_para.jsonl"  # held-out everyday wording, written apart from the glossaries
PARA_THRESHOLDS = DATA_DIR / "thresholds_para.json"
# encyclopedia-style articles with reading-comprehension questions, written apart from the system:
# answers over text that is not a plan
PROSE_CORPUS = DATA_DIR / "prose" / "corpus"
PROSE_QUESTIONS = DATA_DIR / "prose" / "questions.jsonl"
PROSE_THRESHOLDS = DATA_DIR / "thresholds_prose.json"
# a second such set, a third of it unanswerable questions written the adversarial way (a swapped
# name, an absent figure, a negation), for tuning answers over general text
PROSE2_CORPUS = DATA_DIR / "prose2" / "corpus"
PROSE2_QUESTIONS = DATA_DIR / "prose2" / "questions.jsonl"
PROSE2_THRESHOLDS = DATA_DIR / "thresholds_prose2.json"
PROSE3_CORPUS = DATA_DIR / "prose3" / "corpus"
PROSE3_QUESTIONS = DATA_DIR / "prose3" / "questions.jsonl"
PROSE3_THRESHOLDS = DATA_DIR / "thresholds_prose3.json"
BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


@dataclass
class Benchmark:
    """Questions plus, for foreign benchmarks, the documents they are asked about."""

    name: str
    questions: list[dict]
    documents: list[tuple[str, str]] | None = None  # (file stem, text)

    def write_documents(self, folder: Path) -> list[Path]:
        """Write the documents as ``<name>.txt`` files (the corpus to ingest)."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, text in self.documents or []:
            path = folder / f"{name}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return paths


# --- dispatch ------------------------------------------------------------------------------


def load_benchmark(path: str | Path, split: str = "test") -> Benchmark:
    """Our JSONL (no documents: it is asked about the bundled corpus), a SQuAD JSON file,
    or a BEIR folder (``corpus.jsonl``, ``queries.jsonl``, ``qrels/<split>.tsv``)."""
    path = Path(path)
    if path.is_dir():
        return load_beir(path, split)
    if path.suffix == ".jsonl":
        return Benchmark(path.stem, load_jsonl(path))
    if path.suffix == ".json":
        return load_squad(path)
    raise ValueError(f"unknown benchmark format: {path}")


def load_questions(path: str | Path) -> list[dict]:
    """The questions of any supported format (see ``load_benchmark``)."""
    return load_benchmark(path).questions


# --- our format ----------------------------------------------------------------------------


def load_jsonl(path: str | Path) -> list[dict]:
    """Gold questions, one JSON object per line; blank lines are skipped."""
    questions = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            q = json.loads(line)
            if not q.get("id") or not q.get("question"):
                raise ValueError(f"{path}:{lineno}: a question needs 'id' and 'question'")
            q.setdefault("answers", [])
            q.setdefault("evidence", [])
            questions.append(q)
    return questions


def guess_lang(text: str) -> str:
    """'vi' for text with Vietnamese diacritics, else 'en' (good enough for SQuAD/BEIR sets)."""
    return "vi" if has_diacritics(text) else "en"


def safe_name(raw: str, taken: set[str]) -> str:
    """A file stem for a document id: word characters, dots and dashes only; unique."""
    base = re.sub(r"[^\w.-]+", "_", str(raw)).strip("._") or "doc"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name)
    return name


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i and i.strip()))


# --- SQuAD ---------------------------------------------------------------------------------


def load_squad(path: str | Path) -> Benchmark:
    """SQuAD v1/v2 JSON: each paragraph context becomes a document; answer texts become
    ``answers`` and ``evidence``; ``is_impossible`` questions become unanswerable."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    documents: list[tuple[str, str]] = []
    questions: list[dict] = []
    taken: set[str] = set()
    for a, article in enumerate(data.get("data", [])):
        title = article.get("title") or f"article{a}"
        for p, paragraph in enumerate(article.get("paragraphs", [])):
            context = paragraph.get("context", "")
            name = safe_name(f"{title}-{p:03d}", taken)
            documents.append((name, context))
            lang = guess_lang(context)
            for qa in paragraph.get("qas", []):
                impossible = bool(qa.get("is_impossible")) or not qa.get("answers")
                texts = [] if impossible else _unique([ans.get("text", "") for ans in qa["answers"]])
                questions.append({
                    "id": str(qa.get("id")),
                    "question": qa.get("question", ""),
                    "answers": texts,
                    "evidence": texts,
                    "relevant_docs": [name] if texts else [],
                    "lang": lang,
                    "type": "unanswerable" if not texts else "squad",
                    "doc": name,
                })
    log.info("SQuAD %s: %d questions over %d contexts", path.name, len(questions), len(documents))
    return Benchmark(path.stem, questions, documents)


# --- BEIR ----------------------------------------------------------------------------------


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_beir(folder: str | Path, split: str = "test") -> Benchmark:
    """BEIR folder: corpus documents become files; each query with relevant documents in
    ``qrels/<split>.tsv`` becomes a question whose ``relevant_docs`` name those files."""
    folder = Path(folder)
    taken: set[str] = set()
    doc_file: dict[str, str] = {}
    documents: list[tuple[str, str]] = []
    for row in _read_jsonl(folder / "corpus.jsonl"):
        name = safe_name(row["_id"], taken)
        doc_file[str(row["_id"])] = name
        title, text = row.get("title") or "", row.get("text") or ""
        documents.append((name, f"{title}\n\n{text}" if title else text))

    relevant: dict[str, list[str]] = {}
    with open(folder / "qrels" / f"{split}.tsv", encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) < 3 or row[0] == "query-id":
                continue
            qid, cid, score = row[0], row[1], row[2]
            if float(score) > 0 and cid in doc_file:
                relevant.setdefault(qid, []).append(doc_file[cid])

    questions = []
    for row in _read_jsonl(folder / "queries.jsonl"):
        qid = str(row["_id"])
        if qid not in relevant:
            continue
        questions.append({
            "id": qid,
            "question": row.get("text", ""),
            "answers": [],
            "evidence": [],
            "relevant_docs": _unique(relevant[qid]),
            "lang": guess_lang(row.get("text", "")),
            "type": "beir",
        })
    log.info("BEIR %s/%s: %d queries over %d documents", folder.name, split, len(questions), len(documents))
    return Benchmark(folder.name, questions, documents)


# --- gold set support ------------------------------------------------------------------------


def resolve_doc_files(doc: str, corpus_dir: Path = BUNDLED_CORPUS) -> list[Path]:
    """Corpus files a gold question's ``doc`` refers to: a file stem, or a document number
    ("304/KH-UBND") found in a file's "Số:" / "Số hiệu" line or its "Kế hoạch số" mention."""
    files = sorted(corpus_dir.glob("*.txt"))
    by_stem = [f for f in files if f.stem == doc]
    if by_stem:
        return by_stem
    patterns = [
        re.compile(rf"^\s*(Số|Số hiệu)\s*:?\s*{re.escape(doc)}\s*$", re.MULTILINE),
        re.compile(rf"Kế hoạch số:?\s*{re.escape(doc)}\b"),
    ]
    return [f for f in files if any(p.search(clean_text(f.read_text(encoding="utf-8"))) for p in patterns)]
