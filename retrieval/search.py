"""Hybrid search: BM25 on syllables (accented + folded fields) beside e5 + FAISS, fused.

One interface for every backend: ``search(query, k, filters) -> list[Hit]`` (plain data
in, plain data out), so the eval harness, the CLI and the app call the same thing.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import numpy as np

from tracuu.index.build import (CHUNK_IDS, DENSE, LEXICAL, RESTORER, SENTENCE_VECTORS, SENTENCES, check_model,
                                read_manifest)
from tracuu.index.dense import DenseIndex
from tracuu.index.lexical import LexicalIndex
from tracuu.index.store import Snapshot, Store, StoreError, rebuild_hint
from tracuu.ingest.chunking import sentence_key
from tracuu.normalize import fold
from tracuu.records import Chunk, Document, Hit
from tracuu.retrieval.query import ParsedQuery, parse_query
from tracuu.retrieval.restore import DiacriticRestorer

log = logging.getLogger(__name__)


class Mode(str, Enum):
    HYBRID = "hybrid"
    LEXICAL = "lexical"
    DENSE = "dense"

    @classmethod
    def parse(cls, value: "str | Mode") -> "Mode":
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"unknown search mode {value!r}; choose one of: {', '.join(m.value for m in cls)}") from None


class Fusion(str, Enum):
    WEIGHTED = "weighted"
    RRF = "rrf"


@dataclass
class Filters:
    """Restrict results: document id(s), province, year, document type."""

    doc: list[str] = field(default_factory=list)
    province: str | None = None
    year: int | None = None
    doc_type: str | None = None

    @classmethod
    def from_dict(cls, d: dict | None) -> "Filters":
        d = dict(d or {})
        doc = d.get("doc") or []
        return cls(doc=[doc] if isinstance(doc, str) else list(doc), province=d.get("province"),
                   year=int(d["year"]) if d.get("year") else None, doc_type=d.get("doc_type"))

    def active(self) -> bool:
        return bool(self.doc or self.province or self.year or self.doc_type)


@dataclass
class SearchConfig:
    """Fusion weights; tuned on the eval dev split (see eval/README.md)."""

    fusion: Fusion = Fusion.WEIGHTED
    w_dense: float = 0.25
    w_key: float = 0.35  # accented BM25 field
    w_folded: float = 0.20  # accent-folded BM25 field
    w_expansion: float = 0.5  # weight of acronym / English-hint terms in the lexical query
    dense_candidates: int = 200
    rrf_k: int = 60
    restore: bool = True


def _norm(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores


class Searcher:
    """Loads one store snapshot (and the model, once) and answers ``search`` calls."""

    def __init__(self, store: Store | str | Path | None = None, embedder=None, config: SearchConfig | None = None,
                 load_embedder: bool = True):
        self.store = store if isinstance(store, Store) else Store(store)
        self.config = config or SearchConfig()
        self.snapshot: Snapshot = self.store.open()
        path = self.snapshot.path
        self.manifest = read_manifest(path)
        try:
            self.lexical = LexicalIndex.load(path / LEXICAL)
            self.chunk_ids: list[str] = json.loads((path / CHUNK_IDS).read_text())
        except (OSError, ValueError) as exc:
            raise StoreError(f"lexical index in {path} is missing or corrupted ({exc}); {rebuild_hint(self.store.root)}") from exc
        chunks = {c.chunk_id: c for c in self.snapshot.chunks()}
        if set(chunks) != set(self.chunk_ids):
            raise StoreError(f"index in {path} does not match its documents; {rebuild_hint(self.store.root)}")
        self.chunks: list[Chunk] = [chunks[cid] for cid in self.chunk_ids]
        self.documents: dict[str, Document] = {d.doc_id: d for d in self.snapshot.documents()}
        self.dense: DenseIndex | None = None
        self.embedder = None
        self._sentence_rows: dict[str, int] = {}
        self._sentence_vectors: np.ndarray | None = None
        if self.manifest.get("dense") and (embedder is not None or load_embedder):
            if embedder is None:
                from tracuu.index.embedder import configured_embedder

                embedder = configured_embedder()
            self.attach_embedder(embedder)
        self.restorer = None
        if (path / RESTORER).exists():
            self.restorer = DiacriticRestorer.from_dict(json.loads((path / RESTORER).read_text()))
        self._doc_of = np.array([c.doc_id for c in self.chunks], dtype=object)
        # per-searcher cache: a cache on the method would keep replaced searchers alive
        self._query_cache = functools.lru_cache(maxsize=512)(
            lambda text: self.embedder.encode_queries([text])[0])

    @property
    def wants_embedder(self) -> bool:
        """True while the index has a dense side that no model has been attached to yet."""
        return bool(self.manifest.get("dense")) and self.dense is None

    def attach_embedder(self, embedder) -> None:
        """Add the dense side to a searcher built without a model (the app serves lexical
        answers while the model loads). The model is checked against the index manifest and
        the FAISS index against the chunks first; ``dense`` is published last, so a query
        running meanwhile sees either the complete dense side or none of it."""
        path = self.snapshot.path
        if not self.manifest.get("dense"):
            raise StoreError(f"index in {path} was built without vectors; {rebuild_hint(self.store.root)}")
        check_model(self.manifest, embedder, path)
        try:
            dense = DenseIndex.load(path / DENSE)
        except Exception as exc:  # faiss raises RuntimeError on a truncated file
            raise StoreError(f"dense index {path / DENSE} is corrupted ({exc}); {rebuild_hint(self.store.root)}") from exc
        if dense.size != len(self.chunks):
            raise StoreError(f"dense index in {path} has {dense.size} vectors for {len(self.chunks)} chunks; "
                             f"{rebuild_hint(self.store.root)}")
        rows, vectors = self._load_sentences(path)
        self.embedder = embedder
        self._sentence_rows, self._sentence_vectors = rows, vectors
        self.dense = dense

    def _load_sentences(self, path: Path) -> tuple[dict[str, int], np.ndarray | None]:
        """Sentence vectors, when the snapshot has them (one built before they existed has
        none: answers then rank sentences lexically, as they did)."""
        if not (path / SENTENCES).exists():
            return {}, None
        try:
            texts = json.loads((path / SENTENCES).read_text())
            # memory-mapped: an answer reads a few dozen rows, so a large corpus's sentence
            # vectors cost disk, not resident memory
            vectors = np.load(path / SENTENCE_VECTORS, mmap_mode="r")
        except (OSError, ValueError) as exc:
            raise StoreError(f"sentence vectors in {path} are missing or corrupted ({exc}); "
                             f"{rebuild_hint(self.store.root)}") from exc
        if len(texts) != len(vectors):
            raise StoreError(f"{path / SENTENCE_VECTORS} has {len(vectors)} vectors for {len(texts)} sentences; "
                             f"{rebuild_hint(self.store.root)}")
        return {t: i for i, t in enumerate(texts)}, vectors

    def sentence_similarity(self, pq: ParsedQuery, sentence: str) -> float | None:
        """Cosine of the query and one indexed sentence; None without vectors for it."""
        row = self._sentence_rows.get(sentence_key(sentence))
        if row is None or self._sentence_vectors is None or self.embedder is None:
            return None
        return float(self._sentence_vectors[row] @ self.query_vector(pq))

    # -- filters -----------------------------------------------------------------------
    def allowed_docs(self, filters: Filters) -> set[str]:
        """The documents ``filters`` let through (all of them when no filter is set)."""
        return {d.doc_id for d in self.documents.values()
                if (not filters.doc or d.doc_id in filters.doc or (d.doc_number or "") in filters.doc)
                and (not filters.province or fold(d.province or "") == fold(filters.province))
                and (not filters.year or d.year == filters.year)
                and (not filters.doc_type or (d.doc_type or "").lower() == filters.doc_type.lower())}

    def _allowed(self, filters: Filters) -> np.ndarray | None:
        if not filters.active():
            return None
        ok_docs = self.allowed_docs(filters)
        return np.array([doc in ok_docs for doc in self._doc_of], dtype=bool)

    # -- scoring -----------------------------------------------------------------------
    def parse(self, query: str) -> ParsedQuery:
        return parse_query(query, self.restorer if self.config.restore else None)

    def lexical_scores(self, pq: ParsedQuery) -> np.ndarray:
        cfg = self.config
        key_q = pq.restored if cfg.restore else pq.key
        expansion = " ".join(pq.expansions)
        key = self.lexical.scores(key_q, "key")
        folded = self.lexical.scores(pq.folded, "folded")
        if expansion:
            key = key + cfg.w_expansion * self.lexical.scores(expansion, "key")
            folded = folded + cfg.w_expansion * self.lexical.scores(expansion, "folded")
        total = cfg.w_key + cfg.w_folded
        return (cfg.w_key * _norm(key) + cfg.w_folded * _norm(folded)) / total

    def dense_scores(self, pq: ParsedQuery) -> np.ndarray:
        """Cosine similarity for the top candidates, 0 elsewhere."""
        out = np.zeros(len(self.chunks), dtype=np.float32)
        if self.dense is None:
            return out
        scores, ids = self.dense.search(self.query_vector(pq), self.config.dense_candidates)
        out[ids] = scores
        return out

    def query_vector(self, pq: ParsedQuery) -> np.ndarray:
        """e5 vector of the query as the model should read it: Vietnamese with restored
        diacritics; English as typed plus its Vietnamese domain terms (measured on the dev
        split: English Hit@5 .80 → .85). Cached, since ``ask`` and ``search`` both need it."""
        if pq.lang == "en":
            text = pq.original + (" (" + ", ".join(pq.expansions) + ")" if pq.expansions else "")
        else:
            text = pq.restored if self.config.restore else pq.key
        return self._encode_query(text)

    def _encode_query(self, text: str) -> np.ndarray:
        return self._query_cache(text)

    def score(self, query: str, mode: Mode = Mode.HYBRID) -> tuple[np.ndarray, ParsedQuery]:
        pq = self.parse(query)
        if mode == Mode.LEXICAL or self.dense is None:
            return self.lexical_scores(pq), pq
        dense = self.dense_scores(pq)
        if mode == Mode.DENSE:
            return dense, pq
        lex = self.lexical_scores(pq)
        cfg = self.config
        if cfg.fusion == Fusion.RRF:
            return _rrf([lex, dense], cfg.rrf_k), pq
        # weighted: dense cosine rescaled over its candidate range so both sides span [0, 1]
        nz = dense[dense > 0]
        if nz.size:
            lo, hi = float(nz.min()), float(nz.max())
            dense = np.where(dense > 0, (dense - lo) / (hi - lo + 1e-6), 0.0)
        w_lex = cfg.w_key + cfg.w_folded
        return (w_lex * lex + cfg.w_dense * dense) / (w_lex + cfg.w_dense), pq

    def search(self, query: str, k: int = 10, filters: Filters | dict | None = None,
               mode: Mode | str = Mode.HYBRID) -> list[Hit]:
        if not query or not query.strip():
            return []
        filters = filters if isinstance(filters, Filters) else Filters.from_dict(filters)
        scores, _ = self.score(query, Mode.parse(mode))
        allowed = self._allowed(filters)
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
        k = min(k, len(scores))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [self._hit(int(i), float(scores[i])) for i in top if np.isfinite(scores[i]) and scores[i] > 0]

    def _hit(self, i: int, score: float) -> Hit:
        c = self.chunks[i]
        return Hit(c.chunk_id, c.doc_id, c.section_path, c.text, score, c.start, c.end, c.kind)


def _rrf(score_lists: list[np.ndarray], k: int) -> np.ndarray:
    fused = np.zeros_like(score_lists[0], dtype=np.float64)
    for scores in score_lists:
        order = np.argsort(-scores, kind="stable")
        ranks = np.empty(len(scores), dtype=np.float64)
        ranks[order] = np.arange(1, len(scores) + 1)
        fused += np.where(scores > 0, 1.0 / (k + ranks), 0.0)
    return fused.astype(np.float32)
