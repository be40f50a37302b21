"""Cold start: the app answers from the keyword index while the embedding model loads, then
switches to hybrid search with the same results as a searcher built with the model from the
start; a model that cannot be used leaves keyword answers and says why.

The model "loads" through a factory that blocks on an Event, so the tests decide when it
arrives (no timing assertions; the seconds are measured by bench/coldstart.py).
"""

from __future__ import annotations

import html
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from tests.conftest import overwrite_middle
from tracuu.index.embedder import ModelFolderError, read_manifest, verify_e5_folder
from tracuu.index.store import StoreError
from tracuu.retrieval.search import Searcher
from tracuu.ui import STRINGS, ModelState, TracuuApp, build_demo

pytestmark = pytest.mark.slow

QUESTIONS = ["Cơ quan nào chủ trì mục tiêu DTI?", "ai chu tri chuyen de 6", "Who signed plan 1886/KH-UBND?",
             "Chỉ số PAR INDEX năm 2021 phấn đấu đạt bao nhiêu?"]
WAIT_S = 300  # generous: only reached when something is broken
LOADING_VI = STRINGS["vi"]["model_loading"]


def _same_hits(a, b) -> None:
    assert [h.chunk_id for h in a] == [h.chunk_id for h in b]
    np.testing.assert_allclose([h.score for h in a], [h.score for h in b], rtol=1e-5)


@pytest.fixture
def gated(corpus_store, embedder):
    """An app whose model arrives when the test sets ``gate`` (always set on teardown)."""
    gate = threading.Event()

    def factory():
        gate.wait(WAIT_S)
        return embedder

    app = TracuuApp(corpus_store, embedder_factory=factory, allow_upload=False, show_progress=False)
    yield SimpleNamespace(app=app, gate=gate)
    gate.set()
    app.wait_for_model(WAIT_S)


def _failing_app(store: Path, exc: Exception, **kwargs) -> TracuuApp:
    def factory():
        raise exc

    app = TracuuApp(store, embedder_factory=factory, show_progress=False, **kwargs)
    assert app.wait_for_model(WAIT_S)
    return app


def test_answers_lexically_while_the_model_loads(gated, corpus_store):
    app = gated.app
    assert app.model_state == ModelState.LOADING and not app.lib.dense
    lexical = Searcher(corpus_store, load_embedder=False)
    res = app.ask(QUESTIONS[0])
    assert res.answer is not None and not res.answer.abstained
    assert "Sở Thông tin và Truyền thông" in res.answer.answer
    assert "tc-model-note" in res.answer_html and html.escape(LOADING_VI) in res.answer_html
    assert LOADING_VI in app.status("vi") and STRINGS["en"]["model_loading"] in app.status("en")
    assert STRINGS["vi"]["search_lexical"] in app.status("vi")
    # the "hybrid" search the page asks for is the keyword search until the model arrives
    for q in QUESTIONS:
        _same_hits(app.lib.searcher.search(q, k=10), lexical.search(q, k=10, mode="lexical"))
    # the page polls the status line while the model loads
    timers = [b for b in build_demo(app).blocks.values() if type(b).__name__ == "Timer"]
    assert timers and all(t.active for t in timers)


def test_switches_to_hybrid_with_the_same_results_as_a_full_searcher(gated, searcher, assistant):
    app = gated.app
    lib = app.lib
    app.ask(QUESTIONS[1])  # a lexical answer first
    gated.gate.set()
    assert app.wait_for_model(WAIT_S)
    assert app.model_state == ModelState.READY and app.model_error is None
    assert app.lib is lib and lib.dense  # attached in place, not reloaded
    assert STRINGS["vi"]["search_dense"] in app.status("vi") and LOADING_VI not in app.status("vi")
    for q in QUESTIONS:
        _same_hits(lib.searcher.search(q, k=10), searcher.search(q, k=10))
        assert app.ask(q).answer.answer == assistant.ask(q).answer
    res = app.ask(QUESTIONS[0])
    assert "tc-model-note" not in res.answer_html
    timers = [b for b in build_demo(app).blocks.values() if type(b).__name__ == "Timer"]
    assert timers and not any(t.active for t in timers)


def test_a_model_that_fails_to_load_leaves_lexical_answers_and_the_reason(corpus_store):
    reason = "embedding model folder not found: /nowhere (models are never downloaded)"
    app = _failing_app(corpus_store, ModelFolderError(reason), allow_upload=False)
    assert app.model_state == ModelState.FAILED and app.model_error == reason
    assert app.embedder is None and not app.lib.dense
    res = app.ask(QUESTIONS[0])
    assert not res.answer.abstained and "Sở Thông tin và Truyền thông" in res.answer.answer
    failed = STRINGS["vi"]["model_failed"].format(err=reason)
    assert failed in app.status("vi") and html.escape(failed) in res.answer_html
    assert STRINGS["en"]["model_failed"].format(err=reason) in app.status("en")


def test_a_model_the_index_was_not_built_with_is_refused(corpus_store):
    other = SimpleNamespace(checksum="0" * 64, model_id="another-model")
    app = TracuuApp(corpus_store, embedder_factory=lambda: other, allow_upload=False, show_progress=False)
    assert app.wait_for_model(WAIT_S)
    assert app.model_state == ModelState.FAILED and not app.lib.dense and app.embedder is None
    assert "another-model" in app.model_error and "tracuu ingest" in app.model_error
    assert not app.ask(QUESTIONS[1]).answer.abstained


def test_upload_is_refused_while_the_model_is_unusable(corpus_store, tmp_path):
    root = tmp_path / "store"
    shutil.copytree(corpus_store, root)
    app = _failing_app(root, ModelFolderError("weights unreadable"))
    before = (root / "CURRENT").read_text()
    doc = tmp_path / "ke-hoach.txt"
    doc.write_text("KẾ HOẠCH\nThử nghiệm\n\nI. NHIỆM VỤ\n1. Rà soát thủ tục hành chính.\n", "utf-8")
    report = app.upload([doc])
    assert "weights unreadable" in html.unescape(report) and "tc-notfound" in report
    assert (root / "CURRENT").read_text() == before  # no snapshot without vectors


def test_searcher_attach_embedder(corpus_store, embedder, searcher):
    s = Searcher(corpus_store, load_embedder=False)
    assert s.dense is None and s.wants_embedder
    with pytest.raises(StoreError, match="another-model"):
        s.attach_embedder(SimpleNamespace(checksum="0" * 64, model_id="another-model"))
    assert s.dense is None and s.embedder is None  # a refused model leaves nothing half-attached
    s.attach_embedder(embedder)
    assert not s.wants_embedder and s.dense.size == len(s.chunks)
    for q in QUESTIONS:
        _same_hits(s.search(q, k=10), searcher.search(q, k=10))


def test_skipped_checksums_never_hide_a_rewritten_file(embedder, tmp_path):
    """Model files whose size and mtime match the manifest are not re-hashed at start;
    any write to one changes its mtime, so the damage is still found."""
    folder = tmp_path / "e5"
    shutil.copytree(embedder.path, folder, ignore=shutil.ignore_patterns("model.safetensors"))  # mtimes kept
    (folder / "model.safetensors").hardlink_to(embedder.path / "model.safetensors")
    assert read_manifest(folder).get("file_stats")
    assert verify_e5_folder(folder) is None and verify_e5_folder(folder, full=True) is None
    tokenizer = folder / "tokenizer.json"
    overwrite_middle(tokenizer, b"\x00" * 16)
    problem = verify_e5_folder(folder)
    assert problem is not None and "tokenizer.json" in problem
