"""The entities a question pins down (provinces above all: a question about a province the
documents never cover must be refused), read from accented, half-accented and unaccented text."""

from __future__ import annotations

import pytest

from tracuu.retrieval.entities import find_entities


@pytest.mark.parametrize("question,provinces", [
    ("Ai chủ trì chỉ số DTI của tỉnh Tuyên Quang?", ["Tuyên Quang"]),
    ("ai chu tri chi so DTI cua tinh tuyen quang", ["Tuyên Quang"]),
    ("Ke hoach cua tinh Thua Thien Hue", ["Thừa Thiên Huế"]),
    ("Bà Rịa – Vũng Tàu có kế hoạch nào?", ["Bà Rịa - Vũng Tàu"]),
    ("so sanh quang ninh va quang binh", ["Quảng Ninh", "Quảng Bình"]),
    ("Thanh Hoá", ["Thanh Hóa"]),  # the other tone placement
])
def test_provinces_in_any_typing(question, provinces):
    assert find_entities(question).provinces == provinces


@pytest.mark.parametrize("question", [
    "Cơ quan nào chủ trì cung cấp dịch vụ công trực tuyến (Quảng Ninh)?",
    "co quan nao chu tri dich vu cong truc tuyen quang ninh",
    "dịch vụ công trực tuyến Quảng Ninh đạt bao nhiêu phần trăm",
])
def test_online_is_not_a_province(question):
    # "trực tuyến Quảng Ninh" folds to "truc tuyen quang ninh", which also spells "Tuyên Quang"
    assert find_entities(question).provinces == ["Quảng Ninh"]


def test_online_services_of_quang_ninh_are_answered_not_refused(assistant):
    ans = assistant.ask("co quan nao chu tri cung cap dich vu cong truc tuyen toan trinh quang ninh")
    assert not ans.abstained, ans.message
    assert "Sở Thông tin và Truyền thông" in ans.answer


@pytest.mark.parametrize("question,names", [
    ("Hồ Tây có diện tích bao nhiêu?", ["hồ tây"]),
    ("Cầu Long Biên dài bao nhiêu?", ["cầu long biên"]),
    ("Thân phụ của Nguyễn Du là ai?", ["nguyễn du"]),
    ("ho tay rong bao nhieu", []),                                # nothing capitalised
    ("Ho Tay o dau?", ["ho tay"]),                                # capitalised without accents
    ("Sở Công Thương Quảng Ninh chủ trì gì?", ["công thương"]),  # the province is an entity of its own
    ("Theo Kế hoạch 304, ai chủ trì?", []),                       # an opening word, capitalised as such
    ("Ai ký Kế hoạch của Văn phòng UBND tỉnh thực hiện Nghị quyết 02/NQ-CP?", []),  # sentence-cased nouns
    ("Ai chủ trì mục tiêu DTI ở Quảng Ninh?", []),               # acronyms and provinces are checked apart
    ("Năm 2023, Hà Nội xuất sang Indonesia bao nhiêu tấn gạo?", ["indonesia"]),  # a foreign word alone
    ("Năm 2019, gạo ST24 đoạt giải gì?", ["st24"]),              # a code
])
def test_proper_names_a_question_pins_down(question, names):
    from tracuu.retrieval.entities import proper_names

    assert proper_names(question) == names


def test_a_name_typed_with_accents_is_matched_with_them():
    from tracuu.retrieval.entities import name_in

    assert name_in("hồ tây", "Diện tích Hồ Tây là 500 ha")
    assert not name_in("hồ tây", "tỉnh Hà Tây")
    assert not name_in("nhật", "lớn nhất cả nước")
    assert name_in("ho tay", "Hồ Tây")  # typed without accents: compared without them
    assert name_in("triều lý", "Nhà Lý là triều đại") and name_in("nhà trần", "thời triều Trần")


@pytest.mark.parametrize("question,passage,opposite", [
    ("Đỉnh núi nào thấp nhất tỉnh Hà Giang?", "Ngọn núi cao nhất tỉnh là Tây Côn Lĩnh.", True),
    ("dinh nui nao thap nhat tinh ha giang", "Ngọn núi cao nhất tỉnh là Tây Côn Lĩnh.", True),  # unaccented
    ("Núi nào cao nhất tỉnh?", "Ngọn núi cao nhất tỉnh là Tây Côn Lĩnh.", False),
    ("Việt Nam nhập khẩu cà phê từ đâu?", "Việt Nam là nước xuất khẩu cà phê lớn thứ hai.", True),
    # both said: the passage is about the asked thing too
    ("Năm nào kết thúc?", "Bắt đầu năm 1954 và kết thúc năm 1975.", False),
])
def test_states_opposite(question, passage, opposite):
    from tracuu.retrieval.entities import states_opposite

    assert states_opposite(question, passage) is opposite
