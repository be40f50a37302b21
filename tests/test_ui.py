"""The web app's callbacks, called directly (no browser) on the bundled corpus.

Expected values come from the store itself (responsibility records, document metadata),
so the tests check that the UI shows what the index holds, escaped and filtered right.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracuu.normalize import fold
from tracuu.retrieval.answer import NOT_FOUND
from tracuu.ui import STRINGS, TracuuApp, answer_pieces, build_demo, highlight, parse_auth, safe_filename

pytestmark = pytest.mark.slow

UPLOAD_LIMIT = 256 * 1024

PLAN_TEXT = """ỦY BAN NHÂN DÂN
TỈNH HÀ GIANG
-------
Số: 77/KH-UBND

Hà Giang, ngày 5 tháng 3 năm 2024

KẾ HOẠCH
Phát triển du lịch cộng đồng vùng cao nguyên đá năm 2024

I. MỤC ĐÍCH, YÊU CẦU
Khai thác bền vững cảnh quan cao nguyên đá, nâng cao thu nhập cho đồng bào vùng cao.

II. NHIỆM VỤ
1. Xây dựng bản đồ số các điểm du lịch cộng đồng
- Cơ quan chủ trì: Sở Văn hóa, Thể thao và Du lịch.
- Cơ quan phối hợp: Sở Thông tin và Truyền thông; UBND các huyện vùng cao.
- Thời gian thực hiện: Quý III/2024.

2. Đào tạo hướng dẫn viên người dân tộc thiểu số
- Cơ quan chủ trì: Sở Lao động - Thương binh và Xã hội.
- Thời gian thực hiện: Năm 2024.
"""

SCRIPT_TEXT = """KẾ HOẠCH
Bảo đảm an toàn thông tin cổng dịch vụ công năm 2024

I. NHIỆM VỤ
1. Rà soát mã độc trên cổng dịch vụ công
Mẫu tấn công cần chặn: <script>alert(1)</script> và <img src=x onerror=alert(2)> phải được lọc bỏ.
- Cơ quan chủ trì: Trung tâm Giám sát an toàn không gian mạng.
- Thời gian thực hiện: Quý II/2024.
"""


@pytest.fixture(scope="module")
def app(corpus_store, embedder) -> TracuuApp:
    """Read-only app on the shared session store."""
    return TracuuApp(corpus_store, embedder=embedder, allow_upload=False, show_progress=False)


@pytest.fixture(scope="module")
def upload_app(corpus_store, embedder, tmp_path_factory) -> TracuuApp:
    """An app on a private copy of the store, so uploads never touch the shared one."""
    root = tmp_path_factory.mktemp("ui_upload_store") / "store"
    shutil.copytree(corpus_store, root)
    return TracuuApp(root, embedder=embedder, max_bytes=UPLOAD_LIMIT, show_progress=False)


def _text(fragment: str) -> str:
    """Visible text of an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def _current(app: TracuuApp) -> str:
    return (app.store.root / "CURRENT").read_text()


# --- Ask --------------------------------------------------------------------------------

def test_ask_renders_answer_first_with_highlighted_citation(app):
    dti = [a for a in app.lib.assignments if "(DTI)" in a.task and a.lead]
    assert dti, "the corpus has a DTI target row"
    res = app.ask("Cơ quan nào chủ trì mục tiêu DTI?")
    assert res.answer is not None and not res.answer.abstained
    assert dti[0].lead[0] in res.answer.answer
    assert html.escape(res.answer.answer) in res.answer_html
    assert "tc-answer" in res.answer_html and "tc-notfound" not in res.answer_html
    c = res.answer.citations[0]
    assert html.escape(c.doc_number or "") in res.sources_html
    assert html.escape(c.section) in res.sources_html
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", res.sources_html)
    assert any(html.unescape(m) in res.answer.answer for m in marked)
    # the first "open source" target points into the cited document at a section holding the quote
    t = res.targets[0]
    sec = app.lib.section_index[t.section_id]
    assert t.doc_id == c.doc_id and sec.start <= c.start < sec.end
    assert f"doc={c.doc_id}" in res.sources_html  # deep link
    assert res.seconds > 0 and "giây" in res.answer_html


def test_ask_unaccented_and_english(app):
    topic = [a for a in app.lib.assignments if fold(a.row_number) == "chuyen de 6"]
    assert topic and topic[0].lead
    res = app.ask("ai chu tri chuyen de 6")
    assert not res.answer.abstained
    assert topic[0].lead[0] in res.answer.answer

    doc = next(d for d in app.lib.documents.values() if d.doc_number == "1886/KH-UBND")
    res = app.ask("Who signed plan 1886/KH-UBND?", lang="en")
    assert not res.answer.abstained and doc.signer in res.answer.answer
    assert "Answer" in res.answer_html and html.escape(doc.signer) in res.sources_html


def test_ask_not_found_shows_message_and_closest_passages(app):
    res = app.ask("Đội tuyển nào vô địch giải bóng đá World Cup 2018?")
    assert res.answer.abstained
    assert html.escape(NOT_FOUND) in res.answer_html and "tc-notfound" in res.answer_html
    assert "tc-hit" in res.sources_html and res.targets


def test_ask_filters_and_modes(app):
    doc = next(d for d in app.lib.documents.values() if d.doc_number == "1886/KH-UBND")
    res = app.ask("Sở Nội vụ chủ trì nhiệm vụ gì?", docs=[doc.doc_id], mode="lexical")
    assert res.answer is None and "tc-hit" in res.sources_html and "lexical" in res.answer_html
    assert res.targets and {t.doc_id for t in res.targets} == {doc.doc_id}
    assert re.search(r"điểm \d\.\d{3}", res.sources_html)
    res = app.ask("cải cách hành chính", province=doc.province, year=str(doc.year), mode="dense")
    assert res.targets and {t.doc_id for t in res.targets} == {doc.doc_id}
    assert "tc-card" in app.ask("   ").answer_html and not app.ask("").targets


def test_user_text_is_escaped(app):
    res = app.ask("<script>alert(1)</script> Sở Nội vụ <img src=x onerror=alert(2)>")
    for part in (res.answer_html, res.sources_html, res.others_html):
        assert "<script" not in part and "<img" not in part
    assert highlight("a <b>xy</b> & z", ["xy"]) == 'a &lt;b&gt;<mark id="tc-mark-1">xy</mark>&lt;/b&gt; &amp; z'


def test_highlight_and_answer_pieces():
    assert answer_pieces("Lead agency: Sở Tư pháp; Sở Nội vụ (Kế hoạch 304/KH-UBND)") == ["Sở Tư pháp", "Sở Nội vụ"]
    # accent- and case-insensitive fallback keeps positions of the original text
    out = highlight("Cơ quan chủ trì: SỞ TƯ PHÁP.", ["so tu phap"])
    assert "<mark" in out and "SỞ TƯ PHÁP</mark>" in out
    long = "x " * 600 + "needle" + " y" * 600
    cut = highlight(long, ["needle"], window=300)
    assert "needle</mark>" in cut and len(_text(cut)) < 400 and cut.startswith("… ")


# --- Responsibilities -----------------------------------------------------------------------

def test_records_filter_by_agency_accent_insensitive(app):
    accented = app.records(agency="Sở Nội vụ")
    assert accented and app.records(agency="so noi vu") == accented == app.records(agency="SỞ NỘI VỤ")
    assert all(any("nội vụ" in x.lower() for x in a.lead + a.partners) for a in accented)
    words = app.records(query="chuyen doi so")
    assert words and len(words) < len(app.lib.assignments)
    assert all("chuyen" in fold(" ".join([a.task, a.group, a.table_title, a.section_path, *a.lead, *a.partners,
                                           a.target or "", a.deadline or ""])) for a in words)
    doc_id = accented[0].doc_id
    assert {a.doc_id for a in app.records(agency="so noi vu", doc_id=doc_id)} == {doc_id}
    assert app.records(query="khong co tu nay xyzzy") == []


def test_export_csv_and_xlsx_hold_the_filtered_rows(app):
    from openpyxl import load_workbook

    recs = app.records(agency="so noi vu")
    path = app.export("csv", agency="so noi vu")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == app.record_headers("vi")[:3]
    assert len(rows) == len(recs) + 1
    assert [r[2] for r in rows[1:]] == [a.task for a in recs]
    assert all("Sở Nội vụ" in r[3] + r[4] for r in rows[1:])

    path = app.export("xlsx", agency="so noi vu", lang="en")
    ws = load_workbook(path).active
    values = list(ws.iter_rows(values_only=True))
    assert values[0][2] == "Task" and len(values) == len(recs) + 1
    assert values[1][2] == recs[0].task and values[1][-1] == recs[0].doc_id
    with pytest.raises(ValueError):
        app.export("pdf")


def test_agency_profile_lists_lead_then_partner_tasks(app):
    profile = app.agency_profile("so ke hoach va dau tu")
    leads = [a for a in app.lib.assignments if any(fold(x) == "so ke hoach va dau tu" for x in a.lead)]
    assert leads
    text = _text(profile)
    assert "Sở Kế hoạch và Đầu tư" in text
    n_lead = len([a for a in app.lib.assignments if any("so ke hoach va dau tu" in fold(x) for x in a.lead)])
    assert f"chủ trì {n_lead} nhiệm vụ" in text
    assert text.index("Nhiệm vụ chủ trì") < text.index("Nhiệm vụ phối hợp")
    assert _text(html.escape(leads[0].task[:60])) in text
    assert "Chọn một cơ quan" in app.agency_profile("")


# --- Documents ------------------------------------------------------------------------

def test_documents_tab(app):
    docs = app.lib.documents
    rows = app.document_rows()
    assert [r[-1] for r in rows] == list(docs)  # the ID column opens a document from the table
    merged = [d for d in docs.values() if d.duplicates]
    assert merged and any(merged[0].duplicates[0] in r[-2] for r in rows)
    doc_id = next(d.doc_id for d in docs.values() if d.doc_number == "1886/KH-UBND")
    choices = app.section_choices(doc_id)
    assert choices[0][1] == "" and len(choices) == len(app.lib.sections[doc_id]) + 1
    assert any(label.startswith("\u2003") for label, _ in choices)  # nested sections are indented
    full = app.document_html(doc_id)
    assert "1886/KH-UBND" in full and "Trần Thắng" in full
    sec = next(s for s in app.lib.sections[doc_id] if s.level > 1 and s.end - s.start > 200)
    view = app.document_html(doc_id, sec.section_id, (sec.start + 10, sec.start + 40))
    body = html.unescape(re.sub(r"<[^>]+>", "", view.split('class="tc-doc-text tc-pre">')[1]))
    doc_text = docs[doc_id].text
    assert body.startswith(doc_text[sec.start:sec.start + 40])
    assert len(body) < len(doc_text) / 2  # one section, not the whole document
    assert re.search(r"<mark[^>]*>", view) and html.escape(sec.breadcrumb) in view
    assert "Chọn một văn bản" in app.document_html("no-such-doc")


# --- Upload -----------------------------------------------------------------------------

def test_upload_good_txt_is_added_and_answered(upload_app, tmp_path):
    src = tmp_path / "KH 77 du lịch.txt"
    src.write_text(PLAN_TEXT, encoding="utf-8")
    before = len(upload_app.lib.documents)
    report = upload_app.upload([str(src)])
    assert "Đã thêm" in report, report
    assert len(upload_app.lib.documents) == before + 1
    saved = list((upload_app.store.root / "uploads").iterdir())
    assert [p.name for p in saved] == ["KH_77_du_lịch.txt"]
    res = upload_app.ask("Cơ quan nào chủ trì xây dựng bản đồ số các điểm du lịch cộng đồng?")
    assert not res.answer.abstained and "Sở Văn hóa, Thể thao và Du lịch" in res.answer.answer
    new_id = next(d for d in upload_app.lib.documents if "77" in d)
    assert res.answer.citations[0].doc_id == new_id


def test_upload_rejects_wrong_type_oversize_and_unreadable(upload_app, tmp_path):
    exe = tmp_path / "setup.exe"
    exe.write_bytes(b"MZ" + b"\0" * 100)
    big = tmp_path / "lon.txt"
    big.write_text("Kế hoạch. " * (UPLOAD_LIMIT // 8), encoding="utf-8")
    binary = tmp_path / "rac.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)
    scan = tmp_path / "ban-scan.pdf"
    pdf.output(str(scan))
    before = _current(upload_app)
    report = upload_app.upload([str(exe), str(big), str(binary), str(scan)])
    text = _text(report)
    assert "setup.exe" in text and "không được hỗ trợ '.exe'" in text
    assert "lon.txt" in text and "vượt giới hạn 0.2 MB" in text
    assert "rac.txt" in text and "ban-scan.pdf" in text and "no text layer" in text
    assert "chỉ mục giữ nguyên" in text
    assert _current(upload_app) == before  # nothing was written
    assert not any(p.name in ("lon.txt", "rac.txt", "setup.exe") for p in (upload_app.store.root / "uploads").iterdir())
    en = _text(upload_app.upload([str(exe)], lang="en"))
    assert "unsupported file type '.exe'" in en
    assert "Chưa chọn tệp" in upload_app.upload([])


def test_upload_with_script_is_shown_as_text(upload_app, tmp_path):
    src = tmp_path / "an-toan-<script>.txt"  # a legal file name on Linux
    src.write_text(SCRIPT_TEXT, encoding="utf-8")
    report = upload_app.upload([str(src)])
    assert "Đã thêm" in report and "an-toan-&lt;script&gt;.txt" in report and "<script" not in report
    assert (upload_app.store.root / "uploads" / "an-toan-_script.txt").is_file()
    doc_id = next(d for d, doc in upload_app.lib.documents.items() if "<script>" in doc.text)
    view = upload_app.document_html(doc_id)
    assert "<script" not in view and "<img" not in view
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in view
    res = upload_app.ask("Cơ quan nào chủ trì rà soát mã độc trên cổng dịch vụ công?")
    page = res.answer_html + res.sources_html + res.others_html
    assert "<script" not in page and "<img" not in page


def test_uploads_can_be_turned_off(app, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(PLAN_TEXT, encoding="utf-8")
    with pytest.raises(PermissionError):
        app.upload([str(src)])


@pytest.mark.parametrize("name,expected", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\win.ini", "win.ini"),
    ("/tmp/a/Kế hoạch 01.TXT", "Kế_hoạch_01.txt"),
    ("..", "van-ban"),
    (".bashrc", "van-ban.bashrc"),
    ("a\x00b;rm -rf $(x).docx", "ab_rm_-rf_x.docx"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_safe_filename_never_escapes_the_folder(name):
    out = safe_filename(name)
    assert out and "/" not in out and "\\" not in out and not out.startswith(".")
    assert Path("/srv/uploads", out).resolve().parent == Path("/srv/uploads")


# --- wiring ---------------------------------------------------------------------------------

def test_strings_exist_in_both_languages():
    assert set(STRINGS["vi"]) == set(STRINGS["en"])


def test_parse_auth():
    assert parse_auth("an:mat-khau") == [("an", "mat-khau")]
    assert parse_auth("a:b, c:d") == [("a", "b"), ("c", "d")]
    assert parse_auth(None) is None
    with pytest.raises(ValueError):
        parse_auth("no-colon")


def test_build_demo_has_the_four_tabs(app):
    demo = build_demo(app)
    ids = {b.id for b in demo.blocks.values() if type(b).__name__ == "Tab"}
    labels = {b.label for b in demo.blocks.values() if type(b).__name__ == "Tab"}
    assert {"Hỏi đáp", "Trách nhiệm", "Văn bản", "Nạp văn bản"} <= labels
    assert {"ask", "resp", "docs", "upload"} <= ids
    upload_tab = next(b for b in demo.blocks.values() if type(b).__name__ == "Tab" and b.id == "upload")
    assert upload_tab.visible is False  # this app has uploads turned off


def test_app_launcher_help():
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, str(root / "app.py"), "--help"], capture_output=True, text=True,
                         timeout=120, cwd=root)
    assert out.returncode == 0, out.stderr
    for flag in ("--host", "--port", "--store", "--no-upload", "--auth"):
        assert flag in out.stdout
