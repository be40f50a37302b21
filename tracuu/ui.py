"""The web app: ask cited questions, browse responsibilities and documents, upload files.

Why this shape: every callback is a plain method of ``TracuuApp`` (strings and rows in,
escaped HTML and rows out), so the tests call them without a browser; ``build_demo`` only
wires them to Gradio components. The model and the index are loaded once per process and
shared by every session: the keyword index first, so the app answers within seconds of
starting, and the embedding model in a background thread, attached to the loaded searcher
when it is ready. An upload builds a new store snapshot and swaps the loaded library under
a lock, so a question never sees half an index.

Everything that comes from a document or a user is passed through ``html.escape`` before
it reaches a ``gr.HTML`` component: a document containing ``<script>`` shows as text.
"""

from __future__ import annotations

import argparse
import csv
import html
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from tracuu.index.store import Store, StoreError  # noqa: E402
from tracuu.ingest.readers import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, read_file  # noqa: E402
from tracuu.normalize import fold, has_diacritics, syllables  # noqa: E402
from tracuu.records import Answer, Assignment, Document, Hit, IngestError, Section  # noqa: E402

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
UPLOADS = "uploads"  # folder under the store root that keeps uploaded originals
MAX_CITE_BUTTONS = 5
MODES = ("hybrid", "lexical", "dense")
MODEL_POLL_S = 3.0  # how often an open page re-reads the status line while the model loads

EXAMPLES = [
    "Cơ quan nào chủ trì mục tiêu DTI?",
    "ai chu tri chuyen de 6",
    "Who signed plan 1886/KH-UBND?",
    "Sở Nội vụ có trách nhiệm gì?",
    "Chỉ số PAR INDEX năm 2021 phấn đấu đạt bao nhiêu?",
]

# --- interface text ------------------------------------------------------------------------

STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Tra cứu kế hoạch",
        "subtitle": "Hỏi đáp có trích dẫn trên các kế hoạch, văn bản của UBND tỉnh",
        "tab_ask": "Hỏi đáp", "tab_resp": "Trách nhiệm", "tab_docs": "Văn bản", "tab_upload": "Nạp văn bản",
        "question": "Câu hỏi", "question_ph": "Ví dụ: Cơ quan nào chủ trì mục tiêu DTI?  (Enter để hỏi)",
        "ask_btn": "Hỏi", "filters": "Bộ lọc", "f_doc": "Văn bản", "f_province": "Tỉnh", "f_year": "Năm",
        "all": "Tất cả", "advanced": "Nâng cao", "mode": "Chế độ tìm kiếm",
        "mode_info": "hybrid: từ khóa + ngữ nghĩa (trả lời trực tiếp); lexical / dense: chỉ xếp hạng đoạn",
        "others": "Các đoạn liên quan khác", "answer": "Trả lời", "sources": "Nguồn trích dẫn",
        "closest": "Đoạn gần nhất", "open_link": "Mở văn bản tại mục này ↗", "open_btn": "Mở nguồn [{n}]",
        "took": "Thời gian: {s:.2f} giây", "confidence": "độ tin cậy", "intent": "loại câu hỏi",
        "empty_q": "Hãy nhập một câu hỏi.", "search_results": "Kết quả tìm kiếm ({mode})",
        "no_hits": "Không có đoạn nào phù hợp.", "score": "điểm", "not_found_hint":
        "Các đoạn dưới đây gần nhất với câu hỏi nhưng không chứa câu trả lời chắc chắn.",
        "sub_table": "Bảng trách nhiệm", "sub_agency": "Theo cơ quan",
        "resp_search": "Tìm trong bảng (gõ có dấu hay không dấu đều được)",
        "resp_agency": "Cơ quan (chủ trì hoặc phối hợp)",
        "resp_doc": "Văn bản", "export_csv": "Tải CSV", "export_xlsx": "Tải Excel (XLSX)", "export_file": "Tệp xuất",
        "resp_count": "{n} / {total} dòng",
        "col_doc": "Văn bản", "col_row": "Mục", "col_task": "Nhiệm vụ", "col_lead": "Chủ trì",
        "col_partners": "Phối hợp", "col_deadline": "Thời hạn", "col_target": "Chỉ tiêu",
        "col_section": "Thuộc mục",
        "agency_pick": "Chọn cơ quan (gõ để tìm)",
        "agency_intro": "{agency}: chủ trì {lead} nhiệm vụ, phối hợp {partner} nhiệm vụ.",
        "agency_lead_h": "Nhiệm vụ chủ trì", "agency_partner_h": "Nhiệm vụ phối hợp",
        "agency_sections_h": "Mục văn bản giao riêng cho cơ quan này",
        "agency_none": "Chọn một cơ quan để xem cơ quan đó phụ trách những gì — dành cho cán bộ mới.",
        "agency_empty": "Không có nhiệm vụ nào ghi tên cơ quan này.",
        "deadline": "Thời hạn", "partners": "Phối hợp", "lead": "Chủ trì", "target": "Chỉ tiêu", "row": "mục",
        "docs_pick": "Mở văn bản", "sections": "Mục lục", "whole": "(Toàn văn)", "docs_hint":
        "Chọn một văn bản (hoặc bấm vào một dòng của bảng) để đọc; chọn một mục để xem nội dung mục đó.",
        "m_number": "Số hiệu", "m_type": "Loại", "m_issuer": "Cơ quan ban hành", "m_province": "Tỉnh",
        "m_date": "Ngày ban hành", "m_signer": "Người ký", "m_title": "Trích yếu",
        "m_dups": "Bản trùng đã gộp",
        "m_source": "Tệp nguồn", "m_sections": "Số mục", "m_id": "Mã",
        "upload_files": "Chọn tệp (.txt, .docx, .pdf, .html)", "upload_btn": "Nạp vào chỉ mục",
        "upload_help": "Tối đa {mb:g} MB mỗi tệp. Tệp lỗi bị bỏ qua, chỉ mục hiện có không bị ảnh hưởng.",
        "up_added": "Đã thêm", "up_changed": "Đã cập nhật", "up_unchanged": "Đã có sẵn, không đổi",
        "up_dup": "trùng với văn bản đã có {kept}; đã gộp thông tin", "up_skipped": "Bỏ qua",
        "up_bad_type": "loại tệp không được hỗ trợ '{suffix}' (chỉ nhận {allowed})",
        "up_too_big": "tệp {size:.1f} MB, vượt giới hạn {limit:.1f} MB",
        "up_none": "Chưa chọn tệp nào.", "up_failed": "Không nạp được: {err}. Chỉ mục giữ nguyên.",
        "up_done": "Chỉ mục đã cập nhật: {docs} văn bản, {chunks} đoạn ({secs:.1f} giây).",
        "up_nothing": "Không có tệp hợp lệ nào; chỉ mục giữ nguyên.",
        "up_checking": "Kiểm tra tệp", "up_indexing": "Đọc và lập chỉ mục", "up_reloading": "Tải lại chỉ mục",
        "status": "{docs} văn bản · {chunks} đoạn · {records} dòng trách nhiệm · tìm kiếm {search}"
                  " · nạp chỉ mục {secs:.1f} giây",
        "status_built": " · lập chỉ mục lần đầu {secs:.0f} giây",
        "search_dense": "kết hợp (BM25 + e5)", "search_lexical": "từ khóa (BM25)",
        "model_loading": "Mô hình ngữ nghĩa đang tải — kết quả tạm thời theo từ khóa",
        "model_failed": "Không tải được mô hình ngữ nghĩa ({err}) — chỉ tìm theo từ khóa",
        "error": "Lỗi: {err}",
    },
    "en": {
        "title": "Plan lookup",
        "subtitle": "Cited answers from provincial plan documents (Vietnamese)",
        "tab_ask": "Ask", "tab_resp": "Responsibilities", "tab_docs": "Documents", "tab_upload": "Upload",
        "question": "Question", "question_ph": "e.g. Which agency leads the DTI target?  (press Enter)",
        "ask_btn": "Ask", "filters": "Filters", "f_doc": "Document", "f_province": "Province", "f_year": "Year",
        "all": "All", "advanced": "Advanced", "mode": "Search mode",
        "mode_info": "hybrid: keywords + meaning (direct answer); lexical / dense: ranked passages only",
        "others": "Other relevant passages", "answer": "Answer", "sources": "Sources",
        "closest": "Closest passages", "open_link": "Open the document at this section ↗",
        "open_btn": "Open source [{n}]",
        "took": "Time: {s:.2f} s", "confidence": "confidence", "intent": "question type",
        "empty_q": "Please type a question.", "search_results": "Search results ({mode})",
        "no_hits": "No matching passage.", "score": "score", "not_found_hint":
        "These passages are the closest to the question but do not clearly answer it.",
        "sub_table": "Responsibility table", "sub_agency": "By agency",
        "resp_search": "Search the table (accents optional)", "resp_agency": "Agency (lead or partner)",
        "resp_doc": "Document", "export_csv": "Download CSV", "export_xlsx": "Download Excel (XLSX)",
        "export_file": "Exported file", "resp_count": "{n} / {total} rows",
        "col_doc": "Document", "col_row": "Item", "col_task": "Task", "col_lead": "Lead",
        "col_partners": "Partners", "col_deadline": "Deadline", "col_target": "Target", "col_section": "Section",
        "agency_pick": "Pick an agency (type to search)",
        "agency_intro": "{agency}: leads {lead} tasks, coordinates on {partner} tasks.",
        "agency_lead_h": "Tasks it leads", "agency_partner_h": "Tasks it coordinates on",
        "agency_sections_h": "Document sections addressed to this agency",
        "agency_none": "Pick an agency to see what it is responsible for — the page for new staff.",
        "agency_empty": "No task names this agency.",
        "deadline": "Deadline", "partners": "Partners", "lead": "Lead", "target": "Target", "row": "item",
        "docs_pick": "Open a document", "sections": "Sections", "whole": "(Full text)", "docs_hint":
        "Pick a document (or click a row of the table) to read it; pick a section to see its text.",
        "m_number": "Number", "m_type": "Type", "m_issuer": "Issuer", "m_province": "Province",
        "m_date": "Issued", "m_signer": "Signed by", "m_title": "Title", "m_dups": "Merged duplicates",
        "m_source": "Source file", "m_sections": "Sections", "m_id": "ID",
        "upload_files": "Choose files (.txt, .docx, .pdf, .html)", "upload_btn": "Add to the index",
        "upload_help": "Up to {mb:g} MB per file. A bad file is skipped and never changes the existing index.",
        "up_added": "Added", "up_changed": "Updated", "up_unchanged": "Already loaded, unchanged",
        "up_dup": "duplicate of the loaded document {kept}; details merged", "up_skipped": "Skipped",
        "up_bad_type": "unsupported file type '{suffix}' (accepted: {allowed})",
        "up_too_big": "file is {size:.1f} MB, over the {limit:.1f} MB limit",
        "up_none": "No file chosen.", "up_failed": "Could not add the files: {err}. The index is unchanged.",
        "up_done": "Index updated: {docs} documents, {chunks} passages ({secs:.1f} s).",
        "up_nothing": "No acceptable file; the index is unchanged.",
        "up_checking": "Checking files", "up_indexing": "Reading and indexing",
        "up_reloading": "Reloading the index",
        "status": "{docs} documents · {chunks} passages · {records} responsibility rows · search {search}"
                  " · index loaded in {secs:.1f} s",
        "status_built": " · index built on first run in {secs:.0f} s",
        "search_dense": "hybrid (BM25 + e5)", "search_lexical": "keywords (BM25)",
        "model_loading": "Semantic model loading — results are keyword-based for now",
        "model_failed": "The semantic model could not be loaded ({err}) — keyword search only",
        "error": "Error: {err}",
    },
}
LANGS = [("Tiếng Việt", "vi"), ("English", "en")]


def tr(lang: str | None, key: str, **kw) -> str:
    """Interface text in ``lang`` (Vietnamese by default), formatted with ``kw``."""
    text = STRINGS.get(lang or "vi", STRINGS["vi"]).get(key) or STRINGS["vi"][key]
    return text.format(**kw) if kw else text


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


# --- what the app shows, read once per snapshot ----------------------------------------------

@dataclass
class Library:
    """The loaded index plus the rows the tabs show; replaced as a whole after an upload."""

    assistant: object  # tracuu.retrieval.answer.Assistant
    documents: dict[str, Document]
    sections: dict[str, list[Section]]
    assignments: list[Assignment]
    agencies: list[str]
    chunks: int
    load_seconds: float
    section_index: dict[str, Section] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Store, embedder) -> "Library":
        from tracuu.retrieval.answer import Assistant
        from tracuu.retrieval.search import Searcher

        t0 = time.perf_counter()
        searcher = Searcher(store, embedder=embedder, load_embedder=False)
        assistant = Assistant(searcher=searcher)
        snap = searcher.snapshot
        documents = dict(searcher.documents)
        sections: dict[str, list[Section]] = {d: [] for d in documents}
        for s in snap.sections():
            sections.setdefault(s.doc_id, []).append(s)
        assignments = snap.assignments()
        return cls(assistant=assistant, documents=documents, sections=sections, assignments=assignments,
                   agencies=agency_names(assignments), chunks=len(searcher.chunks), load_seconds=time.perf_counter() - t0,
                   section_index={s.section_id: s for ss in sections.values() for s in ss})

    @property
    def searcher(self):
        return self.assistant.searcher

    @property
    def dense(self) -> bool:
        """Whether search is hybrid now (False while the model is still loading)."""
        return self.searcher.dense is not None

    def target(self, doc_id: str, start: int, end: int) -> "Target":
        sec = self.section_at(doc_id, start)
        return Target(doc_id, sec.section_id if sec else None, start, end)

    def section_at(self, doc_id: str, offset: int) -> Section | None:
        """The innermost section of ``doc_id`` holding ``offset`` (where a citation points)."""
        best = None
        for s in self.sections.get(doc_id, []):
            if s.start <= offset < s.end and (best is None or s.level >= best.level):
                best = s
        return best

    def label(self, doc_id: str) -> str:
        d = self.documents.get(doc_id)
        return d.label if d else doc_id

    def short_label(self, doc_id: str) -> str:
        """A table-cell name: the number, else type · province · year, else the title's start."""
        d = self.documents.get(doc_id)
        if d is None:
            return doc_id
        if d.doc_number:
            return d.doc_number
        bits = [x for x in (d.province, str(d.year or "")) if x]
        return " · ".join([d.doc_type or "Văn bản", *bits]) if bits else _short(d.label, 44)


def agency_names(assignments: Iterable[Assignment]) -> list[str]:
    """Every agency named as lead or partner, one spelling each (the most common)."""
    spellings: dict[str, Counter[str]] = {}
    for a in assignments:
        for name in a.lead + a.partners:
            name = " ".join(name.split())
            key = fold(name)
            if key:
                spellings.setdefault(key, Counter())[name] += 1
    return sorted((c.most_common(1)[0][0] for c in spellings.values()), key=fold)


def agency_matches(needle: str, names: Iterable[str]) -> bool:
    """Accent- and case-insensitive: "so noi vu" finds "Sở Nội vụ"."""
    n = " ".join(fold(needle).split())
    return bool(n) and any(n in " ".join(fold(x).split()) for x in names)


def filter_records(records: Iterable[Assignment], documents: dict[str, Document], query: str = "",
                   agency: str = "", doc_id: str = "") -> list[Assignment]:
    """Responsibility rows matching every word of ``query`` (accents optional), an agency, a document."""
    words = fold(query or "").split()
    out = []
    for a in records:
        if doc_id and a.doc_id != doc_id:
            continue
        if agency and not agency_matches(agency, a.lead + a.partners):
            continue
        if words:
            doc = documents.get(a.doc_id)
            hay = fold(" ".join([a.task, *a.lead, *a.partners, a.deadline or "", a.target or "", a.group,
                                 a.row_number, a.table_title, a.section_path, doc.label if doc else ""]))
            if not all(w in hay for w in words):
                continue
        out.append(a)
    return out


# --- file names --------------------------------------------------------------------------

def safe_filename(name: str, fallback: str = "van-ban") -> str:
    """A plain file name from whatever the browser sent: no folders, no ``..``, no control
    or shell characters; Vietnamese letters kept (NFC) so the document id stays readable."""
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^\w\-]+", "_", stem).strip("._-")[:100] or fallback
    suffix = re.sub(r"[^\w]+", "", suffix).lower()[:10]
    return f"{stem}.{suffix}" if suffix else stem


# --- HTML pieces (all content escaped here) --------------------------------------------------

def _find_spans(text: str, needle: str) -> list[tuple[int, int]]:
    """Where ``needle`` occurs in ``text`` as whole words: exact, then case-insensitive, then
    (for a needle typed without accents) accent-insensitive; folding keeps character positions
    of NFC Vietnamese."""
    needle = " ".join(needle.split())
    if len(needle) < 2:
        return []
    folded = fold(text)
    candidates = [(text, needle), (text.lower(), needle.lower())]
    if len(folded) == len(text) and not has_diacritics(needle):  # typed without accents
        candidates.append((folded, fold(needle)))
    for hay, pat in candidates:
        if not pat:
            continue
        spans = [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(pat)}(?!\w)", hay)]
        if spans:
            return spans
    return []


def answer_pieces(answer: str) -> list[str]:
    """The parts of an answer worth highlighting in its quote ("A; B (doc)" → A, B)."""
    text = re.sub(r"^(Lead agency|Coordinating agencies|Deadline|Target|Duties):\s*", "", answer or "")
    out = []
    for part in re.split(r";\s*", text):
        part = re.sub(r"\s*\([^()]*\)\s*$", "", part).strip(" .…")
        if part:
            out.append(part)
            out.extend(p.strip() for p in re.split(r",\s*", part) if len(p.strip()) > 3 and p.strip() != part)
    return out


def highlight(text: str, needles: Sequence[str], window: int | None = None) -> str:
    """Escaped ``text`` with every occurrence of ``needles`` wrapped in ``<mark>``; with
    ``window`` the text is cut to that many characters around the first mark."""
    spans: list[tuple[int, int]] = []
    for n in needles:
        spans.extend(_find_spans(text, n))
    spans = _merge(spans, text)
    lo, hi = 0, len(text)
    if window and len(text) > window:
        centre = spans[0][0] if spans else 0
        lo = max(0, min(centre - window // 3, len(text) - window))
        hi = lo + window
    return _render_marked(text, spans, lo, hi)


def highlight_span(text: str, start: int, end: int) -> str:
    """Escaped ``text`` with the character span ``start:end`` marked (a citation in its section)."""
    start, end = max(0, start), min(len(text), end)
    return _render_marked(text, [(start, end)] if end > start else [], 0, len(text))


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Overlapping spans, and spans only whitespace apart, become one mark."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and (s <= out[-1][1] or not text[out[-1][1]:s].strip()):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _render_marked(text: str, spans: list[tuple[int, int]], lo: int, hi: int) -> str:
    parts, pos = [], lo
    if lo > 0:
        parts.append("… ")
    for s, e in spans:
        s, e = max(s, lo), min(e, hi)
        if e <= s or s < pos:
            continue
        parts.append(esc(text[pos:s]))
        parts.append(f'<mark id="tc-mark-{len(parts)}">{esc(text[s:e])}</mark>')
        pos = e
    parts.append(esc(text[pos:hi]))
    if hi < len(text):
        parts.append(" …")
    return "".join(parts)


def _deep_link(doc_id: str, section_id: str | None, start: int, end: int) -> str:
    from urllib.parse import urlencode

    q = {"doc": doc_id, "hl": f"{start}-{end}"}
    if section_id:
        q["section"] = section_id
    return "?" + urlencode(q)


def _passage_card(cls: str, n: int, head_html: str, crumb: str, quote_html: str, target: "Target",
                  lang: str) -> str:
    """A numbered passage: document, section breadcrumb, quote, and a link that opens the
    document at that place in a new tab."""
    link = esc(_deep_link(target.doc_id, target.section_id, target.start, target.end))
    return _card(cls, f'<div class="tc-cite-head"><span class="tc-num">[{n}]</span> {head_html}</div>'
                      f'<div class="tc-crumb">{esc(crumb)}</div>{quote_html}'
                      f'<a class="tc-link" href="{link}" target="_blank" rel="noopener">'
                      f'{esc(tr(lang, "open_link"))}</a>')


def _fmt_date(iso: str | None) -> str:
    if not iso:
        return ""
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso


def _card(cls: str, body: str, question: str | None = None) -> str:
    """A boxed block; answer cards carry their question so a page (or a test) can tell
    a fresh answer from the previous one."""
    attr = f' data-question="{esc(question)}"' if question is not None else ""
    return f'<div class="tc-card {cls}"{attr}>{body}</div>'


# --- results of the Ask callback ---------------------------------------------------------

@dataclass
class Target:
    """Where an "open source" button leads: a document, a section, a span to mark."""

    doc_id: str
    section_id: str | None
    start: int
    end: int


@dataclass
class AskResult:
    answer_html: str
    sources_html: str
    others_html: str
    targets: list[Target]
    seconds: float
    answer: Answer | None = None


# --- the app -------------------------------------------------------------------------------

# Torch threads of the serving process. Measured (bench/README.md, "CPU contention"): query
# encoding p50 is 19 ms with 2 threads on a quiet 2-core machine but ~1 s once other work
# shares the cores; with 1 thread it is ~28 ms either way, and two concurrent requests no
# longer fight over one thread pool.
SERVE_THREADS = 1


class ModelState(str, Enum):
    OFF = "off"  # lexical-only app
    LOADING = "loading"  # serving lexical answers while the model loads
    READY = "ready"
    FAILED = "failed"  # serving lexical answers; ``model_error`` says why


def default_embedder(threads: int | None = SERVE_THREADS):
    """The configured model, with the serving process's torch threads."""
    from tracuu.index.embedder import configured_embedder

    return configured_embedder(threads)


class TracuuApp:
    """The model, the store and the loaded library, shared by every browser session.

    Why the model loads in the background: importing and loading it takes 5-15 s, the
    lexical index well under one. So the app serves keyword answers at once, and the dense
    side is attached to the loaded searcher when the model is ready (``load_model=False``
    leaves the start to the caller, e.g. after the server is up). An ``embedder`` passed in
    is used at once; ``embedder_factory`` replaces :func:`default_embedder`."""

    def __init__(self, store: Store | str | Path | None = None, embedder=None, allow_upload: bool = True,
                 max_bytes: int = DEFAULT_MAX_BYTES, lexical_only: bool = False, show_progress: bool = True,
                 embedder_factory: Callable[[], object] | None = None, load_model: bool = True):
        self.store = store if isinstance(store, Store) else Store(store)
        self.allow_upload = allow_upload
        self.max_bytes = int(max_bytes)
        self.show_progress = show_progress
        self._swap = threading.Lock()  # guards self._lib
        self._write = threading.Lock()  # one upload at a time
        self._attach = threading.Lock()  # one dense attach at a time
        self._factory = embedder_factory or default_embedder
        self.embedder = embedder
        self.model_error: str | None = None
        self.model_seconds: float | None = None
        self.model_state = ModelState.READY if embedder is not None else (
            ModelState.OFF if lexical_only else ModelState.LOADING)
        self._model_done = threading.Event()
        if self.model_state != ModelState.LOADING:
            self._model_done.set()
        self._loader: threading.Thread | None = None
        self.build_seconds: float | None = None
        first_build = self.model_state == ModelState.LOADING and not self.store.exists()
        if first_build:
            self._load_for_first_build()
        self._lib = self._open()
        if first_build and self._factory is default_embedder:
            self.embedder.set_threads(SERVE_THREADS)
        if load_model:
            self.start_model_loading()

    # -- index lifecycle ---------------------------------------------------------------
    @property
    def lib(self) -> Library:
        with self._swap:
            return self._lib

    @property
    def uploads_dir(self) -> Path:
        return self.store.root / UPLOADS

    def _ingestor(self):
        from tracuu.cli import _restorer_factory
        from tracuu.ingest.pipeline import Ingestor

        factory = None if self.model_state == ModelState.OFF else self._ingest_embedder
        return Ingestor(self.store, factory, _restorer_factory, max_bytes=self.max_bytes,
                        show_progress=self.show_progress)

    def build(self) -> None:
        """(Re)build the store from the bundled corpus plus earlier uploads."""
        from tracuu.ingest.pipeline import BUNDLED_CORPUS

        paths = [BUNDLED_CORPUS]
        if self.uploads_dir.is_dir() and any(self.uploads_dir.iterdir()):
            paths.append(self.uploads_dir)
        log.info("building the index in %s from %s (first run; this takes a minute or two)",
                 self.store.root, ", ".join(map(str, paths)))
        t0 = time.perf_counter()
        report = self._ingestor().run(paths, rebuild=True)
        self.build_seconds = time.perf_counter() - t0
        for line in report.summary().splitlines():
            log.info("%s", line)
        log.info("index built in %.1f s", self.build_seconds)

    def _open(self) -> Library:
        """Build the index on first run; otherwise load it. A broken or mismatched store
        raises ``StoreError`` (with the command that rebuilds it) rather than being wiped."""
        if not self.store.exists():
            self.build()
        lib = Library.load(self.store, self.embedder)
        log.info("index loaded in %.1f s: %d documents, %d passages, %d responsibility rows",
                 lib.load_seconds, len(lib.documents), lib.chunks, len(lib.assignments))
        return lib

    def reload(self) -> Library:
        lib = Library.load(self.store, self.embedder)
        with self._swap:  # the old library (and its database handle) goes when its last query ends
            self._lib = lib
        self._attach_current()  # the model may have arrived while this library was loading
        return lib

    # -- the embedding model -------------------------------------------------------------
    @property
    def model_loading(self) -> bool:
        return self.model_state == ModelState.LOADING

    def start_model_loading(self) -> None:
        """Load the model in a daemon thread (once); answers stay lexical until it is attached."""
        if self.model_state != ModelState.LOADING or self._loader is not None:
            return
        self._loader = threading.Thread(target=self._load_model, name="tracuu-model", daemon=True)
        self._loader.start()

    def wait_for_model(self, timeout: float | None = None) -> bool:
        """Block until the model is attached or has failed; False on timeout."""
        return self._model_done.wait(timeout)

    def _load_model(self) -> None:
        t0 = time.perf_counter()
        try:
            embedder = self._factory()
            self.model_seconds = time.perf_counter() - t0
            log.info("embedding model loaded in %.1f s", self.model_seconds)
            with self._attach:  # a reload running meanwhile attaches after this (see reload)
                self._attach_to_current(embedder)
                self.embedder = embedder
        except Exception as exc:  # the app keeps serving keyword answers and says why
            self.model_error = _reason(exc)
            self.model_state = ModelState.FAILED
            log.error("the embedding model could not be used (%s); serving keyword search only", self.model_error,
                      exc_info=not isinstance(exc, StoreError))
        else:
            self.model_state = ModelState.READY
            log.info("hybrid search ready %.1f s after the model load started", time.perf_counter() - t0)
        finally:
            self._model_done.set()

    def _attach_current(self) -> None:
        """After a reload: attach the model if it arrived while the new library was loading."""
        with self._attach:
            if self.embedder is not None:
                self._attach_to_current(self.embedder)

    def _attach_to_current(self, embedder) -> None:
        searcher = self.lib.searcher
        if searcher.wants_embedder:
            searcher.attach_embedder(embedder)

    def _load_for_first_build(self) -> None:
        """No index yet: the build needs the model now (every core embeds; serving threads
        are set once the index is built, see ``__init__``)."""
        t0 = time.perf_counter()
        self.embedder = self._factory() if self._factory is not default_embedder else default_embedder(None)
        self.model_seconds = time.perf_counter() - t0
        log.info("embedding model loaded in %.1f s", self.model_seconds)
        self.model_state = ModelState.READY
        self._model_done.set()

    def _ingest_embedder(self):
        """The model for an upload: waits for a model still loading; refuses when it failed,
        since a snapshot without vectors would quietly drop the dense side."""
        self.wait_for_model()
        if self.model_state == ModelState.FAILED:
            raise RuntimeError(f"the embedding model could not be loaded ({self.model_error})")
        return self.embedder

    def model_note(self, lang: str = "vi") -> str:
        """One line on why search is not hybrid yet ('' when nothing needs saying)."""
        if self.model_state == ModelState.LOADING:
            return tr(lang, "model_loading")
        if self.model_state == ModelState.FAILED:
            return tr(lang, "model_failed", err=_short(self.model_error, 200))
        return ""

    def status(self, lang: str = "vi") -> str:
        lib = self.lib
        search = tr(lang, "search_dense" if lib.dense else "search_lexical")
        line = tr(lang, "status", docs=len(lib.documents), chunks=lib.chunks, records=len(lib.assignments),
                  search=search, secs=lib.load_seconds)
        line += tr(lang, "status_built", secs=self.build_seconds) if self.build_seconds else ""
        note = self.model_note(lang)
        return f"{line} · {note}" if note else line

    # -- choices for the filters and pickers ---------------------------------------------
    def doc_choices(self) -> list[tuple[str, str]]:
        lib = self.lib
        return [(_doc_choice_label(d), d.doc_id) for d in lib.documents.values()]

    def province_choices(self, lang: str = "vi") -> list[tuple[str, str]]:
        provinces = sorted({d.province for d in self.lib.documents.values() if d.province}, key=fold)
        return [(tr(lang, "all"), "")] + [(p, p) for p in provinces]

    def year_choices(self, lang: str = "vi") -> list[tuple[str, str]]:
        years = sorted({str(y) for d in self.lib.documents.values() if (y := d.year)}, reverse=True)
        return [(tr(lang, "all"), "")] + [(y, y) for y in years]

    # -- Ask ----------------------------------------------------------------------------
    def ask(self, question: str, docs: Sequence[str] | str | None = None, province: str | None = None,
            year: str | int | None = None, mode: str = "hybrid", lang: str = "vi", k: int = 10) -> AskResult:
        question = (question or "").strip()
        if not question:
            return AskResult(_card("tc-note", esc(tr(lang, "empty_q"))), "", "", [], 0.0)
        filters = {"doc": ([docs] if isinstance(docs, str) else list(docs or [])) or None,
                   "province": province or None, "year": int(year) if year else None, "doc_type": None}
        lib = self.lib
        note = "" if lib.dense else self.model_note(lang)  # read before searching: what this answer used
        note_html = f'<div class="tc-meta tc-model-note">{esc(note)}</div>' if note else ""
        t0 = time.perf_counter()
        if mode and mode != "hybrid":
            hits = lib.assistant.searcher.search(question, k=k, filters=filters, mode=mode)
            seconds = time.perf_counter() - t0
            head = _card("tc-note", f'<div class="tc-label">{esc(tr(lang, "search_results", mode=mode))}</div>'
                         f'<div class="tc-meta">{esc(tr(lang, "took", s=seconds))}</div>{note_html}', question)
            body, targets = self._hits_html(lib, hits, lang, question)
            return AskResult(head, body or _card("tc-note", esc(tr(lang, "no_hits"))), "", targets, seconds)
        ans = lib.assistant.ask(question, filters=filters, k=k)
        seconds = time.perf_counter() - t0
        meta = (f'<div class="tc-meta">{esc(tr(lang, "took", s=seconds))} · {esc(tr(lang, "intent"))}: '
                f'{esc(ans.intent)} · {esc(tr(lang, "confidence"))}: {ans.confidence:.2f}</div>{note_html}')
        if ans.abstained or not ans.answer:
            from tracuu.retrieval.answer import NOT_FOUND

            answer_html = _card("tc-answer tc-notfound",
                                f'<div class="tc-label">{esc(tr(lang, "answer"))}</div>'
                                f'<div class="tc-answer-text">{esc(ans.message or NOT_FOUND)}</div>{meta}', question)
            closest, rest = ans.hits[:3], ans.hits[3:]
            body, targets = self._hits_html(lib, closest, lang, question)
            sources = (f'<h4 class="tc-h">{esc(tr(lang, "closest"))}</h4>'
                       f'<p class="tc-hint">{esc(tr(lang, "not_found_hint"))}</p>{body}') if closest else ""
            others, _ = self._hits_html(lib, rest, lang, question, start=len(closest) + 1)
            return AskResult(answer_html, sources, others, targets, seconds, ans)
        answer_html = _card("tc-answer", f'<div class="tc-label">{esc(tr(lang, "answer"))}</div>'
                            f'<div class="tc-answer-text">{esc(ans.answer)}</div>{meta}', question)
        cites, targets = [], []
        needles = answer_pieces(ans.answer)
        for n, c in enumerate(ans.citations, 1):
            targets.append(lib.target(c.doc_id, c.start, c.end))
            head = f"<b>{esc(c.doc_number or lib.label(c.doc_id))}</b> — {esc(_short(c.title, 160))}"
            quote = f'<blockquote class="tc-quote">{highlight(c.quote, needles, window=700)}</blockquote>'
            cites.append(_passage_card("tc-cite", n, head, c.section, quote, targets[-1], lang))
        cited = {(c.doc_id, c.start) for c in ans.citations}
        rest = [h for h in ans.hits if (h.doc_id, h.start) not in cited]
        others, _ = self._hits_html(lib, rest, lang, question, start=len(cites) + 1)
        sources = f'<h4 class="tc-h">{esc(tr(lang, "sources"))}</h4>' + "".join(cites)
        return AskResult(answer_html, sources, others, targets, seconds, ans)

    def _hits_html(self, lib: Library, hits: Sequence[Hit], lang: str, question: str,
                   start: int = 1) -> tuple[str, list[Target]]:
        """Ranked passages with their scores, the question's topic words marked."""
        cards, targets = [], []
        words = _topic_words(lib, question)
        for n, h in enumerate(hits, start):
            targets.append(lib.target(h.doc_id, h.start, h.end))
            head = (f'<b>{esc(lib.label(h.doc_id))}</b> '
                    f'<span class="tc-score">{esc(tr(lang, "score"))} {h.score:.3f}</span>')
            quote = f'<div class="tc-quote">{highlight(h.text, words, window=500)}</div>'
            cards.append(_passage_card("tc-hit", n, head, h.section, quote, targets[-1], lang))
        return "".join(cards), targets

    # -- Responsibilities -------------------------------------------------------------------
    def records(self, query: str = "", agency: str = "", doc_id: str = "") -> list[Assignment]:
        lib = self.lib
        return filter_records(lib.assignments, lib.documents, query, agency, doc_id)

    def record_headers(self, lang: str = "vi") -> list[str]:
        return [tr(lang, k) for k in ("col_doc", "col_row", "col_task", "col_lead", "col_partners",
                                      "col_deadline", "col_target")]

    def record_rows(self, records: Iterable[Assignment]) -> list[list[str]]:
        lib = self.lib
        return [[lib.short_label(a.doc_id), a.row_number, a.task, "; ".join(a.lead), "; ".join(a.partners),
                 a.deadline or "", a.target or ""] for a in records]

    def export(self, fmt: str, query: str = "", agency: str = "", doc_id: str = "", lang: str = "vi") -> str:
        """Write the filtered table to a new CSV or XLSX file; return its path."""
        records = self.records(query, agency, doc_id)
        headers = self.record_headers(lang) + [tr(lang, "col_section"), "doc_id"]
        rows = [r + [a.section_path, a.doc_id] for r, a in zip(self.record_rows(records), records)]
        folder = Path(tempfile.mkdtemp(prefix="tracuu-export-"))
        name = "trach-nhiem" if lang == "vi" else "responsibilities"
        if fmt == "csv":
            path = folder / f"{name}.csv"
            with open(path, "w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel reads UTF-8
                w = csv.writer(fh)
                w.writerow(headers)
                w.writerows(rows)
            return str(path)
        if fmt == "xlsx":
            from openpyxl import Workbook
            from openpyxl.styles import Alignment, Font

            path = folder / f"{name}.xlsx"
            wb = Workbook()
            ws = wb.active
            ws.title = name[:31]
            ws.append(headers)
            for row in rows:
                ws.append(row)
            for cell in ws[1]:
                cell.font = Font(bold=True)
            widths = [18, 8, 70, 30, 40, 18, 20, 40, 24]
            for i, width in enumerate(widths[: len(headers)]):
                ws.column_dimensions[chr(ord("A") + i)].width = width
            for row in ws.iter_rows(min_row=2):
                for cell in row:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.freeze_panes = "A2"
            wb.save(path)
            return str(path)
        raise ValueError(f"unknown export format {fmt!r} (csv or xlsx)")

    def agency_profile(self, agency: str | None, lang: str = "vi") -> str:
        """What one agency is responsible for: tasks it leads, then tasks it coordinates on,
        then the document sections addressed to it."""
        if not agency or not agency.strip():
            return _card("tc-note", esc(tr(lang, "agency_none")))
        lib = self.lib
        key = " ".join(fold(agency).split())
        agency = next((a for a in lib.agencies if fold(a) == key), agency.strip())  # "so noi vu" → "Sở Nội vụ"
        leads = [a for a in lib.assignments if agency_matches(agency, a.lead)]
        partners = [a for a in lib.assignments if agency_matches(agency, a.partners) and a not in leads]
        sections = [s for ss in lib.sections.values() for s in ss
                    if len(s.title) <= 120 and key and key in " ".join(fold(s.title).split())]
        out = [f'<h3 class="tc-h">{esc(agency)}</h3>',
               f'<p>{esc(tr(lang, "agency_intro", agency=agency, lead=len(leads), partner=len(partners)))}</p>']
        if not leads and not partners and not sections:
            out.append(_card("tc-note", esc(tr(lang, "agency_empty"))))
        for title_key, rows, other_key, other in (("agency_lead_h", leads, "partners", "partners"),
                                                  ("agency_partner_h", partners, "lead", "lead")):
            if not rows:
                continue
            items = []
            for a in rows:
                bits = [f"{lib.short_label(a.doc_id)} · {tr(lang, 'row')} {a.row_number}"]
                if a.deadline:
                    bits.append(f"{tr(lang, 'deadline')}: {a.deadline}")
                names = getattr(a, other)
                if names:
                    bits.append(f"{tr(lang, other_key)}: {'; '.join(names)}")
                if a.target:
                    bits.append(f"{tr(lang, 'target')}: {a.target}")
                items.append(f'<li><div class="tc-task">{esc(_short(a.task, 400))}</div>'
                             f'<div class="tc-meta">{esc(" · ".join(bits))}</div></li>')
            out.append(f'<h4 class="tc-h">{esc(tr(lang, title_key))} ({len(rows)})</h4><ol class="tc-list">'
                       + "".join(items) + "</ol>")
        if sections:
            items = []
            for s in sections:
                doc = lib.documents.get(s.doc_id)
                body = doc.text[s.start:s.end] if doc else ""
                items.append(f'<li><div class="tc-crumb">{esc(lib.label(s.doc_id))} › {esc(s.breadcrumb)}</div>'
                             f'<div class="tc-quote tc-pre">{esc(_short(body, 900))}</div>'
                             f'<a class="tc-link" href="{esc(_deep_link(s.doc_id, s.section_id, s.start, s.start))}"'
                             f' target="_blank" rel="noopener">{esc(tr(lang, "open_link"))}</a></li>')
            out.append(f'<h4 class="tc-h">{esc(tr(lang, "agency_sections_h"))} ({len(sections)})</h4>'
                       f'<ul class="tc-list">{"".join(items)}</ul>')
        return "".join(out)

    # -- Documents ---------------------------------------------------------------------------
    def document_headers(self, lang: str = "vi") -> list[str]:
        return [tr(lang, k) for k in ("m_number", "m_type", "m_issuer", "m_province", "m_date", "m_signer",
                                      "m_title", "m_dups", "m_id")]

    def document_rows(self) -> list[list[str]]:
        return [[d.doc_number or "—", d.doc_type or "", d.issuer or "", d.province or "", _doc_date(d),
                 d.signer or "", _short(d.title or d.source, 110), ", ".join(d.duplicates), d.doc_id]
                for d in self.lib.documents.values()]

    def section_choices(self, doc_id: str | None, lang: str = "vi") -> list[tuple[str, str]]:
        """The section tree as indented picker entries (em spaces survive HTML whitespace rules)."""
        if not doc_id:
            return []
        secs = self.lib.sections.get(doc_id, [])
        top = min((s.level for s in secs), default=0)
        return [(tr(lang, "whole"), "")] + [("\u2003" * (s.level - top) + _short(s.title.strip() or s.number, 90),
                                             s.section_id) for s in secs]

    def document_html(self, doc_id: str | None, section_id: str | None = None, mark: tuple[int, int] | None = None,
                      lang: str = "vi") -> str:
        """A document's metadata and its text (or one section's), with an optional span marked."""
        lib = self.lib
        doc = lib.documents.get(doc_id or "")
        if doc is None:
            return _card("tc-note", esc(tr(lang, "docs_hint")))
        meta = [("m_number", doc.doc_number), ("m_type", doc.doc_type), ("m_issuer", doc.issuer),
                ("m_province", doc.province), ("m_date", _doc_date(doc)),
                ("m_signer", f"{doc.signer} ({doc.signer_title})" if doc.signer and doc.signer_title else doc.signer),
                ("m_title", doc.title), ("m_dups", ", ".join(doc.duplicates)), ("m_source", doc.source),
                ("m_sections", str(len(lib.sections.get(doc.doc_id, []))))]
        rows = "".join(f"<tr><th>{esc(tr(lang, k))}</th><td>{esc(v)}</td></tr>" for k, v in meta if v)
        sec = lib.section_index.get(section_id or "")
        if sec is not None and sec.doc_id == doc.doc_id:
            lo, hi, crumb = sec.start, sec.end, f'<div class="tc-crumb">{esc(sec.breadcrumb)}</div>'
        else:
            lo, hi, crumb = 0, len(doc.text), ""
        body = doc.text[lo:hi]
        if mark and mark[1] > mark[0] and lo <= mark[0] < hi:
            text = highlight_span(body, mark[0] - lo, mark[1] - lo)
        else:
            text = esc(body)
        return (f'<div class="tc-doc"><h3 class="tc-h">{esc(doc.label)}</h3><table class="tc-meta-table">{rows}'
                f'</table>{crumb}<div class="tc-doc-text tc-pre">{text}</div></div>')

    # -- Upload --------------------------------------------------------------------------------
    def upload(self, files: Sequence[str | Path] | str | None, lang: str = "vi",
               progress: Callable[..., object] | None = None) -> str:
        """Check, copy and ingest uploaded files (``add_only``); return an escaped HTML report.

        Type and size are checked and the text is read before anything touches the store,
        so a bad file never reaches the index; the store write itself is all-or-nothing."""
        if not self.allow_upload:
            raise PermissionError("uploads are turned off")
        step = progress or (lambda *a, **k: None)
        if isinstance(files, (str, Path)):
            files = [files]
        files = [f for f in (files or []) if f]
        if not files:
            return _card("tc-note", esc(tr(lang, "up_none")))
        lines: list[tuple[str, str, str]] = []  # (kind, file name, message)
        with self._write:
            self.uploads_dir.mkdir(parents=True, exist_ok=True)
            staging = self.uploads_dir / f".staging-{uuid.uuid4().hex}"
            staging.mkdir()
            try:
                step(0.05, desc=tr(lang, "up_checking"))
                staged: dict[Path, str] = {}
                for f in files:
                    src = Path(f)
                    shown = src.name  # Gradio keeps the name the user gave the file
                    reason = self._check_upload(src, shown, lang)
                    if reason:
                        lines.append(("skip", shown, reason))
                        continue
                    dest = staging / safe_filename(shown)
                    if dest in staged:
                        dest = staging / safe_filename(f"{Path(dest.name).stem}-{len(staged)}{dest.suffix}")
                    shutil.copyfile(src, dest)
                    try:
                        read_file(dest, self.max_bytes)
                    except IngestError as exc:
                        lines.append(("skip", shown, exc.reason))
                        dest.unlink(missing_ok=True)
                        continue
                    staged[dest] = shown
                if not staged:
                    return self._upload_report(lines, lang, tr(lang, "up_nothing"))
                step(0.2, desc=tr(lang, "up_indexing"))
                t0 = time.perf_counter()
                try:
                    report = self._ingestor().run(list(staged), add_only=True)
                except Exception as exc:  # the store keeps its previous snapshot
                    log.exception("upload ingest failed")
                    return self._upload_report(lines, lang, tr(lang, "up_failed", err=str(exc)), error=True)
                by_path = {str(p): shown for p, shown in staged.items()}
                for path, reason in report.skipped:
                    lines.append(("skip", by_path.get(path, Path(path).name), reason))
                by_id = {_doc_id(p): shown for p, shown in staged.items()}
                for kind, ids in (("added", report.added), ("changed", report.changed),
                                  ("unchanged", report.unchanged)):
                    for doc_id in ids:
                        lines.append((kind, by_id.get(doc_id, doc_id), doc_id))
                for d in report.duplicates:
                    lines.append(("dup", d.dropped_source, tr(lang, "up_dup", kept=d.kept)))
                stored = set(report.added + report.changed + report.unchanged)
                for path in staged:  # keep the originals the index holds, for later rebuilds
                    if _doc_id(path) in stored:
                        os.replace(path, self.uploads_dir / path.name)
                step(0.9, desc=tr(lang, "up_reloading"))
                lib = self.reload()
                done = tr(lang, "up_done", docs=len(lib.documents), chunks=lib.chunks,
                          secs=time.perf_counter() - t0)
                return self._upload_report(lines, lang, done)
            finally:
                shutil.rmtree(staging, ignore_errors=True)

    def _check_upload(self, src: Path, shown: str, lang: str) -> str | None:
        suffix = Path(shown).suffix.lower() or src.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            return tr(lang, "up_bad_type", suffix=suffix or "(none)", allowed=", ".join(SUPPORTED_SUFFIXES))
        try:
            size = src.stat().st_size
        except OSError as exc:
            return str(exc.strerror or exc)
        if size > self.max_bytes:
            return tr(lang, "up_too_big", size=size / 2**20, limit=self.max_bytes / 2**20)
        return None

    def _upload_report(self, lines: list[tuple[str, str, str]], lang: str, summary: str, error: bool = False) -> str:
        label = {"skip": "up_skipped", "added": "up_added", "changed": "up_changed", "unchanged": "up_unchanged",
                 "dup": "up_skipped"}
        items = "".join(f'<li class="tc-up-{kind}"><b>{esc(tr(lang, label[kind]))}</b>: {esc(name)}'
                        + (f" — {esc(msg)}" if msg else "") + "</li>" for kind, name, msg in lines)
        cls = "tc-notfound" if error else "tc-note"
        return _card(cls, f"<div>{esc(summary)}</div>" + (f'<ul class="tc-list">{items}</ul>' if items else ""))


def _reason(exc: BaseException) -> str:
    """An exception as one readable line (its type when it has no message)."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _topic_words(lib: Library, question: str) -> list[str]:
    """The question's content words (question words dropped), to mark in ranked passages."""
    assistant = lib.assistant
    try:
        terms = set(assistant.content_terms(question, assistant.searcher.parse(question)))
    except Exception:  # the answer layer's helper changed: mark nothing rather than fail
        log.debug("no topic words for %r", question, exc_info=True)
        return []
    # the words as typed, so an accented question marks "đội" and not "đổi"
    return list(dict.fromkeys(w for w in syllables(question) if len(w) > 1 and fold(w) in terms))


def _doc_id(path: Path) -> str:
    from tracuu.ingest.pipeline import doc_id_for

    return doc_id_for(path)


def _short(text: str | None, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + " …"


def _doc_date(d: Document) -> str:
    """dd/mm/yyyy, or mm/yyyy when the source only gives the month."""
    month = (d.extra or {}).get("issue_month") or ""
    return _fmt_date(d.issue_date) or "/".join(reversed(month.split("-")))


def _doc_choice_label(d: Document) -> str:
    number = d.doc_number or d.doc_type or "Văn bản"
    return f"{number} — {_short(d.title or d.source, 70)}"


# --- Gradio wiring ---------------------------------------------------------------------------

CSS = """
.gradio-container {max-width: 1320px !important; width: 100% !important; margin: 0 auto;}
#tc-top {align-items:center;}
#tc-header {display:flex; align-items:baseline; gap:.8rem; flex-wrap:wrap;}
#tc-lang, #tc-lang .wrap {justify-content:flex-end;}
#tc-ask-row {align-items:flex-end;}
#tc-ask {min-height:2.6rem; margin-bottom:.35rem;}
#tc-r-table, #tc-r-table *, #tc-d-table, #tc-d-table * {font-family: var(--font) !important;}
#tc-header h1 {margin:0; font-size:1.5rem;}
#tc-header p {margin:0; opacity:.8;}
#tc-status {font-size:.82rem; opacity:.75; margin-top:-.4rem;}
.tc-card {border:1px solid var(--border-color-primary); border-radius:8px; padding:.6rem .8rem; margin:.4rem 0;
  background: var(--background-fill-primary);}
.tc-answer {border-left:5px solid #2f6fdf;}
.tc-answer .tc-answer-text {font-size:1.25rem; font-weight:600; line-height:1.45; margin:.2rem 0;}
.tc-notfound {border-left:5px solid #d9822b;}
.tc-notfound .tc-answer-text {font-size:1.1rem; font-weight:600;}
.tc-label {font-size:.78rem; text-transform:uppercase; letter-spacing:.04em; opacity:.7;}
.tc-meta {font-size:.8rem; opacity:.75; margin-top:.15rem;}
.tc-h {margin:.6rem 0 .2rem 0;}
.tc-hint {font-size:.85rem; opacity:.8; margin:.1rem 0 .3rem 0;}
.tc-cite-head {font-size:.95rem;}
.tc-num {color:#2f6fdf; font-weight:700;}
.tc-score {font-size:.78rem; opacity:.7; margin-left:.4rem;}
.tc-crumb {font-size:.8rem; opacity:.75; margin:.15rem 0;}
.tc-quote {margin:.3rem 0; padding:.3rem .6rem; border-left:3px solid var(--border-color-primary);
  white-space:pre-wrap; max-height:16rem; overflow:auto; font-size:.92rem;}
.tc-link {font-size:.82rem;}
mark {background:#ffe066; color:#1b1b1b; padding:0 .1em; border-radius:2px;}
.tc-pre {white-space:pre-wrap;}
.tc-doc-text {max-height:62vh; overflow:auto; border:1px solid var(--border-color-primary); border-radius:6px;
  padding:.5rem .7rem; font-size:.92rem; line-height:1.5;}
.tc-meta-table {font-size:.85rem; border-collapse:collapse; margin-bottom:.4rem;}
.tc-meta-table th {text-align:left; padding:.1rem .8rem .1rem 0; opacity:.75; font-weight:600; white-space:nowrap;
  vertical-align:top;}
.tc-meta-table td {padding:.1rem 0;}
.tc-meta-table, .tc-meta-table tr, .tc-meta-table th, .tc-meta-table td {border:none !important;
  background:none !important;}
.tc-list li {margin:.35rem 0;}
.tc-task {font-size:.93rem;}
#tc-sections {max-height:66vh; overflow:auto;}
#tc-sections label {font-size:.84rem; padding:.1rem .35rem !important; border:none !important;
  box-shadow:none !important; background:none !important;}
#tc-sections .wrap {flex-direction:column; gap:.15rem !important;}
"""


# after a citation opens its document: bring the marked passage into view
SCROLL_TO_MARK = """() => { setTimeout(() => {
  const m = document.querySelector('#tc-doc-view mark'); if (m) m.scrollIntoView({block: 'center'}); }, 300); }"""


class _Labels:
    """Components whose text follows the language switch, and how to relabel them."""

    def __init__(self, lang: str):
        self.lang = lang
        self.items: list[tuple[object, dict[str, str]]] = []

    def make(self, cls, i18n: dict[str, str], **kwargs):
        comp = cls(**{attr: tr(self.lang, key) for attr, key in i18n.items()}, **kwargs)
        self.items.append((comp, i18n))
        return comp

    def components(self) -> list:
        return [c for c, _ in self.items]

    def updates(self, lang: str) -> list:
        return [gr.update(**{attr: tr(lang, key) for attr, key in keys.items()}) for _, keys in self.items]


def _parse_mark(value: str | None) -> tuple[int, int] | None:
    m = re.fullmatch(r"(\d+)-(\d+)", value or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def build_demo(app: TracuuApp, lang: str = "vi"):
    """The Gradio Blocks of the app (not launched)."""
    L = _Labels(lang)
    with gr.Blocks(title="Tra cứu kế hoạch", analytics_enabled=False) as demo:
        targets = gr.State([])
        with gr.Row(equal_height=False, elem_id="tc-top"):
            header = gr.HTML(_header_html(lang), elem_id="tc-header", scale=5)
            lang_radio = gr.Radio(LANGS, value=lang, show_label=False, container=False, scale=1, min_width=250,
                                  elem_id="tc-lang")
        status = gr.HTML(_status_html(app, lang))
        # while the model loads, the status line is re-read every few seconds (then the timer stops)
        model_poll = gr.Timer(MODEL_POLL_S, active=app.model_loading)

        with gr.Tabs(selected="ask") as tabs:
            # ---- Ask ----------------------------------------------------------------------
            tab_ask = L.make(gr.Tab, {"label": "tab_ask"}, id="ask", elem_id="tab-ask")
            with tab_ask:
                with gr.Row(equal_height=False, elem_id="tc-ask-row"):
                    question = L.make(gr.Textbox, {"label": "question", "placeholder": "question_ph"},
                                      lines=1, max_lines=3, scale=6, elem_id="tc-question", autofocus=True)
                    ask_btn = L.make(gr.Button, {"value": "ask_btn"}, variant="primary", scale=1, min_width=90,
                                     elem_id="tc-ask")
                gr.Examples(EXAMPLES, inputs=[question], label="Câu hỏi mẫu / Examples", examples_per_page=6)
                with gr.Row():
                    acc_filters = L.make(gr.Accordion, {"label": "filters"}, open=False)
                    with acc_filters:
                        with gr.Row():
                            f_doc = L.make(gr.Dropdown, {"label": "f_doc"}, choices=app.doc_choices(), value=[],
                                           multiselect=True, scale=3)
                            f_province = L.make(gr.Dropdown, {"label": "f_province"},
                                                choices=app.province_choices(lang), value="", scale=1)
                            f_year = L.make(gr.Dropdown, {"label": "f_year"}, choices=app.year_choices(lang),
                                            value="", scale=1)
                    acc_adv = L.make(gr.Accordion, {"label": "advanced"}, open=False)
                    with acc_adv:
                        mode = L.make(gr.Radio, {"label": "mode", "info": "mode_info"}, choices=list(MODES),
                                      value="hybrid", elem_id="tc-mode")
                answer_html = gr.HTML(elem_id="tc-answer")
                sources_html = gr.HTML(elem_id="tc-sources")
                with gr.Row():
                    cite_btns = [gr.Button(tr(lang, "open_btn", n=i + 1), visible=False, size="sm", min_width=120,
                                           scale=0, elem_id=f"tc-open-{i + 1}") for i in range(MAX_CITE_BUTTONS)]
                acc_others = L.make(gr.Accordion, {"label": "others"}, open=False, elem_id="tc-others")
                with acc_others:
                    others_html = gr.HTML()

            # ---- Responsibilities ---------------------------------------------------------
            tab_resp = L.make(gr.Tab, {"label": "tab_resp"}, id="resp", elem_id="tab-resp")
            with tab_resp:
                with gr.Tabs():
                    sub_table = L.make(gr.Tab, {"label": "sub_table"}, id="resp-table")
                    with sub_table:
                        with gr.Row():
                            r_query = L.make(gr.Textbox, {"label": "resp_search"}, scale=3, elem_id="tc-r-query")
                            r_agency = L.make(gr.Dropdown, {"label": "resp_agency"}, choices=[""] + app.lib.agencies,
                                              value="", allow_custom_value=True, scale=2, elem_id="tc-r-agency")
                            r_doc = L.make(gr.Dropdown, {"label": "resp_doc"},
                                           choices=[(tr(lang, "all"), "")] + app.doc_choices(), value="", scale=2)
                        r_count = gr.Markdown()
                        r_table = gr.Dataframe(value=_frame(app.record_headers(lang), app.record_rows(app.records())),
                                               interactive=False, wrap=True, max_height=430, elem_id="tc-r-table",
                                               column_widths=["10%", "6%", "34%", "16%", "18%", "8%", "8%"])
                        with gr.Row():
                            b_csv = L.make(gr.Button, {"value": "export_csv"}, size="sm", elem_id="tc-csv")
                            b_xlsx = L.make(gr.Button, {"value": "export_xlsx"}, size="sm", elem_id="tc-xlsx")
                            r_file = L.make(gr.File, {"label": "export_file"}, interactive=False, height=60, scale=2)
                    sub_agency = L.make(gr.Tab, {"label": "sub_agency"}, id="resp-agency")
                    with sub_agency:
                        a_pick = L.make(gr.Dropdown, {"label": "agency_pick"}, choices=app.lib.agencies, value=None,
                                        allow_custom_value=True, elem_id="tc-agency")
                        a_html = gr.HTML(app.agency_profile(None, lang))

            # ---- Documents ----------------------------------------------------------------
            tab_docs = L.make(gr.Tab, {"label": "tab_docs"}, id="docs", elem_id="tab-docs")
            with tab_docs:
                d_table = gr.Dataframe(value=_frame(app.document_headers(lang), app.document_rows()),
                                       interactive=False, wrap=True, max_height=250, elem_id="tc-d-table",
                                       column_widths=["10%", "7%", "13%", "8%", "8%", "10%", "28%", "8%", "8%"])
                with gr.Row():
                    with gr.Column(scale=2, min_width=260):
                        d_pick = L.make(gr.Dropdown, {"label": "docs_pick"}, choices=app.doc_choices(), value=None,
                                        elem_id="tc-doc-pick")
                        d_sections = L.make(gr.Radio, {"label": "sections"}, choices=[], value=None,
                                            elem_id="tc-sections")
                    with gr.Column(scale=5):
                        d_view = gr.HTML(app.document_html(None, lang=lang), elem_id="tc-doc-view")

            # ---- Upload -------------------------------------------------------------------
            tab_up = L.make(gr.Tab, {"label": "tab_upload"}, id="upload", elem_id="tab-upload",
                            visible=app.allow_upload)
            with tab_up:
                up_help = gr.Markdown(tr(lang, "upload_help", mb=app.max_bytes / 2**20))
                up_files = L.make(gr.File, {"label": "upload_files"}, file_count="multiple",
                                  file_types=list(SUPPORTED_SUFFIXES), elem_id="tc-up-files", height=140)
                up_btn = L.make(gr.Button, {"value": "upload_btn"}, variant="primary", elem_id="tc-up-btn")
                up_report = gr.HTML(elem_id="tc-up-report")

        # ---- events ---------------------------------------------------------------------
        def do_ask(q, docs, province, year, mode_, lang_):
            try:
                res = app.ask(q, docs, province, year, mode_, lang_)
            except Exception as exc:  # shown in the page, logged with its traceback
                log.exception("ask failed")
                res = AskResult(_card("tc-notfound", esc(tr(lang_, "error", err=exc))), "", "", [], 0.0)
            btns = [gr.update(visible=i < len(res.targets), value=tr(lang_, "open_btn", n=i + 1))
                    for i in range(MAX_CITE_BUTTONS)]
            return [res.answer_html, res.sources_html, res.others_html, res.targets, *btns, _status_html(app, lang_)]

        ask_outputs = [answer_html, sources_html, others_html, targets, *cite_btns, status]
        ask_inputs = [question, f_doc, f_province, f_year, mode, lang_radio]
        question.submit(do_ask, ask_inputs, ask_outputs)
        ask_btn.click(do_ask, ask_inputs, ask_outputs)

        def open_target(tlist, lang_, i):
            if i >= len(tlist):
                return gr.update(), gr.update(), gr.update(), gr.update()
            t = tlist[i]
            t = t if isinstance(t, Target) else Target(**t)
            return (gr.update(selected="docs"), gr.update(value=t.doc_id),
                    gr.update(choices=app.section_choices(t.doc_id, lang_), value=t.section_id or ""),
                    app.document_html(t.doc_id, t.section_id, (t.start, t.end), lang_))

        for i, b in enumerate(cite_btns):
            b.click(lambda tl, lg, i=i: open_target(tl, lg, i), [targets, lang_radio],
                    [tabs, d_pick, d_sections, d_view]).then(None, js=SCROLL_TO_MARK)

        # responsibilities
        def show_records(q, agency, doc, lang_):
            recs = app.records(q, agency or "", doc or "")
            return (_frame(app.record_headers(lang_), app.record_rows(recs)),
                    tr(lang_, "resp_count", n=len(recs), total=len(app.lib.assignments)))

        r_inputs = [r_query, r_agency, r_doc, lang_radio]
        for ev in (r_query.submit, r_query.input, r_agency.change, r_doc.change):
            ev(show_records, r_inputs, [r_table, r_count], show_progress="hidden")
        b_csv.click(lambda q, a, d, lg: app.export("csv", q, a or "", d or "", lg), r_inputs, r_file)
        b_xlsx.click(lambda q, a, d, lg: app.export("xlsx", q, a or "", d or "", lg), r_inputs, r_file)
        a_pick.change(lambda a, lg: app.agency_profile(a, lg), [a_pick, lang_radio], a_html)

        # documents
        def open_doc(doc_id, lang_):
            return (gr.update(choices=app.section_choices(doc_id, lang_), value=""),
                    app.document_html(doc_id, None, None, lang_))

        d_pick.input(open_doc, [d_pick, lang_radio], [d_sections, d_view])
        d_sections.input(lambda d, s, lg: app.document_html(d, s, None, lg), [d_pick, d_sections, lang_radio], d_view)

        def pick_row(lang_, evt: gr.SelectData):
            doc_id = (evt.row_value or [None])[-1]  # the ID column: right even when the table is sorted
            if doc_id not in app.lib.documents:
                return gr.update(), gr.update(), gr.update()
            return (gr.update(value=doc_id), *open_doc(doc_id, lang_))

        d_table.select(pick_row, [lang_radio], [d_pick, d_sections, d_view])

        # data-dependent components, refreshed on page load, after an upload and on a language switch
        refresh_outputs = [status, f_doc, f_province, f_year, r_agency, r_doc, a_pick, d_pick, d_table,
                           r_table, r_count]

        def refresh(lang_, q, agency, doc):
            recs = app.records(q or "", agency or "", doc or "")
            docs = app.doc_choices()
            return (_status_html(app, lang_),
                    gr.update(choices=docs), gr.update(choices=app.province_choices(lang_)),
                    gr.update(choices=app.year_choices(lang_)), gr.update(choices=[""] + app.lib.agencies),
                    gr.update(choices=[(tr(lang_, "all"), "")] + docs), gr.update(choices=app.lib.agencies),
                    gr.update(choices=docs), _frame(app.document_headers(lang_), app.document_rows()),
                    _frame(app.record_headers(lang_), app.record_rows(recs)),
                    tr(lang_, "resp_count", n=len(recs), total=len(app.lib.assignments)))

        refresh_inputs = [lang_radio, r_query, r_agency, r_doc]

        def do_upload(files, lang_, progress=gr.Progress(track_tqdm=True)):
            if not app.allow_upload:
                raise gr.Error("Uploads are turned off.")
            return app.upload(files, lang_, progress)

        up_btn.click(do_upload, [up_files, lang_radio], up_report).then(
            refresh, refresh_inputs, refresh_outputs).then(lambda: None, None, up_files)

        def relabel(lang_, q, agency, doc, picked_agency, doc_id, section_id):
            return (*L.updates(lang_), _header_html(lang_),
                    gr.update(value=tr(lang_, "upload_help", mb=app.max_bytes / 2**20)),
                    app.agency_profile(picked_agency, lang_),
                    gr.update(choices=app.section_choices(doc_id, lang_)),
                    app.document_html(doc_id, section_id, None, lang_),
                    *refresh(lang_, q, agency, doc))

        lang_radio.change(relabel, refresh_inputs + [a_pick, d_pick, d_sections],
                          L.components() + [header, up_help, a_html, d_sections, d_view] + refresh_outputs)

        def on_load(lang_, q, agency, doc, request: gr.Request):
            params = dict(request.query_params) if request is not None else {}
            doc_id = params.get("doc")
            if doc_id and doc_id in app.lib.documents:
                sec = app.lib.section_index.get(params.get("section") or "")
                sid = sec.section_id if sec is not None and sec.doc_id == doc_id else ""
                view = app.document_html(doc_id, sid, _parse_mark(params.get("hl")), lang_)
                opened = (gr.update(selected="docs"), gr.update(value=doc_id),
                          gr.update(choices=app.section_choices(doc_id, lang_), value=sid), view)
            else:
                opened = (gr.update(), gr.update(), gr.update(), gr.update())
            return (*opened, *refresh(lang_, q, agency, doc))

        demo.load(on_load, refresh_inputs, [tabs, d_pick, d_sections, d_view] + refresh_outputs).then(
            None, js=SCROLL_TO_MARK)

        def poll_model(lang_):
            return _status_html(app, lang_), gr.Timer(active=app.model_loading)

        model_poll.tick(poll_model, [lang_radio], [status, model_poll], show_progress="hidden", queue=False)
    return demo


def _status_html(app: TracuuApp, lang: str) -> str:
    return f'<div id="tc-status">{esc(app.status(lang))}</div>'


def _header_html(lang: str) -> str:
    return f"<h1>{esc(tr(lang, 'title'))}</h1><p>{esc(tr(lang, 'subtitle'))}</p>"


def _frame(headers: list[str], rows: list[list[str]]):
    import pandas as pd

    return pd.DataFrame(rows, columns=headers) if rows else pd.DataFrame(columns=headers)


def _theme():
    # local fonts only: the app must work without internet access
    return gr.themes.Default(primary_hue="blue", font=["system-ui", "DejaVu Sans", "sans-serif"],
                             font_mono=["DejaVu Sans Mono", "monospace"])


def parse_auth(value: str | None) -> list[tuple[str, str]] | None:
    """``user:pass`` (several separated by commas) → Gradio's ``auth`` list."""
    if not value:
        return None
    pairs = []
    for item in value.split(","):
        user, sep, password = item.strip().partition(":")
        if not sep or not user or not password:
            raise ValueError("auth must look like user:password (several separated by commas)")
        pairs.append((user, password))
    return pairs


def launch(app: TracuuApp, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, auth: str | None = None,
           block: bool = True, quiet: bool = False):
    """Queue and launch the app; with ``block=False`` return the running Blocks."""
    demo = build_demo(app)
    demo.queue(default_concurrency_limit=2, max_size=64)
    demo.launch(server_name=host, server_port=port, auth=parse_auth(auth), prevent_thread_lock=not block,
                show_error=True, quiet=quiet, ssr_mode=False, theme=_theme(), css=CSS,
                max_file_size=4 * app.max_bytes, footer_links=[])
    return demo


def serve(store: str | Path | None = None, host: str | None = None, port: int | None = None,
          allow_upload: bool = True, auth: str | None = None, max_mb: float | None = None) -> None:
    """Load (or on first run build) the index, then serve the app until interrupted."""
    tracuu_log = logging.getLogger("tracuu")
    if tracuu_log.getEffectiveLevel() > logging.INFO:
        tracuu_log.setLevel(logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # its index-building chatter
    host = host or os.environ.get("TRACUU_HOST") or DEFAULT_HOST
    port = int(port or os.environ.get("TRACUU_PORT") or DEFAULT_PORT)
    auth = auth or os.environ.get("TRACUU_AUTH") or None
    max_bytes = int(max_mb * 2**20) if max_mb else DEFAULT_MAX_BYTES
    try:
        app = TracuuApp(store or os.environ.get("TRACUU_STORE") or None, allow_upload=allow_upload,
                        max_bytes=max_bytes, load_model=False)
    except StoreError as exc:
        log.error("%s", exc)
        raise SystemExit(1) from exc
    log.info("serving on http://%s:%d%s", host, port, " (login required)" if auth else "")
    demo = launch(app, host, port, auth, block=False)
    app.start_model_loading()  # after the server is up: the model's imports would slow the page
    demo.block_thread()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="app.py", description="Tra cứu kế hoạch — the web app.")
    p.add_argument("--host", default=os.environ.get("TRACUU_HOST", DEFAULT_HOST))
    p.add_argument("--port", type=int, default=int(os.environ.get("TRACUU_PORT", DEFAULT_PORT)))
    p.add_argument("--store", default=os.environ.get("TRACUU_STORE"),
                   help="store directory (default: per-user data dir)")
    p.add_argument("--no-upload", action="store_true", help="turn off the upload tab")
    p.add_argument("--auth", default=os.environ.get("TRACUU_AUTH"), help="require a login: user:password")
    p.add_argument("--max-mb", type=float, default=DEFAULT_MAX_BYTES / 2**20, help="upload size limit per file (MB)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        parse_auth(args.auth)
    except ValueError as exc:
        p.error(str(exc))
    serve(store=args.store, host=args.host, port=args.port, allow_upload=not args.no_upload, auth=args.auth,
          max_mb=args.max_mb)
    return 0
