"""Vietnamese tokens for the lexical index: syllables in key form (tones kept, one canonical
placement), optionally accent-folded, plus adjacent-syllable bigrams so multi-syllable
words ("chủ trì", "thông tin") score as units without a slow word segmenter.

No stop-word list and no minimum length: one-letter Vietnamese words ("ở", "ý") carry meaning
and bm25's IDF already discounts frequent words.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracuu.normalize import fold, syllables


@dataclass(frozen=True)
class TokenizerConfig:
    bigrams: bool = True

    def to_dict(self) -> dict:
        return {"bigrams": self.bigrams, "unit": "syllable"}


def tokenize(text: str, folded: bool = False, config: TokenizerConfig = TokenizerConfig()) -> list[str]:
    toks = fold(" ".join(syllables(text))).split() if folded else syllables(text)
    if config.bigrams and len(toks) > 1:
        toks = toks + [f"{a}_{b}" for a, b in zip(toks, toks[1:])]
    return toks
