"""Shared fixtures: stores built once per test session from the bundled corpus."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tracuu.index.store import Store  # noqa: E402
from tracuu.ingest.pipeline import BUNDLED_CORPUS, Ingestor  # noqa: E402

CORPUS = BUNDLED_CORPUS
DOC_304 = "004-23934cb51aaa598d"
DOC_304_COPY = "000-b7e4178caef8d8bf"
DOC_QT = "001-116e88d5bca89d95"
DOC_1886 = "002-62578f1bc7ff1908"
DOC_131 = "003-fc34b6e3cdc17385"


def assert_cited(ans, expected: str, doc_id: str | None = None, intent: str | None = None):
    """The answer (of ``intent``) holds ``expected`` and its first citation quotes it (from
    ``doc_id``); the answer is returned for further checks."""
    from tracuu.normalize import match_key

    if intent is not None:
        assert ans.intent == intent
    assert not ans.abstained, ans.message
    assert match_key(expected) in match_key(ans.answer), ans.answer
    assert ans.citations, ans.answer
    assert match_key(expected) in match_key(ans.citations[0].quote), ans.citations[0].quote
    if doc_id is not None:
        assert ans.citations[0].doc_id == doc_id, ans.citations[0]
    return ans


def overwrite_middle(path: Path, data: bytes) -> None:
    """Damage a file in place (same size, same name): what a bad disk or a partial write leaves."""
    with open(path, "r+b") as fh:
        fh.seek(path.stat().st_size // 2)
        fh.write(data)


def _restorer():
    from tracuu.retrieval.restore import DiacriticRestorer

    return DiacriticRestorer()


@pytest.fixture(scope="session")
def embedder():
    from tracuu.index.embedder import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def lexical_store(tmp_path_factory) -> Path:
    """The bundled corpus, BM25 only (fast): for ingest and store tests."""
    root = tmp_path_factory.mktemp("lexical_store")
    Ingestor(Store(root), None, _restorer, show_progress=False).run()
    return root


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory, embedder) -> Path:
    """The bundled corpus with the real e5 model: for search, answers and the app."""
    root = tmp_path_factory.mktemp("corpus_store")
    Ingestor(Store(root), lambda: embedder, _restorer, show_progress=False).run()
    return root


@pytest.fixture(scope="session")
def searcher(corpus_store, embedder):
    from tracuu.retrieval.search import Searcher

    return Searcher(corpus_store, embedder=embedder)


@pytest.fixture(scope="session")
def assistant(searcher):
    from tracuu.retrieval.answer import Assistant

    return Assistant(searcher=searcher)
