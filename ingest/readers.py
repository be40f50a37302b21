"""Raw text out of the files a user points us at: .txt, .docx, .pdf, .html/.htm.

Every reader returns the document's text with paragraphs separated by blank lines and
tables rendered as lines of tab-separated cells (one line per row, header rows first,
a blank line before and after) — the shape the bundled .txt corpus already has, so a
single table parser serves every format. Merged cells are expanded the same way for
docx and html: a horizontally merged cell is written once and padded with empty cells,
a vertically merged cell repeats its value in every row it covers, so each row stands
on its own ("Cơ quan chủ trì" applies to every row it spans).

Any problem with a file surfaces as ``IngestError(path, reason)`` with a plain reason;
no library exception escapes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tracuu.ingest.encoding import (
    convert_legacy,
    decode_bytes,
    decode_declared,
    fix_legacy_vietnamese,
    has_unicode_vietnamese,
    is_caps_font,
    legacy_encoding_for_font,
    looks_binary,
)
from tracuu.normalize import fold
from tracuu.records import IngestError

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_MB = 1024 * 1024
_BAD_DOCX = "not a valid .docx (corrupted or not a Word file)"
_BAD_PDF = "not a valid PDF (corrupted or not a PDF file)"
_NO_TEXT_LAYER = "no text layer (scanned?) — run OCR first"


def read_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The raw text of one document (the caller cleans it with ``clean_text``)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(none)"
        raise IngestError(p, f"unsupported file type '{shown}' (supported: {', '.join(SUPPORTED_SUFFIXES)})")
    try:
        if not p.is_file():
            raise IngestError(p, "file not found" if not p.exists() else "not a regular file")
        size = p.stat().st_size
    except OSError as exc:
        raise IngestError(p, f"cannot read file ({exc.strerror or exc})") from exc
    if size > max_bytes:
        raise IngestError(
            p, f"file is {size / _MB:.1f} MB, over the {max_bytes / _MB:.1f} MB limit (change with --max-mb)"
        )
    if size == 0:
        raise IngestError(p, _BAD_DOCX if suffix == ".docx" else "empty file")
    text = _READERS[suffix](p)
    if not text.strip():
        raise IngestError(p, "no text")
    log.debug("read %s: %d characters", p, len(text))
    return text


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read file ({exc.strerror or exc})") from exc


# --- shared shaping ------------------------------------------------------------------------


def _one_line(text: str) -> str:
    """A table cell on one line: inner line breaks, tabs and runs of spaces → one space."""
    return " ".join(text.split())


def _tsv_block(rows: list[list[str]]) -> str:
    """Rows of cell texts → tab-separated lines, padded to one column count; empty rows
    dropped."""
    width = max((len(r) for r in rows), default=0)
    lines = []
    for row in rows:
        cells = [_one_line(c) for c in row] + [""] * (width - len(row))
        if any(cells):
            lines.append("\t".join(cells))
    return "\n".join(lines)


# The letterhead ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM | Số: …") and the signature block
# ("Nơi nhận: … | TM. ỦY BAN NHÂN DÂN") are laid out in small borderless tables.
_LAYOUT_MARKERS = re.compile(r"cong hoa xa hoi chu nghia|doc lap\W+tu do|noi nhan|\b(?:tm|kt|tl|tuq)\.|\bso\s*:")


def _is_grid(rows: list[list[str]], nested: bool) -> bool:
    """A data table, as opposed to a table used for layout: a one-column box, a page
    frame (holding tables or headings), or a small letterhead/signature table. Layout
    tables are read as ordinary paragraphs, the way the text reads on the page."""
    filled = [r for r in rows if any(c.strip() for c in r)]
    width = max((sum(1 for c in r if c.strip()) for r in filled), default=0)
    if width <= 1 or nested:
        return False
    small = len(filled) <= 3 and max(len(r) for r in filled) <= 3
    return not (small and _LAYOUT_MARKERS.search(fold(" ".join(c for r in filled for c in r))))


def _join_blocks(blocks: list[str]) -> str:
    blocks = [b.strip("\n") for b in blocks if b.strip()]
    return "\n\n".join(blocks) + "\n" if blocks else ""


# --- .txt ----------------------------------------------------------------------------------


def _read_txt(path: Path) -> str:
    return decode_bytes(_read_bytes(path), str(path))


# --- .docx ---------------------------------------------------------------------------------


class _DocxFonts:
    """The font a run is drawn in (run → character style → paragraph style chain →
    document defaults): legacy-encoded text is recognised by its font (".VnTime", "VNI-Times")."""

    def __init__(self, document) -> None:
        from docx.oxml.ns import qn

        self._qn = qn
        root = document.styles.element
        self._styles = {s.get(qn("w:styleId")): s for s in root.iter(qn("w:style"))}
        defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self._default = self._fonts_of(defaults)
        self._default_style = next(
            (sid for sid, s in self._styles.items()
             if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true", "on")),
            None,
        )
        self._cache: dict[str | None, str | None] = {}

    def _fonts_of(self, rpr) -> str | None:
        if rpr is None:
            return None
        rfonts = rpr.find(self._qn("w:rFonts"))
        if rfonts is None:
            return None
        return rfonts.get(self._qn("w:hAnsi")) or rfonts.get(self._qn("w:ascii"))

    def _style_font(self, style_id: str | None) -> str | None:
        if style_id in self._cache:
            return self._cache[style_id]
        seen: set[str] = set()
        font = None
        sid = style_id
        while sid and sid not in seen and font is None:
            seen.add(sid)
            style = self._styles.get(sid)
            if style is None:
                break
            font = self._fonts_of(style.find(self._qn("w:rPr")))
            based = style.find(self._qn("w:basedOn"))
            sid = based.get(self._qn("w:val")) if based is not None else None
        self._cache[style_id] = font
        return font

    def font_of(self, r, paragraph_style: str | None) -> str | None:
        qn = self._qn
        rpr = r.find(qn("w:rPr"))
        font = self._fonts_of(rpr)
        if font is None and rpr is not None:
            rstyle = rpr.find(qn("w:rStyle"))
            if rstyle is not None:
                font = self._style_font(rstyle.get(qn("w:val")))
        if font is None:
            font = self._style_font(paragraph_style or self._default_style)
        return font or self._default


def _docx_paragraph_text(p, fonts: _DocxFonts) -> str:
    """Text of a w:p with runs drawn in a TCVN3/VNI font converted by that font's table.
    Runs inside hyperlinks, fields and insertions count; deleted text and text boxes
    (their own paragraphs) do not. Tabs become spaces: a tab-bearing line means a table row."""
    from docx.oxml.ns import qn

    ppr = p.find(qn("w:pPr"))
    pstyle = ppr.find(qn("w:pStyle")) if ppr is not None else None
    style_id = pstyle.get(qn("w:val")) if pstyle is not None else None
    skip = {qn("w:del"), qn("w:moveFrom")}
    parts = []
    for r in p.iter(qn("w:r")):
        owner = next((a for a in r.iterancestors() if a.tag == qn("w:p") or a.tag in skip), None)
        if owner is not p:
            continue
        text = r.text
        if not text:
            continue
        font = fonts.font_of(r, style_id)
        encoding = legacy_encoding_for_font(font)
        if encoding and not has_unicode_vietnamese(text):  # else a converter kept the font name
            text = convert_legacy(text, encoding)
            if is_caps_font(font):
                text = text.upper()
        parts.append(text)
    return re.sub(r"[ \t]*\t[ \t]*", " ", "".join(parts))


def _docx_blocks(container, fonts: _DocxFonts) -> list[str]:
    """Paragraph and table blocks of a body or table cell, in document order."""
    from docx.oxml.ns import qn

    blocks: list[str] = []
    for el in _docx_block_elements(container):
        if el.tag == qn("w:p"):
            text = _docx_paragraph_text(el, fonts)
            if text.strip():
                blocks.append(text.strip())
        else:
            blocks.extend(_docx_table_blocks(el, fonts))
    return blocks


def _docx_block_elements(container) -> Iterator:
    from docx.oxml.ns import qn

    for child in container:
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag in (qn("w:sdt"), qn("w:customXml")):  # content controls wrap blocks
            inner = child.find(qn("w:sdtContent"))
            yield from _docx_block_elements(inner if inner is not None else child)


def _docx_table_blocks(tbl, fonts: _DocxFonts) -> list[str]:
    """A data table as one TSV block; a layout table (see ``_is_grid``) as its paragraphs."""
    from docx.oxml.ns import qn

    rows: list[list[str]] = []
    above: dict[int, str] = {}  # grid column → text of the cell that started there
    for tr in tbl.iter(qn("w:tr")):
        if next(a for a in tr.iterancestors() if a.tag == qn("w:tbl")) is not tbl:
            continue  # a nested table's row
        col = tr.grid_before
        row = [""] * col
        for tc in tr.tc_lst:
            span = max(1, tc.grid_span)
            if tc.vMerge == "continue":
                text = above.get(col, "")
            else:
                text = _one_line(" ".join(_docx_blocks(tc, fonts)))
                above[col] = text
            row.append(text)
            row.extend([""] * (span - 1))
            col += span
        rows.append(row)
    nested = any(tc.find(qn("w:tbl")) is not None for tc in tbl.iter(qn("w:tc")))
    if _is_grid(rows, nested):
        return [_tsv_block(rows)]
    blocks: list[str] = []
    for tc in tbl.iter(qn("w:tc")):
        if next(a for a in tc.iterancestors() if a.tag == qn("w:tbl")) is tbl and tc.vMerge != "continue":
            blocks.extend(_docx_blocks(tc, fonts))
    return blocks


def _read_docx(path: Path) -> str:
    import docx  # python-docx

    try:
        document = docx.Document(str(path))
        fonts = _DocxFonts(document)
        blocks = _docx_blocks(document.element.body, fonts)
    except IngestError:
        raise
    except Exception as exc:  # zip, xml and package errors all mean the same to the user
        log.debug("python-docx failed on %s: %r", path, exc)
        raise IngestError(path, _BAD_DOCX) from exc
    return fix_legacy_vietnamese(_join_blocks(blocks))


# --- .pdf ----------------------------------------------------------------------------------


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """pypdf logs every repair it attempts; the user gets our one-line reason instead."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader

    try:
        with _quiet("pypdf"):
            reader = PdfReader(str(path))
            if reader.is_encrypted and not reader.decrypt(""):
                raise IngestError(path, "PDF is password-protected")
            pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except Exception as exc:
        log.debug("pypdf failed on %s: %r", path, exc)
        raise IngestError(path, _BAD_PDF) from exc
    pages = [pg.strip("\n") for pg in pages if pg.strip()]
    if not pages:
        raise IngestError(path, _NO_TEXT_LAYER)
    text = "\n\n".join(pages) + "\n"
    if looks_binary(text):  # glyph codes without a Unicode map: the "text" is noise
        raise IngestError(path, "unreadable text layer (fonts without a Unicode map) — run OCR first")
    return fix_legacy_vietnamese(text)


# --- .html ---------------------------------------------------------------------------------

# Containers of the document body on legal-document websites and generic pages, most
# specific first.
_MAIN_SELECTORS = (
    "#toanvancontent",
    ".toanvancontent",
    "#divContentDoc",
    "div.content1",
    ".fulltext",
    "#fulltext",
    "article",
    "main",
    "[role=main]",
)
_ALWAYS_DROP = (
    "script", "style", "noscript", "template", "iframe", "button", "select", "textarea",
    "input", "svg", "canvas", "object", "embed", "head",
)
_CHROME_TAGS = ("nav", "header", "footer", "aside", "form")
_JUNK_NAME = re.compile(
    r"(?:^|[-_])(?:nav|navbar|navigation|menu|menubar|breadcrumbs?|share|sharing|social|comments?|"
    r"binhluan|ads?|advert\w*|advertisement|quangcao|banner|sidebar|popup|modal|cookies?|related|footer)"
    r"(?:$|[-_])",
    re.IGNORECASE,
)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section summary "
    "ul tr td th caption legend".split()
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _html_decode(data: bytes, path: Path) -> str:
    """BOM, else the page's declared charset, else our own detection."""
    from bs4.dammit import EncodingDetector

    if data[:3] == b"\xef\xbb\xbf" or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return decode_bytes(data, str(path))
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    text = decode_declared(data, declared) if declared else None
    if text is None:
        if declared:
            log.debug("%s: declared charset %r does not decode; detecting", path, declared)
        return decode_bytes(data, str(path))
    if looks_binary(text):
        raise IngestError(path, "binary or unreadable content")
    return text


def _is_junk(tag, in_main: bool) -> bool:
    if tag.name in _CHROME_TAGS:
        # the document's own header/footer (inside the content container or an article)
        # carries its title and date
        own = tag.name in ("header", "footer") and (in_main or tag.find_parent(["article", "main"]))
        return not own
    if tag.has_attr("hidden") or _HIDDEN_STYLE.search(tag.get("style") or ""):
        return True
    names = list(tag.get("class") or []) + ([tag["id"]] if isinstance(tag.get("id"), str) else [])
    return any(_JUNK_NAME.search(n) for n in names)


def _text_len(tag) -> int:
    return len("".join(tag.get_text(" ").split()))


def _html_main(soup, body):
    """The main content container, if the page has one holding most of the text."""
    total = max(_text_len(body), 1)
    for selector in _MAIN_SELECTORS:
        found = soup.select(selector)
        if not found:
            continue
        best = max(found, key=_text_len)
        size = _text_len(best)
        if size >= 2000 or size >= 0.3 * total:
            return best
    return None


def _drop_chrome(root, in_main: bool) -> None:
    """Remove navigation, menus, ads, hidden elements … from ``root``, top down; without a
    content container, keep anything holding most of the page (an ASP.NET <form> wraps it all)."""
    from bs4 import Tag

    total = max(_text_len(root), 1)
    stack = [root]
    while stack:
        for child in list(stack.pop().children):
            if not isinstance(child, Tag):
                continue
            if _is_junk(child, in_main) and (in_main or _text_len(child) <= 0.5 * total):
                child.decompose()
            else:
                stack.append(child)


class _HtmlText:
    """Walks an element tree into blocks: block elements and <br> break lines, tables
    become TSV blocks."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self._current: list[str] = []

    def flush(self) -> None:
        text = "".join(self._current)
        self._current = []
        para: list[str] = []
        for line in text.split("\n") + [""]:
            line = " ".join(line.split())
            if line:
                para.append(line)
            elif para:  # an empty line (<br><br>) ends a paragraph
                self.blocks.append("\n".join(para))
                para = []

    def walk(self, node, pre: bool = False) -> None:
        """Depth-first over ``node``'s content, with an explicit stack: pages with
        thousands of unclosed <font> tags nest deeper than Python's recursion limit."""
        from bs4 import CData, NavigableString, Tag

        stack = [(iter(node.children), pre, False)]  # (children, inside <pre>, is a block)
        while stack:
            children, in_pre, is_block = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if is_block:
                    self.flush()
            elif isinstance(child, Tag):
                name = child.name
                if name == "br":
                    self._current.append("\n")
                elif name == "table":
                    self.flush()
                    self.table(child)
                elif name in _BLOCK_TAGS:
                    self.flush()
                    stack.append((iter(child.children), in_pre or name == "pre", True))
                else:
                    stack.append((iter(child.children), in_pre, False))
            elif type(child) in (NavigableString, CData):  # not comments, doctype, script text
                self._current.append(str(child) if in_pre else re.sub(r"\s+", " ", str(child)))

    def table(self, table) -> None:
        caption = table.find("caption")
        if caption is not None and caption.find_parent("table") is table:
            self.walk(caption)
            self.flush()
        rows = _html_table_rows(table)
        grid = _html_grid(rows, _html_cell_text)
        nested = any(cell.find(["table", "h1", "h2", "h3"]) for tr in rows for cell in tr)
        if _is_grid(grid, nested):
            self.blocks.append(_tsv_block(grid))
            return
        for tr in rows:  # layout: the cells' content as ordinary paragraphs
            for cell in tr:
                self.walk(cell)
                self.flush()


def _html_table_rows(table) -> list[list]:
    rows = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is table:
            rows.append(tr.find_all(["td", "th"], recursive=False))
    return rows


def _span(cell, attr: str, limit: int) -> int:
    m = re.match(r"\s*(\d+)", str(cell.get(attr) or ""))
    n = int(m.group(1)) if m else 1
    if n == 0 and attr == "rowspan":  # "to the end of the table"
        return limit
    return min(max(n, 1), limit)


def _html_grid(rows: list[list], cell_text: Callable) -> list[list[str]]:
    """Expand rowspan/colspan like docx merges: colspan → the text once, then empty
    cells; rowspan → the same text again in every row covered."""
    grid: list[list[str]] = []
    carry: dict[int, tuple[str, int]] = {}  # column → (text, rows still covered)
    for r, cells in enumerate(rows):
        row: list[str] = []

        def take_carried() -> None:
            while len(row) in carry:
                text, left = carry.pop(len(row))
                row.append(text)
                if left > 1:
                    carry[len(row) - 1] = (text, left - 1)

        for cell in cells:
            take_carried()
            text = cell_text(cell)
            rowspan = _span(cell, "rowspan", len(rows) - r)
            for k in range(_span(cell, "colspan", 1000)):
                value = text if k == 0 else ""
                if rowspan > 1:
                    carry[len(row)] = (value, rowspan - 1)
                row.append(value)
        take_carried()
        while carry and max(carry) >= len(row):  # a ragged row short of a carried cell
            row.append("")
            take_carried()
        grid.append(row)
    return grid


def _html_cell_text(cell) -> str:
    sub = _HtmlText()
    sub.walk(cell)
    sub.flush()
    return _one_line(" ".join(sub.blocks))


def _read_html(path: Path) -> str:
    from bs4 import BeautifulSoup

    text = _html_decode(_read_bytes(path), path)
    try:
        soup = BeautifulSoup(text, "lxml")
        for tag in soup.find_all(_ALWAYS_DROP):
            tag.decompose()
        body = soup.body or soup
        main = _html_main(soup, body)
        root = main if main is not None else body
        _drop_chrome(root, in_main=main is not None)
        out = _HtmlText()
        out.walk(root)
        out.flush()
    except IngestError:
        raise
    except Exception as exc:
        log.debug("html parsing failed on %s: %r", path, exc)
        raise IngestError(path, f"could not parse HTML ({type(exc).__name__})") from exc
    return fix_legacy_vietnamese(_join_blocks(out.blocks))


_READERS: dict[str, Callable[[Path], str]] = {
    ".txt": _read_txt,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".html": _read_html,
    ".htm": _read_html,
}
