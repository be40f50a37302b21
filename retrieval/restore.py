"""Diacritic restoration for queries typed without (or with only some) Vietnamese accents.

"ai chu tri chi so DTI" has to meet "ai chủ trì chỉ số DTI" in the index, or lexical and
dense retrieval both miss. A syllable trigram model trained on the indexed documents knows
the domain's phrases ("chủ trì", "phối hợp", "thủ tục hành chính") better than any general
model, and a Viterbi search over the accented forms compatible with each typed syllable
restores a query in about a millisecond. The model is plain counts, so the index can store
it as JSON next to the documents it was trained on.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from tracuu.normalize import canonical_tones, fold, strip_invisible

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
BOS = "<s>"
EOS = "</s>"
NUM = "<num>"
ACRONYM = "#"  # prefix of acronym tokens
START = "<q>"  # a query is a fragment, not a sentence start: decode from an unseen history

_WORD = re.compile(r"\w+", re.UNICODE)
# Characters that end a phrase: the n-gram context does not run across them.
_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”‘’…/\\|<>*=+\t\n]|\s[-–—]\s|^[-–—•+]\s")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_STROKE = "đ"  # d with stroke is a letter mark too (d → đ)
_MAX_CACHE = 200_000
_MAX_CARE = 0.98  # even a careful typist forgets an accent now and then
_CARE_PRIOR = 2.0  # pseudo-counts pulling the care estimate of short queries up


def _phrases(text: str) -> Iterable[list[str]]:
    """LM token lists of ``text``, one per phrase (line / sentence / clause)."""
    for line in strip_invisible(text).split("\n"):
        cased = canonical_tones(line)
        shouting = not any(ch.islower() for ch in cased)
        for part in _PHRASE_BREAK.split(cased):
            toks = [_lm_token(m.group(0), shouting) for m in _WORD.finditer(part)]
            if toks:
                yield toks


def _lm_token(tok: str, shouting: bool = True) -> str:
    """The model's token for a word as written: numbers share one token (so "chuyên đề 6"
    and "chuyên đề 7" teach the same context); an upper-case acronym inside normal text
    ("35-CT/TU") gets a marked token so it never becomes a form of a syllable ("tu" → "từ")."""
    if any(ch.isdigit() for ch in tok):
        return NUM
    low = tok.lower()
    if not shouting and len(tok) > 1 and tok.isupper():
        return ACRONYM + low
    return low


@lru_cache(maxsize=100_000)
def _marks(word: str) -> tuple[tuple[frozenset[str], ...], str | None]:
    """Per-letter vowel-quality marks (circumflex, breve, horn, đ stroke) and the tone."""
    quality: list[frozenset[str]] = []
    tone = None
    for ch in word:
        decomposed = unicodedata.normalize("NFD", ch)
        marks = set(decomposed[1:])
        for t in marks & _TONES:
            tone = t
        marks -= _TONES
        if ch in (_STROKE, _STROKE.upper()):
            marks.add(_STROKE)
        quality.append(frozenset(marks))
    return tuple(quality), tone


def compatible(typed: str, form: str) -> bool:
    """True if ``form`` only adds accents to what was typed: a typed 'ệ' must stay 'ệ', a
    typed 'e' may become any e-vowel. The tone is matched wherever it was typed, so an
    old-style placement ("qúa") still finds "quá"."""
    if len(typed) != len(form):
        return False
    tq, tt = _marks(typed)
    fq, ft = _marks(form)
    if tt is not None and tt != ft:
        return False
    return all(a <= b for a, b in zip(tq, fq))


class DiacriticRestorer:
    """Syllable trigram model (Witten–Bell interpolation) with Viterbi decoding over the
    accented forms of each folded syllable seen in training."""

    def __init__(self) -> None:
        self.unigrams: Counter[str] = Counter()
        self.bigrams: Counter[tuple[str, str]] = Counter()
        self.trigrams: Counter[tuple[str, str, str]] = Counter()
        self._finish()

    # --- training ------------------------------------------------------------------------

    def fit(self, texts: Iterable[str], seed: bool = True) -> DiacriticRestorer:
        """Count syllable n-grams of ``texts`` (document text in any form) plus, unless
        ``seed`` is False, the bundled general question sentences, so that question words
        the plans never use ("ai", "bao nhiêu", "ở đâu") are restored too."""
        sources: list[Iterable[str]] = [texts]
        if seed:
            sources.append([seed_text()])
        for source in sources:
            for text in source:
                for toks in _phrases(text):
                    self.add_phrase(toks)
        self._finish()
        log.info("restorer trained: %d syllables, %d bigrams, %d trigrams",
                 len(self.unigrams), len(self.bigrams), len(self.trigrams))
        return self

    def add_phrase(self, toks: list[str]) -> None:
        """Count one phrase of model tokens (see ``_lm_token``)."""
        seq = [BOS, BOS] + toks + [EOS]
        self.unigrams.update(seq[2:])
        self.bigrams.update(zip(seq[1:], seq[2:]))
        self.trigrams.update(zip(seq, seq[1:], seq[2:]))

    def _finish(self) -> None:
        """Derive history totals, follower type counts and the folded → forms table."""
        self._total = sum(self.unigrams.values())
        self._vocab = len(self.unigrams) + 1
        self._hist1: Counter[str] = Counter()
        self._types1: Counter[str] = Counter()
        for (v, _w), c in self.bigrams.items():
            self._hist1[v] += c
            self._types1[v] += 1
        self._hist2: Counter[tuple[str, str]] = Counter()
        self._types2: Counter[tuple[str, str]] = Counter()
        for (u, v, _w), c in self.trigrams.items():
            self._hist2[u, v] += c
            self._types2[u, v] += 1
        forms: dict[str, list[str]] = defaultdict(list)
        for w in sorted(self.unigrams, key=lambda w: -self.unigrams[w]):
            if w[0] not in "<#":
                forms[fold(w)].append(w)
        self.forms = dict(forms)
        self._cache: dict[tuple[str, str, str], float] = {}

    # --- scoring -------------------------------------------------------------------------

    def _p1(self, w: str) -> float:
        return (self.unigrams.get(w, 0) + 1) / (self._total + self._vocab)

    def _p2(self, v: str, w: str) -> float:
        h = self._hist1.get(v, 0)
        if not h:
            return self._p1(w)
        t = self._types1[v]
        return (self.bigrams.get((v, w), 0) + t * self._p1(w)) / (h + t)

    def logp(self, u: str, v: str, w: str) -> float:
        key = (u, v, w)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        h = self._hist2.get((u, v), 0)
        if h:
            t = self._types2[u, v]
            p = (self.trigrams.get(key, 0) + t * self._p2(v, w)) / (h + t)
        else:
            p = self._p2(v, w)
        if len(self._cache) > _MAX_CACHE:
            self._cache.clear()
        lp = self._cache[key] = math.log(p)
        return lp

    # --- restoring -----------------------------------------------------------------------

    def candidates(self, typed: str, acronym: bool = False) -> list[tuple[str, str]]:
        """(output word, model token) choices for one key-form token: the known forms of
        its folded syllable that keep every accent the user typed, else the token as typed."""
        if any(ch.isdigit() for ch in typed):
            return [(typed, NUM)]
        if acronym:
            return [(typed, ACRONYM + typed)]
        forms = self.forms.get(fold(typed))
        fitting = [(f, f) for f in forms if compatible(typed, f)] if forms else []
        if fitting:
            return fitting
        if ACRONYM + typed in self.unigrams:  # "ubnd" typed in lower case
            return [(typed, ACRONYM + typed)]
        return [(typed, typed)]

    def restore(self, query: str) -> str:
        """``search_key(query)`` with diacritics restored. Accents the user typed are kept;
        upper-case acronyms ("DTI"), numbers and syllables the model never saw stay as typed.

        A noisy-channel decode: the language model proposes, and a syllable the user left
        plain only gets accents at a price that grows with how carefully the rest of the
        query was accented. A fully accented query is thus left alone ("do ai" stays "do",
        not "độ"), a folded one is restored by the language model alone, and a half-accented
        one gets something in between."""
        cased = canonical_tones(strip_invisible(query))
        key = cased.lower()
        if len(key) != len(cased):  # exotic case mappings: lose only the acronym hint
            cased = key
        shouting = not any(ch.islower() for ch in cased)
        matches = list(_WORD.finditer(key))
        segments: list[list[list[tuple[str, str]]]] = [[]]
        pos = 0
        for m in matches:
            if segments[-1] and _PHRASE_BREAK.search(key[pos:m.start()]):
                segments.append([])
            original = cased[m.start():m.end()]
            acronym = not shouting and len(original) > 1 and original.isupper()
            segments[-1].append(self.candidates(m.group(0), acronym))
            pos = m.end()
        typed = [m.group(0) for m in matches]
        out = self._decode_all(segments, typed, 0.0)
        care = self._accent_care(typed, out, segments)
        if care > 0:
            out = self._decode_all(segments, typed, care)
        pieces: list[str] = []
        pos = 0
        for m, word in zip(matches, out):
            pieces += [key[pos:m.start()], word]
            pos = m.end()
        pieces.append(key[pos:])
        return "".join(pieces)

    @staticmethod
    def _accent_care(typed: list[str], restored: list[str], segments) -> float:
        """Share of the syllables needing accents that the user did accent (0 … _MAX_CARE),
        smoothed towards "careful" because a query with any accent usually has them all."""
        flat = [c for seg in segments for c in seg]
        needed = given = 0
        for t, r, cands in zip(typed, restored, flat):
            if len(cands) == 1 and cands[0][0] == t and fold(t) == t:
                continue  # number, acronym, unknown word
            t_marked, r_marked = fold(t) != t, fold(r) != r
            needed += t_marked or r_marked
            given += t_marked
        return min(_MAX_CARE, (given + _CARE_PRIOR) / (needed + _CARE_PRIOR)) if given else 0.0

    def _decode_all(self, segments, typed: list[str], care: float) -> list[str]:
        out: list[str] = []
        i = 0
        for seg in segments:
            out.extend(self._decode(seg, typed[i:i + len(seg)], care))
            i += len(seg)
        return out

    def _decode(self, segment: list[list[tuple[str, str]]], typed: list[str], care: float) -> list[str]:
        """Best path by Viterbi over trigram states (previous token, current token); each
        accent the user did not type costs log(1 - care)."""
        if all(len(c) == 1 for c in segment):
            return [c[0][0] for c in segment]
        change = math.log(1.0 - care)
        retype = math.log(1.0 - _MAX_CARE)  # a syllable typed with some accent was finished
        states: dict[tuple[str, str], tuple[float, tuple[str, ...]]] = {(START, START): (0.0, ())}
        for cands, t in zip(segment, typed):
            nxt: dict[tuple[str, str], tuple[float, tuple[str, ...]]] = {}
            for (u, v), (score, path) in states.items():
                for word, tok in cands:
                    s = score + self.logp(u, v, tok)
                    if word != t:
                        s += retype if fold(t) != t else change
                    k = (v, tok)
                    if k not in nxt or s > nxt[k][0]:
                        nxt[k] = (s, path + (word,))
            states = nxt
        _, (_, path) = max(states.items(), key=lambda kv: kv[1][0] + self.logp(*kv[0], EOS))
        return list(path)

    # --- persistence ---------------------------------------------------------------------

    def to_dict(self) -> dict:
        """JSON-able counts: {"version", "unigrams", "bigrams", "trigrams"} with n-grams
        joined by spaces (tokens never contain one)."""
        return {
            "version": FORMAT_VERSION,
            "unigrams": dict(self.unigrams),
            "bigrams": {" ".join(k): c for k, c in self.bigrams.items()},
            "trigrams": {" ".join(k): c for k, c in self.trigrams.items()},
        }

    @classmethod
    def from_dict(cls, d: dict) -> DiacriticRestorer:
        if d.get("version") != FORMAT_VERSION:
            raise ValueError(f"unsupported restorer format {d.get('version')!r}")
        r = cls()
        r.unigrams = Counter(d["unigrams"])
        r.bigrams = Counter({tuple(k.split(" ")): c for k, c in d["bigrams"].items()})
        r.trigrams = Counter({tuple(k.split(" ")): c for k, c in d["trigrams"].items()})
        r._finish()
        return r


@lru_cache(maxsize=1)
def seed_text() -> str:
    """General Vietnamese question sentences bundled with the package (one per line)."""
    text = resources.files("tracuu.retrieval").joinpath("data/seed_vi.txt").read_text("utf-8")
    return "\n".join(ln for ln in text.splitlines() if not ln.startswith("#"))
