"""FAISS over L2-normalised passage vectors: exact inner product for small corpora, HNSW
above ``HNSW_THRESHOLD`` passages (its recall against exact is measured in bench/)."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_THRESHOLD = 300_000  # exact search is ~19 ms at 100k chunks (bench/): exact below this
HNSW_M = 32
HNSW_EF_SEARCH = 512  # 128 gave recall@10 0.52 at 100k in bench/


def build_faiss(vectors: np.ndarray, approximate: bool | None = None) -> faiss.Index:
    n, dim = vectors.shape
    if approximate is None:
        approximate = n >= HNSW_THRESHOLD
    if approximate:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


class DenseIndex:
    def __init__(self, index: faiss.Index):
        self.index = index

    @property
    def size(self) -> int:
        return self.index.ntotal

    def search(self, query_vec: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, positions) of the top ``k`` passages for one query vector."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        scores, ids = self.index.search(np.ascontiguousarray(query_vec.reshape(1, -1), dtype=np.float32), k)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> "DenseIndex":
        index = faiss.read_index(str(path))
        if isinstance(index, faiss.IndexHNSWFlat):
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index)
