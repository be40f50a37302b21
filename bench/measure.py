"""Small measuring tools shared by the benchmarks: latency percentiles, throughput from
concurrent threads, peak memory, sizes on disk and a description of the machine.

Latencies are wall-clock milliseconds (``time.perf_counter``); every summary key that holds
milliseconds ends in ``_ms`` so the JSON explains itself.
"""

from __future__ import annotations

import os
import platform
import resource
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import psutil


def summarize_ms(samples_ms: Sequence[float]) -> dict[str, float | int]:
    """p50/p95/p99/mean/max of a list of latencies in milliseconds."""
    if not samples_ms:
        return {"n": 0}
    arr = np.asarray(samples_ms, dtype=np.float64)
    p50, p95, p99 = np.percentile(arr, [50, 95, 99])
    return {"n": int(arr.size), "p50_ms": round(float(p50), 3), "p95_ms": round(float(p95), 3),
            "p99_ms": round(float(p99), 3), "mean_ms": round(float(arr.mean()), 3),
            "max_ms": round(float(arr.max()), 3)}


def time_each(fn: Callable[[Any], Any], items: Iterable[Any], warmup: int = 3) -> list[float]:
    """Milliseconds of ``fn(item)`` for every item, after ``warmup`` untimed calls (caches,
    lazy imports and allocator growth are not what a warm query costs)."""
    items = list(items)
    for item in items[:warmup]:
        fn(item)
    out = []
    for item in items:
        t0 = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def latency(fn: Callable[[Any], Any], items: Iterable[Any], warmup: int = 3) -> dict[str, float | int]:
    return summarize_ms(time_each(fn, items, warmup))


def throughput(fn: Callable[[Any], Any], items: Sequence[Any], clients: int) -> dict[str, float | int]:
    """Queries per second when ``clients`` threads share the items (each thread is a client
    that sends its next query as soon as the previous one returns)."""
    t0 = time.perf_counter()
    if clients <= 1:
        for item in items:
            fn(item)
    else:
        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(fn, items))
    wall = time.perf_counter() - t0
    return {"clients": clients, "queries": len(items), "seconds": round(wall, 3),
            "qps": round(len(items) / wall, 3) if wall > 0 else None}


def ratio(a: float | None, b: float | None, digits: int = 3) -> float | None:
    """a / b, or None when either side is missing or b is zero."""
    if a is None or b is None or b == 0:
        return None
    return round(float(a) / float(b), digits)


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def max_rss_mb() -> float:
    """This process's peak resident set size so far. Linux's VmHWM belongs to the current
    program; ru_maxrss also remembers the parent's peak from before ``exec`` (a benchmark
    child started by a process holding the model would report the parent's size)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PeakRss:
    """Samples this process's RSS in a background thread; ``peak_mb`` is the highest value
    seen while the block ran (ru_maxrss only ever grows, so it cannot tell phases apart)."""

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.start_mb = 0.0
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        proc = psutil.Process()
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, proc.memory_info().rss / 2**20)
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakRss":
        self.start_mb = self.peak_mb = rss_mb()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peak_mb = max(self.peak_mb, rss_mb())

    def to_dict(self) -> dict[str, float]:
        return {"start_mb": round(self.start_mb, 1), "peak_mb": round(self.peak_mb, 1),
                "growth_mb": round(self.peak_mb - self.start_mb, 1)}


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20


def sizes_mb(path: Path) -> dict[str, float]:
    """Size of each top-level entry of a snapshot directory, and the total."""
    out = {}
    for p in sorted(Path(path).iterdir()):
        out[p.name] = round(dir_size_mb(p) if p.is_dir() else p.stat().st_size / 2**20, 3)
    out["total"] = round(sum(out.values()), 3)
    return out


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on; the load average shows whether other work shared the CPU."""
    import faiss
    import torch

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": cores,
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "faiss": faiss.__version__,
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def clear_query_cache(searcher) -> None:
    """Forget the query vectors a searcher has cached, so the next timed query costs what a
    new question costs (its own cache and any ``lru_cache``-wrapped method of its class)."""
    own = getattr(searcher, "_query_cache", None)
    if callable(getattr(own, "cache_clear", None)):
        own.cache_clear()
    for name in dir(type(searcher)):
        attr = getattr(type(searcher), name, None)
        if callable(getattr(attr, "cache_clear", None)):
            attr.cache_clear()
