"""Document facts read from the text itself: number, type, issuer, province, date, title,
signer. A field the text does not give stays ``None`` — nothing is guessed."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from tracuu.normalize import fold

_DOC_TYPES = {
    "kế hoạch": "Kế hoạch",
    "quyết định": "Quyết định",
    "nghị quyết": "Nghị quyết",
    "công văn": "Công văn",
    "thông báo": "Thông báo",
    "chỉ thị": "Chỉ thị",
    "báo cáo": "Báo cáo",
    "tờ trình": "Tờ trình",
    "nghị định": "Nghị định",
    "thông tư": "Thông tư",
    "luật": "Luật",
    "chương trình": "Chương trình",
    "đề án": "Đề án",
}
_TYPE_BY_CODE = {"KH": "Kế hoạch", "QĐ": "Quyết định", "NQ": "Nghị quyết", "CV": "Công văn", "TB": "Thông báo",
                 "CT": "Chỉ thị", "BC": "Báo cáo", "TTr": "Tờ trình", "NĐ": "Nghị định", "TT": "Thông tư"}
# Codes whose Đ is often typed as D.
_D_CODES = {"QD": "QĐ", "ND": "NĐ", "HDND": "HĐND", "BCD": "BCĐ", "DHDCD": "ĐHĐCĐ", "TTDT": "TTĐT"}

_NUMBER_CORE = r"(\d{1,5}(?:/\d{4})?/[A-Za-zĐđ][A-Za-zĐđ0-9\-–&]*)"
_NUMBER_LINE = re.compile(r"^\s*Số\s*(?:hiệu)?\s*[:.]?\s*" + _NUMBER_CORE, re.MULTILINE)
_ATTACHED = re.compile(r"[Kk]èm theo\s+(Kế hoạch|Quyết định|Nghị quyết|Công văn)\s+số\s*:?\s*" + _NUMBER_CORE)
_ATTACHED_BLANK = re.compile(r"[Kk]èm theo\s+(?:Kế hoạch|Quyết định|Nghị quyết|Công văn)\s+số\s*:?\s*/")
_PLACE_DATE = re.compile(
    r"^\s*([A-ZĐÀ-Ỹ][^\n,]{1,40}),\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.MULTILINE
)
_ATTACHED_DATE = re.compile(
    r"[Kk]èm theo\s+(?:Kế hoạch|Quyết định|Nghị quyết|Công văn)\s+số\s*:?\s*\S*\s+ngày\s+"
    r"(?:(\d{1,2})/(\d{1,2})/(\d{4})|(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})|/?(\d{1,2})/(\d{4}))"
)
_SITE_HEADER = {
    "Số hiệu": "doc_number",
    "Ngày ban hành": "issue_date",
    "Ngày có hiệu lực": "effective_date",
    "Loại văn bản": "doc_type",
    "Cơ quan ban hành": "issuer",
    "Người ký": "signer",
    "Lĩnh vực": "field",
}
# First words of Vietnamese province names (so "tỉnh Thực hiện …" is never a province).
_PROVINCE_HEADS = {
    "An", "Bà", "Bạc", "Bắc", "Bến", "Bình", "Cà", "Cao", "Cần", "Đà", "Đắk", "Điện", "Đồng", "Gia", "Hà", "Hải",
    "Hậu", "Hòa", "Hưng", "Khánh", "Kiên", "Kon", "Lai", "Lâm", "Lạng", "Lào", "Long", "Nam", "Nghệ", "Ninh",
    "Phú", "Quảng", "Sóc", "Sơn", "Tây", "Thái", "Thanh", "Thừa", "Tiền", "Trà", "Tuyên", "Vĩnh", "Yên",
}
_SIGN_TITLE = re.compile(r"^(?:\*\*)?((?:TM\.|KT\.|Q\.|TL\.|TUQ\.)?\s*[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ .]{2,60})(?:\*\*)?$")
_PERSON = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4}$")


def normalise_number(number: str) -> str:
    """"304/kh-ubnd" → "304/KH-UBND"; "12/QD-UBND" → "12/QĐ-UBND"."""
    number = number.strip().rstrip(".,;:)")
    parts = number.split("/")
    head, codes = parts[:-1], parts[-1]
    out = []
    for code in re.split(r"([\-–])", codes):
        if code in "-–":
            out.append("-")
            continue
        up = code.upper().replace("Đ", "Đ")
        out.append(_D_CODES.get(fold(up).upper(), up))
    return "/".join(head + ["".join(out)])


@dataclass
class Metadata:
    doc_number: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    province: str | None = None
    issue_date: str | None = None
    title: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    signer_span: tuple[int, int] | None = None
    header_span: tuple[int, int] | None = None
    extra: dict = field(default_factory=dict)


def _iso(day: str | int, month: str | int, year: str | int) -> str | None:
    d, m, y = int(day), int(month), int(year)
    if 1 <= d <= 31 and 1 <= m <= 12 and 1900 < y < 2200:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


def _site_header(text: str) -> tuple[dict, tuple[int, int] | None]:
    """The legal-website metadata block ("Số hiệu 304/KH-UBND", "Người ký …")."""
    found: dict[str, str] = {}
    first = last = None
    for m in re.finditer(r"^(" + "|".join(_SITE_HEADER) + r")[ \t]+(\S.*)$", text[:4000], re.MULTILINE):
        found[_SITE_HEADER[m.group(1)]] = m.group(2).strip()
        first = m.start() if first is None else first
        last = m.end()
    return found, ((first, last) if first is not None else None)


def _header_block(text: str) -> str:
    """Lines before the national motto: issuing body ("ỦY BAN NHÂN DÂN / TỈNH QUẢNG NINH")."""
    m = re.search(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text[:6000], re.IGNORECASE)
    return text[: m.start()] if m else ""


def _title_case_place(name: str) -> str:
    return " ".join(w.capitalize() for w in name.split())


def _province(text: str, header: str, place: str | None, site: dict) -> tuple[str | None, str | None]:
    m = re.search(r"\bTỈNH\s+([A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ ]+?)\s*$", header, re.MULTILINE)
    if m:
        return _title_case_place(m.group(1)), "header"
    if site.get("issuer"):
        m = re.match(r"(?:Tỉnh|Thành phố|TP\.?)\s+(.+)", site["issuer"])
        if m:
            return m.group(1).strip(), "website header"
    if place:
        return place, "place line"
    # A body that names exactly one province ("… cấp tỉnh Quảng Trị") tells it.
    names = Counter(
        n for n in re.findall(r"\btỉnh[ \t]+((?:[A-ZĐ][a-zà-ỹđ]+)(?:[ \t]+[A-ZĐ][a-zà-ỹđ]+){0,2})", text)
        if n.split()[0] in _PROVINCE_HEADS
    )
    ranked = names.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] >= 3 * ranked[1][1]):
        return ranked[0][0], "body"
    return None, None


def _issuer(header: str, text: str, province: str | None, site: dict) -> str | None:
    lines = [ln.strip().strip("*") for ln in header.split("\n") if ln.strip() and not set(ln.strip()) <= set("-_ ")]
    lines = [ln for ln in lines if ln.upper() == ln and len(ln) < 80]
    if lines:
        body = " ".join(lines[-2:]) if len(lines) >= 2 else lines[-1]
        body = body.replace("ỦY BAN NHÂN DÂN", "UBND").replace("UỶ BAN NHÂN DÂN", "UBND").replace("**", "")
        words = body.split()
        return " ".join(w if w.isupper() and len(w) <= 5 and w in {"UBND", "HĐND"} else w.capitalize() for w in words).replace(
            "Tỉnh", "tỉnh"
        )
    m = re.search(
        r"(Ủy ban nhân dân tỉnh|UBND tỉnh|Văn phòng UBND tỉnh|Văn phòng Ủy ban nhân dân tỉnh|Sở [^,.;]{3,40}?)\s+"
        r"(?:ban hành|xây dựng)\s+(?:Kế hoạch|Quyết định)",
        text[:5000],
    )
    if m:
        issuer = m.group(1).replace("Ủy ban nhân dân", "UBND")
        return f"{issuer} {province}" if province and issuer.endswith("tỉnh") else issuer
    if (m := re.search(r"(Ủy ban nhân dân tỉnh|UBND tỉnh)\s+ban hành", text[:5000])) and province:
        return f"UBND tỉnh {province}"
    if site.get("issuer"):
        return site["issuer"]
    return None


def _title(text: str) -> tuple[str | None, str | None]:
    """Document type line ("KẾ HOẠCH") and the trích yếu paragraph after it."""
    for m in re.finditer(r"^\s*\**([A-ZĐÀ-Ỹ ]{3,20})\**\s*$", text[:8000], re.MULTILINE):
        key = m.group(1).strip().lower()
        if key in _DOC_TYPES:
            rest = text[m.end():]
            for para in re.split(r"\n\s*\n", rest):
                para = " ".join(para.split()).strip("* ")
                if para:
                    if re.match(r"^(I|1)\.\s", para) or len(para) > 600:
                        return _DOC_TYPES[key], None
                    return _DOC_TYPES[key], para
            return _DOC_TYPES[key], None
    return None, None


def _signature(text: str) -> tuple[str | None, str | None, tuple[int, int] | None]:
    """The last signature block: title lines (TM./KT. …) then the signer's name."""
    lines = text.split("\n")
    offsets = []
    pos = 0
    for ln in lines:
        offsets.append(pos)
        pos += len(ln) + 1
    for i in range(len(lines) - 1, -1, -1):
        s = lines[i].strip().strip("*").strip()
        if not re.match(r"^(TM\.|KT\.|Q\.|TL\.|TUQ\.)\s*\S", s) and s not in {"CHỦ TỊCH", "GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"}:
            continue
        # walk back to the first title line of the block
        j = i
        while j > 0 and _SIGN_TITLE.match(lines[j - 1].strip()) and lines[j - 1].strip():
            j -= 1
        titles: list[str] = []
        k = j
        while k < len(lines) and k < j + 6:
            t = lines[k].strip()
            if t and _SIGN_TITLE.match(t) and not _PERSON.match(t):
                titles.append(t.strip("*").strip())
            elif t and _PERSON.match(t.strip("*")):
                name = t.strip("*").strip()
                return name, " / ".join(titles) or None, (offsets[j], offsets[k] + len(lines[k]))
            elif t and not titles:
                break
            k += 1
            if k < len(lines) and not lines[k].strip():
                # skip the blank lines left for the signature and seal
                while k < len(lines) and not lines[k].strip() and k < j + 14:
                    k += 1
        break
    return None, None, None


def extract_metadata(text: str) -> Metadata:
    md = Metadata()
    site, md.header_span = _site_header(text)
    if site:
        md.extra["website_header"] = site
    header = _header_block(text)

    m = _NUMBER_LINE.search(text[:6000])
    if m:
        md.doc_number = normalise_number(m.group(1))
    elif not _ATTACHED_BLANK.search(text) and (m := _ATTACHED.search(text)):
        md.doc_number = normalise_number(m.group(2))
    if md.doc_number is None and site.get("doc_number"):
        md.doc_number = normalise_number(site["doc_number"])

    place = None
    m = _PLACE_DATE.search(text[:8000])
    if m:
        place = m.group(1).strip()
        md.issue_date = _iso(m.group(2), m.group(3), m.group(4))
    if md.issue_date is None:
        m = _ATTACHED_DATE.search(text)
        if m:
            g = m.groups()
            if g[0]:
                md.issue_date = _iso(g[0], g[1], g[2])
            elif g[3]:
                md.issue_date = _iso(g[3], g[4], g[5])
            elif g[6]:
                md.extra["issue_month"] = f"{int(g[7]):04d}-{int(g[6]):02d}"  # "ngày /3/2024": month only
    if md.issue_date is None and site.get("issue_date"):
        d = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", site["issue_date"])
        if d:
            md.issue_date = _iso(*d.groups())

    md.doc_type, md.title = _title(text)
    if md.doc_type is None and md.doc_number:
        code = md.doc_number.split("/")[-1].split("-")[0]
        md.doc_type = _TYPE_BY_CODE.get(code)
    if md.doc_type is None and site.get("doc_type"):
        md.doc_type = site["doc_type"]

    md.province, source = _province(text, header, place, site)
    if source:
        md.extra["province_source"] = source
    md.issuer = _issuer(header, text, md.province, site)

    md.signer, md.signer_title, md.signer_span = _signature(text)
    if md.signer is None and site.get("signer"):
        md.signer = site["signer"]
    return md
