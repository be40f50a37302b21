"""The English → Vietnamese glossary (retrieval/data/en_vi.tsv): it parses, its Vietnamese side
is the corpus's own wording, it avoids over-broad English entries, and English paraphrases
written for these tests meet the right Vietnamese passage with lexical search alone."""

from __future__ import annotations

import re
from collections import defaultdict
from importlib import resources

import pytest

from tests.conftest import CORPUS
from tracuu.normalize import clean_text, fold, search_key
from tracuu.retrieval.query import _rows, load_en_vi, parse_query

WORD = re.compile(r"\w+")
ASCII_WORD = re.compile(r"[a-z0-9]+")

# Vietnamese terms kept although the plans never write them: question words (they give the
# dense query of an English question its Vietnamese question form) and spelling variants.
QUESTION_WORDS = {"ai", "cơ quan nào", "đơn vị nào", "sở nào", "bao nhiêu"}
VARIANTS = {"hằng quý": "hàng quý", "hằng năm": "hàng năm"}

# English words that must never be an entry on their own: every expansion adds BM25 terms.
OVER_BROAD = set("""
a an the of to in on at by for from with and or not no all any some every each other more most
make made have has had do does did be is are was were get got give take go put see say new old
good way thing things one also so up down out over above under about what which how why
can could must should shall will would may might just very
""".split())


def _lines() -> list[tuple[int, list[str], list[str]]]:
    text = resources.files("tracuu.retrieval").joinpath("data/en_vi.tsv").read_text("utf-8")
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            left, right = line.split("\t")
            out.append((n, [p.strip() for p in left.split("|") if p.strip()],
                        [p.strip() for p in right.split("|") if p.strip()]))
    return out


def _joined(text: str) -> str:
    return " " + " ".join(WORD.findall(text)) + " "


@pytest.fixture(scope="module")
def corpus_text() -> str:
    return "\n".join(clean_text(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt")))


def test_glossary_parses_and_is_broad():
    rows = _rows("en_vi.tsv")
    assert len(rows) >= 500
    assert all(left and right for left, right in rows)
    entries = load_en_vi()
    assert len(entries) >= 2000
    assert all(p == p.lower() for p, _ in entries), "English phrases are lower case"


def test_every_english_phrase_sits_in_one_row():
    where: dict[str, list[int]] = defaultdict(list)
    for n, phrases, _ in _lines():
        for p in phrases:
            where[" ".join(ASCII_WORD.findall(fold(p.lower())))].append(n)
    dups = {p: sorted(set(ns)) for p, ns in where.items() if len(set(ns)) > 1}
    assert not dups, dups


def test_no_over_broad_english_entries():
    bad = [(n, p) for n, phrases, _ in _lines() for p in phrases
           if len(ASCII_WORD.findall(fold(p))) == 1 and fold(p) in OVER_BROAD]
    assert not bad, bad


def test_vietnamese_terms_are_the_corpus_wording(corpus_text):
    folded = _joined(fold(corpus_text))
    exact = _joined(search_key(corpus_text))
    missing, accents = [], []
    for n, _, terms in _lines():
        for t in terms:
            if t in QUESTION_WORDS:
                continue
            if _joined(fold(t)) not in folded:
                missing.append(f"line {n}: {t}")
            elif _joined(search_key(t)) not in exact and not (
                    t in VARIANTS and _joined(search_key(VARIANTS[t])) in exact):
                accents.append(f"line {n}: {t}")
    assert not missing, "not in the corpus (accent-folded, whole words): " + "; ".join(missing)
    assert not accents, "accents differ from the documents: " + "; ".join(accents)


# English questions written for these tests (not taken from eval/data): the Vietnamese terms
# they must expand to, and a phrase of the passage lexical search must rank in the top 5.
PARAPHRASES = [
    ("Which agency must digitise the paperwork and results of procedures at all three levels?",
     {"số hóa", "giấy tờ", "cả 3 cấp"}, "được số hóa"),
    ("What share of households should get fibre broadband?",
     {"hộ gia đình", "cáp quang", "băng rộng", "tỷ lệ"}, "cáp quang băng rộng"),
    ("Who carries out unannounced inspections of the one-stop desks?",
     {"kiểm tra đột xuất", "bộ phận một cửa"}, "kiểm tra đột xuất"),
    ("Which target concerns district-level budgets becoming self-balancing?",
     {"tự cân đối", "cấp huyện", "ngân sách"}, "tự cân đối"),
    ("How often at most may a business be inspected each year?",
     {"không quá", "tối đa", "thanh tra"}, "không quá 1 lần"),
    ("Is it required to digitally sign documents and keep them in electronic storage?",
     {"ký số", "lưu trữ điện tử"}, "ký số"),
    ("Who reviews legal normative documents and recommends amending or repealing them?",
     {"rà soát", "sửa đổi", "bãi bỏ", "văn bản quy phạm pháp luật"}, "bãi bỏ"),
    ("What is the reporting deadline in the last month of the quarter?",
     {"tháng cuối quý", "báo cáo"}, "tháng cuối quý"),
    ("How should public non-business units self-finance their recurrent expenditure?",
     {"tự bảo đảm chi thường xuyên", "chi thường xuyên", "đơn vị sự nghiệp công lập"}, "chi thường xuyên"),
    ("Decentralise and delegate powers to localities according to their strengths",
     {"phân cấp", "ủy quyền", "địa phương"}, "phân cấp, ủy quyền"),
    ("Which division is responsible for the usefulness of website information on investment incentives?",
     {"phòng", "hữu ích", "ưu đãi"}, "ưu đãi"),
    ("Who promotes the community digital technology teams?",
     {"tổ công nghệ số cộng đồng"}, "tổ công nghệ số cộng đồng"),
    ("How many digital technology companies should the province have at minimum?",
     {"doanh nghiệp công nghệ số", "tối thiểu"}, "tối thiểu 500 doanh nghiệp"),
    ("Every resident should have a digital identity and each household a digital address",
     {"định danh số", "địa chỉ số", "hộ gia đình"}, "địa chỉ số"),
]


@pytest.mark.parametrize("question,terms,_phrase", PARAPHRASES, ids=[q[:40] for q, _, _ in PARAPHRASES])
def test_english_paraphrases_get_the_vietnamese_terms(question, terms, _phrase):
    pq = parse_query(question, None)
    assert pq.lang == "en"
    assert terms <= set(pq.expansions), terms - set(pq.expansions)


def test_english_paraphrases_meet_the_passage_lexically(lexical_store):
    from tracuu.retrieval.search import Searcher

    searcher = Searcher(lexical_store, load_embedder=False)
    misses = []
    for question, _terms, phrase in PARAPHRASES:
        hits = searcher.search(question, k=5, mode="lexical")
        if not any(fold(phrase) in fold(" ".join(h.text.split())) for h in hits):
            misses.append(question)
    assert not misses, misses


def test_function_words_alone_expand_to_nothing():
    assert parse_query("what is it about and how does it have all of them", None).expansions == []


def test_the_longest_everyday_phrase_wins_where_two_overlap():
    from tracuu.retrieval.query import match_synonyms

    # "đi kiểm tra" (a visit) and "kiểm tra bất ngờ" (a surprise inspection) overlap: the longer says more
    found = match_synonyms("mỗi năm phải có tối thiểu mấy lần đi kiểm tra bất ngờ")
    assert ("kiểm tra bất ngờ", "kiểm tra đột xuất") in found
    assert all(phrase != "đi kiểm tra" for phrase, _ in found)
    assert ("mỗi năm", "hàng năm") in found  # a phrase elsewhere is kept, in text order
    assert [p for p, _ in found] == ["mỗi năm", "kiểm tra bất ngờ"]
