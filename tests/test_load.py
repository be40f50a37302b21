"""A bounded load test of the running app on 127.0.0.1: 200 gold questions from 8 concurrent
clients through the app's HTTP API — no errors, and every answer identical to the one the
same question got in a sequential run."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tracuu.bench.coldstart import HYBRID_READY, MODEL_FAILED, ask_endpoint, free_port, offline_env, stop, wait_http, wait_log
from tracuu.eval.loaders import GOLD_TEST, load_jsonl

pytestmark = pytest.mark.slow

N_QUESTIONS = 200
CLIENTS = 8
_META = re.compile(r'<div class="tc-meta">.*?</div>', re.DOTALL)  # holds the time taken


def normalized(output) -> tuple[str, ...]:
    """The rendered answer without the line that reports how long it took."""
    parts = output if isinstance(output, (list, tuple)) else [output]
    return tuple(_META.sub("", str(p)) for p in parts)


@pytest.fixture(scope="module")
def app_url(corpus_store: Path, tmp_path_factory):
    """The app served by ``tracuu.ui.serve`` in a subprocess on a free loopback port."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("load") / "app.log"
    code = ("import sys; from tracuu.ui import serve; "
            "serve(store=sys.argv[1], host='127.0.0.1', port=int(sys.argv[2]), allow_upload=False)")
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-c", code, str(corpus_store), str(port)], env=offline_env(),
                                stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        assert wait_http(url, proc, timeout=300), f"the app did not start:\n{log_path.read_text()[-3000:]}"
        # the page is served before the model is attached: compare answers once search is hybrid
        ready = wait_log(log_path, (HYBRID_READY, MODEL_FAILED), proc, timeout=300)
        assert ready == HYBRID_READY, f"the model did not attach:\n{log_path.read_text()[-3000:]}"
        yield url
    finally:
        stop(proc)


def test_concurrent_clients_get_the_sequential_answers(app_url):
    from gradio_client import Client

    questions = [q["question"] for q in load_jsonl(GOLD_TEST)][:N_QUESTIONS]
    assert len(questions) == N_QUESTIONS
    first = Client(app_url, verbose=False)
    api = ask_endpoint(first)
    sequential = [normalized(first.predict(q, api_name=api)) for q in questions]
    for q, out in zip(questions, sequential):
        assert "tc-answer" in out[0], f"{q!r}: {out[0][:300]}"  # an answer or an honest "not found"

    local = threading.local()

    def ask(q: str):
        if not hasattr(local, "client"):
            local.client = Client(app_url, verbose=False)
        return normalized(local.client.predict(q, api_name=api))

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        concurrent = list(pool.map(ask, questions))  # any error in a client is raised here
    differing = [q for q, a, b in zip(questions, sequential, concurrent) if a != b]
    assert not differing, f"{len(differing)} answers changed under load, e.g. {differing[:3]}"
