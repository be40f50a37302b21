"""Build the search artefacts of a snapshot from its chunks, and the manifest that says
which model, schema and tokenizer they were built with.

Passage vectors are cached by a hash of (model, passage text): an ingest of a changed
corpus embeds only new or changed chunks; unchanged ones reuse the previous snapshot's.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tracuu.index.dense import DenseIndex, build_faiss
from tracuu.index.lexical import LexicalIndex
from tracuu.index.store import SCHEMA_VERSION, Snapshot, StoreError, rebuild_hint
from tracuu.index.tokenize import TokenizerConfig
from tracuu.ingest.chunking import chunk_sentences
from tracuu.records import Chunk

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
VECTORS = "vectors.npy"
VECTOR_KEYS = "vector_keys.json"
DENSE = "dense.faiss"
LEXICAL = "bm25"
RESTORER = "restorer.json"
CHUNK_IDS = "chunk_ids.json"
SENTENCES = "sentences.json"  # the running-text sentences, in the order of their vectors
SENTENCE_VECTORS = "sentence_vectors.npy"


def passage_text(chunk: Chunk) -> str:
    """What the embedder and BM25 read: the search header (title, breadcrumb) + the text."""
    return chunk.search_text


def _vector_key(model_id: str, text: str) -> str:
    return hashlib.sha1(f"{model_id}\n{text}".encode()).hexdigest()


@dataclass
class BuildStats:
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    sentences: int = 0  # running-text sentences (and rows) with a vector of their own
    sentences_embedded: int = 0  # … of which new or changed
    encode_seconds: float = 0.0
    total_seconds: float = 0.0


def _load_cache(path: Path) -> dict[str, np.ndarray]:
    try:
        keys = json.loads((path / VECTOR_KEYS).read_text())
        vecs = np.load(path / VECTORS)
        if len(keys) != len(vecs):
            return {}
        return dict(zip(keys, vecs))
    except (OSError, ValueError):
        return {}


def build_indexes(path: Path, snapshot: Snapshot, embedder=None, restorer_factory=None,
                  show_progress: bool = False) -> BuildStats:
    """Write BM25, FAISS, vector cache, restorer and manifest into snapshot dir ``path``."""
    t0 = time.perf_counter()
    stats = BuildStats()
    chunks = snapshot.chunks()
    stats.chunks = len(chunks)
    texts = [passage_text(c) for c in chunks]
    config = TokenizerConfig()
    LexicalIndex.build(texts, config).save(path / LEXICAL)
    (path / CHUNK_IDS).write_text(json.dumps([c.chunk_id for c in chunks]))

    model_info: dict = {}
    if embedder is not None:
        cache = _load_cache(path)
        keys = [_vector_key(embedder.checksum, t) for t in texts]
        # each sentence of running text too: an open question is answered by one sentence,
        # chosen partly by its own similarity to the question (see retrieval/answer.py)
        docs = {d.doc_id: d for d in snapshot.documents()}
        sentences = list(dict.fromkeys(t for c in chunks for t in chunk_sentences(docs[c.doc_id], c)))
        sentence_keys = [_vector_key(embedder.checksum, t) for t in sentences]
        new_chunks = len({k for k in keys if k not in cache})
        missing = sorted({k: t for k, t in zip(keys + sentence_keys, texts + sentences) if k not in cache}.items())
        if missing:
            t1 = time.perf_counter()
            vecs = embedder.encode_passages([t for _, t in missing], show_progress=show_progress)
            stats.encode_seconds = time.perf_counter() - t1
            cache.update({k: v for (k, _), v in zip(missing, vecs)})
        stats.embedded = new_chunks
        stats.reused = len(texts) - new_chunks
        stats.sentences = len(sentences)
        stats.sentences_embedded = len(missing) - new_chunks  # (a sentence that is a whole chunk shares its vector)
        matrix = np.stack([cache[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, embedder.dim), np.float32)
        DenseIndex(build_faiss(matrix)).save(path / DENSE)
        used = list(dict.fromkeys(keys + sentence_keys))
        np.save(path / VECTORS, np.stack([cache[k] for k in used]) if used else matrix)
        (path / VECTOR_KEYS).write_text(json.dumps(used))
        np.save(path / SENTENCE_VECTORS, np.stack([cache[k] for k in sentence_keys]).astype(np.float32)
                if sentence_keys else np.zeros((0, embedder.dim), np.float32))
        (path / SENTENCES).write_text(json.dumps(sentences, ensure_ascii=False))
        model_info = {"model_id": embedder.model_id, "model_checksum": embedder.checksum, "dim": embedder.dim}
    else:
        for name in (DENSE, VECTORS, VECTOR_KEYS, SENTENCES, SENTENCE_VECTORS):
            (path / name).unlink(missing_ok=True)

    if restorer_factory is not None:
        docs = snapshot.documents()
        restorer = restorer_factory().fit([d.text for d in docs])
        (path / RESTORER).write_text(json.dumps(restorer.to_dict(), ensure_ascii=False))

    manifest = {
        "schema_version": SCHEMA_VERSION,
        "tokenizer": config.to_dict(),
        "chunks": len(chunks),
        "documents": {d.doc_id: d.content_hash for d in snapshot.documents()},
        "dense": bool(model_info),
        **model_info,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    (path / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    stats.total_seconds = time.perf_counter() - t0
    return stats


def read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path / MANIFEST} is missing or unreadable ({exc}); {rebuild_hint(path.parent)}") from exc
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise StoreError(
            f"index in {path} was built with schema {manifest.get('schema_version')}, this tracuu needs "
            f"{SCHEMA_VERSION}; {rebuild_hint(path.parent)}"
        )
    return manifest


def check_model(manifest: dict, embedder, path: Path) -> None:
    """Refuse to mix query vectors of one model with passage vectors of another."""
    if manifest.get("dense") and embedder is not None and manifest.get("model_checksum") != embedder.checksum:
        raise StoreError(
            f"index in {path} was built with model {manifest.get('model_id')} "
            f"({str(manifest.get('model_checksum'))[:12]}), but the loaded model is {embedder.model_id} "
            f"({embedder.checksum[:12]}); {rebuild_hint(path.parent)}"
        )
