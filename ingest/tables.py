"""Responsibility records (who leads, who helps, by when, what target) from plan tables.

Most "ai chủ trì / ai phối hợp / khi nào" answers live in appendix tables, which reach us
in three shapes, all recovered here as :class:`~tracuu.records.Assignment` rows:

1. tab-separated tables (what the website copy, the DOCX and the HTML readers emit), with a
   possibly two-line header repeated after each page break and section rows ("A", "I");
2. tables flattened to one cell per line between blank lines (website copies of complex
   tables), where cells are told apart by what they look like (row number, time, agency);
3. inline blocks: an item heading followed by "- Cơ quan chủ trì: …", "- Cơ quan phối
   hợp: …", "- Thời gian thực hiện: …" lines.

Every function works on the cleaned text (``tracuu.normalize.clean_text``) so the spans
point into the stored document text.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tracuu.normalize import fold, search_key
from tracuu.records import Assignment

log = logging.getLogger(__name__)

# --- agencies ------------------------------------------------------------------------------

# Capitalised words that open an agency name: a comma before one of them starts a new agency
# ("Sở Nội vụ, Sở Tài chính"), any other comma is part of a name ("Sở Lao động, Thương binh
# và Xã hội", "Các sở, ban, ngành").
_AGENCY_HEADS = (
    "Sở", "Ban", "Văn phòng", "UBND", "UNBD", "Ủy ban", "Uỷ ban", "Trung tâm", "Cổng", "Công",
    "Phòng", "Đài", "Báo", "Cục", "Chi cục", "Hội", "Hiệp hội", "Các", "Công an", "Bộ Chỉ huy",
    "Bộ", "Kho bạc", "Thuế", "Ngân hàng", "Tỉnh đoàn", "Tỉnh ủy", "Tỉnh uỷ", "Thanh tra",
    "Bưu điện", "Cơ quan", "Viện", "Trường", "Bệnh viện", "Liên đoàn", "Liên minh", "Mặt trận",
    "Hội đồng", "HĐND", "Đoàn", "Tổng công ty", "Công ty", "Quỹ", "Bảo hiểm", "BHXH", "Bộ phận",
    "Đơn vị", "Khu", "Hải quan", "Tòa án", "Toà án", "Đảng ủy", "Huyện ủy", "Thành ủy",
    "Chi nhánh", "Vườn", "Ngành", "Lực lượng",
)
_HEADS_ALT = "|".join(sorted(map(re.escape, _AGENCY_HEADS), key=len, reverse=True))
_NEW_AGENCY = re.compile(rf"^(?:{_HEADS_ALT})(?!\w)")
_COLLECTIVE = re.compile(r"^(?:các|tất cả các)\s", re.IGNORECASE)
# "Sở Kế hoạch và Đầu tư, các sở, ban, ngành": a collective group after a named agency.
_NEW_GROUP = re.compile(
    r"^(?:các|tất cả các)\s+(?:sở|ban|ngành|cơ quan|đơn vị|địa phương|huyện|tổ chức|phòng)\b"
)
_BULLET = re.compile(r"^\s*[-–+•]\s*")
_TRAIL = " \t.;,:"


def _split_outside_parens(text: str, seps: str) -> list[str]:
    """Split on any character of ``seps`` that is not inside parentheses."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def split_agencies(cell: str) -> list[str]:
    """Agency names of a lead/partner cell, as written.

    Splits on ";" and on "- " bullet lines, and on a comma only when a capitalised agency
    head word (or a lower-case "các sở/cơ quan/…" group) follows and the current name is
    not itself a collective "Các …" group ("Các sở, ban, ngành, UBND cấp huyện" stays one).
    """
    out: list[str] = []
    for line in cell.split("\n"):
        for piece in _split_outside_parens(line, ";"):
            piece = _BULLET.sub("", piece, count=1)  # "- Sở Nội vụ; - Đài PTTH tỉnh" on one line
            current = ""
            for part in _split_outside_parens(piece, ","):
                part_s = part.strip()
                if not part_s:
                    continue
                new = _NEW_AGENCY.match(part_s) or _NEW_GROUP.match(part_s)
                if current and new and not _COLLECTIVE.match(current):
                    out.append(current)
                    current = part_s
                else:
                    current = f"{current}, {part_s}" if current else part_s
            if current:
                out.append(current)
    return [a for a in (x.strip().rstrip(_TRAIL).strip() for x in out) if a]


# --- shared row record -----------------------------------------------------------------------


@dataclass
class _Row:
    row_number: str
    task: str
    lead: str
    partners: str
    deadline: str | None
    target: str | None
    table_title: str
    group: str
    start: int
    end: int


def _clean_cell(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip().strip("*").strip()
    return text or None


def _clean_deadline(text: str | None) -> str | None:
    return _clean_cell(_BULLET.sub("", text.strip(), count=1).rstrip(" .;")) if text else None


def _assignment_id(doc_id: str, row_number: str, task: str) -> str:
    key = f"{doc_id}\x1f{row_number}\x1f{search_key(task)}".encode("utf-8")
    return hashlib.sha1(key).hexdigest()[:16]


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) for every line; ``end`` excludes the newline."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


# --- table titles -----------------------------------------------------------------------------

_APPENDIX_LINE = re.compile(r"^\s*(?:PHỤ LỤC|Phụ lục)\b")


def _table_title(lines: list[tuple[int, int, str]], header_index: int) -> str:
    """Title of the table whose header is line ``header_index``: the "PHỤ LỤC" line and the
    title lines under it ("(Kèm theo …)" lines left out); else the short line just above."""
    collected: list[str] = []
    seen = 0
    for k in range(header_index - 1, -1, -1):
        line = lines[k][2].strip()
        if not line:
            continue
        if "\t" in lines[k][2]:
            break
        if _APPENDIX_LINE.match(line):
            body = [c for c in reversed(collected) if not c.startswith("(")]
            return " — ".join(x for x in (line, " ".join(body)) if x)
        collected.append(line)
        seen += 1
        if seen >= 8:
            break
    near = [c for c in collected[:1] if len(c) < 200 and not c.startswith("(")]
    return near[0] if near else ""


# --- column roles -----------------------------------------------------------------------------

# Column names, accent-folded; the first rule that matches gives the column's role.
_LEAD_COLUMN = re.compile(r"chu tri|(?:don vi|co quan)\s+(?:thuc hien|chiu trach nhiem)")
_ROLE_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("partner", re.compile(r"phoi hop")),
    ("lead", _LEAD_COLUMN),
    ("deadline", re.compile(r"thoi gian|thoi han|tien do|hoan thanh")),
    ("stt", re.compile(r"^(?:s?tt|so tt|so thu tu)\.?$")),
    ("target", re.compile(r"diem so|gia tri|chi tieu dat|ket qua|dinh huong|muc tieu den")),
    ("task", re.compile(r"noi dung|nhiem vu|chi tieu|muc tieu|ten |hoat dong|giai phap|cong viec")),
]


def _role(header_cell: str) -> str | None:
    key = fold(header_cell).strip()
    if not key:
        return None
    for role, rule in _ROLE_RULES:
        if rule.search(key):
            return role
    return None


def _is_table_header(line: str) -> bool:
    """A tab line of short column names, one naming the lead ("chủ trì", "Đơn vị thực
    hiện"); a data row that merely says "… chủ trì" has a long task cell."""
    if "\t" not in line or any(len(c.strip()) > 60 for c in line.split("\t")):
        return False
    return bool(_LEAD_COLUMN.search(fold(line)))


def _is_header_repeat(line: str) -> bool:
    """A header line typed slightly differently on a later page: only short cells, each a
    column name."""
    cells = [c.strip() for c in line.split("\t") if c.strip()]
    return (
        _is_table_header(line)
        and all(len(c) <= 50 and (_role(c) or "trach nhiem" in fold(c)) for c in cells)
    )


# --- section rows of a table --------------------------------------------------------------

_ROMAN_NUM = re.compile(r"^(?=[IVXLC])M{0,3}(?:C[MD]|D?C{0,3})(?:X[CL]|L?X{0,3})(?:I[XV]|V?I{0,3})$")


class _Groups:
    """Stack of section rows ("A MỤC TIÊU …", "I Về cải cách hành chính") of one table."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str, str]] = []  # (level, number, title)
        self.unnumbered = 0

    def _level(self, number: str) -> int:
        if re.fullmatch(r"[A-ZĐ]", number):
            letters = [n for lv, n, _ in self.stack if lv == 0]
            successor = chr(ord(letters[-1]) + 1) if letters else "A"
            if _ROMAN_NUM.match(number) and number != successor:
                return 1
            return 0
        if _ROMAN_NUM.match(number):
            return 1
        return 2 + number.count(".")

    def push(self, number: str, title: str) -> None:
        level = self._level(number) if number else 9
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, number, title))
        self.unnumbered = 0

    @property
    def label(self) -> str:
        return " › ".join(f"{n} {t}".strip() for _, n, t in self.stack)

    def row_number(self, stt: str) -> str:
        inner = next((n for _, n, _t in reversed(self.stack) if n), "")
        if not stt:
            self.unnumbered += 1
            stt = str(self.unnumbered)
        if "." in stt or not inner:
            return stt
        return f"{inner}.{stt}"


# --- form 1: tab-separated tables --------------------------------------------------------------


def _header_roles(top: list[str], sub: list[str] | None) -> list[str | None]:
    width = max(len(top), len(sub or []))
    roles: list[str | None] = []
    for i in range(width):
        below = sub[i] if sub and i < len(sub) else ""
        above = top[i] if i < len(top) else ""
        roles.append(_role(below) if below.strip() else _role(above))
    if "task" not in roles:
        for i, r in enumerate(roles):
            if r is None and i > 0:
                roles[i] = "task"
                break
    if "stt" not in roles and roles and roles[0] is None:
        roles[0] = "stt"
    return roles


def _fold_cells(line: str) -> list[str]:
    return [fold(c).strip() for c in line.split("\t")]


def _tsv_rows(text: str) -> Iterator[_Row]:
    lines = _lines(text)
    i = 0
    while i < len(lines):
        if not _is_table_header(lines[i][2]):
            i += 1
            continue
        first_empty = not lines[i][2].split("\t")[0].strip()
        if first_empty and i > 0 and "\t" in lines[i - 1][2]:
            header_i = i - 1  # two-line header: "TT  Nội dung  Trách nhiệm …" / "  Chủ trì  Phối hợp"
            top, sub = lines[i - 1][2].split("\t"), lines[i][2].split("\t")
        else:
            header_i, top, sub = i, lines[i][2].split("\t"), None
            nxt = lines[i + 1][2] if i + 1 < len(lines) else ""
            cand = nxt.split("\t")
            if "\t" in nxt and not cand[0].strip() and any(_role(c) in ("lead", "partner") for c in cand):
                sub = cand
                i += 1
        headers = {tuple(_fold_cells(lines[header_i][2]))}
        if sub is not None:
            headers.add(tuple(_fold_cells("\t".join(sub))))
        roles = _header_roles(top, sub)
        if "lead" not in roles:
            i += 1
            continue
        title = _table_title(lines, header_i)
        groups = _Groups()
        i += 1
        while i < len(lines):
            start, end, line = lines[i]
            if not line.strip():
                i += 1
                continue
            if "\t" not in line:
                break
            if tuple(_fold_cells(line)) in headers or _is_header_repeat(line):
                i += 1  # header repeated after a page break
                continue
            cells = line.split("\t")
            cell = {r: "" for r in ("stt", "task", "lead", "partner", "deadline", "target")}
            for k, value in enumerate(cells):
                role = roles[k] if k < len(roles) else None
                if role and not cell[role]:
                    cell[role] = value.strip()
            stt = cell["stt"].rstrip(".").strip()
            if not cell["lead"] and not cell["partner"]:
                if cell["task"]:
                    groups.push(stt, cell["task"])
                i += 1
                continue
            yield _Row(
                row_number=groups.row_number(stt),
                task=cell["task"],
                lead=cell["lead"],
                partners=cell["partner"],
                deadline=_clean_deadline(cell["deadline"]),
                target=_clean_cell(cell["target"]),
                table_title=title,
                group=groups.label,
                start=start + len(line) - len(line.lstrip()),
                end=end,
            )
            i += 1


# --- form 2: tables flattened to one cell per line -------------------------------------------

_ROW_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,4}\.?$")
_EMPTY_CELL = re.compile(r"^[\s.\-–]*$")
# An agency cell opens with an agency word; "Ban"/"Hội"/"Phòng"/… only before a proper name,
# so "Ban hành văn bản …", "Công tác …" stay content.
_AGENCY_CELL = re.compile(
    r"^(?:Các\s+(?:Sở|sở|cơ quan|đơn vị|phòng|ban|huyện|địa phương|xã|tổ chức)|"
    r"(?:Sở|Văn phòng|UBND|UNBD|Ủy ban|Uỷ ban|Trung tâm|Cổng|Công an|Cục|Chi cục|Cơ quan|"
    r"Bưu điện|Kho bạc|Thanh tra|Tỉnh đoàn|Bộ Chỉ huy|Bộ phận|HĐND|BHXH|Ngân hàng)(?!\w)|"
    r"(?:Ban|Hội|Hiệp hội|Phòng|Đài|Báo|Quỹ|Viện|Trường|Bệnh viện|Liên đoàn|Mặt trận|"
    r"Đoàn|Khu|Công ty|Tổng công ty|Bảo hiểm)\s+[A-ZĐÀ-Ỹ])"
)
_TIME_START = re.compile(
    r"^(?:quý|trong (?:năm|thời hạn|tháng|quý|\d)|trước (?:ngày|tháng|quý|năm)|"
    r"(?:hàng|hằng) (?:năm|quý|tháng|tuần)|thường xuyên|định kỳ|"
    r"theo (?:tiến độ|yêu cầu|kế hoạch|chỉ đạo|lộ trình)|đến (?:hết|năm|ngày|tháng|quý)|"
    r"năm \d|từ (?:năm|ngày|tháng|quý)|giai đoạn|\d{1,2}/\d{1,2}|\d{4}\s*[-–]\s*\d{4}|"
    r"thực hiện thường xuyên)"
)
_TIME_WORD = re.compile(r"\b(?:quý|năm|tháng|ngày|thường xuyên|hàng năm|hằng năm)\b")
_MAX_AGENCY_CELL = 150
# Lines that close a flattened table: recipients block or signature.
_TABLE_END = re.compile(r"^\s*(?:Nơi nhận\s*:|(?:TM|KT|Q|TL|TUQ)\.\s*[A-ZĐ])")


def _strip_bullet(s: str) -> str:
    return _BULLET.sub("", s, count=1)


def _looks_agency(s: str) -> bool:
    body = _strip_bullet(s.strip())
    return len(body) <= _MAX_AGENCY_CELL and bool(_AGENCY_CELL.match(body))


def _looks_time(s: str, strict: bool = False) -> bool:
    body = search_key(_strip_bullet(s.strip()))
    if _TIME_START.match(body):
        return True
    return not strict and len(body) <= 120 and bool(_TIME_WORD.search(body))


def _number_tuple(s: str) -> tuple[int, ...]:
    return tuple(int(x) for x in s.rstrip(".").split("."))


def _is_successor(prev: tuple[int, ...] | None, n: tuple[int, ...]) -> bool:
    """True when ``n`` may follow row number ``prev``: first child, next sibling or the next
    number of an ancestor (a gap of one row is tolerated)."""
    if prev is None:
        return len(n) == 1 and n[0] <= 2
    if n == prev + (1,):
        return True
    for k in range(len(prev)):
        if n[:-1] == prev[:k] and len(n) == k + 1 and 1 <= n[-1] - prev[k] <= 2:
            return True
    return False


@dataclass
class _Para:
    start: int
    end: int
    text: str

    @property
    def body(self) -> str:
        return self.text.strip()


def _flat_header(lines: list[tuple[int, int, str]], i: int) -> tuple[list[str | None], int] | None:
    """Roles of a flattened header starting at line ``i`` ("STT", "Nội dung", …, "Chủ trì",
    "Phối hợp") and the index of the first line after it; None when this is no header."""
    if fold(lines[i][2]).strip() not in ("stt", "tt", "so tt"):
        return None
    roles: list[str | None] = ["stt"]
    j = i + 1
    while j < len(lines) and j - i < 20:
        line = lines[j][2].strip()
        if not line:
            j += 1
            continue
        if "\t" in lines[j][2] or len(line) > 60 or _ROW_NUMBER.match(line):
            break
        roles.append(_role(line))
        j += 1
    if "lead" not in roles:
        return None
    return roles, j


def _agency_key(name: str) -> str:
    words = re.findall(r"\w+", fold(name))
    return " ".join(words[:2] if words[:1] == ["cac"] else words)


def _agency_cells(paras: list[_Para]) -> list[list[_Para]]:
    """Group consecutive agency lines into cells: a line ending in ";" or ",", a line
    continued in lower case, or a bullet after an open bullet stays in the same cell —
    unless it names again an agency the cell already has (a new cell has begun)."""
    cells: list[list[_Para]] = [[paras[0]]]
    keys = {_agency_key(a) for a in split_agencies(paras[0].body)}
    for prev, cur in zip(paras, paras[1:]):
        p, c = prev.body, cur.body
        names = {_agency_key(a) for a in split_agencies(c)}
        both_bullets = bool(_BULLET.match(p)) and bool(_BULLET.match(c))
        joined = (
            p.endswith((";", ","))
            or _strip_bullet(c)[:1].islower()
            or (both_bullets and not p.endswith("."))
        ) and not names & keys
        if joined:
            cells[-1].append(cur)
            keys |= names
        else:
            cells.append([cur])
            keys = names
    return cells


def _flat_rows(text: str) -> Iterator[_Row]:
    lines = _lines(text)
    i = 0
    while i < len(lines):
        header = _flat_header(lines, i)
        if header is None:
            i += 1
            continue
        header_at = i
        roles, i = header
        time_first = "deadline" in roles and roles.index("deadline") < roles.index("lead")
        title = _table_title(lines, header_at)
        paras: list[_Para] = []
        while i < len(lines):
            start, end, line = lines[i]
            if "\t" in line or _APPENDIX_LINE.match(line) or _TABLE_END.match(line):
                break
            if line.strip():
                lead_ws = len(line) - len(line.lstrip())
                paras.append(_Para(start + lead_ws, end, line))
            i += 1
        yield from _parse_flat(paras, title, time_first)


def _run_end(paras: list[_Para], k: int) -> int:
    """End of the run of agency lines starting at ``k`` (lower-case lines continuing a
    "…;" line belong to it)."""
    j = k
    while j < len(paras):
        body = paras[j].body
        continued = (
            j > k
            and _strip_bullet(body)[:1].islower()
            and len(body) <= _MAX_AGENCY_CELL
            and paras[j - 1].body.endswith((";", ","))
        )
        if not (_looks_agency(body) or continued):
            break
        j += 1
    return j


def _parse_flat(paras: list[_Para], title: str, time_first: bool) -> Iterator[_Row]:
    """Rows of a flattened table: after a row number come the content lines, the time
    line and the agency lines; more (content, time, agencies) groups before the next row
    number are sub-rows ("3.2.1 (2)") that share the numbered row's heading."""
    titles: dict[tuple[int, ...], str] = {}
    number: tuple[int, ...] | None = None
    label, sub, content = "", 0, []
    k = 0
    while k < len(paras):
        body = paras[k].body
        if _ROW_NUMBER.match(body) and _is_successor(number, _number_tuple(body)):
            number, label, sub, content = _number_tuple(body), body.rstrip("."), 0, []
            k += 1
            continue
        if number is None or _EMPTY_CELL.match(body):
            k += 1
            continue
        if not (_looks_agency(body) and (content or sub)):
            if not content and not sub:
                titles[number] = body
            content.append(paras[k])
            k += 1
            continue
        run_end = _run_end(paras, k)
        cells = _agency_cells(paras[k:run_end])
        deadline = None
        # the time cell sits between content and agencies; a lone paragraph is the content
        # itself ("Thực hiện thu ngân sách hàng năm …" has no time cell)
        if time_first and len(content) >= 2 and _looks_time(content[-1].body):
            deadline = content.pop().body
        after = run_end
        if not time_first and after < len(paras) and _looks_time(paras[after].body, strict=True):
            deadline = paras[after].body
            after += 1
        depth = len(number) if sub else len(number) - 1
        group = " › ".join(
            f"{'.'.join(map(str, number[:d]))} {titles[number[:d]]}"
            for d in range(1, depth + 1)
            if number[:d] in titles
        )
        lines = [_strip_bullet(c.body) for c in content] if len(content) == 1 else [c.body for c in content]
        yield _Row(
            row_number=f"{label} ({sub + 1})" if sub else label,
            task="\n".join(lines),
            lead="\n".join(c.body for c in cells[0]),
            partners="\n".join(c.body for cell in cells[1:] for c in cell),
            deadline=_clean_deadline(deadline),
            target=None,
            table_title=title,
            group=group,
            start=content[0].start if content else paras[k].start,
            end=paras[after - 1].end,
        )
        sub, content, k = sub + 1, [], after


# --- form 3: inline "Cơ quan chủ trì:" blocks -----------------------------------------------

_LABEL = re.compile(
    r"^\s*(?:[-–+•]\s*)?(?P<label>(?:(?:Cơ quan|Đơn vị)\s+)?(?:chủ trì|phối hợp)|"
    r"(?:Cơ quan|Đơn vị)\s+thực hiện|"
    r"Thời gian(?:\s+thực hiện|\s+hoàn thành)?|Thời hạn(?:\s+hoàn thành)?|Tiến độ)\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_ITEM = re.compile(
    r"^\s*(?:[-–+•]\s*)?(?:(?P<marker>[a-zđ]|\d{1,2}(?:\.\d{1,2})*)[).]\s*)?"
    r"(?:(?P<topic>Chuyên đề\s+\d+)\s*[:.]\s*)?(?P<title>\S.*)$"
)


def _label_field(label: str) -> str:
    key = fold(label)
    if "phoi hop" in key:
        return "partner"
    if "chu tri" in key or key.startswith(("co quan", "don vi")):
        return "lead"
    return "deadline"


def _inline_rows(text: str) -> Iterator[_Row]:
    lines = _lines(text)
    i = 0
    while i < len(lines):
        m = _LABEL.match(lines[i][2])
        if not m or _label_field(m.group("label")) != "lead":
            i += 1
            continue
        # the item heading is the nearest non-label line above
        h = i - 1
        while h >= 0 and (not lines[h][2].strip() or _LABEL.match(lines[h][2])):
            h -= 1
        if h < 0:
            i += 1
            continue
        head = _ITEM.match(lines[h][2])
        fields: dict[str, str] = {}
        j = i
        last_end = lines[i][1]
        while j < len(lines):
            lm = _LABEL.match(lines[j][2])
            if lm:
                fields.setdefault(_label_field(lm.group("label")), lm.group("value").strip())
                last_end = lines[j][1]
                j += 1
            elif not lines[j][2].strip() and j + 1 < len(lines) and _LABEL.match(lines[j + 1][2]):
                j += 1
            else:
                break
        topic = head.group("topic") if head else None
        marker = head.group("marker") if head else None
        task = (head.group("title") if head else lines[h][2]).strip().strip("*").strip()
        row_number = topic or (f"{marker})" if marker else "")
        hstart = lines[h][0] + len(lines[h][2]) - len(lines[h][2].lstrip())
        yield _Row(
            row_number=row_number,
            task=task,
            lead=fields.get("lead", ""),
            partners=fields.get("partner", ""),
            deadline=_clean_deadline(fields.get("deadline")),
            target=None,
            table_title="",
            group="",
            start=hstart,
            end=last_end,
        )
        i = j


# --- public API ---------------------------------------------------------------------------------


def extract_assignments(
    doc_id: str, text: str, section_at: Callable[[int], str] = lambda pos: ""
) -> list[Assignment]:
    """Every responsibility record of a cleaned document text, in text order."""
    rows = [*_tsv_rows(text), *_flat_rows(text), *_inline_rows(text)]
    rows.sort(key=lambda r: (r.start, r.end))
    out: list[Assignment] = []
    seen: set[str] = set()
    last_end = -1
    for r in rows:
        if r.start < last_end:
            continue  # overlapping read of the same lines by two forms
        lead, partners = split_agencies(r.lead), split_agencies(r.partners)
        if not lead and not partners:
            continue
        aid = _assignment_id(doc_id, r.row_number, r.task)
        if aid in seen:
            aid = _assignment_id(doc_id, f"{r.row_number}@{r.start}", r.task)
        seen.add(aid)
        out.append(
            Assignment(
                assignment_id=aid,
                doc_id=doc_id,
                row_number=r.row_number,
                task=r.task,
                lead=lead,
                partners=partners,
                deadline=r.deadline,
                target=r.target,
                table_title=r.table_title,
                section_path=section_at(r.start) or "",
                start=r.start,
                end=r.end,
                group=r.group,
            )
        )
        last_end = r.end
    log.debug("%s: %d assignments", doc_id, len(out))
    return out


def render_row(a: Assignment) -> str:
    """One line per record, Vietnamese labels, empty fields left out: the searchable text
    of a table row."""
    fields = [
        ("Nội dung", a.task.replace("\n", " ")),
        ("Cơ quan chủ trì", "; ".join(a.lead)),
        ("Cơ quan phối hợp", "; ".join(a.partners)),
        ("Thời gian thực hiện", a.deadline or ""),
        ("Chỉ tiêu", a.target or ""),
    ]
    return " | ".join(f"{label}: {value}" for label, value in fields if value and value.strip())
