"""The web app end to end in a real headless browser (Debian's chromium, driven by Playwright).

The app runs in this process on a free port with a private copy of the corpus store; the
tests type questions, upload files and follow citations the way a user would, and save
screenshots into artifacts/screenshots/.
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.test_ui import PLAN_TEXT, SCRIPT_TEXT
from tracuu.ui import TracuuApp, launch

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install -y chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(corpus_store, embedder, tmp_path_factory):
    root = tmp_path_factory.mktemp("ui_browser_store") / "store"
    shutil.copytree(corpus_store, root)
    app = TracuuApp(root, embedder=embedder, show_progress=False)
    port = _free_port()
    demo = launch(app, "127.0.0.1", port, block=False, quiet=True)
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}/", app=app)
    demo.close()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1366, "height": 768})
        pg.set_default_timeout(TIMEOUT_MS)
        pg.dialogs = []  # any alert() a document manages to run ends up here

        def on_dialog(dialog):
            pg.dialogs.append(dialog.message)
            dialog.dismiss()

        pg.on("dialog", on_dialog)
        pg.goto(server.url)
        pg.wait_for_selector("#tc-question textarea")
        yield pg
        browser.close()


def ask(page, question: str) -> str:
    """Type a question, press Enter, wait for its answer card; return the answer text."""
    page.get_by_role("tab", name="Hỏi đáp", exact=True).click()
    box = page.locator("#tc-question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "q => { const el = document.querySelector('#tc-answer [data-question]');"
        " return el && el.dataset.question === q; }", arg=question)
    return page.locator("#tc-answer .tc-answer-text").inner_text()


def upload(page, path: Path) -> str:
    page.get_by_role("tab", name="Nạp văn bản", exact=True).click()
    page.locator("#tc-up-files input[type=file]").set_input_files(str(path))
    # uploaded to the server (not just listed): the component then offers it for download
    page.wait_for_selector(f'#tc-up-files a[download="{path.name}"]')
    page.click("#tc-up-btn")
    page.wait_for_function(  # the report names the file once the upload is done
        "n => { const el = document.querySelector('#tc-up-report .tc-card');"
        " return el && el.innerText.includes(n); }", arg=path.name)
    return page.locator("#tc-up-report .tc-card").inner_text()


def test_ask_shows_answer_and_citation(page, server):
    lead = next(a.lead[0] for a in server.app.lib.assignments if "(DTI)" in a.task and a.lead)
    answer = ask(page, "Cơ quan nào chủ trì mục tiêu DTI?")
    assert lead in answer
    sources = page.locator("#tc-sources")
    assert "Nguồn trích dẫn" in sources.inner_text()
    mark = sources.locator("mark").first
    assert mark.is_visible() and mark.inner_text() in answer
    page.screenshot(path=str(SHOTS / "ask_answer.png"), full_page=True)


def test_unaccented_and_english_questions(page, server):
    lead = next(a.lead[0] for a in server.app.lib.assignments if a.row_number == "Chuyên đề 6")
    assert lead in ask(page, "ai chu tri chuyen de 6")
    signer = next(d.signer for d in server.app.lib.documents.values() if d.doc_number == "1886/KH-UBND")
    assert signer in ask(page, "Who signed plan 1886/KH-UBND?")
    assert "1886/KH-UBND" in page.locator("#tc-sources").inner_text()
    page.screenshot(path=str(SHOTS / "ask_english.png"), full_page=True)


def test_not_found_shows_closest_passages(page):
    answer = ask(page, "Đội tuyển nào vô địch giải bóng đá World Cup 2018?")
    assert "Không tìm thấy" in answer
    assert page.locator("#tc-sources .tc-hit").count() >= 1
    page.screenshot(path=str(SHOTS / "ask_not_found.png"), full_page=True)


def test_citation_button_opens_the_document_at_the_passage(page):
    ask(page, "Cơ quan nào chủ trì mục tiêu DTI?")
    page.click("#tc-open-1")
    view = page.locator("#tc-doc-view")
    view.locator("mark").first.wait_for()
    assert page.locator("#tab-docs-button").get_attribute("aria-selected") == "true"
    assert "DTI" in view.locator("mark").first.inner_text()
    page.screenshot(path=str(SHOTS / "document_from_citation.png"))


def test_deep_link_opens_a_section(page, server):
    lib = server.app.lib
    doc = next(d for d in lib.documents.values() if d.doc_number == "1886/KH-UBND")
    sec = next(s for s in lib.sections[doc.doc_id] if s.level > 1)
    page.goto(f"{server.url}?doc={doc.doc_id}&section={sec.section_id}&hl={sec.start}-{sec.start + 20}")
    page.locator("#tc-doc-view mark").first.wait_for()
    assert page.locator("#tab-docs-button").get_attribute("aria-selected") == "true"
    assert doc.text[sec.start:sec.start + 20].strip() in page.locator("#tc-doc-view mark").first.inner_text()
    page.goto(server.url)
    page.wait_for_selector("#tc-question textarea")


def test_responsibilities_search_and_agency_view(page, server):
    page.get_by_role("tab", name="Trách nhiệm", exact=True).click()
    query = page.locator("#tc-r-query textarea, #tc-r-query input").first
    query.fill("so noi vu")
    query.press("Enter")
    expected = len(server.app.records(query="so noi vu"))
    page.get_by_text(f"{expected} / {len(server.app.lib.assignments)}").wait_for()
    assert "Sở Nội vụ" in page.locator("#tc-r-table").inner_text()
    page.screenshot(path=str(SHOTS / "responsibilities.png"))
    page.get_by_role("tab", name="Theo cơ quan", exact=True).click()
    page.locator("#tc-agency input").fill("so noi vu")
    page.locator("#tc-agency input").press("Enter")
    page.get_by_text("Nhiệm vụ chủ trì").wait_for()
    page.screenshot(path=str(SHOTS / "agency.png"))
    page.get_by_role("tab", name="Bảng trách nhiệm", exact=True).click()


def test_upload_then_answer(page, server, tmp_path):
    src = tmp_path / "KH-77-du-lich.txt"
    src.write_text(PLAN_TEXT, encoding="utf-8")
    report = upload(page, src)
    assert "Đã thêm" in report and src.name in report
    page.screenshot(path=str(SHOTS / "upload_report.png"))
    answer = ask(page, "Cơ quan nào chủ trì xây dựng bản đồ số các điểm du lịch cộng đồng?")
    assert "Sở Văn hóa, Thể thao và Du lịch" in answer
    assert "77/KH-UBND" in page.locator("#tc-sources").inner_text()
    page.screenshot(path=str(SHOTS / "upload_answered.png"), full_page=True)


def test_uploaded_script_stays_inert(page, server, tmp_path):
    src = tmp_path / "an-toan-thong-tin.txt"
    src.write_text(SCRIPT_TEXT, encoding="utf-8")
    assert "Đã thêm" in upload(page, src)
    ask(page, "Cơ quan nào chủ trì rà soát mã độc trên cổng dịch vụ công?")
    page.click("#tc-open-1")
    view = page.locator("#tc-doc-view")
    view.locator("mark").first.wait_for()
    text = view.inner_text()
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text
    assert view.locator("script").count() == 0 and view.locator("img").count() == 0
    page.wait_for_timeout(500)
    assert page.dialogs == []
    page.screenshot(path=str(SHOTS / "script_inert.png"))


def test_english_switch_relabels_the_interface(page):
    page.get_by_text("English", exact=True).click()
    page.get_by_role("tab", name="Responsibilities", exact=True).wait_for()
    assert page.get_by_role("tab", name="Ask", exact=True).is_visible()
    page.get_by_role("tab", name="Ask", exact=True).click()
    assert "Question" in page.locator("#tc-question").inner_text()
    assert "Plan lookup" in page.locator("#tc-header").inner_text()
    page.screenshot(path=str(SHOTS / "english.png"))
    page.get_by_text("Tiếng Việt", exact=True).click()
    page.get_by_role("tab", name="Hỏi đáp", exact=True).wait_for()


def test_layout_fits_a_laptop_screen(page):
    """At 1366×768 nothing overflows sideways and the question box is above the fold."""
    widths = json.loads(page.evaluate(
        "() => JSON.stringify([document.documentElement.scrollWidth, window.innerWidth])"))
    assert widths[0] <= widths[1]
    box = page.locator("#tc-question textarea").bounding_box()
    assert box and box["y"] + box["height"] < 768


def test_document_table_row_opens_the_document(page, server):
    page.get_by_role("tab", name="Văn bản", exact=True).click()
    doc = next(d for d in server.app.lib.documents.values() if d.doc_number == "1886/KH-UBND")
    page.locator("#tc-d-table").get_by_text(doc.doc_id, exact=True).first.click()
    page.locator("#tc-doc-view").get_by_text(doc.title[:40]).first.wait_for()
    assert "1886/KH-UBND" in page.locator("#tc-doc-view h3").inner_text()
    assert page.locator("#tc-sections label").count() == len(server.app.lib.sections[doc.doc_id]) + 1
    page.screenshot(path=str(SHOTS / "documents.png"))
