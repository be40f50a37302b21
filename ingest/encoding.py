"""Bytes → Unicode text for Vietnamese documents, including the pre-Unicode encodings.

Provincial offices still circulate files typed in the 1990s–2000s font encodings:
TCVN3/ABC (".VnTime" fonts: one byte per letter) and VNI (VNI-Times: base letter + a
mark byte), besides Windows-1258 (base letter + combining tone). A file in such an
encoding usually reaches us already mis-decoded as cp1252/latin-1 inside an otherwise
Unicode container (docx, html, a UTF-8 copy), so the conversion works on ``str`` and
the byte decoder reuses it.

Detection is by Vietnamese syllable structure: a line is converted only when the
converted words form more valid Vietnamese syllables than the words as they are, so
normal Unicode Vietnamese is never touched.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from functools import lru_cache

from tracuu.records import IngestError

log = logging.getLogger(__name__)

# Tone marks in the order both legacy tables list them: huyền, hỏi, ngã, sắc, nặng.
_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
_TONES = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- TCVN3 (ABC) -------------------------------------------------------------------------
# One byte per letter; toned letters exist only in lower case (capitals were typed with
# the lower-case code in the all-caps ".VnTimeH" font).
_TCVN3_TONED_ROWS = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_PLAIN = dict(zip(range(0xA1, 0xAF), "ĂÂÊÔƠƯĐăâêôơưđ"))


def _build_tcvn3() -> dict[str, str]:
    table = {chr(code): letter for code, letter in _TCVN3_PLAIN.items()}
    for base, codes in _TCVN3_TONED_ROWS.items():
        for code, tone in zip(codes, _TONES):
            table[chr(code)] = _nfc(base + tone)
    return table


#: TCVN3 code (as the latin-1 character it is mis-decoded to) → Unicode letter.
TCVN3_TO_UNICODE: dict[str, str] = _build_tcvn3()
_TCVN3_TRANS = str.maketrans(TCVN3_TO_UNICODE)

# --- VNI (VNI-Windows) -------------------------------------------------------------------
# A base letter followed by a mark byte; the upper-case mark byte is the lower-case one
# minus 0x20 (the same latin-1 letter in upper case). ơ, ư, đ and the toned i / ỵ are
# single bytes.
_VNI_TONE_MARKS = {"ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ù": _ACUTE, "ï": _DOT}
_VNI_CIRCUMFLEX_MARKS = {"â": "", "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "á": _ACUTE, "ä": _DOT}
_VNI_BREVE_MARKS = {"ê": "", "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "é": _ACUTE, "ë": _DOT}
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "ì": "ì", "í": "í", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _build_vni() -> dict[str, str]:
    pairs: dict[str, str] = {}  # lower-case key → lower-case letter

    def add(base_key: str, base_letter: str, marks: dict[str, str], quality: str = "") -> None:
        for mark, tone in marks.items():
            pairs[base_key + mark] = _nfc(base_letter + quality + tone)

    for vowel in "aeouy":
        add(vowel, vowel, _VNI_TONE_MARKS)
    for vowel in "aeo":
        add(vowel, vowel, _VNI_CIRCUMFLEX_MARKS, "\u0302")
    add("a", "a", _VNI_BREVE_MARKS, "\u0306")
    add("ô", "ơ", _VNI_TONE_MARKS)
    add("ö", "ư", _VNI_TONE_MARKS)

    table: dict[str, str] = {}
    for key, letter in pairs.items():
        base, mark = key
        for b in (base, base.upper()):  # the base letter decides the case; either mark case
            for m in (mark, mark.upper()):
                table[b + m] = letter.upper() if b.isupper() else letter
    for key, letter in _VNI_SINGLE.items():
        table[key] = letter
        table[key.upper()] = letter.upper()
    return table


#: VNI code sequence (as mis-decoded latin-1 text) → Unicode letter.
VNI_TO_UNICODE: dict[str, str] = _build_vni()
_VNI_RE = re.compile("|".join(sorted(map(re.escape, VNI_TO_UNICODE), key=len, reverse=True)))


def tcvn3_to_unicode(text: str) -> str:
    """Convert TCVN3 text (read as latin-1/cp1252) to Unicode; all-caps words regain
    their capital toned letters (they were typed in the ".VnTimeH" caps font)."""
    return _restore_caps(text.translate(_TCVN3_TRANS), text)


def vni_to_unicode(text: str) -> str:
    """Convert VNI text (read as latin-1/cp1252) to Unicode."""
    return _VNI_RE.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text)


def _build_encoders() -> dict[str, dict[str, str]]:
    tcvn3 = {letter: code for code, letter in TCVN3_TO_UNICODE.items()}
    for code, letter in list(TCVN3_TO_UNICODE.items()):
        if letter.upper() not in tcvn3:  # capitals with a tone: the caps-font habit
            tcvn3[letter.upper()] = code
    # the canonical VNI form: the mark byte's case follows the base letter's
    vni = {letter: code for code, letter in VNI_TO_UNICODE.items() if code in (code.upper(), code.lower())}
    return {"tcvn3": tcvn3, "vni": vni}


_ENCODERS = _build_encoders()


def encode_legacy(text: str, encoding: str) -> str:
    """Unicode → TCVN3 or VNI as 8-bit characters (``.encode('cp1252')`` gives the bytes a
    legacy-font editor saved). Makes test files; the inverse of the tables above."""
    table = _ENCODERS[encoding]
    return "".join(table.get(ch, ch) for ch in _nfc(text))


# Fonts name their encoding: ".VnTime", ".VnArialH" … are TCVN3; "VNI-Times" … are VNI.
def legacy_encoding_for_font(font_name: str | None) -> str | None:
    """``"tcvn3"``, ``"vni"`` or None for a font name as Word stores it."""
    if not font_name:
        return None
    name = font_name.strip()
    if name.lower().startswith(".vn"):
        return "tcvn3"
    if re.match(r"(?i)vni[- ]", name):
        return "vni"
    return None


def is_caps_font(font_name: str | None) -> bool:
    """TCVN3 fonts whose name ends in H (".VnTimeH") draw every letter as a capital."""
    return legacy_encoding_for_font(font_name) == "tcvn3" and font_name.strip().endswith("H")


def convert_legacy(text: str, encoding: str) -> str:
    return tcvn3_to_unicode(text) if encoding == "tcvn3" else vni_to_unicode(text)


# --- Vietnamese syllable structure (the detector) ----------------------------------------

_ONSETS = ("ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
_CODAS = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "")
_STOP_CODAS = frozenset({"c", "ch", "p", "t"})  # only sắc or nặng tone before these
# Nuclei that end in a semivowel take no coda.
_OPEN_NUCLEI = frozenset(
    "ai ao au ay âu ây eo êu ia iu oi ôi ơi ui ưi ưu ưa ua iêu yêu oai oay oeo uây uôi ươi ươu uya uyu".split()
)
_NUCLEI = _OPEN_NUCLEI | frozenset(
    "a ă â e ê i o ô ơ u ư y iê yê oa oă oe oo ôô uâ uê uô uơ uy ươ uyê".split()
)
_MARKED = frozenset("ăâêôơư")
_NH_CH_NUCLEI = frozenset({"a", "ê", "i", "y", "oa", "uê", "uy"})  # anh, ênh, inh, oanh, uynh …
# A token: letters plus every latin-1 character a legacy code can stand for.
_TOKEN = re.compile(r"[A-Za-z\u00a1-\u00ff\u0100-\u01b0\u1ea0-\u1ef9]+")
# Letters that only Unicode Vietnamese has (outside latin-1): proof a line is already Unicode.
_UNICODE_ONLY = re.compile(r"[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")
_LATIN1_HIGH = re.compile(r"[\u00a1-\u00ff]")

_VIET_LETTERS = frozenset(
    "bcdđghklmnpqrstvx" + "".join(_nfc(v + t) for v in "aăâeêioôơuưy" for t in ("",) + _TONES)
)


def _tone_positions(nucleus: str, has_coda: bool) -> set[int]:
    """Where the tone may sit in ``nucleus`` (both the old "hoà" and new "hòa" styles)."""
    marked = [i for i, ch in enumerate(nucleus) if ch in _MARKED]
    if marked:
        return {marked[-1]}
    if len(nucleus) == 1:
        return {0}
    if has_coda:
        return {len(nucleus) - 1}
    if nucleus in ("oa", "oe", "uy"):
        return {0, 1}
    return {1} if len(nucleus) == 3 else {0}


@lru_cache(maxsize=100_000)
def is_vietnamese_syllable(word: str) -> bool:
    """True for a well-formed Vietnamese syllable: onset + vowel nucleus + coda, at most
    one tone, on a vowel where Vietnamese spelling puts it, and only sắc/nặng before a
    stop coda (p, t, c, ch). Tells "tốt" from its TCVN3 misreading "tèt"."""
    letters, tone, tone_at = [], None, -1
    for i, ch in enumerate(_nfc(word).lower()):
        if ch not in _VIET_LETTERS:
            return False
        parts = unicodedata.normalize("NFD", ch)
        marks = [c for c in parts if c in _TONES]
        if marks:
            if tone is not None:
                return False
            tone, tone_at = marks[0], i
        letters.append(_nfc("".join(c for c in parts if c not in _TONES)))
    base = "".join(letters)
    for onset in _ONSETS:
        if not base.startswith(onset):
            continue
        rest = base[len(onset):]
        for coda in _CODAS:
            if not rest.endswith(coda):
                continue
            nucleus = rest[: len(rest) - len(coda)]
            if nucleus not in _NUCLEI or (coda and nucleus in _OPEN_NUCLEI):
                continue
            if coda in ("nh", "ch") and nucleus not in _NH_CH_NUCLEI:
                continue
            if coda in _STOP_CODAS and tone not in (_ACUTE, _DOT):
                continue
            if tone is None or tone_at - len(onset) in _tone_positions(nucleus, bool(coda)):
                return True
    return False


def _token_score(tokens) -> int:
    return sum(1 if is_vietnamese_syllable(tok) else -1 for tok in tokens)


def _scored_tokens(text: str) -> list[str]:
    """Tokens of two or more characters: one character says too little ("½" would
    convert to the valid "ẵ")."""
    return [tok for tok in _TOKEN.findall(text) if len(tok) >= 2]


def syllable_score(text: str) -> int:
    """Valid minus invalid Vietnamese syllables among the tokens of ``text``."""
    return _token_score(_scored_tokens(text))


_CONVERTERS = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}


def _line_gains(line: str) -> dict[str, tuple[int, str]]:
    """Per encoding: (score gained by converting, converted line). The same tokens of the
    line as it is are scored before and after, so VNI's two-character letters ("uû" → "ủ")
    weigh the same as TCVN3's one-character ones."""
    tokens = _scored_tokens(line)
    base = _token_score(tokens)
    out = {}
    for name, conv in _CONVERTERS.items():
        converted = conv(line)
        if converted != line:
            out[name] = (_token_score(conv(tok) for tok in tokens) - base, converted)
    return out


_TCVN3_LOW_RANGE = re.compile(r"[\u00a1-\u00bf]")


_VNI_PAIR = re.compile(r"(?i)[aeouyôö][ùøûõïâáàåãäêéèúüë]")


def _byte_range_hint(text: str) -> str:
    """Tie-breaker between equally good readings: TCVN3 keeps đ, ư, ơ, ô, ê, â, ă and the
    toned a's in 0xA1–0xBF, where VNI has no letter; VNI writes a vowel then a mark byte."""
    return "vni" if len(_VNI_PAIR.findall(text)) > len(_TCVN3_LOW_RANGE.findall(text)) else "tcvn3"


def has_unicode_vietnamese(text: str) -> bool:
    """True when ``text`` holds a Vietnamese letter that only Unicode has (ạ, ư, đ …):
    such text is not legacy mojibake."""
    return bool(_UNICODE_ONLY.search(text))


def _may_be_legacy(line: str) -> bool:
    return bool(_LATIN1_HIGH.search(line)) and not _UNICODE_ONLY.search(line)


def fix_legacy_vietnamese(text: str) -> str:
    """Convert TCVN3/VNI mojibake in ``text`` to Unicode, line by line; normal Unicode
    Vietnamese (and any other text) comes back unchanged.

    A line is converted when the conversion yields more valid Vietnamese syllables. A line
    that scores the same either way ("Céng" looks like a syllable too) is converted only
    when the whole text shows clearly which encoding it is in; a line where TCVN3 and VNI
    tie takes the encoding of the whole text.
    """
    if not _LATIN1_HIGH.search(text):
        return text
    lines = text.splitlines(keepends=True)
    scored = [(i, _line_gains(line)) for i, line in enumerate(lines) if _may_be_legacy(line)]
    scored = [(i, gains) for i, gains in scored if gains]
    if not scored:
        return text
    totals = {n: sum(max(g[n][0], 0) for _, g in scored if n in g) for n in _CONVERTERS}
    doc_encoding = max(totals, key=lambda n: (totals[n], n == _byte_range_hint(text)))
    strong = totals[doc_encoding] >= 3
    changed = 0
    for i, gains in scored:
        best = max(gain for gain, _ in gains.values())
        choices = [n for n, (gain, _) in gains.items() if gain == best]
        preferred = doc_encoding if strong else _byte_range_hint(lines[i])
        name = preferred if preferred in choices else choices[0]
        if best >= 1 or (best == 0 and strong and name == doc_encoding):
            lines[i] = gains[name][1]
            changed += 1
    if changed:
        log.debug("converted %d line(s) from legacy Vietnamese encoding (%s)", changed, doc_encoding)
    return "".join(lines)


# --- caps restoration for TCVN3 ------------------------------------------------------------

_WORD = re.compile(r"\w+")


def _restore_caps(converted: str, original: str) -> str:
    """Upper-case the converted toned letters of all-caps words ("HéI" → "HỘI"): they were
    typed with lower-case codes in the caps font. A word whose own letters cannot tell
    ("ñY", "Tù") follows its neighbours. TCVN3 conversion keeps positions, so the letters
    that changed are known."""
    changed = {i for i, (a, b) in enumerate(zip(converted, original)) if b in TCVN3_TO_UNICODE and a.islower()}
    if not changed:
        return converted
    words = list(_WORD.finditer(converted))

    def caps_state(m: re.Match[str]) -> bool | None:
        """True: all caps; False: has a lower-case letter; None: cannot tell."""
        cased = [(i, ch) for i, ch in enumerate(m.group(0), m.start()) if i not in changed and ch.isalpha()]
        if any(ch.islower() for _, ch in cased):
            return False
        # an upper-case letter after the first position means caps, not title case
        return True if any(i > m.start() for i, _ in cased) else None

    states = [caps_state(m) for m in words]
    # only real words vote for a neighbour: acronyms ("KH-UBND") are caps in any text
    votes = [st if is_vietnamese_syllable(m.group(0)) else None for st, m in zip(states, words)]
    out = list(converted)
    for k, m in enumerate(words):
        if not any(i in changed for i in range(m.start(), m.end())):
            continue
        state = states[k]
        if state is None:  # nearest word on each side whose own letters tell
            before = next((s for s in reversed(votes[:k]) if s is not None), None)
            after = next((s for s in votes[k + 1 :] if s is not None), None)
            near = [s for s in (before, after) if s is not None]
            state = bool(near) and all(near)
        if state:
            out[m.start() : m.end()] = m.group(0).upper()
    return "".join(out)


# --- bytes ---------------------------------------------------------------------------------

_BAD_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd\ue000-\uf8ff]")


def looks_binary(text: str) -> bool:
    """More than 2% control characters, replacement or private-use characters."""
    if not text:
        return False
    return len(_BAD_CONTROL.findall(text)) / len(text) > 0.02


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 with no BOM shows as a NUL in every other byte of its ASCII characters."""
    if len(data) < 4 or len(data) % 2:
        return None
    even = data[0::2].count(0) / (len(data) / 2)
    odd = data[1::2].count(0) / (len(data) / 2)
    encoding = "utf-16-le" if odd > 0.3 and even < 0.05 else "utf-16-be" if even > 0.3 and odd < 0.05 else None
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few damaged bytes (a truncated copy, one stray cp1252 quote) is still
    UTF-8: keep it, with U+FFFD for the damage, rather than re-reading it all as 8-bit."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return text if good >= 20 * bad else None


def _decode_8bit(data: bytes) -> str:
    """Pick among Windows-1258 and cp1252 (+ TCVN3/VNI) by Vietnamese syllable score."""
    candidates: list[tuple[int, str, str]] = []
    latin = _cp1252_lenient(data)
    fixed = fix_legacy_vietnamese(latin)
    candidates.append((syllable_score(fixed), "cp1252" if fixed == latin else "legacy", fixed))
    try:
        cp1258 = _nfc(data.decode("cp1258"))
        candidates.append((syllable_score(cp1258), "cp1258", cp1258))
    except UnicodeDecodeError:
        pass
    score, name, text = max(candidates, key=lambda c: c[0])
    log.debug("8-bit text decoded as %s (score %d)", name, score)
    return text


def _cp1252_lenient(data: bytes) -> str:
    """cp1252, with its five undefined bytes read as latin-1 (as browsers do)."""
    return data.decode("latin-1").translate(_CP1252_LENIENT)


_CP1252_LENIENT = {b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xA0)}

# Web pages labelled latin-1 or ASCII are windows-1252 in every browser.
_WEB_ALIASES = {"iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
                "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "windows-1252": "cp1252"}


def decode_declared(data: bytes, charset: str) -> str | None:
    """Decode with the charset a page declares (as browsers read it); None if the label
    is unknown or the bytes do not fit it, so the caller falls back to detection."""
    label = charset.strip().lower()
    codec = _WEB_ALIASES.get(label, label)
    if codec == "cp1252":
        return _cp1252_lenient(data)
    try:
        text = data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None
    return _nfc(text) if codecs.lookup(codec).name == "cp1258" else text


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_bytes(data: bytes, path: str) -> str:
    """Decode a text file's bytes: BOM (UTF-8/16/32), else UTF-8, else the best of
    Windows-1258 / TCVN3 / VNI / cp1252. TCVN3/VNI mojibake is converted to Unicode.

    Raises IngestError for binary or undecodable data.
    """
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError(path, f"binary or unreadable content (bad {encoding}: {exc.reason})") from exc
            break
    if text is None and b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise IngestError(path, "binary or unreadable content")
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _mostly_utf8(data) or _decode_8bit(data)
    if looks_binary(text):
        raise IngestError(path, "binary or unreadable content")
    return fix_legacy_vietnamese(text)
