"""The short answer read inside a sentence (``retrieval/span.py``), on sentences of the bundled
reading sets' articles: the span a reader marks, or None where no place for it is sure."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracuu.retrieval.span import Slot, answer_span, asked_slot

DATA = Path(__file__).resolve().parents[1] / "eval" / "data"


def _sentence(start: str) -> str:
    """The sentence of a bundled article that opens with ``start`` (so a test breaks if the
    article changes rather than testing a sentence nobody wrote)."""
    for path in sorted(DATA.glob("prose*/corpus/*.txt")):
        text = path.read_text(encoding="utf-8")
        at = text.find(start)
        if at >= 0:
            end = min((i for i in (text.find(". ", at), text.find(".\n", at), len(text)) if i >= 0))
            return text[at:end + 1]
    raise AssertionError(f"no article sentence opens with {start!r}")


@pytest.mark.parametrize("question,opening,expected", [
    # which-noun: the asked noun opens the answer
    ("Hang Sửng Sốt tọa lạc trên hòn đảo nào?", "Nhiều hang động lớn", "đảo Bồ Hòn"),
    ("Đô thị cổ Hội An nằm ở vùng hạ lưu của con sông nào?", "Hội An là một đô thị cổ", "sông Thu Bồn"),
    ("Năm 1962, Trịnh Công Sơn tốt nghiệp từ trường nào?", "Năm 1962, Trịnh Công Sơn", "Trường Sư phạm Quy Nhơn"),
    ("Vị chúa nào đã đặt ra quy định về trang phục ở Đàng Trong?", "Năm 1744", "chúa Nguyễn Phúc Khoát"),
    # unaccented: matched on folded letters
    ("ca si nao da the hien ca khuc uot mi vao cuoi thap nien 1950", "Trước đó, ca khúc", "ca sĩ Thanh Thúy"),
    # what: after the question's own words ("được gọi là", "tên chữ là"), not another "là"
    ("noi rong me ha canh trong truyen thuyet duoc goi la gi", "Nơi Rồng Mẹ", "Hạ Long"),
    ("Nguyễn Du có tên chữ là gì?", "Nguyễn Du (1765", "Tố Như"),
    ("Khi mới hoàn thành, cầu Long Biên mang tên gì?", "Cầu Long Biên, cây cầu", "cầu Paul Doumer"),
    ("Dưới triều Tiền Lê, Lý Công Uẩn nắm giữ chức vụ gì?", "Triều đại được mở đầu", "Điện tiền chỉ huy sứ"),
    # where: "tại" answers "ở đâu"; a list of places and an address go on past their commas
    ("Bảo tàng Áo dài được đặt tại đâu?", "Năm 2014, nhà thiết kế", "Quận 9, Thành phố Hồ Chí Minh"),
    ("Vườn quốc gia Cúc Phương tọa lạc ở đâu?", "Vườn quốc gia Cúc Phương là",
     "vùng giáp ranh ba tỉnh Ninh Bình, Hòa Bình và Thanh Hóa"),
    ("tru so ban quan ly vuon quoc gia cuc phuong dat o dau", "Ban quản lý vườn",
     "xã Cúc Phương, huyện Nho Quan, tỉnh Ninh Bình"),
    ("Nhà máy Thủy điện Hòa Bình được xây dựng ở đâu?", "Nhà máy Thủy điện Hòa Bình là", "sông Đà"),
    # who: the name in the asked place, read forward or back from the question's other words
    ("Ai là người đặt tên chữ Lai Viễn Kiều cho Chùa Cầu?", "Năm 1719", "Nguyễn Phúc Chu"),
    ("Bảo tàng Áo dài do ai sáng lập?", "Năm 2014, nhà thiết kế", "Sĩ Hoàng"),
    ("Vị chúa nào đã chuyển phủ chúa về Phú Xuân vào năm 1687?", "Năm 1687", "chúa Nguyễn Phúc Thái"),
    # a subject question: the answer stands before the question's following words
    ("Quốc gia nào là khách hàng mua gạo lớn nhất của Việt Nam?", "Philippines là", "Philippines"),
    # a quoted title, and an anchor inside a name that gives the whole name
    ("Ca khúc nào của ông đoạt giải Đĩa vàng tại Nhật Bản năm 1972?", "Năm 1972, ca khúc", "Ngủ đi con"),
    ("Hoàng Xuân Vinh khoác áo đơn vị thể thao nào?", "Anh khoác áo", "Trung tâm Thể dục Thể thao Quân đội"),
])
def test_span_is_the_answer_inside_its_sentence(question, opening, expected):
    sentence = _sentence(opening)
    assert answer_span(question, sentence) == expected, sentence


@pytest.mark.parametrize("question,opening", [
    ("Vì sao nước sông Hồng mang màu đỏ nâu?", "Nước sông có màu đỏ nâu"),  # why: the sentence is the answer
    ("Nhà ga Đà Lạt được xây dựng như thế nào?", "Nhà ga Đà Lạt do"),  # how
    # a lone "là" with none of the question's words near it places nothing
    ("Vào thời Dương Đình Nghệ, nước ta được gọi là gì?", "Vua Nam Hán là Lưu Nghiễm"),
    # a plain phrase cut at a comma may be a list's first item: the sentence stays
    ("nuoc dung pho bo duoc ninh tu gi", "Nước dùng phở bò"),
    # "người Việt" is a people, not who invented something; two names and nothing placing either
    ("Ai là người đã phát minh ra chiếc phin pha cà phê?", "Cây cà phê được các nhà truyền giáo"),
])
def test_no_span_where_no_place_is_sure(question, opening):
    assert answer_span(question, _sentence(opening)) is None


def test_english_finds_only_a_sentences_one_name():
    assert answer_span("Who was Tran Dai Nghia's father?", _sentence("Cha ông là")) == "Phạm Văn Thơ"
    # three names ("Moncet và Reveron", "Tây Nguyên", "Lang Biang") and nothing to tell them apart
    assert answer_span("Who designed the Da Lat railway station?", _sentence("Nhà ga Đà Lạt do")) is None
    assert answer_span("Which sleeve style did the Dung tailor shop adopt?", _sentence("Vào thập niên 1960")) is None
    assert asked_slot("Who designed the Da Lat railway station?") is None  # no words to align across languages


def test_duties_and_lists_have_no_slot():
    assert asked_slot("Sở Nội vụ phải làm gì?") is None
    assert asked_slot("Kế hoạch gồm những gì?") is None
    assert asked_slot("Đà Lạt có bao nhiêu hồ?") is None  # numbers are read by the quantity reader
    assert asked_slot("Hang Sửng Sốt nằm trên đảo nào?") == Slot.WHICH
    assert asked_slot("ai doi do ve thang long") == Slot.WHO
