"""What keeps the indexes correct at scale: BM25 built from token ids scores exactly like the
string-token build, the approximate dense index keeps recall against exact search, and
near-duplicate detection finds the same pairs as comparing every pair."""

from __future__ import annotations

import hashlib
import math
import random

import bm25s
import faiss
import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from tracuu.eval.loaders import GOLD_TEST, load_jsonl
from tracuu.index import dense
from tracuu.index.build import passage_text
from tracuu.index.lexical import EMPTY, FIELDS, LexicalIndex
from tracuu.index.store import Store
from tracuu.index.tokenize import tokenize
from tracuu.ingest.dedupe import CONTAINMENT, containment, find_duplicates, folded_words, shingles
from tracuu.normalize import fold
from tracuu.records import Document

K1, B = 1.2, 0.75


@pytest.fixture(scope="module")
def passages(lexical_store) -> list[str]:
    snap = Store(lexical_store).open()
    texts = [passage_text(c) for c in snap.chunks()]
    snap.close()
    return texts


@pytest.fixture(scope="module")
def questions() -> list[str]:
    return [q["question"] for q in load_jsonl(GOLD_TEST)][:80]


@pytest.fixture(scope="module")
def lexical(passages) -> LexicalIndex:
    return LexicalIndex.build(passages)


def _string_tokens(texts: list[str], field: str) -> list[list[str]]:
    return [tokenize(t, folded=(field == "folded")) or [EMPTY] for t in texts]


@pytest.mark.parametrize("field", FIELDS)
def test_token_id_build_scores_like_the_string_build(passages, questions, lexical, field):
    reference = bm25s.BM25(k1=K1, b=B)
    reference.index(_string_tokens(passages, field), show_progress=False)
    compared = 0
    for q in questions:
        toks = [t for t in tokenize(q, folded=(field == "folded")) if t in reference.vocab_dict]
        ours = lexical.scores(q, field)
        assert ours.shape == (len(passages),)
        if toks:
            assert np.allclose(ours, reference.get_scores(toks), rtol=1e-5, atol=1e-6)
            compared += 1
    assert compared > len(questions) // 2


class LuceneIdfOkapi(BM25Okapi):
    """rank_bm25's Okapi term-frequency and length normalisation with Lucene's idf (bm25s'
    default method): an independent implementation of the same formula."""

    def _calc_idf(self, nd):
        self.idf = {w: math.log(1 + (self.corpus_size - df + 0.5) / (df + 0.5)) for w, df in nd.items()}


def test_scores_match_rank_bm25_with_lucene_idf(passages, questions, lexical):
    theirs = LuceneIdfOkapi(_string_tokens(passages, "key"), k1=K1, b=B)
    vocab = lexical.models["key"].vocab_dict
    for q in questions:
        toks = list(dict.fromkeys(t for t in tokenize(q) if t in vocab))
        if toks:
            # Lucene's term-frequency part omits Okapi's constant (k1 + 1) factor
            assert np.allclose(lexical.models["key"].get_scores(toks) * (K1 + 1), theirs.get_scores(toks),
                               rtol=1e-4, atol=1e-5)


def test_lexical_index_round_trips(tmp_path, questions, lexical):
    lexical.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert "chủ" in loaded.models["key"].vocab_dict and "chu_tri" in loaded.models["folded"].vocab_dict
    for q in questions[:20]:
        for field in FIELDS:
            assert np.allclose(loaded.scores(q, field), lexical.scores(q, field))
    assert not loaded.scores("zzzqqq", "key").any()


# --- near-duplicate detection --------------------------------------------------------------


def _pairwise_duplicates(docs: list[Document], threshold: float = CONTAINMENT) -> list[tuple]:
    """The definition: each document, longest first, against every kept one in order."""
    kept: list[tuple[Document, set[int]]] = []
    found = []
    for doc in sorted(docs, key=lambda d: len(d.text), reverse=True):
        sh = shingles(doc.text)
        for k, ksh in kept:
            if doc.content_hash == k.content_hash or containment(sh, ksh) >= threshold:
                exact = doc.content_hash == k.content_hash
                found.append((k.doc_id, doc.doc_id, 1.0 if exact else round(containment(sh, ksh), 3), exact))
                break
        else:
            kept.append((doc, sh))
    return found


def _generated_documents(texts: list[str], n: int = 120, seed: int = 7) -> list[Document]:
    """Copies, truncations, headed copies, mixtures and fragments of the bundled plans: many
    pairs on either side of the containment threshold."""
    rng = random.Random(seed)
    paragraphs = [[p for p in t.split("\n") if p.strip()] for t in texts]
    out = []
    for i in range(n):
        src = paragraphs[rng.randrange(len(paragraphs))]
        kind = rng.choice(["copy", "cut", "header", "mix", "fragment", "tiny"])
        if kind == "copy":
            lines = src
        elif kind == "cut":
            lines = src[: max(1, int(len(src) * rng.uniform(0.6, 1.0)))]
        elif kind == "header":
            lines = [f"Nguồn: cổng thông tin số {i}", "Ngày đăng: 01/01/2024"] + src[rng.randrange(3):]
        elif kind == "mix":
            other = paragraphs[rng.randrange(len(paragraphs))]
            cut = int(len(src) * rng.uniform(0.5, 0.95))
            lines = src[:cut] + other[: len(other) - cut]
        elif kind == "fragment":
            a = rng.randrange(len(src))
            lines = src[a : a + rng.randint(3, 40)]
        else:
            lines = ["Kế hoạch", str(i % 3)]  # too short for a shingle: only the content hash matches
        text = "\n".join(lines)
        out.append(Document(f"g{i:03d}", f"g{i:03d}.txt", text, hashlib.sha1(text.encode()).hexdigest()))
    return out


def test_duplicate_detection_finds_the_pairwise_pairs(lexical_store):
    snap = Store(lexical_store).open()
    texts = [d.text for d in snap.documents()]
    snap.close()
    for doc in _generated_documents(texts, n=30):  # token-wise folding = folding the whole text
        assert folded_words(doc.text) == fold(doc.text).split()
    expected = _pairwise_duplicates(_generated_documents(texts))
    kept, reports = find_duplicates(_generated_documents(texts))
    assert [(r.kept, r.dropped, r.score, r.exact) for r in reports] == expected
    assert {d.doc_id for d in kept} == {d.doc_id for d in _generated_documents(texts)} - {r[1] for r in expected}
    # the generated set exercises every branch: exact copies, near copies, and kept documents
    assert any(r.exact for r in reports) and any(not r.exact for r in reports) and len(kept) > 10
    near = [containment(shingles(a.text), shingles(b.text)) for a in kept for b in kept if a is not b]
    assert any(0.5 <= c < CONTAINMENT for c in near)  # kept pairs close below the threshold


# --- approximate dense search --------------------------------------------------------------


def _clustered_vectors(n: int, dim: int = 384, clusters: int = 400, seed: int = 3) -> np.ndarray:
    """Unit vectors crowded like e5 passage vectors (mean pair cosine ≈ 0.9, tight clusters
    of near-copies), the regime where HNSW lost recall on the growth bench."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=dim)
    common /= np.linalg.norm(common)
    centres = common + rng.normal(scale=0.35 / np.sqrt(dim), size=(clusters, dim))
    m = centres[rng.integers(clusters, size=n)] + rng.normal(scale=0.2 / np.sqrt(dim), size=(n, dim))
    return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)


def _recall_at_10(approx_ids: np.ndarray, exact_ids: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx_ids, exact_ids)]))


def test_approximate_index_keeps_recall_and_round_trips(tmp_path, monkeypatch):
    m = _clustered_vectors(30_000)
    queries = _clustered_vectors(200, seed=4)
    monkeypatch.setattr(dense, "APPROX_THRESHOLD", 20_000)
    index = dense.build_faiss(m)  # above the threshold: approximate
    assert isinstance(index, faiss.IndexIVF) and index.nprobe == dense.ivf_probes(index.nlist) > 1
    _, exact_ids = dense.build_faiss(m, approximate=False).search(queries, 10)
    _, approx_ids = index.search(queries, 10)
    assert _recall_at_10(approx_ids, exact_ids) >= 0.95
    dense.DenseIndex(index).save(tmp_path / "dense.faiss")
    loaded = dense.DenseIndex.load(tmp_path / "dense.faiss")
    assert loaded.index.nprobe == index.nprobe and loaded.size == len(m)
    assert np.array_equal(loaded.index.search(queries, 10)[1], approx_ids)
    scores, ids = loaded.search(queries[0], 10)
    assert len(ids) == 10 and np.all(np.diff(scores) <= 1e-6)
    assert isinstance(dense.build_faiss(m[:1000]), faiss.IndexFlatIP)  # below the threshold: exact


def test_hnsw_indexes_of_earlier_versions_still_load(tmp_path):
    m = _clustered_vectors(2_000)
    old = faiss.IndexHNSWFlat(m.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    old.add(m)
    faiss.write_index(old, str(tmp_path / "dense.faiss"))
    loaded = dense.DenseIndex.load(tmp_path / "dense.faiss")
    assert loaded.index.hnsw.efSearch == dense.HNSW_EF_SEARCH
    assert loaded.search(m[5], 1)[1][0] == 5
