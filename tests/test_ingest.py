"""Ingest on the bundled corpus: metadata, duplicates, structure, chunks, store, CLI."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS, DOC_131, DOC_1886, DOC_304, DOC_304_COPY, DOC_QT
from tracuu.cli import main
from tracuu.index.store import Store
from tracuu.ingest.pipeline import Ingestor, parse_text
from tracuu.ingest.structure import classify_line


@pytest.fixture(scope="module")
def snap(lexical_store):
    return Store(lexical_store).open()


@pytest.fixture(scope="module")
def docs(snap):
    return {d.doc_id: d for d in snap.documents()}


def test_metadata_of_each_plan(docs):
    d = docs[DOC_304]
    assert (d.doc_number, d.doc_type, d.issue_date, d.province) == ("304/KH-UBND", "Kế hoạch", "2022-12-26", "Quảng Ninh")
    assert d.signer == "Bùi Văn Khắng" and "PHÓ CHỦ TỊCH" in d.signer_title
    assert d.title.startswith("Triển khai thực hiện Nghị quyết số 124/NQ-HĐND")
    d = docs[DOC_1886]
    assert (d.doc_number, d.issue_date, d.province, d.signer) == ("1886/KH-UBND", "2021-09-10", "Quảng Bình", "Trần Thắng")
    assert d.issuer == "UBND tỉnh Quảng Bình"
    assert "PAR INDEX" in d.title
    d = docs[DOC_QT]
    # the source leaves the number and day blank ("Kế hoạch số: /KH-VP ngày /3/2024"): never invented
    assert d.doc_number is None and d.issue_date is None
    assert d.extra["issue_month"] == "2024-03"
    assert d.signer == "Lê Hữu Phước" and d.province == "Quảng Trị"
    d = docs[DOC_131]
    assert d.signer == "Nguyễn Tuấn Hà" and d.doc_number is None and d.province is None


def test_signature_span_points_at_the_signer(docs):
    d = docs[DOC_1886]
    a, b = d.signer_span
    assert "Trần Thắng" in d.text[a:b] and "CHỦ TỊCH" in d.text[a:b]


def test_truncated_copy_is_merged_into_the_complete_plan(docs):
    assert DOC_304_COPY not in docs
    assert "000_b7e4178caef8d8bf.txt" in docs[DOC_304].duplicates
    # the website header of the copy fills what the full text lacks
    assert docs[DOC_304].extra["website_header"]["signer"] == "Bùi Văn Khắng"


def test_section_paths(snap):
    paths = [s.breadcrumb for s in snap.sections(DOC_304)]
    assert any(p.startswith("III. NHÓM NHIỆM VỤ, GIẢI PHÁP › 9. Về xây dựng và triển khai một số chuyên đề trọng tâm › g) Chuyên đề 7:")
               for p in paths)
    assert "II. MỤC TIÊU › 2. Mục tiêu cụ thể › a) Đến năm 2025" in paths
    kinds = {s.kind for s in snap.sections(DOC_1886)}
    assert {"roman", "number", "recipients", "signature", "appendix"} <= kinds


def test_headings_are_told_from_references():
    assert classify_line("III. NHÓM NHIỆM VỤ, GIẢI PHÁP")[0] == "roman"
    assert classify_line("2.1. Rà soát thủ tục")[:3] == ("number", 6, "2.1")
    assert classify_line("Điều 5. Trách nhiệm thi hành")[0] == "article"
    assert classify_line("Chương II")[0] == "chapter"
    assert classify_line("g) Chuyên đề 7: Nâng cao hiệu quả")[0] == "topic"
    assert classify_line("theo Điều 5 của Nghị quyết số 124/NQ-HĐND") is None
    assert classify_line("100% hồ sơ được số hóa") is None
    assert classify_line("2025 là năm bản lề") is None


def test_text_chunks_stay_inside_their_section(snap):
    sections = {s.section_id: s for s in snap.sections()}
    docs = {d.doc_id: d for d in snap.documents()}
    for c in snap.chunks():
        if c.kind != "text":
            continue
        s = sections[c.section_id]
        # grouped short siblings carry the first sibling's id and the parent's path
        bound = s if c.section_path == s.breadcrumb or not s.parent_id else sections[s.parent_id]
        assert bound.start <= c.start and c.end <= bound.end
        assert docs[c.doc_id].text[c.start:c.end] == c.text
        assert len(c.text.split()) <= 300


def test_table_rows_are_chunks_with_their_table(snap):
    rows = [c for c in snap.chunks(DOC_304) if c.kind == "row"]
    dti = [c for c in rows if "Top 3" in c.text]
    assert dti and "Sở Thông tin và Truyền thông" in dti[0].text
    assert "Phân công trách nhiệm" in dti[0].header


def test_reingest_unchanged_corpus_changes_nothing(lexical_store, tmp_path):
    store = Store(tmp_path / "s")
    Ingestor(store, None, None, show_progress=False).run()
    before = {c.chunk_id for c in store.open().chunks()}
    report = Ingestor(store, None, None, show_progress=False).run()
    assert not report.added and not report.changed and len(report.unchanged) == 4
    assert {c.chunk_id for c in store.open().chunks()} == before


def test_parse_text_is_pure_and_deterministic():
    raw = (CORPUS / "003_fc34b6e3cdc17385.txt").read_text(encoding="utf-8")
    a, b = parse_text("x", "x.txt", raw), parse_text("x", "x.txt", raw)
    assert [c.chunk_id for c in a.chunks] == [c.chunk_id for c in b.chunks]


def test_cli_ingest_docs_assignments(tmp_path, capsys):
    store = str(tmp_path / "cli")
    assert main(["ingest", "--store", store, "--lexical-only", "-q"]) == 0
    out = capsys.readouterr().out
    assert "Documents: 4" in out and "near-duplicate" in out and "000_b7e4178caef8d8bf.txt" in out
    assert main(["docs", "--store", store, "--json"]) == 0
    docs = json.loads(capsys.readouterr().out)
    assert {d["doc_number"] for d in docs} >= {"304/KH-UBND", "1886/KH-UBND"}
    assert main(["assignments", "--store", store, "--agency", "so thong tin va truyen thong", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert any("Top 3" in r["task"] for r in rows)
    assert all(any("Thông tin và Truyền thông" in x for x in r["lead"] + r["partners"]) for r in rows)
    assert main(["assignments", "--store", store, "--csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("doc_id,row,task,lead")


def test_cli_reports_skipped_files_and_fails_when_nothing_ingested(tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "notes.xyz").write_text("x")
    assert main(["ingest", str(bad), "--store", str(tmp_path / "s"), "--lexical-only", "-q"]) == 1
    out = capsys.readouterr()
    assert "empty.txt" in out.out and "notes.xyz" in out.out
