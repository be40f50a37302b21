"""File readers and legacy-encoding decoding, on files generated from the bundled corpus."""

from __future__ import annotations

import codecs
import random
import re
import unicodedata
from pathlib import Path

import pytest

from tracuu.ingest.encoding import (
    TCVN3_TO_UNICODE,
    VNI_TO_UNICODE,
    decode_bytes,
    encode_legacy,
    fix_legacy_vietnamese,
    is_vietnamese_syllable,
    tcvn3_to_unicode,
    vni_to_unicode,
)
from tracuu.ingest.readers import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, read_file
from tracuu.records import IngestError

CORPUS = sorted((Path(__file__).resolve().parent.parent / "data" / "corpus").glob("*.txt"))
PLAN_304 = next(p for p in CORPUS if p.name.startswith("004_"))

TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
VOWELS = "aăâeêioôơuưy"
ALL_LOWER = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def corpus_text(path: Path = PLAN_304) -> str:
    return path.read_text(encoding="utf-8")


def prose_lines(path: Path = PLAN_304, n: int = 40) -> list[str]:
    """Real sentences: the first ``n`` non-table lines of a corpus document."""
    lines = [ln for ln in corpus_text(path).splitlines() if ln.strip() and "\t" not in ln and "**" not in ln]
    return lines[:n]


def legacy_bytes(text: str, encoding: str) -> bytes:
    """What a Windows editor saved for text typed in a TCVN3/VNI font (quotes as cp1252)."""
    return encode_legacy(text, encoding).encode("cp1252")


def table_rows(path: Path = PLAN_304) -> list[list[str]]:
    """The numbered rows of the appendix table (TT, task, lead, partners, deadline)."""
    rows = [ln.split("\t") for ln in corpus_text(path).splitlines() if ln.count("\t") == 4]
    return [r for r in rows if r[0].isdigit() and all(r[1:])]


# --- legacy encodings: checked against well-known samples ----------------------------------


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Céng hßa x· héi chñ nghÜa ViÖt Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
        ("CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),  # .VnTimeH
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
        ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ],
)
def test_known_legacy_samples_are_converted(legacy: str, unicode: str) -> None:
    assert fix_legacy_vietnamese(legacy) == unicode
    assert decode_bytes(legacy.encode("cp1252"), "sample.txt") == unicode


def test_known_samples_encode_back_to_the_same_legacy_text() -> None:
    assert encode_legacy("Cộng hòa xã hội chủ nghĩa Việt Nam", "tcvn3") == "Céng hßa x· héi chñ nghÜa ViÖt Nam"
    assert encode_legacy("Cộng hòa xã hội chủ nghĩa Việt Nam", "vni") == "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"


def test_tables_cover_every_letter_and_tone() -> None:
    tcvn3_letters = set(TCVN3_TO_UNICODE.values())
    vni_letters = set(VNI_TO_UNICODE.values())
    for letter in ALL_LOWER:
        if not letter.isascii():
            assert letter in tcvn3_letters, letter
            assert letter in vni_letters and letter.upper() in vni_letters, letter
        # every letter survives the round trip, alone in a word and in an all-caps word
        assert tcvn3_to_unicode(encode_legacy("x" + letter + "n", "tcvn3")) == "x" + letter + "n"
        assert tcvn3_to_unicode(encode_legacy("X" + letter.upper() + "N", "tcvn3")) == "X" + letter.upper() + "N"
        for word in ("x" + letter + "n", "X" + letter.upper() + "N", "X" + letter + "n"):
            assert vni_to_unicode(encode_legacy(word, "vni")) == word
    assert len(set(TCVN3_TO_UNICODE)) == len(TCVN3_TO_UNICODE) == 12 * 5 + 14


def test_syllable_checker_accepts_the_corpus_vocabulary() -> None:
    words = re.findall(r"[^\W\d_]+", corpus_text())
    vietnamese = [w for w in words if len(w) > 1 and not w.isupper() and not w.isascii()]
    assert vietnamese and all(is_vietnamese_syllable(w) for w in vietnamese)
    # TCVN3 read raw: "tốt" → "tèt" (grave before a stop), "hoạt" → "ho¹t"
    assert not is_vietnamese_syllable("tèt") and not is_vietnamese_syllable("ho¹t")


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_corpus_documents_round_trip_through_legacy_bytes(encoding: str) -> None:
    for path in CORPUS:
        original = corpus_text(path)
        data = legacy_bytes(original, encoding)
        decoded = decode_bytes(data, path.name)
        if encoding == "vni":
            assert decoded == original
            continue
        # TCVN3 has no toned capitals: "Ủy ban" comes back "ủy ban"; all-caps lines are exact
        assert decoded.lower() == original.lower()
        for got, want in zip(decoded.splitlines(), original.splitlines()):
            if want.isupper():
                assert got == want


def test_unicode_text_is_left_alone() -> None:
    for path in CORPUS:
        text = corpus_text(path)
        assert fix_legacy_vietnamese(text) == text
    for text in ("Hà Nội có Cà Mau", "Ông Tô", "Müller ½ §3", "Tăng ½ so với", "café – “ngoặc”"):
        assert fix_legacy_vietnamese(text) == text


def test_mixed_unicode_and_tcvn3_paragraphs() -> None:
    lines = prose_lines(n=6)
    mixed = "\n\n".join(encode_legacy(ln, "tcvn3") if i % 2 else ln for i, ln in enumerate(lines))
    back = fix_legacy_vietnamese(mixed).split("\n\n")
    assert [b.lower() for b in back] == [ln.lower() for ln in lines]


# --- text files in every encoding ------------------------------------------------------------


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Word wrote it: base letter (with its quality mark) + combining tone."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            base = nfc("".join(c for c in decomposed if c not in TONES[1:]))
            tone = "".join(c for c in decomposed if c in TONES[1:])
            out += (base + tone).encode("cp1258")
    return bytes(out)


def test_cp1258_text_file(tmp_path: Path) -> None:
    text = "\n\n".join(prose_lines(n=30))
    data = to_cp1258(text)
    assert b"\xd2" in data or b"\xf2" in data  # combining tones really are in there
    path = tmp_path / "kh.txt"
    path.write_bytes(data)
    assert read_file(path) == text


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),  # BOM, native order
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
        lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
        lambda t: t.encode("utf-16-le"),  # no BOM
        lambda t: legacy_bytes(t, "vni"),
    ],
    ids=["utf8-bom", "utf16", "utf16-be", "utf16-le", "utf16-le-no-bom", "vni"],
)
def test_text_file_encodings(tmp_path: Path, encode) -> None:
    text = corpus_text(CORPUS[0])
    path = tmp_path / "doc.txt"
    path.write_bytes(encode(text))
    assert read_file(path) == text


def test_tcvn3_text_file(tmp_path: Path) -> None:
    text = "\n".join(prose_lines(n=40))
    path = tmp_path / "cu.txt"
    path.write_bytes(legacy_bytes(text, "tcvn3"))
    got = read_file(path)
    assert got.lower() == text.lower()
    assert "Kế hoạch" in got or "KẾ HOẠCH" in got


def test_every_corpus_file_reads_as_its_utf8_content() -> None:
    assert len(CORPUS) == 5
    for path in CORPUS:
        assert read_file(path) == path.read_bytes().decode("utf-8")


def test_damaged_utf8_and_upper_case_suffix(tmp_path: Path) -> None:
    """A few broken bytes (a cut-off copy) do not turn a UTF-8 file into 8-bit mojibake."""
    text = corpus_text(CORPUS[0])
    data = text.encode("utf-8")
    data = data[:2000] + b"\xff" + data[2000:4000] + data[4001:]  # one stray byte, one cut character
    path = tmp_path / "KE_HOACH.TXT"
    path.write_bytes(data)
    got = read_file(path)
    assert got.count("\ufffd") <= 3
    assert got.replace("\ufffd", "")[:1000] == text[:1000]
    assert got.endswith(text[-1000:])


# --- docx ------------------------------------------------------------------------------------


def _merge_demo_docx(path: Path) -> tuple[list[str], list[list[str]]]:
    """A plan with a heading, paragraphs and a responsibility table whose "Trách nhiệm cụ
    thể" header spans two columns and whose lead agency cell spans three rows."""
    import docx

    paragraphs = prose_lines(n=4)
    rows = table_rows()[:3]
    lead = "Sở Nội vụ"
    doc = docx.Document()
    doc.add_heading("KẾ HOẠCH", level=1)
    for text in paragraphs[:3]:
        doc.add_paragraph(text)
    table = doc.add_table(rows=2 + len(rows), cols=5)
    top, sub = table.rows[0].cells, table.rows[1].cells
    for i, title in enumerate(["TT", "Nội dung", "Trách nhiệm cụ thể", None, "Thời gian thực hiện"]):
        if title:
            top[i].text = title
    top[2].merge(top[3])  # horizontal: gridSpan
    sub[2].text, sub[3].text = "Cơ quan chủ trì", "Cơ quan phối hợp"
    for i in (0, 1, 4):
        top[i].merge(sub[i])  # vertical header cells
    for r, (tt, task, _, partners, when) in enumerate(rows, start=2):
        cells = table.rows[r].cells
        cells[0].text, cells[1].text, cells[3].text, cells[4].text = tt, task, partners, when
    lead_cell = table.cell(2, 2).merge(table.cell(2 + len(rows) - 1, 2))  # vertical: vMerge
    lead_cell.text = lead
    table.cell(2, 1).add_paragraph("(second paragraph in the cell)")
    doc.add_paragraph(paragraphs[3])
    doc.save(str(path))
    expected_rows = [
        ["TT", "Nội dung", "Trách nhiệm cụ thể", "", "Thời gian thực hiện"],
        ["TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"],
    ] + [[tt, task, lead, partners, when] for tt, task, _, partners, when in rows]
    expected_rows[2][1] += " (second paragraph in the cell)"
    return paragraphs, expected_rows


def test_docx_paragraphs_heading_and_merged_table(tmp_path: Path) -> None:
    path = tmp_path / "ke_hoach.docx"
    paragraphs, expected_rows = _merge_demo_docx(path)
    text = read_file(path)
    blocks = text.rstrip("\n").split("\n\n")
    assert blocks[0] == "KẾ HOẠCH"
    assert blocks[1:4] == paragraphs[:3]
    assert blocks[4].split("\n") == ["\t".join(r) for r in expected_rows]
    assert blocks[5] == paragraphs[3]  # document order: the paragraph after the table
    assert len(blocks) == 6


def test_docx_legacy_fonts_are_converted(tmp_path: Path) -> None:
    import docx

    sentence = prose_lines(n=12)[-1]
    doc = docx.Document()
    p = doc.add_paragraph()
    p.add_run(encode_legacy("cộng hòa xã hội", "tcvn3")).font.name = ".VnTimeH"  # caps font
    p = doc.add_paragraph()
    p.add_run(encode_legacy(sentence, "tcvn3")).font.name = ".VnTime"
    p = doc.add_paragraph()
    p.add_run(encode_legacy(sentence, "vni")).font.name = "VNI-Times"
    doc.add_paragraph(encode_legacy(sentence, "vni"))  # no telling font: detected from the text
    doc.add_paragraph(sentence)  # already Unicode
    path = tmp_path / "cu.docx"
    doc.save(str(path))
    blocks = read_file(path).rstrip("\n").split("\n\n")
    assert blocks[0] == "CỘNG HÒA XÃ HỘI"
    assert blocks[1].lower() == sentence.lower()
    assert blocks[2:] == [sentence, sentence, sentence]


def test_docx_letterhead_and_signature_tables_read_as_paragraphs(tmp_path: Path) -> None:
    """Small layout tables carrying the letterhead or signature block are not data."""
    import docx

    doc = docx.Document()
    head = doc.add_table(rows=1, cols=2).rows[0].cells
    head[0].text = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH"
    head[0].add_paragraph("Số: 304/KH-UBND")
    head[1].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    head[1].add_paragraph("Độc lập - Tự do - Hạnh phúc")
    head[1].add_paragraph("Quảng Ninh, ngày 26 tháng 12 năm 2022")
    doc.add_paragraph("KẾ HOẠCH")
    sign = doc.add_table(rows=1, cols=2).rows[0].cells
    sign[0].text = "Nơi nhận:"
    sign[0].add_paragraph("- Như trên;")
    sign[1].text = "TM. ỦY BAN NHÂN DÂN"
    sign[1].add_paragraph("CHỦ TỊCH")
    path = tmp_path / "dau.docx"
    doc.save(str(path))
    text = read_file(path)
    assert "\t" not in text
    assert text.rstrip("\n").split("\n\n") == [
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH",
        "Số: 304/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ninh, ngày 26 tháng 12 năm 2022",
        "KẾ HOẠCH",
        "Nơi nhận:",
        "- Như trên;",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
    ]


# --- pdf -------------------------------------------------------------------------------------


def _unicode_font() -> str:
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


def test_pdf_with_vietnamese_text_layer(tmp_path: Path) -> None:
    from fpdf import FPDF

    lines = prose_lines(n=6)
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=_unicode_font())
    pdf.set_font("DejaVu", size=11)
    for page_lines in (lines[:3], lines[3:]):
        pdf.add_page()
        for ln in page_lines:
            pdf.multi_cell(0, 6, ln, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "ke_hoach.pdf"
    pdf.output(str(path))
    text = nfc(read_file(path))
    flat = " ".join(text.split())
    for ln in lines:
        assert " ".join(ln.split()) in flat
    assert "\n\n" in text  # pages joined by a blank line


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(IngestError, match="no text layer"):
        read_file(path)


def _vietnamese_pdf(lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", fname=_unicode_font())
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    for ln in lines:
        pdf.multi_cell(0, 6, ln, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@pytest.mark.parametrize(
    "make",
    [
        lambda: b"%PDF-1.4\nthis is not really a pdf\n",
        lambda: "văn bản".encode(),
        lambda: bytes(range(256)),
        lambda: _vietnamese_pdf(prose_lines(n=3))[:-300],  # truncated download
    ],
    ids=["header-only", "text", "binary", "truncated"],
)
def test_corrupted_pdf(tmp_path: Path, make) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(make())
    with pytest.raises(IngestError) as err:
        read_file(path)
    assert err.value.reason == "not a valid PDF (corrupted or not a PDF file)"
    assert err.value.path == str(path)


# --- html ------------------------------------------------------------------------------------


def _legal_site_page(paragraphs: list[str], rows: list[list[str]]) -> str:
    (tt1, task1, lead, p1, when1), (tt2, task2, _, p2, when2) = rows[0], rows[1]
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Kế hoạch 304/KH-UBND</title>
<style>.content1 {{ color: black }}</style>
<script>var tracking = "SCRIPT_SECRET"; document.write("<p>SCRIPT_WRITE</p>");</script>
</head><body>
<header><div class="logo">Thư viện văn bản</div></header>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/vb">NAV_LINK Văn bản</a></li></ul></nav>
<div class="breadcrumb">Trang chủ » Văn bản » BREADCRUMB_TEXT</div>
<div id="divContentDoc"><div class="content1">
<div class="share-buttons">SHARE_TEXT Facebook</div>
<h1>KẾ HOẠCH</h1>
{body}
<p>Không dùng thẻ &lt;script&gt; trong văn bản.<br>Dòng thứ hai<br/>Dòng thứ ba</p>
<table border="1">
<tr><td rowspan="2">TT</td><td rowspan="2">Nội dung</td><td colspan="2">Trách nhiệm cụ thể</td>
<td rowspan="2">Thời gian thực hiện</td></tr>
<tr><td>Cơ quan chủ trì</td><td>Cơ quan phối hợp</td></tr>
<tr><td>{tt1}</td><td><p>{task1}</p><p>(đoạn hai)</p></td><td rowspan="2">{lead}</td><td>{p1}</td><td>{when1}</td></tr>
<tr><td>{tt2}</td><td>{task2}</td><td>{p2}</td><td>{when2}</td></tr>
</table>
<p style="display:none">HIDDEN_TEXT</p>
<noscript>NOSCRIPT_TEXT</noscript>
<p>Nơi nhận:</p>
</div></div>
<aside class="sidebar">ASIDE_TEXT Văn bản liên quan</aside>
<div id="comments">COMMENT_TEXT</div>
<footer>FOOTER_TEXT Bản quyền</footer>
<script>console.log("SCRIPT_TAIL")</script>
</body></html>"""


def test_html_main_content_tables_and_no_chrome(tmp_path: Path) -> None:
    paragraphs = prose_lines(n=3)
    rows = table_rows()[:2]
    path = tmp_path / "vb.html"
    path.write_text(_legal_site_page(paragraphs, rows), encoding="utf-8")
    text = read_file(path)
    for junk in ("SCRIPT_", "NAV_LINK", "BREADCRUMB", "SHARE_TEXT", "HIDDEN", "NOSCRIPT", "ASIDE", "COMMENT", "FOOTER"):
        assert junk not in text
    assert "Thư viện văn bản" not in text and "Kế hoạch 304/KH-UBND" not in text  # header, <title>
    assert "Không dùng thẻ <script> trong văn bản.\nDòng thứ hai\nDòng thứ ba" in text
    blocks = text.rstrip("\n").split("\n\n")
    assert blocks[0] == "KẾ HOẠCH"
    assert blocks[1:4] == paragraphs
    (tt1, task1, lead, p1, when1), (tt2, task2, _, p2, when2) = rows
    assert blocks[5].split("\n") == [
        "TT\tNội dung\tTrách nhiệm cụ thể\t\tThời gian thực hiện",
        "TT\tNội dung\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian thực hiện",
        f"{tt1}\t{task1} (đoạn hai)\t{lead}\t{p1}\t{when1}",
        f"{tt2}\t{task2}\t{lead}\t{p2}\t{when2}",
    ]
    assert blocks[6] == "Nơi nhận:"


def test_html_without_main_container_and_aspnet_form(tmp_path: Path) -> None:
    paragraphs = prose_lines(n=4)
    page = (
        '<html><body><form id="aspnetForm" method="post"><div class="menu">MENU_TEXT</div>'
        + "".join(f"<div>{p}</div>" for p in paragraphs)
        + "<table><tr><td>Một ô duy nhất<br>trong khung</td></tr></table>"
        + "</form></body></html>"
    )
    path = tmp_path / "trang.htm"
    path.write_text(page, encoding="utf-8")
    text = read_file(path)
    assert "MENU_TEXT" not in text
    assert text.rstrip("\n").split("\n\n") == paragraphs + ["Một ô duy nhất\ntrong khung"]


def test_html_page_layout_table_is_not_a_data_table(tmp_path: Path) -> None:
    paragraphs = prose_lines(n=3)
    page = (
        "<html><body><table><tr><td>Danh mục</td><td><h2>KẾ HOẠCH</h2>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</td></tr></table></body></html>"
    )
    path = tmp_path / "khung.html"
    path.write_text(page, encoding="utf-8")
    assert read_file(path).rstrip("\n").split("\n\n") == ["Danh mục", "KẾ HOẠCH", *paragraphs]


def test_html_with_thousands_of_unclosed_tags(tmp_path: Path) -> None:
    """Old editors leave <font> tags open: the tree nests deeper than Python's recursion limit."""
    lines = prose_lines(n=30)
    page = "<html><body>" + "".join(f"<font face='Times'><p>{ln}" for ln in lines * 60) + "</body></html>"
    path = tmp_path / "sau.htm"
    path.write_text(page, encoding="utf-8")
    assert read_file(path).rstrip("\n").split("\n\n") == lines * 60


def test_html_declared_charsets_and_legacy_font_text(tmp_path: Path) -> None:
    sentence = prose_lines(n=10)[-1]
    page_1258 = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head><body><p>{sentence}</p></body></html>'
    path = tmp_path / "cp1258.html"
    path.write_bytes(to_cp1258(page_1258))
    assert read_file(path).strip() == sentence
    vni = encode_legacy(sentence, "vni")
    page_vni = f'<html><head><meta charset="iso-8859-1"></head><body><p><font face="VNI-Times">{vni}</font></p></body></html>'
    path = tmp_path / "vni.html"
    path.write_bytes(page_vni.encode("latin-1"))
    assert read_file(path).strip() == sentence


# --- errors ----------------------------------------------------------------------------------


def test_error_cases(tmp_path: Path) -> None:
    def reason(path: Path, **kw) -> str:
        with pytest.raises(IngestError) as err:
            read_file(path, **kw)
        assert err.value.path == str(path)
        return err.value.reason

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert reason(empty) == "empty file"

    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\t\n  \n", encoding="utf-8")
    assert reason(blank) == "no text"

    junk = tmp_path / "junk.txt"
    junk.write_bytes(random.Random(7).randbytes(4000))
    assert reason(junk) == "binary or unreadable content"
    controls = tmp_path / "controls.txt"
    controls.write_bytes(bytes(range(1, 32)) * 20 + "chữ".encode())
    assert reason(controls) == "binary or unreadable content"

    other = tmp_path / "bang.xyz"
    other.write_text("x", encoding="utf-8")
    assert reason(other) == f"unsupported file type '.xyz' (supported: {', '.join(SUPPORTED_SUFFIXES)})"

    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * int(1.5 * 1024 * 1024))
    assert reason(big, max_bytes=1024 * 1024) == "file is 1.5 MB, over the 1.0 MB limit (change with --max-mb)"
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024

    for name, data in [("zero.docx", b""), ("fake.docx", "văn bản".encode()), ("zip.docx", _zip_without_document())]:
        bad = tmp_path / name
        bad.write_bytes(data)
        assert reason(bad) == "not a valid .docx (corrupted or not a Word file)"

    assert reason(tmp_path / "missing.txt") == "file not found"
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert reason(folder) == "not a regular file"
    nul = tmp_path / "nul.txt"
    nul.write_bytes("Kế hoạch\x00".encode() * 200)
    assert reason(nul) == "binary or unreadable content"
    html = tmp_path / "empty.html"
    html.write_text("<html><body><script>var a = 1;</script><p>  </p></body></html>", encoding="utf-8")
    assert reason(html) == "no text"


def test_docx_without_text(tmp_path: Path) -> None:
    import docx

    doc = docx.Document()
    doc.add_paragraph("")
    doc.add_table(rows=2, cols=2)
    path = tmp_path / "trong.docx"
    doc.save(str(path))
    with pytest.raises(IngestError, match="no text"):
        read_file(path)


def _zip_without_document() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "xin chào")
    return buf.getvalue()
