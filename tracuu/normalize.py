"""The one place for Vietnamese text normalisation.

Ingest, indexing, query handling and the eval harness all call these functions, so a
document and a question typed in any style meet in the same form:

* ``clean_text``  – display text: NFC, invisible characters and website leftovers removed,
  sentences broken by page breaks rejoined. Every character span points into this text.
* ``search_key``  – lower case, NFC, one canonical tone-mark placement (hoà/hòa → hòa).
* ``fold``        – ``search_key`` without any diacritics, đ → d ("ai chu tri").
* ``syllables``   – word tokens of a text in key form (one-letter words such as "ở" kept).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --- characters -------------------------------------------------------------------------

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u3000"), " ")

# Combining marks: the five tones, and the vowel-quality marks that are part of the letter.
TONE_MARKS = {"\u0300": "f", "\u0301": "s", "\u0303": "x", "\u0309": "r", "\u0323": "j"}
_QUALITY_MARKS = {"\u0302", "\u0306", "\u031b"}

# --- website leftovers -------------------------------------------------------------------

_LEFTOVER_LINES = re.compile(
    r"^\s*(Đang tải nội dung, vui lòng chờ giây lát\.*|Hệ thống pháp luật|"
    r"Văn bản này chưa có chỉ dẫn thay đổi|Lưu trữ|Ghi chú|Ý kiến|Facebook|Email|In)\s*$",
    re.IGNORECASE,
)
_MARKUP = re.compile(r"\*\*|</?(?:i|b|u|em|strong|span|p|br|div|sup|sub)\s*/?>", re.IGNORECASE)

_TERMINAL = ".;:!?…)\"”"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_invisible(text: str) -> str:
    """NFC; zero-width characters, soft hyphens and BOMs removed; exotic spaces → space."""
    text = nfc(text).translate(_ZERO_WIDTH).translate(_SPACES)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(raw: str) -> str:
    """Display text of a document: the form that is stored, shown and cited."""
    text = strip_invisible(raw)
    text = _MARKUP.sub("", text)
    lines = [ln.rstrip() for ln in text.split("\n")]
    lines = [ln for ln in lines if not _LEFTOVER_LINES.match(ln)]
    lines = [("" if not ln.strip() else ln) for ln in lines]
    text = "\n".join(rejoin_broken_lines(lines))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


_LIST_MARKER = re.compile(r"^\s*(?:[a-zđ]\)|\(\w{1,3}\)|-|\+|•)")
_HEADING_LIKE = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[a-zđ]\))\s")


def _starts_lower(line: str) -> bool:
    s = line.lstrip()
    return bool(s) and s[0].isalpha() and s[0].islower() and not _LIST_MARKER.match(s)


def rejoin_broken_lines(lines: list[str]) -> list[str]:
    """Rejoin a sentence cut by a page break: a line with no closing punctuation, then
    blank line(s), then a line starting with a lower-case letter ("… trọng" / "điểm, …")."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        heading_like = bool(_HEADING_LIKE.match(line)) and len(line) < 100
        if line and "\t" not in line and not heading_like and not line.rstrip().endswith(tuple(_TERMINAL)):
            j = i + 1
            while j < len(lines) and not lines[j].strip() and j - i <= 3:
                j += 1
            if j > i + 1 and j < len(lines) and "\t" not in lines[j] and _starts_lower(lines[j]):
                lines[j] = line.rstrip() + " " + lines[j].lstrip()
                i = j
                continue
        out.append(line)
        i += 1
    return out


# --- tone placement, keys and folding ----------------------------------------------------

_VOWELS = set("aăâeêioôơuưy")


@lru_cache(maxsize=200_000)
def _canon_syllable(word: str) -> str:
    """Move the tone of an open ``oa``/``oe``/``uy`` syllable onto its first vowel
    (hoà → hòa, thuỷ → thủy, uỷ → ủy); "quý" and closed syllables are left alone."""
    decomposed = unicodedata.normalize("NFD", word)
    tone = None
    base_chars: list[str] = []
    for ch in decomposed:
        if ch in TONE_MARKS:
            tone = ch
        else:
            base_chars.append(ch)
    if tone is None:
        return word
    base = unicodedata.normalize("NFC", "".join(base_chars))
    low = base.lower()
    m = re.fullmatch(r"([^aăâeêioôơuưy]*)(oa|oe|uy)", low)
    if not m or m.group(1).endswith("q") or (m.group(1) == "g" and low.startswith("gi")):
        return word
    pos = len(m.group(1))  # first vowel of the pair
    nfd = list(unicodedata.normalize("NFD", base))
    # find index in NFD of the character at ``pos`` (base letters of oa/oe/uy carry no marks)
    idx = -1
    count = -1
    for k, ch in enumerate(nfd):
        if not unicodedata.combining(ch):
            count += 1
            if count == pos:
                idx = k
                break
    if idx < 0:
        return word
    nfd.insert(idx + 1, tone)
    return unicodedata.normalize("NFC", "".join(nfd))


_WORD = re.compile(r"\w+", re.UNICODE)


def canonical_tones(text: str) -> str:
    return _WORD.sub(lambda m: _canon_syllable(m.group(0)), nfc(text))


def search_key(text: str) -> str:
    """Lower-case NFC text with canonical tone placement (keeps all diacritics)."""
    return canonical_tones(strip_invisible(text)).lower()


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch):
            continue
        out.append(ch)
    return "".join(out).replace("đ", "d").replace("Đ", "D")


_STRAY_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Accent-folded lower-case form: "Sở Thông tin" → "so thong tin"."""
    # word by word (cached), then any combining mark left outside a word ("À̀")
    return _STRAY_MARKS.sub("", _WORD.sub(lambda m: _fold_word(m.group(0)), search_key(text)))


def has_diacritics(text: str) -> bool:
    return fold(text) != search_key(text)


def syllables(text: str) -> list[str]:
    """Tokens of ``text`` in key form: Vietnamese syllables, numbers, acronyms."""
    return _WORD.findall(search_key(text))


def tone_of(syllable: str) -> str | None:
    """The tone mark of a syllable (one of TONE_MARKS' keys) or None."""
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in TONE_MARKS:
            return ch
    return None


def match_key(text: str) -> str:
    """Comparison form used by the eval harness and answer checks: ``search_key`` with
    every Unicode punctuation/symbol removed and white space collapsed."""
    key = search_key(text)
    key = "".join(" " if unicodedata.category(ch)[0] in "PSZ" else ch for ch in key)
    return " ".join(key.split())
