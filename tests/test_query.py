"""Query understanding on the bundled corpus: diacritic restoration (folded, half-accented,
fully accented), acronyms both ways, English detection and English → Vietnamese hints."""

from __future__ import annotations

import json
import random
import re
import statistics
import time
import unicodedata

import pytest

from tests.conftest import CORPUS
from tracuu.normalize import clean_text, fold, search_key
from tracuu.retrieval.query import (
    detect_language,
    is_vi_syllable,
    load_acronyms,
    load_en_vi,
    parse_query,
)
from tracuu.retrieval.restore import DiacriticRestorer, compatible

WORD = re.compile(r"\w+")
BREAK = re.compile(r"[.,;:!?()\[\]\"“”…/\t]|\s[-–]\s")
VOWELS = set("aeiouy")


def strip_accents(text: str) -> str:
    """What a user without a Vietnamese keyboard types: accents gone, case kept."""
    out = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return out.replace("đ", "d").replace("Đ", "D")


def half_accented(text: str, rng: random.Random) -> str:
    return WORD.sub(lambda m: m.group(0) if rng.random() < 0.5 else strip_accents(m.group(0)), text)


def phrases(texts: list[str], n: int, seed: int) -> list[str]:
    """Up to ``n`` distinct real phrases of 4–15 mostly alphabetic words."""
    seen: dict[str, None] = {}
    for text in texts:
        for line in text.split("\n"):
            for part in BREAK.split(line):
                toks = WORD.findall(part)
                if 4 <= len(toks) <= 15 and sum(t.isalpha() for t in toks) >= 0.8 * len(toks):
                    seen.setdefault(" ".join(part.split()), None)
    out = list(seen)
    random.Random(seed).shuffle(out)
    return out[:n]


def syllable_accuracy(pairs: list[tuple[str, str]], restorer: DiacriticRestorer) -> tuple[float, float]:
    """(syllable, sentence) accuracy of restore(typed) against the gold text; acronyms,
    which the restorer leaves as typed by design, are not counted."""
    good = total = whole = 0
    for typed, gold in pairs:
        want = WORD.findall(search_key(gold))
        got = WORD.findall(restorer.restore(typed))
        assert len(got) == len(want)
        ok = True
        for w, g in zip(want, got):
            if w.isalpha() and VOWELS & set(fold(w).replace("d", "")):
                total += 1
                good += w == g
                ok &= w == g
        whole += ok
    return good / total, whole / len(pairs)


@pytest.fixture(scope="module")
def docs() -> dict[str, str]:
    return {p.name: clean_text(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="module")
def restorer(docs) -> DiacriticRestorer:
    return DiacriticRestorer().fit(docs.values())


# --- restoration ----------------------------------------------------------------------------


HELD_OUT = "002_62578f1bc7ff1908.txt"  # the Quảng Bình plan


@pytest.fixture(scope="module")
def held_out_model(docs) -> DiacriticRestorer:
    """Trained without the held-out plan (000 and 004 are copies of one plan, so both stay)."""
    return DiacriticRestorer().fit(t for name, t in docs.items() if name != HELD_OUT)


def test_restores_folded_phrases_of_a_document_it_never_saw(docs, held_out_model):
    sample = phrases([docs[HELD_OUT]], 150, seed=1)
    assert len(sample) == 150
    syl, sent = syllable_accuracy([(strip_accents(p), p) for p in sample], held_out_model)
    assert syl >= 0.94 and sent >= 0.65, (syl, sent)


def test_restores_folded_corpus_phrases(docs, restorer):
    sample = phrases(list(docs.values()), 300, seed=2)
    syl, sent = syllable_accuracy([(strip_accents(p), p) for p in sample], restorer)
    assert syl >= 0.99 and sent >= 0.95, (syl, sent)


def test_half_accented_queries_keep_every_typed_accent(docs, restorer):
    rng = random.Random(3)
    sample = phrases(list(docs.values()), 200, seed=3)
    pairs = [(half_accented(p, rng), p) for p in sample]
    for typed, _ in pairs:
        got = WORD.findall(restorer.restore(typed))
        for t, g in zip(WORD.findall(search_key(typed)), got):
            assert fold(g) == fold(t)
            if t != fold(t):  # the user typed some accent on this syllable
                assert g == t, (typed, t, g)
    syl, _ = syllable_accuracy(pairs, restorer)
    assert syl >= 0.99


def test_fully_accented_queries_are_left_alone(docs, restorer, held_out_model):
    """Plain syllables of a carefully accented query ("do", "qua", "an ninh") are meant
    plain, even where the language model alone would prefer an accented neighbour."""
    sample = phrases(list(docs.values()), 300, seed=4)
    changed = [p for p in sample if restorer.restore(p) != search_key(p)]
    assert len(changed) <= 3, changed
    unseen = phrases([docs[HELD_OUT]], 150, seed=1)
    changed = [p for p in unseen if held_out_model.restore(p) != search_key(p)]
    assert len(changed) <= 5, changed  # ~10 without the accent-care channel
    assert restorer.restore("văn bản do ai ký") == "văn bản do ai ký"  # not "độ"


def test_question_words_restore(restorer):
    """Question words come from the bundled seed sentences, the rest from the corpus."""
    for typed, want in [
        ("ai chu tri chi so DTI", "ai chủ trì chỉ số dti"),
        ("thoi han hoan thanh ke hoach cai cach hanh chinh", "thời hạn hoàn thành kế hoạch cải cách hành chính"),
        ("co quan nào phụ trách chuyên đề 6", "cơ quan nào phụ trách chuyên đề 6"),
        ("muc tieu chi so PCI nam 2025 la bao nhieu", "mục tiêu chỉ số pci năm 2025 là bao nhiêu"),
        ("so noi vu co nhiem vu gi", "sở nội vụ có nhiệm vụ gì"),
        ("thuc hien tu ngay 01/01/2024", "thực hiện từ ngày 01/01/2024"),  # not "TU" (Tỉnh ủy)
    ]:
        assert restorer.restore(typed) == want


def test_typed_accents_constrain_the_candidates():
    assert compatible("e", "ề") and compatible("ê", "ề") and compatible("ệ", "ệ")
    assert not compatible("ệ", "ề") and not compatible("ê", "é") and not compatible("d", "dd")
    assert compatible("qúa", "quá")  # tone typed on another letter still counts
    assert not compatible("đi", "di")


def test_unknown_tokens_numbers_and_acronyms_stay_as_typed(restorer):
    assert restorer.restore("blockchain xyzzy") == "blockchain xyzzy"
    # "TU" (Tỉnh ủy) folds like the syllable "tu"/"từ": typed in capitals it is an acronym
    assert restorer.restore("Chi thi 35-CT/TU") == "chỉ thị 35-ct/tu"
    assert restorer.restore("ke hoach 304/KH-UBND") == "kế hoạch 304/kh-ubnd"
    out = restorer.restore("quy trinh ISO 9001:2015 cho DDCI")
    assert WORD.findall(out)[2:] == ["iso", "9001", "2015", "cho", "ddci"]


def test_persisted_model_restores_identically(docs, restorer):
    clone = DiacriticRestorer.from_dict(json.loads(json.dumps(restorer.to_dict(), ensure_ascii=False)))
    assert clone.to_dict() == restorer.to_dict()
    rng = random.Random(5)
    queries = [strip_accents(p) for p in phrases(list(docs.values()), 80, seed=5)]
    queries += [half_accented(p, rng) for p in phrases(list(docs.values()), 40, seed=6)]
    assert [clone.restore(q) for q in queries] == [restorer.restore(q) for q in queries]
    assert len(json.dumps(restorer.to_dict(), ensure_ascii=False)) < 2_000_000


def test_restore_is_fast(docs, restorer):
    sample = phrases(list(docs.values()), 2000, seed=7)
    twelve = [strip_accents(p) for p in sample if len(WORD.findall(p)) == 12][:40]
    assert len(twelve) >= 20
    times = []
    for q in twelve:
        t = time.perf_counter()
        restorer.restore(q)
        times.append(time.perf_counter() - t)
    assert statistics.median(times) < 0.005


# --- acronyms --------------------------------------------------------------------------------


def test_acronyms_expand_both_ways(restorer):
    pq = parse_query("TTHC", restorer)
    assert pq.acronyms == ["TTHC"] and "thủ tục hành chính" in pq.expansions
    pq = parse_query("cải cách thủ tục hành chính", restorer)
    assert "tthc" in pq.expansions and pq.acronyms == []
    for typed in ("hdnd tinh giao chi tieu gi", "HDND tỉnh giao chỉ tiêu gì", "HĐND tỉnh"):
        pq = parse_query(typed, restorer)
        assert pq.acronyms == ["HĐND"], typed
        assert "hội đồng nhân dân" in pq.expansions
    assert "hđnd" in parse_query("HDND tinh", restorer).expansions  # the documents' spelling
    pq = parse_query("ubnd tinh chi dao", restorer)
    assert pq.acronyms == ["UBND"] and "ủy ban nhân dân" in pq.expansions
    pq = parse_query("Sở TT&TT phối hợp", restorer)
    assert pq.acronyms == ["TT&TT"] and "thông tin và truyền thông" in pq.expansions
    pq = parse_query("sở thông tin và truyền thông", restorer)
    assert {"tt&tt", "tttt"} <= set(pq.expansions)
    pq = parse_query("chi so PAR Index nam 2020", restorer)
    assert pq.acronyms == ["PAR INDEX"] and "chỉ số cải cách hành chính" in pq.expansions


def test_acronym_table_agrees_with_the_corpus_definitions(docs):
    """Where a plan defines an acronym — "thủ tục hành chính (TTHC)" — the table's
    expansion is among the words right before the parenthesis."""
    table = load_acronyms()
    checked = matched = 0
    for text in docs.values():
        for m in re.finditer(r"([^()\n]{0,200})\(([A-ZĐ][A-Za-zĐ&]{1,9}(?: [A-Z]+)?)\)", text):
            if m.group(2) not in table:
                continue
            before = " " + " ".join(WORD.findall(fold(m.group(1)))[-30:]) + " "
            checked += 1
            matched += any(f" {' '.join(WORD.findall(fold(e)))} " in before for e in table[m.group(2)])
    assert checked >= 30 and matched / checked >= 0.9, (matched, checked)


def test_acronym_forms_are_not_vietnamese_syllables(restorer):
    """A folded acronym that is also a syllable ("TU" / "từ") would expand ordinary words."""
    for form in load_acronyms():
        toks = WORD.findall(fold(form))
        if len(toks) == 1 and form != "PAR":
            assert toks[0] not in restorer.forms or not is_vi_syllable(toks[0]), form


# --- language and English hints ---------------------------------------------------------------

ENGLISH = [
    "who leads the DTI target?",
    "Who is responsible for improving the PCI index?",
    "which agency is in charge of administrative procedure reform",
    "What is the deadline for the PAR Index plan?",
    "When was plan 304/KH-UBND signed?",
    "How many online public services must be provided?",
    "Which department coordinates digital transformation?",
    "what is the goal of the plan",
    "Summarize the plan of Quang Binh province",
    "who is in charge of the one-stop shop",
]
VIETNAMESE = [
    "ai chu tri chi so DTI",
    "co quan nao chiu trach nhiem nang cao chi so PCI",
    "thoi han hoan thanh ke hoach cai cach hanh chinh",
    "ke hoach 304/KH-UBND do ai ky",
    "bao nhieu dich vu cong truc tuyen",
    "so nao phoi hop chuyen doi so",
    "muc tieu cua ke hoach la gi",
    "to chuc thuc hien",
    "tom tat ke hoach cua tinh Quang Binh",
    "ai phu trach mot cua",
]


def test_english_is_told_from_unaccented_vietnamese(docs, restorer):
    assert [detect_language(q) for q in ENGLISH] == ["en"] * len(ENGLISH)
    assert [parse_query(q, restorer).lang for q in ENGLISH] == ["en"] * len(ENGLISH)
    assert [parse_query(q, restorer).lang for q in VIETNAMESE] == ["vi-nodiac"] * len(VIETNAMESE)
    folded = [strip_accents(p) for p in phrases(list(docs.values()), 300, seed=8)]
    wrong = [q for q in folded if detect_language(q, restorer) == "en"]
    assert len(wrong) <= 3, wrong


def test_accent_levels(restorer):
    assert parse_query("ai chủ trì chỉ số DTI", restorer).lang == "vi"
    pq = parse_query("co quan nào phụ trách chuyên đề 6", restorer)
    assert pq.lang == "vi-half" and pq.restored == "cơ quan nào phụ trách chuyên đề 6"
    assert pq.key == "co quan nào phụ trách chuyên đề 6" and pq.folded == "co quan nao phu trach chuyen de 6"


def test_english_questions_get_vietnamese_hints(restorer):
    pq = parse_query("who leads the DTI target?", restorer)
    assert pq.restored == pq.key  # English is not "restored" into Vietnamese
    assert {"chủ trì", "phụ trách", "mục tiêu", "chỉ tiêu"} <= set(pq.expansions)
    assert pq.acronyms == ["DTI"] and "chỉ số đánh giá chuyển đổi số" in pq.expansions
    pq = parse_query("Which department coordinates digital transformation?", restorer)
    assert {"phối hợp", "chuyển đổi số"} <= set(pq.expansions)
    pq = parse_query("What is the deadline for simplifying administrative procedures?", restorer)
    assert {"thời hạn", "thủ tục hành chính"} <= set(pq.expansions)
    pq = parse_query("tasks of the Department of Information and Communications in Quang Ninh", restorer)
    assert {"sở thông tin và truyền thông", "quảng ninh", "nhiệm vụ"} <= set(pq.expansions)
    # an English word inside a Vietnamese query still gets its hint; Vietnamese words do not
    pq = parse_query("deadline cua ke hoach 304", restorer)
    assert pq.lang == "vi-nodiac" and "thời hạn" in pq.expansions
    assert "tỉnh" not in parse_query("ban chi dao tinh", restorer).expansions


def test_hint_terms_are_the_corpus_vocabulary(docs):
    entries = load_en_vi()
    assert len(entries) >= 150
    corpus = " " + " ".join(WORD.findall(fold("\n".join(docs.values())))) + " "
    terms = {t for _, ts in entries for t in ts}
    found = [t for t in terms if f" {' '.join(WORD.findall(fold(t)))} " in corpus]
    assert len(found) / len(terms) >= 0.85


def test_english_hints_match_inflected_forms():
    from tracuu.retrieval.query import parse_query

    # "submitted" doubles its consonant; the glossary lists "submit" only
    assert "nộp hồ sơ" in parse_query("Where are the documents submitted?").expansions
    assert "nộp hồ sơ" in parse_query("Who is submitting the dossiers?").expansions


def test_everyday_vietnamese_meets_the_documents_wording():
    import re

    from tracuu.ingest.pipeline import BUNDLED_CORPUS
    from tracuu.normalize import clean_text, fold
    from tracuu.retrieval.query import _synonym_rows, match_synonyms, parse_query

    corpus = " " + " ".join(" ".join(re.findall(r"[a-z0-9]+", fold(clean_text(p.read_text(encoding="utf-8")))))
                            for p in BUNDLED_CORPUS.glob("*.txt")) + " "
    missing = [t for _phrases, terms in _synonym_rows() for t in terms
               if f" {' '.join(re.findall(r'[a-z0-9]+', fold(t)))} " not in corpus]
    assert not missing, f"document terms of vi_synonyms.tsv not in the corpus: {missing}"
    # typed with or without accents, longest phrase first
    assert match_synonyms("ai lo viec tuyen truyen toi ba con") == [("lo việc", "chủ trì"), ("bà con", "người dân")]
    assert "cáp quang băng rộng" in parse_query("nhà dân có internet tốc độ cao không").expansions
    assert parse_query("Who leads the DTI target?").synonyms == []  # English has its own glossary
