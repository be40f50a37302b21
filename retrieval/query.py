"""Query understanding: what language the user typed in, the query with its accents
restored, and the extra terms that let it meet the documents' wording.

Civil servants type "ai chu tri chi so DTI", "co quan nào phụ trách chuyên đề 6",
"TTHC" or "who leads the DTI target?". The plans write "chủ trì", "thủ tục hành chính",
"Sở Thông tin và Truyền thông". ``parse_query`` bridges the two with the corpus-trained
``DiacriticRestorer`` and three data files: acronyms (both ways), English → Vietnamese hint
terms, and everyday Vietnamese → the documents' wording ("bà con" → "người dân").
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from tracuu.normalize import canonical_tones, fold, search_key, strip_invisible
from tracuu.retrieval.restore import DiacriticRestorer

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+", re.UNICODE)
_ASCII_WORD = re.compile(r"[a-z0-9]+")

# A folded Vietnamese syllable: onset, vowel nucleus, final consonant. Loose (it accepts a
# few impossible rhymes) but it rejects almost every English content word.
_VI_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx])?"
    r"(?:uye|uya|uyu|uoi|uou|uay|uai|oai|oay|oao|oeo|ieu|yeu|uo|ua|ue|ui|uu|uy|ie|ye|ia|iu"
    r"|oa|oe|oi|oo|ai|ao|au|ay|eo|eu|a|e|i|o|u|y)"
    r"(?:ch|ng|nh|c|m|n|p|t)?"
)

# English function and question words; the English sides of en_vi.tsv are added to them.
_ENGLISH = set("""
a about above after against all also am an and any are as at be been before being below
between both but by can could did do does doing down during each few for from further had
has have having he her here hers him his how i if in into is it its itself just me more
most my no nor not now of off on once only or other our out over own same she should so
some such than that the their them then there these they this those through to too under
until up very was we were what when where which while who whom whose why will with would
you your yours please tell show list find give get want need know many much whats who's
what's when's where's does did done shall must may might ought based according regarding
about any every each per via within without between among toward towards
""".split())

LANGS = ("vi", "vi-nodiac", "vi-half", "en")


def is_english_function_word(word: str) -> bool:
    """"to", "do", "the": words of an English question that carry no topic, even where the
    same letters are a Vietnamese syllable."""
    return word.lower() in _ENGLISH


@dataclass
class ParsedQuery:
    original: str
    key: str                  # search_key(original)
    restored: str             # key with diacritics restored (== key when nothing to restore)
    folded: str               # fold(original)
    lang: str                 # "vi", "vi-nodiac", "vi-half", "en"
    expansions: list[str] = field(default_factory=list)  # acronym forms/expansions, English hints (key form)
    acronyms: list[str] = field(default_factory=list)    # acronyms found (canonical form)
    # everyday wording typed → the documents' term for it (key forms), from vi_synonyms.tsv
    synonyms: list[tuple[str, str]] = field(default_factory=list)
    # the same expansions grouped by what they stand for: one English phrase or acronym → its
    # alternative wordings ("trained" → đào tạo | bồi dưỡng | tập huấn); any one of them says it
    concepts: list[list[str]] = field(default_factory=list)


# --- data files ---------------------------------------------------------------------------


def _rows(name: str) -> list[tuple[list[str], list[str]]]:
    """Rows of a two-column data file: ("|"-separated left side, "|"-separated right side)."""
    text = resources.files("tracuu.retrieval").joinpath(f"data/{name}").read_text("utf-8")
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 2:
            raise ValueError(f"{name}:{n}: expected two tab-separated columns")
        left, right = ([p.strip() for p in c.split("|") if p.strip()] for c in cols)
        rows.append((left, right))
    return rows


@lru_cache(maxsize=1)
def _acronym_rows() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    return tuple((tuple(forms), tuple(search_key(e) for e in exps))
                 for forms, exps in _rows("acronyms.tsv"))


def load_acronyms() -> dict[str, list[str]]:
    """Every acronym form as written ("UBND", "TT&TT", "TTTT") → its expansions (key form)."""
    return {form: list(exps) for forms, exps in _acronym_rows() for form in forms}


@lru_cache(maxsize=1)
def _en_vi_rows() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((phrase.lower(), tuple(search_key(t) for t in terms))
                 for phrases, terms in _rows("en_vi.tsv") for phrase in phrases)


def load_en_vi() -> list[tuple[str, list[str]]]:
    """(English phrase, Vietnamese key-form terms), one entry per English variant."""
    return [(phrase, list(terms)) for phrase, terms in _en_vi_rows()]


def _ftoks(text: str) -> tuple[str, ...]:
    """Folded word tokens: the form both matchers compare in."""
    return tuple(_WORD.findall(fold(text)))


def _inflections(word: str) -> frozenset[str]:
    """The forms an English glossary word may take in a question: plural, past, -ing, -ly,
    with the final consonant doubled ("plan" → "planning", "submit" → "submitted")."""
    forms = {word, word + "s", word + "es", word + "ed", word + "d", word + "ing", word + "ly"}
    if word.endswith("e"):
        forms |= {word[:-1] + "ing", word[:-1] + "y"}
    if word.endswith("y"):
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word[:-1] + "ily"}
    if re.fullmatch(r"[a-z]*[^aeiou][aeiou][bdgklmnprt]", word):
        forms |= {word + word[-1] + "ing", word + word[-1] + "ed"}
    return frozenset(forms)


@lru_cache(maxsize=1)
def _synonym_rows() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    return tuple((tuple(search_key(p) for p in phrases), tuple(search_key(t) for t in terms))
                 for phrases, terms in _rows("vi_synonyms.tsv"))


def _phrase_index(entries) -> dict[str, list[tuple[tuple[str, ...], object]]]:
    """(phrase, payload) pairs → first folded token → [(folded tokens, payload)], longest first,
    the shape :func:`_longest_matches` reads."""
    index: dict[str, list[tuple[tuple[str, ...], object]]] = {}
    for phrase, payload in entries:
        toks = _ftoks(phrase)
        index.setdefault(toks[0], []).append((toks, payload))
    for pats in index.values():
        pats.sort(key=lambda p: -len(p[0]))
    return index


@lru_cache(maxsize=1)
def _synonym_patterns() -> dict[str, list[tuple[tuple[str, ...], object]]]:
    """First folded token → [(folded tokens, (phrase, row))]."""
    return _phrase_index((phrase, (phrase, i)) for i, (phrases, _) in enumerate(_synonym_rows()) for phrase in phrases)


def non_overlapping(found: list[tuple[int, int, object]], prefer_later: bool = False) -> list[tuple[int, object]]:
    """Of phrase matches ``(first word, word count, payload)``, those that do not overlap, the
    longest first (ties to the earlier one, or with ``prefer_later`` the later one): ``(first
    word, payload)`` in text order."""
    taken: set[int] = set()
    chosen = []
    for i, n, payload in sorted(found, key=lambda m: (-m[1], -m[0] if prefer_later else m[0])):
        if taken.isdisjoint(range(i, i + n)):
            taken.update(range(i, i + n))
            chosen.append((i, payload))
    return sorted(chosen, key=lambda m: m[0])


def _longest_matches(ftoks: tuple[str, ...], index: dict[str, list[tuple[tuple[str, ...], object]]]) -> list:
    """Non-overlapping matches of indexed phrases in ``ftoks``, longest first — in "đi kiểm tra
    bất ngờ", "kiểm tra bất ngờ" wins over "đi kiểm tra" — their payloads in text order."""
    found = [(i, len(toks), payload) for i in range(len(ftoks))
             for toks, payload in index.get(ftoks[i], ()) if ftoks[i:i + len(toks)] == toks]
    return [payload for _i, payload in non_overlapping(found)]


def match_synonyms(restored: str) -> list[tuple[str, str]]:
    """(everyday phrase, the documents' term) for each phrase of the vi_synonyms file in the
    query, compared accent-folded so "ba con" and "bà con" both count."""
    rows = _synonym_rows()
    return [(phrase, rows[row][1][0]) for phrase, row in _longest_matches(_ftoks(restored), _synonym_patterns())]


@lru_cache(maxsize=1)
def _acronym_patterns() -> dict[str, list[tuple[tuple[str, ...], object]]]:
    """First folded token → [(folded tokens, (is acronym form, row index, matched))]."""
    return _phrase_index((text, (is_form, i, " ".join(_ftoks(text))))
                         for i, (forms, exps) in enumerate(_acronym_rows())
                         for text, is_form in [(f, True) for f in forms] + [(e, False) for e in exps])


@lru_cache(maxsize=1)
def _en_patterns() -> dict[str, list[tuple[tuple[frozenset[str], ...], int]]]:
    """Inflected first word → [(per-word inflection sets, entry index)], longest first."""
    index: dict[str, list[tuple[tuple[frozenset[str], ...], int]]] = {}
    for i, (phrase, _terms) in enumerate(_en_vi_rows()):
        words = tuple(_inflections(w) for w in _ASCII_WORD.findall(fold(phrase)))
        for first in words[0]:
            index.setdefault(first, []).append((words, i))
    for pats in index.values():
        pats.sort(key=lambda p: -len(p[0]))
    return index


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    words = set(_ENGLISH)
    for phrase, _ in _en_vi_rows():
        words |= {w for w in _ASCII_WORD.findall(fold(phrase)) if not is_vi_syllable(w)}
    return frozenset(words)


# --- language -----------------------------------------------------------------------------


def is_vi_syllable(folded: str) -> bool:
    return bool(_VI_SYLLABLE.fullmatch(folded))


def _is_english(word: str) -> bool:
    words = _english_words()
    if word in words:
        return True
    for suffix in ("ing", "ies", "es", "ed", "s", "d"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            if stem in words or stem + "e" in words or (suffix in ("ies", "ied") and stem + "y" in words):
                return True
    return False


def _word_tokens(text: str) -> list[tuple[str, bool]]:
    """(key-form token, typed as an acronym) for the alphabetic tokens of ``text``."""
    cased = canonical_tones(strip_invisible(text))
    shouting = not any(ch.islower() for ch in cased)
    out = []
    for m in _WORD.finditer(cased):
        tok = m.group(0)
        if any(ch.isdigit() for ch in tok) or "_" in tok:
            continue
        out.append((tok.lower(), not shouting and len(tok) > 1 and tok.isupper()))
    return out


def detect_language(text: str, restorer: DiacriticRestorer | None = None) -> str:
    """"en", or "vi" / "vi-half" / "vi-nodiac" by how much of the query carries accents.

    English and unaccented Vietnamese are told apart by counting tokens: folded
    Vietnamese syllables (known to ``restorer`` when given: full weight) against English
    words and words that cannot be Vietnamese syllables ("leads", "target"). Words that
    are both ("the", "to", "in", "do") count for neither; acronyms are ignored."""
    known = _acronym_folds()
    vi = en = 0.0
    accented = plain = 0
    for tok, acronym in _word_tokens(text):
        f = fold(tok)
        if acronym or f in known:
            continue
        if f != tok:
            vi += 1
            accented += 1
            continue
        syllable = is_vi_syllable(f)
        english = _is_english(f)
        if syllable and not english:
            vi += 1 if restorer is None or f in restorer.forms else 0.5
            plain += 1
        elif english and not syllable:
            en += 1
        elif not syllable:
            en += 0.5  # not English we know, but not Vietnamese either
        else:
            plain += 1
    if en > vi:
        return "en"
    if not accented and not plain:
        return "vi"  # acronyms and numbers only: nothing to restore
    if not accented:
        return "vi-nodiac"
    return "vi" if accented >= plain else "vi-half"


@lru_cache(maxsize=1)
def acronym_pairs() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(folded single-token acronym, its folded expansions): "cchc" ↔ "cai cach hanh chinh",
    so evidence written one way counts for a question asked the other way."""
    return tuple((t[0], tuple(fold(e) for e in exps)) for forms, exps in _acronym_rows()
                 for f in forms if len(t := _ftoks(f)) == 1)


@lru_cache(maxsize=1)
def _acronym_folds() -> frozenset[str]:
    """Single-token acronym forms, folded ("ubnd", "hdnd"): never evidence of a language."""
    return frozenset(t[0] for forms, _ in _acronym_rows() for f in forms if len(t := _ftoks(f)) == 1)


# --- expansions ---------------------------------------------------------------------------


def _match_acronyms(ftoks: tuple[str, ...]) -> list[tuple[bool, int, str]]:
    """Greedy longest matches of acronym forms and expansions: (is form, row, matched)."""
    return _longest_matches(ftoks, _acronym_patterns())


def _match_english(words: list[str], only_foreign: bool) -> list[int]:
    """Entry indexes of English phrases found in ``words`` (greedy, longest first). With
    ``only_foreign``, phrases containing a possible Vietnamese syllable are skipped, so an
    English term inside a Vietnamese query ("deadline", "target") still gets its hint."""
    patterns = _en_patterns()
    found = []
    i = 0
    while i < len(words):
        for forms, entry in patterns.get(words[i], ()):
            span = words[i:i + len(forms)]
            if len(span) == len(forms) and all(w in f for w, f in zip(span, forms)):
                if not (only_foreign and any(is_vi_syllable(w) for w in span)):
                    found.append(entry)
                i += len(forms)
                break
        else:
            i += 1
    return found


# Numbered items named in English keep their number next to the Vietnamese label, so
# "thematic topic 6" meets "Chuyên đề 6" as a phrase, not as a stray "6".
_NUMBERED_EN = (
    (re.compile(r"\b(?:thematic\s+)?topics?\s+(?:no\.?\s*|number\s+)?(\d{1,2})\b"), "chuyên đề {}"),
    (re.compile(r"\bindicators?\s+(?:no\.?\s*|number\s+)?(\d{1,2})\b"), "chỉ tiêu {}"),
)


def _expansions(original: str, restored: str, lang: str,
                synonyms: list[tuple[str, str]]) -> tuple[list[str], list[str], list[list[str]]]:
    rows = _acronym_rows()
    concepts: list[list[str]] = []
    typed = {fold(t): t for t, acr in _word_tokens(original) if acr}
    acronyms: list[str] = []
    terms: list[str] = []
    covered: set[str] = set()
    for is_form, row, matched in _match_acronyms(_ftoks(restored)):
        forms, exps = rows[row]
        before = len(terms)
        if is_form:
            acronyms.append(forms[0])
            covered.update(matched.split())
            terms += exps
            terms += [search_key(f) for f in forms if _ftoks(f) != tuple(matched.split())]
            if search_key(forms[0]) != search_key(typed.get(matched, matched)):
                terms.append(search_key(forms[0]))  # "hdnd" typed, documents write "hđnd"
        else:
            terms += [search_key(f) for f in forms]
        concepts.append([matched, *terms[before:]])
    acronyms += [t.upper() for f, t in typed.items() if f not in covered]
    hints = _en_vi_rows()
    words = _ASCII_WORD.findall(fold(original))
    for entry in _match_english(words, only_foreign=lang != "en"):
        terms += hints[entry][1]
        concepts.append(list(hints[entry][1]))
    terms += [term for _phrase, term in synonyms]
    concepts += [[phrase, term] for phrase, term in synonyms]
    if lang == "en":
        for pattern, label in _NUMBERED_EN:
            numbered = [label.format(m.group(1)) for m in pattern.finditer(fold(original))]
            terms += numbered
            concepts += [[t] for t in numbered]
    present = f" {' '.join(_WORD.findall(restored))} "
    out: list[str] = []
    for term in terms:
        if term not in out and f" {' '.join(_WORD.findall(term))} " not in present:
            out.append(term)
    return out, list(dict.fromkeys(acronyms)), concepts


def parse_query(query: str, restorer: DiacriticRestorer | None = None) -> ParsedQuery:
    """Everything retrieval needs to know about a query typed in any style."""
    key = search_key(query)
    lang = detect_language(query, restorer)
    restored = key
    if restorer is not None and lang != "en":
        restored = restorer.restore(query)
        if lang != "vi-nodiac":
            lang = "vi-half" if restored != key else "vi"
    synonyms = match_synonyms(restored) if lang != "en" else []  # English has its own glossary
    expansions, acronyms, concepts = _expansions(query, restored, lang, synonyms)
    pq = ParsedQuery(original=query, key=key, restored=restored, folded=fold(query), lang=lang,
                     expansions=expansions, acronyms=acronyms,
                     synonyms=synonyms, concepts=concepts)
    log.debug("parsed query %r", pq)
    return pq
