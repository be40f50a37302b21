"""Cold start: seconds from ``python app.py`` (an existing index) to the first answer
received over the app's HTTP API, beside the floors measured in the same run — loading the
embedding model alone, and a cold ``tracuu ask`` on the command line.

The app serves keyword answers while its model loads in the background, so three times are
reported: the page served, the first answer (and whether it was lexical), and hybrid search
ready (the app's log line, watched from outside). Run alone:
``python -m tracuu.bench.coldstart --store DIR [--runs N] [--floors]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tracuu.bench.measure import ratio

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
TARGET_S = 5.0
_LOGGED = {"model_load_s": r"embedding model loaded in ([\d.]+) s", "index_load_s": r"index loaded in ([\d.]+) s"}
HYBRID_READY = "hybrid search ready"  # logged by the app once the dense side is attached
MODEL_FAILED = "embedding model could not be used"
LEXICAL_NOTE = "tc-model-note"  # the answer card's note: this answer came from keyword search


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def offline_env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
            "GRADIO_ANALYTICS_ENABLED": "False"}


def app_command(store: Path, port: int) -> list[str]:
    """``python app.py`` from a checkout; the same entry point through the package otherwise."""
    app = REPO / "app.py"
    package = "import sys; from tracuu.ui import main; sys.exit(main())"
    head = [sys.executable, str(app)] if app.exists() else [sys.executable, "-c", package]
    return [*head, "--store", str(store), "--host", "127.0.0.1", "--port", str(port), "--no-upload"]


def wait_http(url: str, proc: subprocess.Popen, timeout: float) -> bool:
    """Poll ``url`` until it answers 200 (False if the process died or time ran out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.05)
    return False


def wait_log(path: Path, needles: tuple[str, ...], proc: subprocess.Popen, timeout: float) -> str | None:
    """Poll the app's log until one of ``needles`` appears; return it (None: died or timed out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(errors="replace")
        found = next((n for n in needles if n in text), None)
        if found or proc.poll() is not None:
            return found
        time.sleep(0.05)
    return None


def ask_endpoint(client) -> str:
    """The API name of the app's Ask event (its first parameter is the question)."""
    api = client.view_api(return_format="dict", print_info=False)
    names = [n for n, ep in api["named_endpoints"].items()
             if "ask" in n and ep["parameters"] and ep["parameters"][0]["parameter_name"] in ("q", "question")]
    if not names:
        raise RuntimeError(f"no Ask endpoint among {sorted(api['named_endpoints'])}")
    return sorted(names, key=len)[0]


def stop(proc: subprocess.Popen) -> None:
    """Stop the app we started (its own process id only)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def cold_app(store: Path, question: str, log_path: Path, timeout: float = 300) -> dict[str, Any]:
    from gradio_client import Client  # imported before the clock starts: it is the client's cost, not the app's

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with open(log_path, "w") as logf:
        t0 = time.perf_counter()
        proc = subprocess.Popen(app_command(store, port), cwd=REPO, env=offline_env(), stdout=logf,
                                stderr=subprocess.STDOUT)
        try:
            if not wait_http(url, proc, timeout):
                raise RuntimeError(f"the app did not come up within {timeout:.0f} s (log: {log_path})")
            page = time.perf_counter() - t0
            client = Client(url, verbose=False)
            name = ask_endpoint(client)
            answer = client.predict(question, api_name=name)
            first = time.perf_counter() - t0
            ready = wait_log(log_path, (HYBRID_READY, MODEL_FAILED), proc, timeout)
            hybrid = time.perf_counter() - t0 if ready == HYBRID_READY else None
        finally:
            stop(proc)
    text = log_path.read_text(errors="replace")
    logged = {k: float(m.group(1)) for k, rx in _LOGGED.items() if (m := re.search(rx, text))}
    card = str(answer[0] if isinstance(answer, (list, tuple)) else answer)
    return {"page_s": round(page, 3), "first_answer_s": round(first, 3),
            "first_answer_mode": "lexical" if LEXICAL_NOTE in card else "hybrid",
            "hybrid_ready_s": round(hybrid, 3) if hybrid is not None else None, "model_failed": ready == MODEL_FAILED,
            "api": name, "answered": "tc-answer" in card, **logged, "target_s": TARGET_S,
            "target_met": first <= TARGET_S}


def _run(cmd: list[str], timeout: float = 300) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, env=offline_env(), check=True, capture_output=True, timeout=timeout)
    return time.perf_counter() - t0


def bench_cold_start(store: Path, question: str, work: Path, floors: bool = True) -> dict[str, Any]:
    """The app's cold start, with the model-load floor and a cold CLI answer beside it
    (``floors=False``: the app alone)."""
    out: dict[str, Any] = {}
    if floors:
        out["python_import_torch_s"] = round(_run([sys.executable, "-c", "import torch"]), 3)
        out["model_load_floor_s"] = round(_run([sys.executable, "-c", "from tracuu.index.embedder import Embedder; Embedder()"]), 3)
        out["cli_ask_cold_s"] = round(_run([sys.executable, "-m", "tracuu.cli", "ask", question, "--store", str(store)]), 3)
    try:
        out["app"] = cold_app(store, question, work / "coldstart-app.log")
        out["app_over_model_floor"] = ratio(out["app"]["first_answer_s"], out.get("model_load_floor_s"))
    except Exception as exc:  # the UI may be unavailable; the CLI figure still stands
        log.warning("app cold start could not be measured: %s", exc)
        out["app"] = {"error": str(exc)}
    out["cli_over_model_floor"] = ratio(out.get("cli_ask_cold_s"), out.get("model_load_floor_s"))
    return out


def main(argv: list[str] | None = None) -> int:
    """Measure the app's cold start on an existing index; print one JSON line per run."""
    p = argparse.ArgumentParser(prog="python -m tracuu.bench.coldstart", description=__doc__.split("\n\n")[0])
    p.add_argument("--store", required=True, help="an existing index (e.g. built by `tracuu ingest --store DIR`)")
    p.add_argument("--question", default="Cơ quan nào chủ trì mục tiêu DTI?")
    p.add_argument("--runs", type=int, default=1, help="fresh app processes, one after the other")
    p.add_argument("--floors", action="store_true", help="also measure import torch, Embedder() and a cold `tracuu ask`")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    work = Path(tempfile.mkdtemp(prefix="tracuu-coldstart-"))
    for run in range(args.runs):
        load_start = os.getloadavg()[0]
        out = bench_cold_start(Path(args.store), args.question, work, floors=args.floors and run == 0)
        out["load_avg"] = [round(load_start, 2), round(os.getloadavg()[0], 2)]
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
