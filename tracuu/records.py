"""Plain records that flow between the stages (ingest → index → retrieval → eval/app).

They are dataclasses with no behaviour beyond (de)serialisation, so every stage can be
tested on plain data and the store can persist them as rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Document:
    """One ingested document; ``text`` is the cleaned text every span refers to."""

    doc_id: str
    source: str  # file name the document came from
    text: str
    content_hash: str
    doc_number: str | None = None  # "304/KH-UBND"
    doc_type: str | None = None  # "Kế hoạch"
    issuer: str | None = None  # "UBND tỉnh Quảng Ninh"
    province: str | None = None  # "Quảng Ninh"
    issue_date: str | None = None  # ISO "2022-12-26"
    title: str | None = None  # trích yếu
    signer: str | None = None
    signer_title: str | None = None
    signer_span: tuple[int, int] | None = None
    header_span: tuple[int, int] | None = None
    duplicates: list[str] = field(default_factory=list)  # sources merged into this one
    extra: dict[str, Any] = field(default_factory=dict)  # website metadata header etc.

    @property
    def year(self) -> int | None:
        """The issue year; a source that leaves the day blank ("ngày … tháng 3 năm 2024") keeps it
        in ``extra["issue_month"]``."""
        if self.issue_date:
            return int(self.issue_date[:4])
        month = self.extra.get("issue_month") or ""
        return int(month[:4]) if month[:4].isdigit() else None

    @property
    def label(self) -> str:
        """Short human label: number if known, else type + title start."""
        if self.doc_number:
            return f"{self.doc_type or 'Văn bản'} {self.doc_number}"
        title = (self.title or self.source)[:60]
        return f"{self.doc_type or 'Văn bản'}: {title}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("text")
        return d


@dataclass
class Section:
    """A node of the heading tree; ``start``/``end`` cover heading and body."""

    section_id: str
    doc_id: str
    level: int
    number: str  # "III", "9", "2.1", "g", "(3)", "" for named blocks
    title: str  # heading line as written
    path: list[str]  # breadcrumb, outermost first, this section last
    start: int
    end: int
    kind: str = "heading"  # heading | part | chapter | article | appendix | signature | recipients | preamble
    parent_id: str | None = None

    @property
    def breadcrumb(self) -> str:
        return " › ".join(self.path)


@dataclass
class Assignment:
    """One responsibility record: a table row or a "Cơ quan chủ trì:" block."""

    assignment_id: str
    doc_id: str
    row_number: str  # "7.1.1", "12", "A.3", "Chuyên đề 6"
    task: str
    lead: list[str]
    partners: list[str]
    deadline: str | None
    target: str | None
    table_title: str
    section_path: str
    start: int
    end: int
    group: str = ""  # enclosing section row of the table ("I Về cải cách hành chính")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Chunk:
    """A unit of search: never crosses a section; ``text`` = document.text[start:end]
    (except table-row chunks, whose text is the rendered row and whose span is the row's)."""

    chunk_id: str
    doc_id: str
    section_id: str | None
    section_path: str
    text: str  # what a citation quotes
    header: str  # indexed context (title, breadcrumb), never quoted
    start: int
    end: int
    kind: str = "text"  # text | row | block | meta
    assignment_id: str | None = None

    @property
    def search_text(self) -> str:
        return f"{self.header}\n{self.text}" if self.header else self.text


@dataclass
class Hit:
    """A ranked passage, as every search backend returns it."""

    chunk_id: str
    doc_id: str
    section: str
    text: str
    score: float
    start: int = 0
    end: int = 0
    kind: str = "text"

    def to_dict(self) -> dict[str, Any]:
        return {
            "chunk_id": self.chunk_id,
            "doc_id": self.doc_id,
            "section": self.section,
            "text": self.text,
            "score": round(float(self.score), 6),
        }


@dataclass
class Citation:
    doc_id: str
    doc_number: str | None
    title: str
    section: str
    quote: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    question: str
    answer: str | None
    abstained: bool
    intent: str
    confidence: float
    citations: list[Citation] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    message: str = ""  # "not found" text or notes shown to the user

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "intent": self.intent,
            "confidence": round(float(self.confidence), 4),
            "citations": [c.to_dict() for c in self.citations],
            "hits": [h.to_dict() for h in self.hits],
        }


class IngestError(Exception):
    """A file that cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")
