"""Ingest speed: documents/s and chunks/s, split into parsing and embedding, and the whole
ingest measured against the model's bare ``encode`` of the same passages in the same run.

The ratio answers "what does the pipeline cost beyond the model?": reading, cleaning,
structure, tables, chunking, SQLite, BM25, FAISS, the restorer and the atomic swap.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

from tracuu.bench.measure import PeakRss, ratio, sizes_mb
from tracuu.index.build import SENTENCES, passage_text
from tracuu.index.store import Store
from tracuu.ingest.chunking import chunk_sentences
from tracuu.ingest.pipeline import Ingestor

log = logging.getLogger(__name__)

OVERHEAD_TARGET = 0.15


def _restorer():
    from tracuu.retrieval.restore import DiacriticRestorer

    return DiacriticRestorer()


def _bare_encode(embedder, texts: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of the model alone encoding ``texts``."""
    w0, c0 = time.perf_counter(), time.process_time()
    embedder.encode_passages(texts)
    return time.perf_counter() - w0, time.process_time() - c0


def bench_ingest(embedder, files: list[Path], store_dir: Path) -> dict[str, Any]:
    """Ingest ``files`` into a fresh store with the real model; encode the same passages with
    the bare model before and after it (the mean is the yardstick, so a change in the
    machine's load during the run shows as a gap between the two); time an unchanged re-ingest."""
    from tracuu.ingest.pipeline import parse_text
    from tracuu.ingest.readers import read_file

    # what the model encodes: each chunk's passage and each sentence indexed for answers
    parsed = [parse_text(f.stem, f.name, read_file(f)) for f in files]
    texts = [passage_text(c) for p in parsed for c in p.chunks]
    texts += list(dict.fromkeys(t for p in parsed for c in p.chunks for t in chunk_sentences(p.doc, c)))
    embedder.encode_passages(texts[:32])  # first-batch allocations are neither side's cost
    bare_before, cpu_before = _bare_encode(embedder, texts)
    store = Store(store_dir)
    with PeakRss() as mem:
        w0, c0 = time.perf_counter(), time.process_time()
        report = Ingestor(store, lambda: embedder, _restorer, show_progress=False).run(files, rebuild=True)
        total, total_cpu = time.perf_counter() - w0, time.process_time() - c0
    build = report.build
    stored = [passage_text(c) for c in store.open().chunks()]
    stored += json.loads((store.current_path / SENTENCES).read_text()) if (store.current_path / SENTENCES).exists() else []
    bare_after, cpu_after = _bare_encode(embedder, stored)
    # duplicates are dropped by ingest: scale the "before" figure to the passages kept
    bare_before *= len(stored) / max(1, len(texts))
    cpu_before *= len(stored) / max(1, len(texts))
    bare = (bare_before + bare_after) / 2
    bare_cpu = (cpu_before + cpu_after) / 2
    t0 = time.perf_counter()
    again = Ingestor(store, lambda: embedder, _restorer, show_progress=False).run(files)
    reingest = time.perf_counter() - t0

    n_docs, n_chunks = len(report.documents), report.chunks
    index_only = build.total_seconds - build.encode_seconds
    pipeline_only = total - build.encode_seconds
    result = {
        "files": [f.name for f in files],
        "documents": n_docs,
        "duplicates_merged": len(report.duplicates),
        "chunks": n_chunks,
        "chars": sum(len(t) for t in stored),
        "total_s": round(total, 3),
        "parse_s": round(report.parse_seconds, 3),
        "encode_s": round(build.encode_seconds, 3),
        "index_without_encode_s": round(index_only, 3),
        "bare_encode_s": round(bare, 3),
        "bare_encode_before_s": round(bare_before, 3),
        "bare_encode_after_s": round(bare_after, 3),
        "total_cpu_s": round(total_cpu, 3),
        "bare_encode_cpu_s": round(bare_cpu, 3),
        "docs_per_s": round(n_docs / total, 3),
        "chunks_per_s": round(n_chunks / total, 3),
        "parse_docs_per_s": round(n_docs / report.parse_seconds, 3) if report.parse_seconds else None,
        "parse_chunks_per_s": round(n_chunks / report.parse_seconds, 3) if report.parse_seconds else None,
        "embed_chunks_per_s": round(build.embedded / build.encode_seconds, 3) if build.encode_seconds else None,
        "bare_encode_chunks_per_s": round(len(stored) / bare, 3) if bare else None,
        # the target: the whole ingest within 15% of the bare model's time on the same passages
        "total_over_bare_encode": ratio(total, bare),
        "overhead_beyond_encode": round(total / bare - 1, 4) if bare else None,
        "overhead_beyond_encode_cpu": round(total_cpu / bare_cpu - 1, 4) if bare_cpu else None,
        # within the ingest itself: everything that is not the model, against the model's share
        "non_model_over_encode": ratio(total - build.encode_seconds, build.encode_seconds),
        "non_model_work_s": round(pipeline_only, 3),
        "reingest_unchanged_s": round(reingest, 3),
        "reingest_embedded": again.build.embedded if again.build else None,
        "reingest_over_first": ratio(reingest, total),
        "memory": mem.to_dict(),
        "disk_mb": sizes_mb(store.current_path),
    }
    result["overhead_target_met"] = (result["overhead_beyond_encode"] is not None
                                     and result["overhead_beyond_encode"] <= OVERHEAD_TARGET)
    return result
