"""What a question asks for, in Vietnamese (with or without diacritics) and English.

Patterns run on the accent-folded question, so "ai chủ trì" and "ai chu tri" are one case.
Order matters: the first matching intent wins ("ai ký" is a document fact, not a lead)."""

from __future__ import annotations

import re
from enum import Enum

from tracuu.normalize import fold


class Intent(str, Enum):
    DOCFACT = "docfact"
    PARTNER = "partner"
    DEADLINE = "deadline"
    TARGET = "target"
    DUTIES = "duties"
    LEAD = "lead"
    ACT = "act"  # which resolution / decision / decree a plan implements or cites
    DEFINITION = "definition"
    OPEN = "open"


class DocFact(str, Enum):
    SIGNER = "signer"
    DATE = "date"
    NUMBER = "number"
    ISSUER = "issuer"
    TITLE = "title"
    PROVINCE = "province"
    PERSON = "person"  # "Giám đốc Sở Nội vụ là ai?": plans name no officials but their signers


_W = r"(?<![a-z0-9])"  # word start on folded text
_E = r"(?![a-z0-9])"

_DOCFACT = {
    DocFact.PERSON: rf"{_W}((giam doc|pho giam doc|chu tich|pho chu tich|truong phong|truong ban|chanh van phong|"
                    rf"bi thu)[^?]* la ai|who is the (director|chair\w*|head|chief|secretary)|"
                    rf"(director|chair\w*|head|chief) of [^?]* (is who|named)){_E}",
    DocFact.SIGNER: rf"{_W}(ai ky|nguoi ky|ky boi|boi ai|who signed|signed by|signer|signatory){_E}",
    DocFact.DATE: rf"{_W}(ngay ban hanh|ban hanh ngay|ban hanh (vao )?khi nao|ngay ky|ky ngay|ky (vao )?(ngay|khi) nao|"
                  rf"ban hanh (vao )?ngay nao|ban hanh (vao )?nam nao|issued on|issue date|date of issue|"
                  rf"ra doi (vao )?(ngay|hom|khi|luc|nam) nao|(ky|ban hanh) (vao )?(hom|luc) nao|"
                  rf"when was .* (released|published|dated|put out|came out)|(came|come) out when|"
                  rf"when was .* (issued|signed|adopted)|(what|which) date .* (issue[ds]?|sign(s|ed)?|adopt(s|ed)?)|dated){_E}",
    DocFact.NUMBER: rf"{_W}(so hieu|so ky hieu|(ke hoach|van ban|quyet dinh)( nay)?( co)? so (may|bao nhieu|gi)|document number|reference number|"
                    rf"what is the number|number of the plan){_E}",
    DocFact.ISSUER: rf"{_W}(co quan (nao )?ban hanh|ai ban hanh|don vi (nao )?ban hanh|who issued|issuing (body|authority)|"
                    rf"issued by|(which|what) (authority|body|agency|organi[sz]ation|office) issued){_E}",
    DocFact.TITLE: rf"{_W}(trich yeu|ten (cua )?(ke hoach|van ban)|title of){_E}",
    DocFact.PROVINCE: rf"{_W}((cua|thuoc|o) tinh nao|tinh nao (ban hanh|co)|which province|what province|"
                      rf"province (is|was) (it|the plan|this)){_E}",
}

# "ngày báo cáo định kỳ …?", "ngày nộp kế hoạch …?": a question opening on the day of an act asks for that day
DAY_OF_ACT = r"^ngay (bao cao|nop|gui|hoan thanh|trinh|tong hop)\b"

# Precedence: the first matching pattern wins. "Which department coordinates and monitors the
# plan?" asks for the focal point (a lead); "coordinates with", "coordinating agencies" ask partners. Strong cues ("chủ trì", "bao nhiêu") beat
# weak ones ("ai", "mục tiêu"), so "Ai chủ trì mục tiêu DTI?" is a lead question.
_PATTERNS: list[tuple[Intent, str]] = [
    # "By how much must … cut direct budget support …" asks a number, whatever it is about
    (Intent.TARGET, rf"{_W}(by how much|how much|what percentage){_E}"),
    # "Sở Tài chính phối hợp với Sở Nội vụ … trước ngày nào?" asks a day, whoever is named
    (Intent.DEADLINE, rf"{_W}(ngay nao|thang nao|quy nao|truoc ngay|by what date|(what|which) (date|day)|khi nao|bao gio|"
                      rf"han hoan thanh|han chot|han cuoi|hom nao|truoc hom|den bao gio|cham nhat (la )?(ngay|khi|luc) nao){_E}|"
                      rf"{DAY_OF_ACT}"),
    (Intent.PARTNER, rf"{_W}(phoi hop|cung thuc hien|ho tro thuc hien|coordinat\w* with|coordinating (agenc|bod|unit|department|partner)\w*|in coordination|(?<!budget )(?<!direct )support(s|ing)?|partner\w*|"
                     rf"work(s|ing)? with|co-?operat\w*|collaborat\w*|cung tham gia|tham gia cung|cung lam|gop suc|giup suc|"
                     # "ngoài Văn phòng UBND tỉnh còn đơn vị nào …?": the others, beside the one named
                     rf"ngoai [^?]{{3,80}} con (co quan|don vi|so|ban|ai|nhung)|besides [^?]{{3,80}} (which|who|what)){_E}"),
    (Intent.DUTIES, rf"{_W}(phai lam gi|lam gi|lam nhung gi|nhiem vu (cua|gi)|trach nhiem (cua|gi)|duoc giao (gi|nhung)|"
                    rf"what (does|do|must|should) .+ do|duties|tasks of|responsibilities of|"
                    rf"what is .+ responsible for|role of){_E}"),
    (Intent.LEAD, rf"{_W}(chu tri|phu trach|chiu trach nhiem|dau moi|who leads?|who is (in charge|responsible)|"
                  rf"in charge|lead agency|leading (agency|unit)|which (agency|department|unit|office|body)){_E}"),
    (Intent.DEADLINE, rf"{_W}(ngay nao|thang nao|quy nao|thoi gian nao|thoi han nao|luc nao|by what date|what date|which date|khi nao|bao gio|thoi han|han chot|thoi gian (thuc hien|hoan thanh)|thoi diem|"
                      rf"hoan thanh (vao |truoc )?(khi nao|luc nao|nam nao|ngay nao)|nam nao|"
                      rf"when|deadline|by when|timeline|time ?frame|due|how often|frequency|"
                      rf"dinh ky|bao lau|how long (did|does|do|will|would|has|have|had)|schedul\w*|(which|what) (period|phase|stage)|giai doan nao|thoi ky nao){_E}"),
    (Intent.TARGET, rf"{_W}(bao nhieu|ty le|ti le|so luong|dat (muc|bao nhieu)|diem so|phan tram|thu may|xep thu|"
                    rf"xep hang|hang may|rank\w*|diem dinh huong|"
                    rf"may (doanh nghiep|sang kien|cuoc|lan|ngay|thang|tuan|gio|phan tram)|how many|how much|what percentage|percent\w*|"
                    rf"how (long|high|tall|deep|far|large|big) (is|was|are|were)|"
                    rf"(what|how) (is|was) the (area|population|length|height|depth|size)|"
                    rf"what share|(what|which) (target|goal|rate|score|level|value|ratio|proportion)s?|"
                    rf"what is the (target|goal|rate|score|ratio|proportion)|"
                    # an achieved figure: "What was Quang Binh's SIPAS index in 2020?"
                    rf"(what|how) (was|were|did) [^?]*(index|score|rating|result|figure|value)s?|"
                    rf"(index|score|rating|result) (in|for) (19|20)\d\d){_E}"),
    (Intent.LEAD, rf"{_W}(ai (thuc hien|lam|chiu)|co quan nao|don vi nao|so nao|ai|who|lead(s|ing|ed)?|led|responsible){_E}"),
    (Intent.TARGET, rf"{_W}(muc tieu|chi tieu|toi thieu|target\w*|goal|rate|score|minimum|at least){_E}"),
    (Intent.DEFINITION, rf"{_W}(la gi|gom (nhung )?gi|bao gom|noi dung (cua|gi)|what is|what are|what does .+ mean|"
                        rf"define|consist|include){_E}"),
]


# "triển khai nghị quyết nào?", "quyết định số mấy?", "which government resolution …?": the answer
# is an act's number, cited in the text — not the plan's own number or date
_ACT = (rf"{_W}((nghi quyet|quyet dinh|nghi dinh|chi thi|thong tu|cong van|ke hoach hanh dong) (nao|so may|so bao nhieu|gi)|"
        rf"(theo|tai|bang|thuoc) ke hoach (nao|so may|so bao nhieu)|"
        rf"(which|what) ((?!(does|do|did|is|was|are|were)\b)[a-z'-]+ ){{0,3}}plan (covers|implements|carries out|sets out|deals with)|"
        rf"(which|what) ((?!(date|day|year|does|do|did|is|was|are|were|has|have)\b)[a-z'-]+ ){{0,5}}"
        rf"(resolution|decision|decree|directive|circular|letter|official letter)s?(?! (was|is|were) (issued|signed|adopted))){_E}")


def detect_intent(question: str) -> tuple[Intent, DocFact | None]:
    q = fold(question)
    if re.search(_ACT, q):
        return Intent.ACT, None
    for fact, pat in _DOCFACT.items():
        if re.search(pat, q):
            return Intent.DOCFACT, fact
    found = next((intent for intent, pat in _PATTERNS if re.search(pat, q)), Intent.OPEN)
    if found in (Intent.LEAD, Intent.OPEN, Intent.DEFINITION) and re.search(r"(?<!\w)mấy\s+\w", question.lower()):
        return Intent.TARGET, None  # "dựng bằng mấy trụ gạch?" counts (folded, "may" is also "máy", "may")
    return found, None
