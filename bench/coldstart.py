"""Cold start: seconds from ``python app.py`` (an existing index) to the first answer
received over the app's HTTP API, beside the floors measured in the same run — loading the
embedding model alone, and a cold ``tracuu ask`` on the command line.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
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
        finally:
            stop(proc)
    text = log_path.read_text(errors="replace")
    logged = {k: float(m.group(1)) for k, rx in _LOGGED.items() if (m := re.search(rx, text))}
    answered = "tc-answer" in str(answer[0] if isinstance(answer, (list, tuple)) else answer)
    return {"page_s": round(page, 3), "first_answer_s": round(first, 3), "api": name, "answered": answered,
            **logged, "target_s": TARGET_S, "target_met": first <= TARGET_S}


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
