"""The one normaliser: display cleanup, canonical tones, folding, tokens."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS
from tracuu.index.tokenize import tokenize
from tracuu.normalize import clean_text, fold, has_diacritics, match_key, search_key, syllables


def test_canonical_tone_placement_merges_spelling_variants():
    assert search_key("hoà") == search_key("hòa") == "hòa"
    assert search_key("Thuỷ lợi") == search_key("thủy lợi")
    assert search_key("Uỷ ban") == search_key("Ủy ban") == "ủy ban"
    assert search_key("khoẻ") == search_key("khỏe")
    # closed syllables and "qu" keep their only spelling
    assert search_key("hoàn thành") == "hoàn thành"
    assert search_key("quý") == "quý"


def test_fold_and_diacritics():
    assert fold("Sở Thông tin và Truyền thông") == "so thong tin va truyen thong"
    assert fold("ĐỔI MỚI") == "doi moi"
    assert has_diacritics("chủ trì") and not has_diacritics("chu tri")


def test_nfd_input_matches_nfc():
    nfd = unicodedata.normalize("NFD", "Cơ quan chủ trì")
    assert search_key(nfd) == search_key("Cơ quan chủ trì")


def test_syllables_keep_one_letter_words():
    assert syllables("Ở đây, ý kiến") == ["ở", "đây", "ý", "kiến"]


def test_match_key_removes_unicode_punctuation():
    assert match_key("“Sở Nội vụ” – (chủ trì).") == "sở nội vụ chủ trì"


def test_clean_text_drops_website_leftovers_and_invisible_chars():
    raw = "Hệ thống pháp luật\nĐang tải nội dung, vui lòng chờ giây lát...\n\u200bKẾ\u00a0HOẠCH **số 1**\n<i>Về</i> việc\n"
    text = clean_text(raw)
    assert "Hệ thống pháp luật" not in text and "Đang tải" not in text
    assert "\u200b" not in text and "\u00a0" not in text and "**" not in text and "<i>" not in text
    assert "KẾ HOẠCH số 1" in text and "Về việc" in text


def test_page_break_sentence_is_rejoined_in_seed_003():
    text = clean_text((CORPUS / "003_fc34b6e3cdc17385.txt").read_text(encoding="utf-8"))
    assert "định kỳ ngày 18 tháng cuối quý báo cáo kết quả thực hiện về Văn phòng UBND tỉnh" in text
    assert "có trọng tâm, trọng điểm, có kế hoạch" in text


def test_headings_and_list_items_are_not_joined():
    text = clean_text("2. Mục tiêu cụ thể\n\na) Đến năm 2025\n\nb) Định hướng")
    assert "2. Mục tiêu cụ thể\n\na) Đến năm 2025" in text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_normaliser_properties(s):
    # never raises, idempotent, and stable between forms
    k = search_key(s)
    assert search_key(k) == k
    f = fold(s)
    assert fold(f) == f
    assert fold(k) == f
    c = clean_text(s)
    assert clean_text(c) == c or clean_text(clean_text(c)) == clean_text(c)
    toks = tokenize(s)
    assert tokenize(s) == toks


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="aăâeêioôơuưyđàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ", max_size=60))
def test_vietnamese_letters_fold_to_ascii(s):
    assert fold(s).isascii()
