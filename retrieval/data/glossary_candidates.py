"""Which frequent corpus terms does no row of ``en_vi.tsv`` produce yet?

Why this exists: English questions only meet the Vietnamese plans through the hint terms
of ``en_vi.tsv`` (they feed BM25 and the answer's content-term coverage; the offline e5
model is weak across languages). A domain term with no English gloss is a term an
English-speaking user can never reach. This script lists the corpus's Vietnamese content
vocabulary — multi-syllable words from ``underthesea.word_tokenize`` plus frequent
syllable bigrams/trigrams — ranked by document frequency and frequency, and marks the
ones that no row of the glossary yields, so whoever extends the glossary works from the
documents' own wording instead of from test questions.

Usage::

    python retrieval/data/glossary_candidates.py [CORPUS_DIR] [--top 200] [--min-freq 3]
        [--all] [--no-ngrams] [--no-words]

Writes one candidate a line to stdout: ``freq<TAB>df<TAB>source<TAB>covered<TAB>term``
(``covered`` is ``yes`` when some glossary term contains the candidate as whole words).
Only ``underthesea.word_tokenize`` is used: it runs offline (its other models download).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections import Counter
from pathlib import Path

log = logging.getLogger("glossary_candidates")

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = ROOT / "data" / "corpus"

_WORD = re.compile(r"\w+", re.UNICODE)
# Sentence pieces: n-grams never cross punctuation, tabs or list dashes.
_BREAK = re.compile(r"[.,;:!?()\[\]\"“”…/\t%+=<>*]|\s[-–]\s|\n")

# Grammatical words that may sit inside a phrase ("kế hoạch và đầu tư") but never start or
# end a candidate n-gram.
STOP = frozenset("""
và các của có được trong cho với theo tại là những này đã để từ về trên đến khi như một
không thì mà do bởi vào ra lại nên cũng đó đây hoặc hay nếu vì sẽ đang phải rằng nhằm
cùng qua sau trước giữa mỗi mọi tất cả năm ngày tháng số thực hiện việc bị còn chỉ rất
nhiều ít hơn nhất
""".split())


def _key(text: str) -> str:
    from tracuu.normalize import search_key

    return search_key(text)


def _ftoks(text: str) -> tuple[str, ...]:
    from tracuu.normalize import fold

    return tuple(_WORD.findall(fold(text)))


def load_texts(corpus: Path) -> dict[str, str]:
    from tracuu.normalize import clean_text

    files = sorted(corpus.glob("*.txt"))
    files = [p for p in files if p.name.lower() != "readme.txt"]
    log.info("reading %d documents from %s", len(files), corpus)
    return {p.stem: clean_text(p.read_text(encoding="utf-8")) for p in files}


def word_candidates(texts: dict[str, str]) -> tuple[Counter, Counter]:
    """Multi-syllable words of underthesea's word segmenter: (frequency, document frequency)."""
    from underthesea import word_tokenize

    freq: Counter[str] = Counter()
    df: Counter[str] = Counter()
    for name, text in texts.items():
        seen: set[str] = set()
        for line in text.split("\n"):
            if not line.strip():
                continue
            for word in word_tokenize(line):
                parts = word.split()
                if len(parts) < 2 or not all(p.isalpha() for p in parts):
                    continue
                k = _key(word)
                if any(p.isupper() and len(p) > 1 for p in parts):  # acronyms: acronyms.tsv
                    continue
                freq[k] += 1
                seen.add(k)
        df.update(seen)
        log.info("%s: %d distinct words so far", name, len(freq))
    return freq, df


def ngram_candidates(texts: dict[str, str], sizes=(2, 3)) -> tuple[Counter, Counter]:
    """Syllable n-grams inside punctuation-free pieces, not starting/ending with a stop word."""
    freq: Counter[str] = Counter()
    df: Counter[str] = Counter()
    for text in texts.values():
        seen: set[str] = set()
        for piece in _BREAK.split(text):
            toks = [t for t in _WORD.findall(_key(piece))]
            for n in sizes:
                for i in range(len(toks) - n + 1):
                    gram = toks[i:i + n]
                    if not all(t.isalpha() for t in gram) or gram[0] in STOP or gram[-1] in STOP:
                        continue
                    g = " ".join(gram)
                    freq[g] += 1
                    seen.add(g)
        df.update(seen)
    return freq, df


def glossary_terms() -> list[tuple[str, ...]]:
    """Folded token sequences of every Vietnamese term some en_vi.tsv row produces."""
    from tracuu.retrieval.query import load_en_vi

    return sorted({_ftoks(t) for _, terms in load_en_vi() for t in terms})


def covered_by(cand: str, terms: list[tuple[str, ...]]) -> bool:
    c = _ftoks(cand)
    n = len(c)
    return any(any(t[i:i + n] == c for i in range(len(t) - n + 1)) for t in terms if len(t) >= n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--top", type=int, default=200, help="how many candidates to list (0 = all)")
    ap.add_argument("--min-freq", type=int, default=3)
    ap.add_argument("--min-df", type=int, default=1, help="minimum number of documents")
    ap.add_argument("--all", action="store_true", help="list covered terms too")
    ap.add_argument("--no-ngrams", action="store_true")
    ap.add_argument("--no-words", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")

    texts = load_texts(args.corpus)
    if not texts:
        log.error("no .txt documents in %s", args.corpus)
        return 1
    cands: dict[str, tuple[int, int, str]] = {}
    if not args.no_words:
        freq, df = word_candidates(texts)
        for k, f in freq.items():
            cands[k] = (f, df[k], "word")
    if not args.no_ngrams:
        freq, df = ngram_candidates(texts)
        for k, f in freq.items():
            if k not in cands:
                cands[k] = (f, df[k], "ngram")
    terms = glossary_terms()
    log.info("%d candidates, %d glossary terms", len(cands), len(terms))

    ranked = sorted(((f, d, src, k) for k, (f, d, src) in cands.items()
                     if f >= args.min_freq and d >= args.min_df),
                    key=lambda r: (-r[1], -r[0], r[3]))
    out = 0
    missing = 0
    for f, d, src, k in ranked:
        cov = covered_by(k, terms)
        missing += not cov
        if cov and not args.all:
            continue
        sys.stdout.write(f"{f}\t{d}\t{src}\t{'yes' if cov else 'no'}\t{k}\n")
        out += 1
        if args.top and out >= args.top:
            break
    log.warning("%d of %d frequent candidates have no English gloss", missing, len(ranked))
    return 0


if __name__ == "__main__":
    sys.exit(main())
