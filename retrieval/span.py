"""The short answer inside a sentence: the words that fill the question's slot.

Vietnamese asks in place. "Hang Sửng Sốt nằm trên hòn đảo nào?" is answered by "… hang Sửng
Sốt trên đảo Bồ Hòn, động Thiên Cung …": the question's words before its question word
("trên … đảo") find where the answer starts in the sentence; a comma, a verb after a name, or
the question's own following words find where it ends. A subject question ("Quốc gia nào là
khách hàng lớn nhất?") is read the other way, from the words after the question word.

A user (and any reading-comprehension scorer) wants "đảo Bồ Hòn", not the whole sentence; the
sentence stays the citation. When no slot can be placed with confidence, the caller keeps the
sentence: a too-long answer is better than a wrong short one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum

from tracuu.normalize import fold, has_diacritics, syllables
from tracuu.retrieval.entities import PROVINCES
from tracuu.retrieval.query import is_vi_syllable


class Slot(str, Enum):
    WHO = "who"  # ai, who
    WHICH = "which"  # "<noun> nào", "<noun> gì": the answer usually opens on that noun
    WHAT = "what"  # "… là gì", "gọi là gì": a phrase
    WHERE = "where"  # ở đâu, tại đâu


@dataclass(frozen=True)
class _Question:
    slot: Slot
    before: tuple[str, ...]  # folded syllables before the question word (the WHICH noun included)
    after: tuple[str, ...]  # … and after it
    noun: tuple[str, ...]  # "đảo" of "hòn đảo nào", classifiers dropped
    words: frozenset[str]
    pairs: frozenset[tuple[str, str]]
    english: bool
    flat: str = ""  # the question's letters without spaces: "Saigon" names "Sài Gòn"
    accents: bool = False  # its syllables compare with accents
    label: tuple[str, ...] = ()  # "chức vụ" of "chức vụ gì": names the answer without opening it

    def key(self, s: "_Syllable") -> str:
        return s.akey if self.accents else s.key


@dataclass(frozen=True)
class _Syllable:
    key: str  # folded
    akey: str  # lower-case, accents kept
    text: str
    start: int
    end: int
    tag: str  # part of speech of the word it belongs to
    upper: bool


def _keys(text: str, accents: bool = False) -> list[str]:
    """Syllables to compare: folded, or with their accents where the user typed them ("Thánh"
    is not "thành")."""
    return syllables(text) if accents else re.findall(r"[a-z0-9]+", fold(text))


# classifiers and quantifiers that open a noun without being the answer's noun ("hòn đảo", "con sông")
_CLASSIFIERS = {"hon", "con", "cai", "chiec", "ngoi", "to", "vi", "cuon", "quyen", "buc", "bo", "nhung", "cac",
                "loai", "kieu"}
_NOT_SLOTS = re.compile(r"\b(tai sao|vi sao|vi gi|do dau|the nao|ra sao|bao nhieu|bao lau|bao gio|khi nao|"
                        r"nam nao|ngay nao|thang nao|luc nao|thoi diem nao|giai doan nao|hay khong|co phai)\b")
_LEAD_TRIM = {"la", "duoc", "boi", "cua", "nay", "thi", "chinh", "bang", "ra", "vao", "co", "den", "tu", "o", "tai"}
_TAIL_TRIM = {"va", "la", "cua", "o", "tai", "thi", "ma", "nay", "duoc", "cung", "voi", "da", "se"}
_ENDS_CLAUSE = {"con", "nhung", "roi", "noi", "khi", "de", "nham", "ma", "nen", "vi"}
_NAME_STOP_TAGS = {"V", "E", "C", "R", "A", "P", "T", "CH"}
_PUNCT = re.compile(r"[,;:.()\[\]!?\"“”«»–—]")
_QUOTES = "\"“”«»"
_MAX_SYLLABLES = 16
_AT = {"ở", "tại", "trên", "o", "tai", "tren"}
# ("Hồ Chí Minh" alone is as often the man as the city)
_PLACES = {" ".join(_keys(p)) for p in PROVINCES if p != "Hồ Chí Minh"} | {
    "viet nam", "trung quoc", "phap", "nhat ban", "hoa ky", "my", "lien xo", "nga", "lao", "campuchia", "thai lan",
    "han quoc", "an do", "anh", "duc", "y", "tay ban nha", "bo dao nha", "ha lan", "singapore", "indonesia",
    "philippines", "malaysia", "brazil", "dong nam a", "chau a", "chau au", "bac bo", "nam bo", "trung bo"}
# the nouns people are named by when not by name (compared with accents)
_PEOPLE = {"người", "ông", "bà", "các", "những", "nhà", "quân", "thực", "nhân", "giới", "đoàn", "nhóm", "cư", "dân",
           "thương", "ngư", "nông", "vua", "chúa", "triều"}
# compared with accents: "chùa" is a pagoda, "chúa" a lord
_PLACE_NOUNS = {"tỉnh", "thành", "phố", "sông", "núi", "huyện", "xã", "làng", "nước", "vùng", "đảo", "hồ", "quận",
                "đường", "chùa", "đền", "cửa", "đèo", "vịnh", "biển", "hang", "động", "trấn", "phường", "thôn", "suối",
                "cầu"}
# what an English which-question asks for when its answer is a name ("which king", not "which sleeve style")
_NAMED_KINDS_EN = (r"(king|emperor|lord|queen|ruler|general|person|scientist|writer|poet|artist|singer|musician|"
                   r"city|town|province|country|nation|river|mountain|peak|island|village|district|region|"
                   r"company|team|club|university|school|bridge|song|book|newspaper|dynasty|pagoda|temple|lake)s?")
_ADMIN = re.compile(r"(xa|huyen|tinh|quan|phuong|thanh pho|thi xa|thi tran|duong|so|thon|ban|lang|khu)\b")
_PREPOSITIONS = {"tren", "o", "tai", "cua", "tu", "den", "ve", "voi", "trong", "duoi", "bang", "cho", "la", "thuoc",
                 "sau", "truoc", "qua", "vao"}
# before "gì" these ask for a statement or a source, not a thing
_NOT_NOUNS = {"lam", "gom", "co", "can", "nhung", "dung", "noi", "hien", "thuc", "khai", "duoc", "phai", "de", "nham",
              "giao", "nhiem", "trach", "gi"} | _PREPOSITIONS
_LABELS = {"ten", "danh", "hieu", "nghia", "chu", "vu", "chuc", "goi"}  # nouns that name, not classify, the answer
_TRIVIAL = {"la", "da", "duoc", "se", "dang", "co", "nguoi", "thi", "cua", "va", "o", "tai"}
_FUNCTION = _LEAD_TRIM | _TAIL_TRIM | _ENDS_CLAUSE | _TRIVIAL


@functools.lru_cache(maxsize=256)
def _question(question: str) -> _Question | None:
    folded, typed = _keys(question), _keys(question, True)
    # compared with accents where they were typed (and nothing folds two words into one)
    accents = has_diacritics(question) and len(typed) == len(folded)
    keys = typed if accents else folded
    english = bool(re.search(r"\b(who|whom|what|which|where)\b", fold(question))) and not any(
        k in folded for k in ("ai", "gi", "nao", "dau"))
    if english:
        # no words to align across languages: only a name the question does not give can be told
        # apart ("Which king …?", "Where …?" as much as "Who …?")
        asks = re.match(rf"\s*(?:(who|whom)|(which|what) (?:\w+ )?{_NAMED_KINDS_EN}|(where))\b", fold(question))
        slot = None if not asks else Slot.WHO if asks.group(1) else Slot.WHICH if asks.group(2) else Slot.WHERE
        return _Question(slot, (), (), (), frozenset(keys), frozenset(), True, "".join(keys)) if slot else None
    if _NOT_SLOTS.search(" ".join(folded)):
        return None
    for i, k in enumerate(folded):
        noun: tuple[str, ...] = ()
        label: tuple[str, ...] = ()
        if k == "ai":
            slot, head = Slot.WHO, i
        elif k == "dau" and i and folded[i - 1] in ("o", "tai", "tu", "den", "ve", "noi"):
            slot, head = Slot.WHERE, i
        elif k == "gi" and i and folded[i - 1] == "la":
            slot, head = Slot.WHAT, i
        elif k in ("nao", "gi") and i:
            # "cơ sở dữ liệu gì?" opens its answer on the noun; "tên gì?", "bút danh gì?" do not
            noun = _noun_before(question, keys[:i], folded[:i])
            if k == "gi" and (not noun or fold(noun[-1]) in _NOT_NOUNS):
                return None  # "phải làm gì?", "gồm những gì?": duties and lists, answered whole
            labelled = k == "gi" and (not noun or fold(noun[-1]) in _LABELS)
            # a label anchors the answer by any of its words ("chức vụ gì?" — "giữ chức Điện tiền …")
            slot, head, noun, label = (Slot.WHAT, i, (), tuple(keys[max(0, i - 2):i])) if labelled \
                else (Slot.WHICH, i, noun, ())
        else:
            continue
        before = tuple(keys[:head])
        after = tuple(keys[head + 1:])
        words = frozenset(keys[:head] + keys[head + 1:])
        pairs = frozenset(zip(keys, keys[1:]))
        return _Question(slot, before, after, noun, words, pairs, False, "".join(folded), accents, label)
    return None


def _noun_before(question: str, keys: list[str], folded: list[str]) -> tuple[str, ...]:
    """The noun a "nào" asks about: the tagger's last word before it ("thành phố", "vùng núi"),
    classifiers dropped; one syllable where the words were typed without accents."""
    from underthesea import pos_tag

    if not keys or folded[-1] in _CLASSIFIERS:
        return ()
    if len(keys) > 1 and has_diacritics(question):
        words = [w for w, _tag in pos_tag(question)]
        at = next((i for i in range(len(words) - 1, -1, -1) if fold(words[i]).split()[-1:] == ["nao"]), None)
        if at:
            n = len(words[at - 1].split())
            if 1 < n <= 2 and [fold(w) for w in words[at - 1].split()] == folded[-n:] \
                    and folded[-n] not in _CLASSIFIERS | _LEAD_TRIM | {"tren", "trong", "ve", "voi"}:  # not "từ trường"
                return tuple(keys[-n:])
    return (keys[-1],)


def asked_slot(question: str) -> Slot | None:
    """What the question asks for that a sentence holds in one place (a who, which, what or
    where), which ``answer_span`` can read by the question's own words; None for an English
    question, whose words a Vietnamese sentence does not repeat (it only finds a sentence's one name)."""
    q = _question(question)
    return q.slot if q is not None and not q.english else None


@functools.lru_cache(maxsize=1024)
def _syllables(sentence: str) -> list[_Syllable]:
    from underthesea import pos_tag  # a CRF model the package carries: offline, ~3 ms a sentence

    out, pos = [], 0
    for word, tag in pos_tag(sentence):
        for part in word.split():
            at = sentence.find(part, pos)
            if at < 0:
                continue
            pos = at + len(part)
            key = "".join(_keys(part))
            if key or _PUNCT.fullmatch(part):
                # a sentence's capitalised first word is a name only if it is tagged as a noun ("Giao | Phòng …")
                upper = part[:1].isupper() and (bool(out) or tag == "Np" or not key.isalpha())
                out.append(_Syllable(key, "".join(_keys(part, True)), part, at, pos, "CH" if not key else tag, upper))
    return out


def _broken(syl: list[_Syllable], sentence: str, i: int) -> bool:
    """Whether punctuation stands between syllables i-1 and i (or syllable i is punctuation)."""
    return syl[i].tag == "CH" or (i > 0 and bool(_PUNCT.search(sentence[syl[i - 1].end:syl[i].start])))


def _window_score(q: _Question, syl: list[_Syllable], lo: int, hi: int, words: Collection[str]) -> int:
    """How many distinct ``words`` of the question syllables [lo, hi) repeat."""
    wanted = set(words)
    return len({q.key(s) for s in syl[max(lo, 0):max(hi, 0)] if q.key(s) in wanted})


def _ends_noun(q: _Question, syl: list[_Syllable], p: int) -> bool:
    n = len(q.noun)
    return n > 0 and p + 1 >= n and tuple(q.key(s) for s in syl[p + 1 - n:p + 1]) == q.noun


def _same(word: str, asked: str) -> bool:
    """"tại" answers "ở đâu" as well as "ở" does."""
    return word == asked or word in _AT and asked in _AT


def _run_back(q: _Question, syl: list[_Syllable], p: int) -> int:
    """How many of the question's words before its question word the sentence repeats, in order,
    ending at syllable ``p`` (one question word may be skipped: "chữ "đán" có nghĩa là")."""
    i, j, run, skip = len(q.before) - 1, p, 0, 1
    while i >= 0 and j >= 0:
        if syl[j].tag == "CH":
            j -= 1
        elif _same(q.key(syl[j]), q.before[i]):
            run, i, j = run + 1, i - 1, j - 1
        elif skip and run:
            skip, i = 0, i - 1
        else:
            break
    return run


def _left_anchor(q: _Question, syl: list[_Syllable]) -> int | None:
    """Where the answer starts: after the sentence's best match of the question's word right
    before its question word (or the noun asked about), with the question's other words near it."""
    if not q.before:
        return None
    best, best_score = None, 0
    for p, s in enumerate(syl[:-1]):
        noun = _ends_noun(q, syl, p)
        if not noun and not _same(q.key(s), q.before[-1]) and q.key(s) not in q.label:
            continue
        # the question's own last words, in order, weigh most ("tên chữ là | Tố Như", not "hiệu là");
        # then the noun asked about ("đảo") and its other words nearby
        score = 3 * _run_back(q, syl, p) + _window_score(q, syl, p - 8, p, q.before) + 2 * noun
        if score > best_score:
            best, best_score = p + 1, score
    # a lone "là" or "ở" with none of the question's words near it places nothing
    weak = best is not None and best_score <= 3 and syl[best - 1].key in _FUNCTION
    return None if weak else best


def _right_anchor(q: _Question, syl: list[_Syllable], sentence: str) -> int | None:
    """Where the answer ends, for a question word that opens its clause: before the sentence's best
    match of the question's words after it."""
    best, best_score = None, 0
    for e, s in enumerate(syl):
        if q.key(s) not in q.after[:3] or e == 0:
            continue
        # a bare "là" / "đã" needs more of the question after it than a content word does
        trivial = s.key in _TRIVIAL
        score = 1 + _window_score(q, syl, e + 1, e + 8, q.words) - trivial
        if score > best_score:
            best, best_score = e, score
    return best if best is not None and best_score >= 2 else None


def _forward(q: _Question, syl: list[_Syllable], sentence: str, start: int, inside: int = 0) -> tuple[int, int] | None:
    """The answer's syllables from ``start``: to punctuation, the question's own next words, or —
    for a name — its end (a name opening before the anchor runs at least to ``inside``)."""
    i = start
    while i < len(syl) and syl[i].key in _LEAD_TRIM and not _broken(syl, sentence, i):
        i += 1
    if i < len(syl) and syl[i].text in _QUOTES:  # a quoted title: "Ngủ đi con"
        close = next((j for j in range(i + 1, len(syl)) if syl[j].text in _QUOTES), None)
        return (i + 1, close) if close and close > i + 1 else None
    # a person is picked out of the span afterwards ("do | nhóm nghiên cứu của kỹ sư Hồ Quang Cua …")
    begin, named = i, q.slot in (Slot.WHICH, Slot.WHERE)
    if begin >= len(syl) or _broken(syl, sentence, begin) or named and not syl[begin].upper \
            and syl[begin].tag in _NAME_STOP_TAGS:
        return None  # "Sông | chảy …": no name or noun follows
    while i < len(syl) and (i == begin or not _broken(syl, sentence, i) or named and _more_names(syl, sentence, i)):
        if i > max(begin, inside) and (q.key(syl[i]), q.key(syl[i + 1]) if i + 1 < len(syl) else "") in q.pairs \
                and not (syl[i].upper and not any(x.upper or x.key.isdigit() for x in syl[begin:i])):  # "xã | Cúc Phương"
            break  # the question's own words resume
        if i > begin and syl[i].key in _ENDS_CLAUSE and not syl[i].upper:
            break
        if named and i > begin and not syl[i].upper and syl[i].key.isalpha() and not (
                i + 1 < len(syl) and syl[i + 1].upper and not _broken(syl, sentence, i + 1)) and syl[i].tag in _NAME_STOP_TAGS:
            break  # "chúa Nguyễn Phúc Khoát | ban hành …" ("Trường Sư phạm Quy Nhơn" goes on)
        i += 1
        if i - begin > _MAX_SYLLABLES:
            return None
    return (begin, i) if i > begin else None


def _more_names(syl: list[_Syllable], sentence: str, i: int) -> bool:
    """Whether a comma at ``i`` only separates names: "Ninh Bình, Hòa Bình và Thanh Hóa",
    "Phuket, Thái Lan" (not "Brazil, đồng thời …")."""
    if syl[i].text == ",":
        i += 1
    elif sentence[syl[i - 1].end:syl[i].start].strip() != ",":
        return False
    before = syl[i - 2] if syl[i - 1].text == "," else syl[i - 1]
    if i >= len(syl) or not (before.upper or before.key.isdigit()):
        return False
    j = i
    # an address goes on too: "xã Cúc Phương, huyện Nho Quan, tỉnh Ninh Bình"
    admin = _ADMIN.match(" ".join(x.key for x in syl[i:i + 2]))
    if admin:
        j += len(admin.group(1).split())
    while j < len(syl) and (j == i or not _broken(syl, sentence, j)):
        if not _continues_name(syl, j, len(syl)):
            return False
        j += 1
    return j > i


def _name_start(syl: list[_Syllable], sentence: str, start: int) -> int:
    """Where the name holding syllable ``start - 1`` opens: an anchor matched inside a name ("…
    đơn vị thể thao nào?" in "Trung tâm Thể dục Thể thao Quân đội") gives the whole name."""
    k = start - 1
    if k < 1 or not (syl[k].upper or syl[k - 1].upper and syl[k].tag not in _NAME_STOP_TAGS):
        return start
    while k > 0 and not _broken(syl, sentence, k) and (syl[k - 1].upper or k > 1 and syl[k - 2].upper
                                                       and not _broken(syl, sentence, k - 1)):
        k -= 1
    return k if k < start - 1 else start


def _backward(q: _Question, syl: list[_Syllable], sentence: str, end: int) -> tuple[int, int] | None:
    """The answer's syllables before ``end``, back to punctuation or the question's own words."""
    i = end
    while i > 0 and not (i < end and _broken(syl, sentence, i)):
        prev = syl[i - 1]
        if prev.tag == "CH" or (i >= 2 and (q.key(syl[i - 2]), q.key(prev)) in q.pairs):
            break
        i -= 1
        if end - i > _MAX_SYLLABLES:
            return None
    return (i, end) if i < end else None


def _continues_name(syl: list[_Syllable], j: int, hi: int) -> bool:
    nxt = syl[j] if j < hi else None
    if nxt is None or not nxt.key:
        return False
    # "Quận 9", "SEA Games 31", "Moncet và Reveron"
    return nxt.upper or nxt.key.isdigit() or nxt.key == "va" and j + 1 < hi and syl[j + 1].upper


def _names(syl: list[_Syllable], lo: int, hi: int, q: _Question) -> list[tuple[int, int]]:
    """Runs of capitalised syllables in [lo, hi) that the question does not name."""
    runs, i = [], lo
    while i < hi:
        if syl[i].upper and syl[i].key:  # (a sentence's opening capital is upper only for a name: ``_syllables``)
            j = i + 1
            while _continues_name(syl, j, hi):
                j += 1
            while j > i + 1 and syl[j - 1].key == "va":
                j -= 1
            squeezed = "".join(s.key for s in syl[i:j])
            if squeezed not in q.flat and not all(q.key(s) in q.words for s in syl[i:j]):
                runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _noun_start(q: _Question, syl: list[_Syllable], start: int) -> int:
    """Where the asked noun opens, before ``start``: the question's words right before "nào",
    repeated in order ("khu bảo tồn"), up to a preposition ("trên | đảo")."""
    i, j = start - 1, len(q.before) - 1
    # typed with accents, the tagger knows how long the noun is ("vua", not "triều vua")
    reach = len(q.noun) or 1 if q.accents else 3
    while i >= 0 and j >= 0 and start - i <= reach and q.key(syl[i]) == q.before[j] and syl[i].key not in _PREPOSITIONS:
        i, j = i - 1, j - 1
    return i + 1


def _place(syl: list[_Syllable], run: tuple[int, int]) -> bool:
    """Whether a name is a place's: a province or country, or after a place noun ("sông Hồng")."""
    names = " ".join(x.key for x in syl[run[0]:run[1]]).split(" va ")  # "Thái Lan và Việt Nam"
    return all(n in _PLACES for n in names) or run[0] > 0 and syl[run[0] - 1].akey in _PLACE_NOUNS


def _people(syl: list[_Syllable], lo: int, hi: int) -> tuple[int, int] | None:
    """People named by what they are where the question puts its "ai" ("người Pháp", "các nhà
    truyền giáo"): a short placed span opening on such a noun."""
    while lo < hi and syl[lo].key in _LEAD_TRIM | {"do", "boi", "bi"}:
        lo += 1
    # … of a people or a group ("người Pháp", "các nhà sử học"), not a pronoun's clause ("Ông | tên thật")
    if lo < hi <= lo + 7 and syl[lo].akey in _PEOPLE and not any(x.tag == "CH" for x in syl[lo:hi]) and (
            syl[lo].akey in ("các", "những") or any(x.upper for x in syl[lo + 1:hi])):
        return lo, hi
    return None


def _trim(syl: list[_Syllable], lo: int, hi: int, named: bool) -> tuple[int, int]:
    """Function words off the end; a name read back from the verb after it ends before that verb
    ("chúa Nguyễn Phúc Thái | dời")."""
    if named:
        while hi > lo + 1 and not syl[hi - 1].upper and syl[hi - 1].tag in ("V", "A", "R") \
                and any(x.upper for x in syl[lo:hi - 1]):
            hi -= 1
    while hi > lo + 1 and (syl[hi - 1].key in _TAIL_TRIM and not syl[hi - 1].upper or syl[hi - 1].tag == "CH"):
        hi -= 1
    return lo, hi


def answer_span(question: str, sentence: str, placed: bool = False) -> str | None:
    """The words of ``sentence`` that answer ``question``, or None when the question has no slot
    or the sentence no confident place for it. With ``placed``, only an answer the question's
    own words put in place (not a sentence's one name, which says little of the sentence)."""
    q = _question(question)
    if q is None or not sentence.strip():
        return None
    if not q.english and q.slot != Slot.WHO:
        # nothing to anchor on: no need to tag the sentence (a few ms each)
        said = set(_keys(sentence, q.accents))
        if not said & ({*q.before[-1:], *q.noun, *q.label, *q.after[:3]} | (_AT if q.slot == Slot.WHERE else set())):
            return None
    syl = _syllables(sentence)
    if not syl:
        return None
    span = None
    if not q.english:
        start = _left_anchor(q, syl)
        if start is not None:
            anchor = start
            if q.slot in (Slot.WHICH, Slot.WHERE):
                start = _name_start(syl, sentence, start)
            span = _forward(q, syl, sentence, start, inside=anchor)
            if span and q.slot == Slot.WHICH and q.key(syl[span[0] - 1]) == q.before[-1]:
                span = (_noun_start(q, syl, span[0]), span[1])  # "… trên đảo Bồ Hòn": the asked noun opens the answer
        opens = q.slot == Slot.WHO or all(w in q.noun or fold(w) in _CLASSIFIERS for w in q.before)
        if span is None and opens:  # "Quốc gia nào là …?", "Ai đã …?": the answer stands before the rest
            end = _right_anchor(q, syl, sentence)
            if end is not None:
                span = _backward(q, syl, sentence, end)
                if span:
                    span = _trim(syl, *span, named=q.slot in (Slot.WHO, Slot.WHICH, Slot.WHERE))
    if q.slot == Slot.WHO or q.english:
        # a person: the name inside the span, or the one name the sentence adds to the question's
        every = [r for r in _names(syl, *span, q) if not _place(syl, r)] if span else []
        people = _people(syl, *span) if span and not every else None
        if people:
            return sentence[syl[people[0]].start:syl[people[1] - 1].end]  # "do | người Pháp | xây dựng"
        if not every and placed:
            return None
        if not every:  # nothing placed, or no name where it was placed: the sentence's one person, if one
            span, every = None, [r for r in _names(syl, 0, len(syl), q) if not _place(syl, r)]
        # a person's name has two syllables or is foreign: a lone "Việt", "Pháp" is a people
        names = [r for r in every if r[1] - r[0] > 1 or not is_vi_syllable(syl[r[0]].key)]
        if not names or span is None and len(every) > 1:
            return None
        span = max(names, key=lambda r: r[1] - r[0])
    if span is None:
        return None
    lo, hi = _trim(syl, *span, named=False)
    comma = max((i for i in range(lo + 1, hi) if syl[i].text == ","), default=None)
    if comma is not None and not any(x.upper or x.key.isdigit() for x in syl[comma:hi]):
        lo, hi = _trim(syl, lo, comma, named=False)  # "Khu công nghiệp Mỹ Phước, tỉnh | Bình Dương"
    if not any(x.upper or x.key.isdigit() for x in syl[lo:hi]) and hi < len(syl) and syl[hi].text not in ".;" + _QUOTES:
        return None  # a plain phrase cut short may be the first item of a list: the sentence says more
    if all(q.key(s) in q.words or s.key in _FUNCTION for s in syl[lo:hi]):
        return None  # only restates the question, or says nothing ("còn")
    return sentence[syl[lo].start:syl[hi - 1].end].strip(" ,;:-")
