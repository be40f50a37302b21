"""Heading hierarchy of Vietnamese plans and legal texts.

A heading is recognised only at the start of a line, with the shape plans use
("III. NHÓM NHIỆM VỤ", "2.1. …", "g) Chuyên đề 7: …", "(3) …", "Điều 5. …"), so
references inside sentences ("theo Điều 5", "Nghị quyết số 124/NQ-HĐND") never open a
section. Ranks decide nesting: a heading closes every open section of equal or lower rank.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from tracuu.records import Section

_ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"

# (kind, rank, regex on the stripped line). Lower rank = outer.
_PATTERNS: list[tuple[str, int, re.Pattern[str]]] = [
    ("part", 0, re.compile(r"^(PHẦN|Phần)\s+(THỨ\s+\S+|thứ\s+\S+|[IVX]+|\d+)\b.*$")),
    ("chapter", 1, re.compile(r"^(CHƯƠNG|Chương)\s+([IVX]+|\d+)\b.*$")),
    ("mucsection", 2, re.compile(r"^(MỤC|Mục)\s+(\d+|[IVX]+)\s*[.:]?\s+\S.*$")),
    ("roman", 3, re.compile(rf"^({_ROMAN})\s*\.\s*\S.*$")),
    ("article", 4, re.compile(r"^(Điều)\s+(\d+[a-z]?)\s*[.:]\s*\S.*$")),
    ("number", 5, re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?=\S)(?!\d)(?![%/])\S.*$")),
    # "I)" after "k)" is an "l)" typed as a capital i
    ("letter", 9, re.compile(r"^-?\s*([a-zđ]|I)\)\s*\S.*$")),
    ("paren", 10, re.compile(r"^\((\d{1,2})\)\s*\S.*$")),
]
_TOPIC = re.compile(r"^-?\s*(?:[a-zđ]\)\s*)?(Chuyên đề\s+\d+)\s*:", re.IGNORECASE)
_APPENDIX = re.compile(r"^(PHỤ LỤC|Phụ lục)(\s+[IVX\d]+)?\s*[:.]?\s*$|^(PHỤ LỤC|Phụ lục)\s+(số\s+)?[IVX\d]+\b")
_RECIPIENTS = re.compile(r"^Nơi nhận\s*:?", re.IGNORECASE)
_SIGNATURE = re.compile(r"^(TM\.|KT\.|Q\.|TL\.|TUQ\.)\s*[A-ZĐÀ-Ỹ]")
# Text that looks like a numbered heading but is a quantity or a date: "100% …", "2025 …".
_NOT_NUMBER_HEADING = re.compile(r"^\d+(?:[.,]\d+)*\s*(%|/|năm\b|tháng\b|ngày\b)")


@dataclass
class _Heading:
    kind: str
    rank: int
    number: str
    title: str
    start: int  # offset of the heading line


def _number_rank(number: str) -> int:
    return 5 + number.count(".")


def classify_line(line: str) -> tuple[str, int, str] | None:
    """(kind, rank, number) when ``line`` is a heading, else None."""
    s = line.strip().lstrip("*").strip()
    if not s or "\t" in line or len(s) < 2:
        return None
    if _APPENDIX.match(s):
        return ("appendix", 0, "")
    if _RECIPIENTS.match(s):
        return ("recipients", 0, "")
    if _SIGNATURE.match(s) and s.upper() == s:
        return ("signature", 0, "")
    m = _TOPIC.match(s)
    if m:
        letter = re.match(r"^-?\s*([a-zđ])\)", s)
        return ("topic", 9, letter.group(1) if letter else m.group(1))
    if _NOT_NUMBER_HEADING.match(s):
        return None
    for kind, rank, pat in _PATTERNS:
        m = pat.match(s)
        if not m:
            continue
        if kind == "roman":
            if not m.group(1):
                continue
            return (kind, rank, m.group(1))
        if kind == "number":
            number = m.group(1)
            return (kind, _number_rank(number), number)
        if kind in ("part", "chapter", "mucsection", "article"):
            return (kind, rank, m.group(2))
        return (kind, rank, m.group(1))
    return None


def _title_of(line: str, limit: int = 160) -> str:
    s = line.strip().strip("*").strip().lstrip("-").strip()
    s = s.replace("**", "")
    if len(s) > limit:
        cut = s[:limit]
        # keep the first clause when the numbered item is a long paragraph
        for sep in (": ", "; ", ". "):
            k = cut.find(sep, 20)
            if k > 0:
                return cut[: k + (1 if sep.strip() == ":" else 0)].rstrip(" ;.")
        return cut.rsplit(" ", 1)[0] + " …"
    return s


def _section_id(doc_id: str, path: list[str], start: int) -> str:
    h = hashlib.sha1(f"{doc_id}|{' › '.join(path)}|{start}".encode()).hexdigest()[:12]
    return f"{doc_id}:s{h}"


def _headings(text: str) -> list[_Heading]:
    heads: list[_Heading] = []
    pos = 0
    in_appendix = False
    for line in text.split("\n"):
        cls = classify_line(line)
        if cls:
            kind, rank, number = cls
            # Inside an appendix (tables) only another appendix or topic block opens a section.
            if in_appendix and kind not in ("appendix",):
                cls = None
            if cls:
                if kind == "appendix":
                    in_appendix = True
                offset = pos + (len(line) - len(line.lstrip()))
                title = _title_of(line)
                if kind in ("appendix",):
                    title = "Phụ lục" + (" " + line.split()[-1] if len(line.split()) > 2 else "")
                    title = title.strip()
                elif kind == "recipients":
                    title = "Nơi nhận"
                elif kind == "signature":
                    title = "Chữ ký"
                if kind == "signature" and heads and heads[-1].kind == "signature" and offset - heads[-1].start < 80:
                    pass  # "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH": one signature block
                else:
                    heads.append(_Heading(kind, rank, number, title, offset))
        pos += len(line) + 1
    # A signature block right after "Nơi nhận" is part of the closing, not a new level.
    return heads


def parse_sections(doc_id: str, text: str, preamble_title: str = "Phần mở đầu") -> list[Section]:
    """All sections of ``text`` in document order. Spans cover heading + body + children."""
    heads = _headings(text)
    sections: list[Section] = []
    first = heads[0].start if heads else len(text)
    if text[:first].strip():
        path = [preamble_title]
        sections.append(Section(_section_id(doc_id, path, 0), doc_id, 1, "", preamble_title, path, 0, first, "preamble"))
    stack: list[tuple[_Heading, Section]] = []
    for i, h in enumerate(heads):
        while stack and stack[-1][0].rank >= h.rank:
            stack.pop()
        parent = stack[-1][1] if stack else None
        path = (parent.path if parent else []) + [h.title]
        sec = Section(
            section_id=_section_id(doc_id, path, h.start),
            doc_id=doc_id,
            level=len(stack) + 1,
            number=h.number,
            title=h.title,
            path=path,
            start=h.start,
            end=len(text),
            kind=h.kind,
            parent_id=parent.section_id if parent else None,
        )
        sections.append(sec)
        stack.append((h, sec))
    # close spans: a section ends where the next heading of equal or outer rank starts
    ranks = {id(s): h.rank for h, s in zip(heads, sections[-len(heads):] if heads else [])}
    body = sections[-len(heads):] if heads else []
    for i, sec in enumerate(body):
        r = ranks[id(sec)]
        for j in range(i + 1, len(body)):
            if ranks[id(body[j])] <= r:
                sec.end = body[j].start
                break
    return sections


def section_locator(sections: list[Section]):
    """Return ``at(offset) -> Section | None``: the innermost section holding an offset."""
    ordered = sorted(sections, key=lambda s: (s.start, -s.end))

    def at(offset: int) -> Section | None:
        best = None
        for s in ordered:
            if s.start > offset:
                break
            if s.start <= offset < s.end and (best is None or s.level >= best.level):
                best = s
        return best

    return at
