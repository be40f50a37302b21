"""BM25 over Vietnamese syllables (bm25s), in two fields: with diacritics and accent-folded.

The accented field rewards exact Vietnamese words; the folded field lets "chu tri" match
"chủ trì". The query side decides how to weight them (see retrieval.search)."""

from __future__ import annotations

import json
import logging
from array import array
from pathlib import Path

import bm25s
import numpy as np
from bm25s.tokenization import Tokenized

from tracuu.index.tokenize import TokenizerConfig, tokenize

log = logging.getLogger(__name__)

FIELDS = ("key", "folded")
EMPTY = "∅"  # the token of a passage with no tokens, so every passage has a row


def token_ids(texts: list[str], folded: bool, config: TokenizerConfig) -> Tokenized:
    """Each passage's tokens as int32 ids into a vocabulary shared by all passages.

    Tokenising straight into ids keeps one small array per passage instead of a list of
    token strings for the whole corpus (+5 GB at 100k chunks); bm25s scores the ids exactly
    as it would the strings it would otherwise map itself."""
    vocab: dict[str, int] = {}
    ids: list[array] = []
    for text in texts:
        toks = tokenize(text, folded=folded, config=config) or [EMPTY]
        ids.append(array("i", [vocab.setdefault(t, len(vocab)) for t in toks]))
    return Tokenized(ids=ids, vocab=vocab)


class LexicalIndex:
    def __init__(self, models: dict[str, bm25s.BM25], config: TokenizerConfig):
        self.models = models
        self.config = config

    @classmethod
    def build(cls, texts: list[str], config: TokenizerConfig = TokenizerConfig()) -> "LexicalIndex":
        models = {}
        for field in FIELDS:
            model = bm25s.BM25(k1=1.2, b=0.75)
            model.index(token_ids(texts, field == "folded", config), show_progress=False)
            models[field] = model
        return cls(models, config)

    def scores(self, query: str, field: str) -> np.ndarray:
        """BM25 score of every passage for ``query`` tokenised for ``field``."""
        toks = tokenize(query, folded=(field == "folded"), config=self.config)
        model = self.models[field]
        toks = [t for t in toks if t in model.vocab_dict]
        if not toks:
            return np.zeros(model.scores["num_docs"], dtype=np.float32)
        return model.get_scores(toks)

    def document_frequencies(self, field: str = "folded") -> dict[str, int]:
        """How many passages hold each token of ``field``, read off the index (one pass over its
        vocabulary): the answerer weights question words by it, and recounting every passage's
        words at each load took a minute at 100k chunks."""
        model = self.models[field]
        indptr = np.asarray(model.scores["indptr"])
        counts = np.diff(indptr)
        return {tok: int(counts[i]) for tok, i in model.vocab_dict.items() if i < len(counts) and tok != EMPTY}

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        for field, model in self.models.items():
            model.save(str(path / field), show_progress=False)
        (path / "tokenizer.json").write_text(json.dumps(self.config.to_dict()))

    @classmethod
    def load(cls, path: Path) -> "LexicalIndex":
        cfg = json.loads((path / "tokenizer.json").read_text())
        config = TokenizerConfig(bigrams=cfg["bigrams"])
        models = {f: bm25s.BM25.load(str(path / f), mmap=False, show_progress=False) for f in FIELDS}
        return cls(models, config)
