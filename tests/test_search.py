"""Hybrid search on the bundled corpus; incremental updates; crash-safe swaps."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import CORPUS, DOC_304, DOC_1886, DOC_QT
from tracuu.index.store import Store
from tracuu.ingest.pipeline import Ingestor
from tracuu.retrieval.search import Filters, Mode, Searcher


def _top(searcher, q, k=5, **kw):
    return searcher.search(q, k=k, **kw)


@pytest.mark.parametrize("question", [
    "Cơ quan nào chủ trì mục tiêu DTI?",
    "co quan nao chu tri muc tieu DTI",          # no diacritics
    "cơ quan nao chu tri muc tieu DTI",          # half-accented
    "Who leads the DTI digital transformation target?",  # English
])
def test_dti_row_comes_first_however_asked(searcher, question):
    hits = _top(searcher, question, k=3)
    assert any("Top 3" in h.text and "Sở Thông tin và Truyền thông" in h.text for h in hits)
    assert hits[0].doc_id == DOC_304


def test_acronym_and_expansion_find_the_same_passage(searcher):
    a = _top(searcher, "tiến độ giải quyết TTHC quá hạn, trễ hạn chuyên đề 4")
    b = _top(searcher, "tiến độ giải quyết thủ tục hành chính quá hạn, trễ hạn chuyên đề 4")
    assert a[0].chunk_id == b[0].chunk_id
    assert "Chuyên đề 4" in a[0].section


def test_table_cell_row_is_found(searcher):
    hits = _top(searcher, "chất lượng website của tỉnh điểm số định hướng", k=3)
    assert hits[0].doc_id == DOC_QT and "52,61" in hits[0].text


def test_modes_and_filters(searcher):
    for mode in Mode:
        hits = searcher.search("Kiến trúc Chính quyền điện tử của tỉnh", k=5, mode=mode)
        assert hits and all(h.score > 0 for h in hits)
    only = searcher.search("chủ trì", k=10, filters={"doc": [DOC_1886]})
    assert only and {h.doc_id for h in only} == {DOC_1886}
    by_province = searcher.search("chủ trì", k=10, filters=Filters(province="Quảng Ninh"))
    assert {h.doc_id for h in by_province} == {DOC_304}
    by_year = searcher.search("chủ trì", k=10, filters={"year": 2021})
    assert {h.doc_id for h in by_year} == {DOC_1886}
    with pytest.raises(ValueError, match="hybrid"):
        searcher.search("x", mode="fuzzy")


def test_hits_are_plain_data_with_spans(searcher):
    doc = searcher.documents[DOC_1886]
    for h in searcher.search("Triển khai Kiến trúc Chính quyền điện tử của tỉnh", k=5):
        assert set(h.to_dict()) == {"chunk_id", "doc_id", "section", "text", "score"}
        if h.kind == "text":
            assert searcher.documents[h.doc_id].text[h.start:h.end] == h.text
    assert doc.text  # loaded with the snapshot


def _copy_corpus(dst, names):
    dst.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy(CORPUS / n, dst / n)


class CountingEmbedder:
    """The real model, counting what it is asked to encode."""

    def __init__(self, inner):
        self.inner, self.encoded = inner, 0
        self.model_id, self.dim, self.checksum = inner.model_id, inner.dim, inner.checksum

    def encode_passages(self, texts, **kw):
        self.encoded += len(texts)
        return self.inner.encode_passages(texts, **kw)

    def encode_queries(self, texts):
        return self.inner.encode_queries(texts)


def test_incremental_update_embeds_only_what_changed(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    _copy_corpus(corpus, ["003_fc34b6e3cdc17385.txt", "001_116e88d5bca89d95.txt"])
    counting = CountingEmbedder(embedder)
    store = Store(tmp_path / "store")
    first = Ingestor(store, lambda: counting, None, show_progress=False).run([corpus])
    n_first = counting.encoded
    assert first.build.embedded == first.chunks > 0 and first.build.sentences > first.chunks
    assert n_first == first.build.embedded + first.build.sentences_embedded
    before = {c.chunk_id for c in store.open().chunks()}

    # change one document, delete one, add one
    p = corpus / "003_fc34b6e3cdc17385.txt"
    p.write_text(p.read_text(encoding="utf-8") + "\n\nV. ĐIỀU KHOẢN BỔ SUNG\n\nSở Tài chính chủ trì bố trí kinh phí thẩm định hồ sơ điện tử.\n",
                 encoding="utf-8")
    (corpus / "001_116e88d5bca89d95.txt").unlink()
    _copy_corpus(corpus, ["002_62578f1bc7ff1908.txt"])
    counting.encoded = 0
    report = Ingestor(store, lambda: counting, None, show_progress=False).run([corpus])
    assert report.changed == ["003-fc34b6e3cdc17385"] and report.removed == [DOC_QT]
    assert report.added == [DOC_1886]
    snap = store.open()
    after = {c.chunk_id: c for c in snap.chunks()}
    assert not any(c.doc_id == DOC_QT for c in after.values())
    new_chunks = set(after) - before
    # only the added document and the changed part were embedded
    assert report.build.embedded + report.build.sentences_embedded == counting.encoded
    assert report.build.embedded < len(after) and report.build.embedded <= len(new_chunks)
    assert 0 < report.build.sentences_embedded < report.build.sentences  # unchanged sentences reuse theirs
    s = Searcher(store, embedder=embedder)
    hit = s.search("kinh phí thẩm định hồ sơ điện tử", k=1)[0]
    assert "Sở Tài chính chủ trì bố trí kinh phí" in hit.text
    assert s.dense.size == len(after)


def test_a_failed_write_leaves_the_previous_index_answering(tmp_path, monkeypatch):
    store = Store(tmp_path / "store")
    Ingestor(store, None, None, show_progress=False).run([CORPUS / "004_23934cb51aaa598d.txt"])
    q = "Phấn đấu đến năm 2025 Quảng Ninh đứng trong Top 3 DTI"
    before = [h.chunk_id for h in Searcher(store).search(q)]
    snapshot_before = store.current_path

    import tracuu.ingest.pipeline as pipeline

    def crash(*a, **k):
        raise RuntimeError("simulated crash while writing the indexes")

    monkeypatch.setattr(pipeline, "build_indexes", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        Ingestor(store, None, None, show_progress=False).run([CORPUS])
    assert store.current_path == snapshot_before
    assert [h.chunk_id for h in Searcher(store).search(q)] == before
    assert len(Store(store.root).open().documents()) == 1
    # the next successful run sweeps the half-written snapshot and swaps in the new one
    monkeypatch.undo()
    report = Ingestor(store, None, None, show_progress=False).run([CORPUS])
    assert len(report.documents) == 4 and store.current_path != snapshot_before
    assert len(list(store.root.glob("v*"))) == 1
