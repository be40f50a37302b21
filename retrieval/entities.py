"""Key entities a question pins down — a province, a document number, a year, an index
name. If the documents cannot support them, the honest answer is "not found"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracuu.normalize import fold, has_diacritics, search_key
from tracuu.retrieval.query import is_vi_syllable, non_overlapping

PROVINCES = [
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương",
    "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
    "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "TP. Hồ Chí Minh",
    "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái", "Huế", "Hồ Chí Minh",
]
# each province as its words, accents kept ("hòa", "bình"): a typed word must fold to the same
# letters and, where the user typed accents, carry the same ones
_PROVINCE_WORDS = [(words, [fold(w) for w in words], p) for p in PROVINCES
                   for words in [tuple(re.findall(r"\w+", search_key(p).replace("tp. ", "")))]]


def _provinces(question: str) -> list[str]:
    """Provinces named in ``question``. Overlapping readings of unaccented words go to the longer
    name, then the later one: "truc tuyen quang ninh" is "trực tuyến Quảng Ninh", not Tuyên Quang."""
    typed = re.findall(r"\w+", search_key(question))
    folded = [fold(t) for t in typed]
    found = []
    for words, keys, name in _PROVINCE_WORDS:
        n = len(words)
        for i in range(len(typed) - n + 1):
            if folded[i:i + n] == keys and all(t == f or t == w for t, f, w in zip(typed[i:i + n], folded[i:i + n], words)):
                found.append((i, n, name))
    # "Chủ tịch Hồ Chí Minh", "Bác Hồ Chí Minh" is the man, not the city
    person = [(i, n, name) for i, n, name in found if name.endswith("Hồ Chí Minh") and i
              and re.search(r"(chu tich|bac|lanh tu|tu tuong|lang|cu|ong)$", " ".join(folded[max(0, i - 2):i]))]
    return list(dict.fromkeys(name for _i, name in non_overlapping([f for f in found if f not in person],
                                                                   prefer_later=True)))


INDEX_NAMES = {"pci", "dti", "sipas", "papi", "ddci", "par", "par index", "ict index", "pgi"}

_DOC_NUMBER = re.compile(r"(?<![\w/])(\d{1,5})\s*/\s*(\d{4}/)?([a-zđ]{1,6}(?:-[a-zđ]{1,8})*)(?![\w])", re.IGNORECASE)
_PLAN_NUMBER = re.compile(r"(?:ke hoach|quyet dinh|van ban|plan|decision|document)\s+(?:so\s+|no\.?\s*|number\s+)?(\d{2,5})(?![\d/,.])")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-9]\d|2100)(?!\d)")
_REFERENCED_ACT = re.compile(r"(nghi quyet|nghi dinh|quyet dinh|thong tu|chi thi|resolution|decree)\s+(so\s+)?$")


@dataclass
class Entities:
    provinces: list[str] = field(default_factory=list)
    doc_numbers: list[str] = field(default_factory=list)  # "304" or "304/KH-UBND" as typed (folded)
    years: list[int] = field(default_factory=list)
    index_names: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # other proper names, folded ("ho tay", "cau long bien")


def find_entities(question: str) -> Entities:
    q = fold(question)
    ents = Entities()
    ents.provinces = _provinces(question)
    for m in _DOC_NUMBER.finditer(q):
        # "Nghị quyết 124/NQ-HĐND" names the act a plan implements, not the plan asked about
        if m.group(3).lower().startswith(("kh", "qd", "cv")):
            ents.doc_numbers.append(m.group(0).replace(" ", ""))
    for m in _PLAN_NUMBER.finditer(q):
        if m.group(1) not in [n.split("/")[0] for n in ents.doc_numbers]:
            ents.doc_numbers.append(m.group(1))
    ents.years = sorted({int(y) for y in _YEAR.findall(q)})
    words = set(re.findall(r"[a-z]+", q))
    ents.index_names = sorted(n for n in INDEX_NAMES if n in words or (" " in n and n in q))
    ents.names = proper_names(question)
    return ents


# words a question may open on, capitalised only because they open it ("Theo Kế hoạch …")
_OPENERS = set("theo trong tai o ai khi nam ngay nhung cac de vi sau truoc tu den viec muc chi co the cho "
               "tren duoi ngoai gan hien dau cuoi nguoi ten so bao".split())


def proper_names(question: str) -> list[str]:
    """Names the question pins down, which an answer's own passage must also name: runs of
    capitalised words after its opening word ("Hồ Tây", "Cầu Long Biên", "sang Indonesia") and
    codes ("ST24"). Lower-cased, with the accents as typed, so "Nhật" is not
    "nhất". Acronyms (UBND, PCI) and provinces are checked on their own."""
    words = list(re.finditer(r"[^\W_]+", question))
    runs, run = [], []
    for i, m in enumerate(words):
        w = m.group(0)
        code = bool(re.fullmatch(r"[A-Z]{1,4}\d{1,4}[A-Z]?", w))
        title = w[0].isupper() and not w.isupper() and not any(ch.isdigit() for ch in w)
        opening = i == 0 or re.search(r"[.?!:]\s*$", question[:m.start()])
        if code:
            runs.append([w])
        elif title and not (opening and (fold(w) in _OPENERS or len(words) > i + 1
                                         and not words[i + 1].group(0)[0].isupper())):
            if run and question[words[i - 1].end():m.start()].strip() == "":
                run.append(w)
                continue
            run = [w]
            runs.append(run)
            continue
        run = []
    # a province inside a run ("Sở Công Thương Quảng Ninh") is its own entity: the rest is the name
    provinces = [fold(p).split() for p in _provinces(question)]
    found: list[str] = []
    for r in runs:
        keys, i, parts, part = [fold(w) for w in r], 0, [], []
        while i < len(r):
            hit = next((len(p) for p in provinces if keys[i:i + len(p)] == p), 0)
            if hit:
                parts, part, i = parts + [part], [], i + hit
            else:
                part, i = part + [r[i]], i + 1
        # one capitalised Vietnamese syllable is as often a sentence-cased noun ("Kế hoạch", "Văn
        # phòng") as a name ("người Nhật"): only a foreign word ("Indonesia") or a code stands alone
        found += [" ".join(p).lower() for p in parts + [part]
                  if len(p) > 1 or p and (not is_vi_syllable(fold(p[0])) or any(ch.isdigit() for ch in p[0]))]
    return list(dict.fromkeys(found))


# a dynasty is named either way: "triều Lý" / "nhà Lý"
_DYNASTY = re.compile(r"^(?:triều|nhà|vương triều|trieu|nha|vuong trieu) ")


def name_in(name: str, text: str) -> bool:
    """Whether ``text`` names ``name`` as typed: accents compared where they were typed."""
    key = (lambda t: " ".join(re.findall(r"\w+", fold(t)))) if fold(name) == name else \
        (lambda t: " ".join(re.findall(r"\w+", search_key(t))))
    said = key(text)
    forms = [name] + ([f"{kind} {_DYNASTY.sub('', name)}" for kind in ("triều", "nhà")] if _DYNASTY.match(name) else [])
    return any(re.search(rf"(?<!\w){re.escape(key(f))}(?!\w)", said) for f in forms)


def number_matches(typed: str, doc_number: str | None) -> bool:
    """"304" or "304/kh-ubnd" (any accents/case) against a document's "304/KH-UBND"."""
    if not doc_number:
        return False
    t, d = fold(typed).replace(" ", ""), fold(doc_number).replace(" ", "")
    return d == t or d.split("/")[0] == t


# opposites a trap swaps in ("thấp nhất" for the text's "cao nhất"); single words such as "dài" /
# "ngắn" are left out, being as often parts of names ("áo dài") as of the claim
_OPPOSITES = [("cao nhất", "thấp nhất"), ("lớn nhất", "nhỏ nhất"), ("dài nhất", "ngắn nhất"), ("sâu nhất", "nông nhất"),
              ("rộng nhất", "hẹp nhất"), ("sớm nhất", "muộn nhất"), ("đầu tiên", "cuối cùng"), ("nhập khẩu", "xuất khẩu"),
              ("thành lập", "giải thể"), ("nâng cao", "suy giảm"), ("bắt đầu", "kết thúc"), ("mở cửa", "đóng cửa"),
              ("chiến thắng", "thất bại")]


def states_opposite(question: str, passage: str) -> bool:
    """Whether ``passage`` says the opposite of what the question asks about and not the thing
    itself: "Đỉnh núi nào thấp nhất …?" against "Ngọn núi cao nhất tỉnh là …"."""
    plain = not has_diacritics(question)  # typed without accents: compared without them
    for a, b in _OPPOSITES + [(b, a) for a, b in _OPPOSITES]:
        a, b = (fold(a), fold(b)) if plain else (a, b)
        if name_in(a, question) and not name_in(a, passage) and name_in(b, passage):
            return True
    return False
