"""Section-bounded chunks for search.

Rules: a chunk never crosses a section; long sections split at paragraph, then sentence
boundaries to at most ``max_words``; very short sibling items are grouped; each table row
is its own chunk rendered "header: value"; document facts get one "meta" chunk. The
breadcrumb and title go into an indexed header, never into the quoted text. Chunk ids
are content hashes, so re-ingesting an unchanged document changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from tracuu.ingest.tables import render_row
from tracuu.records import Assignment, Chunk, Document, Section

MAX_WORDS = 300
MIN_WORDS = 40  # shorter sibling sections are grouped

_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ\-(])")


# a sentence or clause of running text, as answers quote it: up to ". ; ! ?" or a line end
# (a decimal point, "87.5", does not end one)
SENTENCE = re.compile(r"(?:[^.;!?\n]|(?<=\d)\.(?=\d))+(?:[.;!?]|$)", re.MULTILINE)
MIN_SENTENCE = 6  # characters; shorter pieces are list marks and stray punctuation


def sentence_key(sentence: str) -> str:
    """A sentence with its whitespace collapsed: how its vector is looked up."""
    return " ".join(sentence.split())


def chunk_sentences(doc: Document, chunk: Chunk) -> list[str]:
    """The pieces of a chunk an answer may quote, keyed as :func:`sentence_key`: each sentence
    of running text; a table row whole (it is quoted whole); none of the metadata card."""
    text = doc.text[chunk.start:chunk.end]
    if chunk.kind == "meta":
        return []
    found = [sentence_key(text)] if chunk.kind == "row" else (sentence_key(m.group(0)) for m in SENTENCE.finditer(text))
    return [t for t in found if len(t) >= MIN_SENTENCE]


def _chunk_id(doc_id: str, kind: str, section_path: str, text: str) -> str:
    return f"{doc_id}:{hashlib.sha1(f'{kind}|{section_path}|{text}'.encode()).hexdigest()[:16]}"


def _words(text: str) -> int:
    return len(text.split())


def _paragraph_runs(text: str, start: int, end: int, skip: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Non-empty lines in [start, end) as spans, grouped in runs that the skipped (table
    row) spans separate — a text chunk never swallows a table row."""
    runs: list[list[tuple[int, int]]] = [[]]
    pos = start
    for line in text[start:end].split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        if any(s <= a < e or s < b <= e or (a <= s and e <= b) for s, e in skip):
            if runs[-1]:
                runs.append([])
            continue
        if not line.strip():
            continue
        lead = len(line) - len(line.lstrip())
        runs[-1].append((a + lead, b))
    return [r for r in runs if r]


def _split_long(text: str, a: int, b: int, max_words: int) -> Iterator[tuple[int, int]]:
    """Split one over-long paragraph at sentence boundaries."""
    cur = a
    piece_start = a
    for m in _SENTENCE_END.finditer(text, a, b):
        if _words(text[piece_start : m.start()]) >= max_words:
            yield piece_start, cur if cur > piece_start else m.start()
            piece_start = cur if cur > piece_start else m.end()
        cur = m.end()
    while _words(text[piece_start:b]) > max_words * 1.5:
        # no sentence boundary: cut at a word boundary
        words = list(re.finditer(r"\S+", text[piece_start:b]))
        cut = piece_start + words[max_words].start()
        yield piece_start, cut
        piece_start = cut
    if text[piece_start:b].strip():
        yield piece_start, b


def _pack(text: str, spans: list[tuple[int, int]], max_words: int) -> Iterator[tuple[int, int]]:
    """Greedily pack paragraph spans into windows of at most ``max_words``."""
    parts: list[tuple[int, int]] = []
    for a, b in spans:
        if _words(text[a:b]) > max_words:
            parts.extend(_split_long(text, a, b, max_words))
        else:
            parts.append((a, b))
    cur_a = cur_b = None
    count = 0
    for a, b in parts:
        n = _words(text[a:b])
        if cur_a is not None and count + n > max_words:
            yield cur_a, cur_b
            cur_a = None
            count = 0
        if cur_a is None:
            cur_a = a
        cur_b = b
        count += n
    if cur_a is not None:
        yield cur_a, cur_b


def _header(doc: Document, path: str) -> str:
    title = (doc.title or "")[:200]
    return f"{doc.label} — {title}\n{path}" if title else f"{doc.label}\n{path}"


def meta_text(doc: Document) -> str:
    """The document facts as one searchable passage (who signed, when, which number)."""
    parts = [f"Loại văn bản: {doc.doc_type}" if doc.doc_type else "",
             f"Số hiệu: {doc.doc_number}" if doc.doc_number else "",
             f"Cơ quan ban hành: {doc.issuer}" if doc.issuer else "",
             f"Tỉnh: {doc.province}" if doc.province else "",
             f"Ngày ban hành: {_vn_date(doc.issue_date)}" if doc.issue_date else "",
             f"Người ký: {doc.signer}" if doc.signer else "",
             f"Chức vụ người ký: {doc.signer_title}" if doc.signer_title else "",
             f"Trích yếu: {doc.title}" if doc.title else ""]
    return "\n".join(p for p in parts if p)


def _vn_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y} (ngày {int(d)} tháng {int(m)} năm {y})"


def chunk_document(
    doc: Document,
    sections: list[Section],
    assignments: list[Assignment],
    max_words: int = MAX_WORDS,
    min_words: int = MIN_WORDS,
) -> list[Chunk]:
    text = doc.text
    chunks: list[Chunk] = []
    seen: set[str] = set()

    def add(kind: str, sec: Section | None, path: str, body: str, a: int, b: int, assignment_id: str | None = None,
            context: str = ""):
        cid = _chunk_id(doc.doc_id, kind, path, body)
        if cid in seen:
            return
        seen.add(cid)
        header = _header(doc, path) + (f"\n{context}" if context else "")
        chunks.append(Chunk(cid, doc.doc_id, sec.section_id if sec else None, path, body, header,
                            a, b, kind, assignment_id))

    # Table rows: one chunk each.
    row_spans = [(a.start, a.end) for a in assignments]
    for a in assignments:
        context = " › ".join(x for x in (a.table_title, a.group) if x)
        add("row", None, a.section_path, render_row(a), a.start, a.end, a.assignment_id, context)

    # Text: own body of each section (heading line included), grouped when short.
    children: dict[str | None, list[Section]] = {}
    for s in sections:
        children.setdefault(s.parent_id, []).append(s)

    def own_runs(sec: Section) -> list[list[tuple[int, int]]]:
        kids = children.get(sec.section_id, [])
        end = min([k.start for k in kids] + [sec.end])
        return _paragraph_runs(text, sec.start, end, row_spans)

    pending: list[tuple[Section, list[tuple[int, int]]]] = []

    def flush_pending():
        if not pending:
            return
        if len(pending) == 1:
            sec, spans = pending[0]
            add_packed(sec, [spans])
        else:
            first = pending[0][0]
            parent_path = " › ".join(first.path[:-1]) or first.breadcrumb
            a, b = pending[0][1][0][0], pending[-1][1][-1][1]
            add("text", first, parent_path, text[a:b], a, b)
        pending.clear()

    def add_packed(sec: Section, runs: list[list[tuple[int, int]]]):
        for run in runs:
            for a, b in _pack(text, run, max_words):
                add("text", sec, sec.breadcrumb, text[a:b], a, b)

    for sec in sections:
        runs = own_runs(sec)
        if not runs:
            flush_pending()
            continue
        spans = [sp for run in runs for sp in run]
        n = sum(_words(text[a:b]) for a, b in spans)
        leaf = not children.get(sec.section_id)
        same_parent = pending and pending[-1][0].parent_id == sec.parent_id
        if leaf and len(runs) == 1 and n < min_words and sec.kind not in ("signature", "recipients", "preamble"):
            if pending and (not same_parent or sum(_words(text[x:y]) for _, sp in pending for x, y in sp) + n > max_words):
                flush_pending()
            pending.append((sec, spans))
            continue
        flush_pending()
        add_packed(sec, runs)
    flush_pending()

    # Document facts.
    facts = meta_text(doc)
    if facts:
        a, b = doc.signer_span or doc.header_span or (0, 0)
        add("meta", None, "Thông tin văn bản", facts, a, b)
    return chunks
