"""Answers over general Vietnamese prose, not only plan documents: an encyclopedia-style text
ingested by the test, the way a public reading-comprehension set would be asked of it."""

from __future__ import annotations

import pytest

from tests.conftest import _restorer, assert_cited
from tracuu.index.store import Store
from tracuu.ingest.pipeline import Ingestor
from tracuu.retrieval.answer import best_quantity, unit_hint

HANOI = """Hà Nội

Hà Nội là thủ đô của nước Cộng hòa Xã hội chủ nghĩa Việt Nam. Thành phố nằm ở phía tây bắc của trung tâm vùng đồng bằng châu thổ sông Hồng. Hà Nội có diện tích 3.359,82 km² và dân số khoảng 8,4 triệu người vào năm 2022.

Năm 1010, vua Lý Thái Tổ dời đô từ Hoa Lư về Đại La và đổi tên thành Thăng Long. Năm 1831, vua Minh Mạng đặt tên là Hà Nội. Ngày 29 tháng 5 năm 2008, Quốc hội quyết định mở rộng địa giới hành chính thủ đô, sáp nhập toàn bộ tỉnh Hà Tây vào Hà Nội.

Văn Miếu – Quốc Tử Giám được xây dựng năm 1070 dưới triều vua Lý Thánh Tông và được coi là trường đại học đầu tiên của Việt Nam. Văn Miếu hiện còn lưu giữ 82 tấm bia tiến sĩ.

Cầu Long Biên dài 2.290 m, do người Pháp xây dựng trong khoảng 3 năm và khánh thành năm 1902. Hồ Tây có chu vi khoảng 17 km.

Năm 2003, Hà Nội là nơi khai mạc SEA Games 22, đại hội thể thao có 11 quốc gia Đông Nam Á tham dự.

Năm 2019, Hà Nội đón khoảng 7 triệu lượt khách quốc tế, đông nhất là khách đến từ Hàn Quốc.

Nhà Lý đóng đô ở Thăng Long suốt 216 năm. Năm 1042, vua Lý Thái Tông ban hành bộ Hình thư, bộ luật thành văn đầu tiên. Khuê Văn Các được dựng bằng bốn trụ gạch.
"""


def _assistant_over(corpus, store_dir, embedder=None):
    """An assistant over ``corpus`` ingested into ``store_dir`` the way a user would (keyword
    search only without an ``embedder``)."""
    from tracuu.retrieval.answer import Assistant
    from tracuu.retrieval.search import Searcher

    store = Store(store_dir)
    Ingestor(store, (lambda: embedder) if embedder else None, _restorer, show_progress=False).run([corpus])
    return Assistant(searcher=Searcher(store, embedder=embedder, load_embedder=embedder is not None))


@pytest.fixture(scope="module")
def prose_assistant(tmp_path_factory, embedder):
    corpus = tmp_path_factory.mktemp("prose")
    (corpus / "ha_noi.txt").write_text(HANOI, encoding="utf-8")
    return _assistant_over(corpus, tmp_path_factory.mktemp("store"), embedder)


@pytest.mark.parametrize("question,expected", [
    ("Năm nào vua Minh Mạng đặt tên là Hà Nội?", "1831"),        # a year before 2000
    ("nam nao vua Minh Mang dat ten la Ha Noi", "1831"),
    ("Văn Miếu được xây dựng vào năm nào?", "1070"),
    ("Quốc hội quyết định mở rộng địa giới hành chính thủ đô vào ngày nào?", "29 tháng 5 năm 2008"),  # a bare date
])
def test_dates_in_prose(prose_assistant, question, expected):
    assert_cited(prose_assistant.ask(question), expected, intent="deadline")


@pytest.mark.parametrize("question,expected", [
    ("Hà Nội có dân số bao nhiêu?", "khoảng 8,4 triệu người"),  # "dân số" names the figure after it
    ("ha noi co dan so bao nhieu", "khoảng 8,4 triệu người"),
    ("Diện tích Hà Nội là bao nhiêu?", "3.359,82 km²"),
])
def test_each_figure_of_a_sentence_is_read_with_its_own_words(prose_assistant, question, expected):
    assert_cited(prose_assistant.ask(question), expected, intent="target")


def test_prose_open_question_is_answered_by_its_sentence(prose_assistant):
    assert_cited(prose_assistant.ask("Trường đại học đầu tiên của Việt Nam là gì?"), "Văn Miếu")


def test_prose_question_about_something_absent_is_not_found(prose_assistant):
    ans = prose_assistant.ask("Dân số của Đà Nẵng là bao nhiêu?")
    assert ans.abstained and ans.answer is None


def test_an_acts_date_is_not_a_tasks_deadline(assistant):
    # "Nghị quyết số 124/NQ-HĐND ngày 04/11/2022" in the same passage dates the resolution
    for question in ("Các sở, ngành phải hoàn thành xây dựng kế hoạch triển khai của mình trước ngày nào?",
                     "cac so nganh xay dung ke hoach trien khai truoc ngay nao"):
        ans = assistant.ask(question)
        assert "04/11/2022" not in (ans.answer or ""), ans.answer


@pytest.mark.parametrize("question", [
    "Thời gian thực hiện: Giảm tối thiểu 10% số lượng đơn vị sự nghiệp công lập và 10% biên chế sự nghiệp ở Quảng Ninh là khi nào?",
    "giam toi thieu 10% so luong don vi su nghiep cong lap thuc hien khi nao",
    "When must Quang Ninh cut 10% of its public service units?",
])
def test_a_baseline_year_or_an_acts_date_is_not_a_deadline(assistant, question):
    # "… so với năm 2021" dates the baseline; "Nghị quyết số 19-NQ/TW ngày 25/10/2017" the act
    ans = assistant.ask(question)
    assert not ans.abstained and ans.intent == "deadline", ans.message
    assert "2021" not in ans.answer and "2017" not in ans.answer, ans.answer
    assert any(w in ans.answer for w in ("Hàng năm", "2025")), ans.answer


@pytest.mark.parametrize("question,expected", [
    ("Văn Miếu hiện còn bao nhiêu tấm bia?", "82 tấm bia"),
    ("van mieu hien con bao nhieu tam bia", "82 tấm bia"),
    ("Cầu Long Biên dài bao nhiêu?", "2.290 m"),
    ("cau long bien dai bao nhieu", "2.290 m"),
    ("Triều Lý đóng đô ở Thăng Long bao nhiêu năm?", "216 năm"),  # "triều Lý" is "nhà Lý"
    ("Khuê Văn Các được dựng bằng mấy trụ gạch?", "bốn trụ"),      # a number in words
    ("khue van cac duoc dung bang bao nhieu tru gach", "bốn trụ"),
])
def test_a_number_keeps_the_noun_it_counts(prose_assistant, question, expected):
    assert_cited(prose_assistant.ask(question), expected, intent="target")


@pytest.mark.parametrize("question", [
    "Cầu Long Biên được xây dựng trong bao lâu?",
    "cau long bien duoc xay dung trong bao lau",
])
def test_how_long_asks_a_length_of_time_not_a_date(prose_assistant, question):
    ans = assert_cited(prose_assistant.ask(question), "3 năm", intent="deadline")
    assert "1902" not in ans.answer


def test_english_how_long_asks_a_length_of_time_or_a_measure():
    from tracuu.retrieval.intent import detect_intent

    assert detect_intent("How long did the bridge take to build?")[0].value == "deadline"
    assert detect_intent("How long is the Long Bien bridge?")[0].value == "target"
    assert detect_intent("What is the area of Hanoi?")[0].value == "target"


@pytest.mark.parametrize("question", [
    "SEA Games 22 có bao nhiêu quốc gia tham dự?",
    "sea games 22 co bao nhieu quoc gia tham du",
])
def test_a_number_the_question_names_is_not_its_answer(prose_assistant, question):
    ans = assert_cited(prose_assistant.ask(question), "11 quốc gia", intent="target")
    assert "22" not in ans.answer


@pytest.mark.parametrize("question", [
    "Hồ Tây có diện tích bao nhiêu?",   # the text gives its perimeter (17 km), not an area
    "ho tay rong bao nhieu hecta",
])
def test_a_measure_of_another_dimension_does_not_answer(prose_assistant, question):
    ans = prose_assistant.ask(question)
    assert ans.abstained and ans.answer is None, ans.answer


def test_a_measure_of_the_asked_dimension_answers(prose_assistant):
    assert_cited(prose_assistant.ask("Hồ Tây có chu vi bao nhiêu?"), "17 km", intent="target")


def test_the_noun_after_a_bare_number_stops_at_glue_and_names():
    from tracuu.retrieval.answer import _counted_noun

    assert _counted_noun(" quyển, được xem là") == "quyển"
    assert _counted_noun(" chỗ ngồi và") == "chỗ ngồi"
    assert _counted_noun(" quốc gia Đông Nam Á") == "quốc gia"
    assert _counted_noun(", tranh tài") == ""


def test_a_name_the_passage_does_not_name_is_not_answered(prose_assistant):
    # the figure is for all foreign visitors; the text says nothing of visitors from Indonesia
    assert_cited(prose_assistant.ask("Năm 2019, Hà Nội đón bao nhiêu lượt khách quốc tế?"), "7 triệu", intent="target")
    ans = prose_assistant.ask("Năm 2019, Hà Nội đón bao nhiêu lượt khách đến từ Indonesia?")
    assert ans.abstained and ans.answer is None, ans.answer


@pytest.fixture(scope="module")
def reading_assistant(tmp_path_factory, embedder):
    """The bundled reading set's articles (eval/data/prose/corpus)."""
    from tracuu.eval.loaders import PROSE_CORPUS

    return _assistant_over(PROSE_CORPUS, tmp_path_factory.mktemp("store"), embedder)


def test_each_sentence_has_its_own_vector(reading_assistant):
    searcher = reading_assistant.searcher
    pq = searcher.parse("Vua nhà Trần nhường ngôi cho con thì giữ danh hiệu gì?")
    answering = ("Một nét đặc biệt trong tổ chức chính trị thời Trần là chế độ Thái thượng hoàng: vua thường "
                 "nhường ngôi sớm cho con rồi lui về làm Thái thượng hoàng, cùng vua con trông coi việc nước.")
    other = "Nhà Trần là triều đại quân chủ cai trị nước Đại Việt từ năm 1225 đến năm 1400, tồn tại 175 năm."
    assert searcher.sentence_similarity(pq, answering) > searcher.sentence_similarity(pq, other)
    assert searcher.sentence_similarity(pq, "Một câu không có trong văn bản nào.") is None


def test_an_open_question_is_answered_by_the_sentence_closest_in_meaning(reading_assistant):
    # lexically the founding sentence ("nhường ngôi cho chồng là Trần Cảnh, tức vua Trần Thái Tông")
    # shares as many words; the sentence about the retired kings answers
    ans = reading_assistant.ask("Dưới thời Trần, vua sau khi nhường ngôi cho con thì giữ danh hiệu gì?")
    assert_cited(ans, "Thái thượng hoàng")


def test_a_store_without_vectors_answers_without_sentence_vectors(tmp_path):
    from tracuu.eval.loaders import PROSE_CORPUS

    assistant = _assistant_over(PROSE_CORPUS / "05_nguyen_du.txt", tmp_path / "lexical")
    pq = assistant.searcher.parse("Nguyễn Du sinh năm nào?")
    assert assistant.searcher.sentence_similarity(pq, "Nguyễn Du (1765–1820)") is None
    assert_cited(assistant.ask("Truyện Kiều gồm bao nhiêu câu thơ?"), "3.254 câu")


@pytest.mark.parametrize("question", [
    "Bộ Hình thư được ban hành vào năm nào?",
    "bo hinh thu duoc ban hanh vao nam nao",
])
def test_an_issue_date_of_something_that_is_no_plan_comes_from_the_text(prose_assistant, question):
    # "ban hành" asks a plan's date from its metadata; a text that is no plan states it in a sentence
    assert_cited(prose_assistant.ask(question), "1042")


def test_a_number_in_words_counts_only_what_it_names():
    assert best_quantity("áo được ghép từ năm thân vải", hint=unit_hint("bao nhiêu thân vải?")) == "năm thân vải"
    assert best_quantity("áo có hai tà dài từ vai xuống", hint=unit_hint("bao nhiêu thân vải?")) is None
    # a bare four-digit number is a year (thousands are written "1.360"), not a count
    assert best_quantity("trận đánh 1077 dưới sự chỉ huy của Lý Thường Kiệt") is None
    assert best_quantity("quần thể gồm 1.360 di tích") == "1.360 di tích"


def test_a_how_many_question_is_not_answered_by_a_sentence_without_its_number(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "nhu_nguyet.txt").write_text(
        "Phòng tuyến sông Như Nguyệt\n\nĐầu năm 1077, quân Đại Việt chặn đứng quân Tống tại phòng tuyến sông "
        "Như Nguyệt, nay là một đoạn sông Cầu. Trận đánh do Lý Thường Kiệt chỉ huy.\n", encoding="utf-8")
    assistant = _assistant_over(tmp_path / "corpus", tmp_path / "store")
    for question in ("Quân Tống có bao nhiêu binh lính tại phòng tuyến sông Như Nguyệt?",
                     "quan tong co bao nhieu binh linh tai phong tuyen song nhu nguyet"):
        ans = assistant.ask(question)
        assert ans.abstained and ans.answer is None, ans.answer  # the sentence matches, but gives no number
    assert_cited(assistant.ask("Quân Đại Việt chặn đứng quân Tống ở sông Như Nguyệt vào năm nào?"), "1077")


def test_a_question_about_what_is_not_is_not_answered_by_what_is(prose_assistant):
    assert_cited(prose_assistant.ask("Vua nào đã ban hành bộ Hình thư?"), "Lý Thái Tông")
    for question in ("Vua nào đã không ban hành bộ Hình thư?", "vua nao da khong ban hanh bo hinh thu"):
        ans = prose_assistant.ask(question)
        assert ans.abstained and ans.answer is None, ans.answer


@pytest.mark.parametrize("question,negated", [
    ("Vào mùa nào trong năm Đà Lạt không có sương mù?", True),
    ("vu lua nao nong dan mien tay khong canh tac", True),
    ("Which province did not sign the plan?", True),
    ("Kiểm tra doanh nghiệp không quá mấy lần mỗi năm?", False),          # a limit
    ("Cơ quan nào chủ trì, có phối hợp hay không?", False),               # a yes/no ending
    ("Cơ quan nào làm gì để doanh nghiệp không bị kiểm tra chồng chéo?", False),  # a purpose
    ("Vị chúa nào đã chuyển phủ về Phú Xuân?", False),                     # "chúa" is no "chưa"
    ("Mảng đề tài nào không xuất hiện trong các sáng tác của ông?", True),   # "đề tài" is no purpose ("để")
])
def test_which_questions_about_what_is_not(question, negated):
    from tracuu.retrieval.answer import asks_negated

    assert asks_negated(question) is negated


@pytest.mark.parametrize("question,expected", [
    ("Ai dời đô từ Hoa Lư về Đại La?", "Lý Thái Tổ"),  # a subject question: the name before the verb
    ("ai doi do tu hoa lu ve dai la", "Lý Thái Tổ"),
    ("Văn Miếu được xây dựng dưới triều vua nào?", "vua Lý Thánh Tông"),  # the asked noun opens the answer
])
def test_open_questions_get_the_short_answer_and_cite_the_sentence(prose_assistant, question, expected):
    ans = assert_cited(prose_assistant.ask(question), expected)
    assert ans.answer == expected  # the span a reader marks, not the sentence around it
    assert len(ans.citations[0].quote) > len(expected) + 20  # … which stays the quote


def test_english_which_over_prose_is_the_one_name_the_question_does_not_give(prose_assistant):
    # "Năm 1042, vua Lý Thái Tông ban hành bộ Hình thư, …": "Hình thư" is the question's own
    ans = assert_cited(prose_assistant.ask("Which king issued the Hinh thu code in 1042?"), "Lý Thái Tông")
    assert ans.answer == "Lý Thái Tông"


def test_who_is_answered_by_the_people_a_sentence_puts_where_it_asks(prose_assistant):
    # "Cầu Long Biên dài 2.290 m, do người Pháp xây dựng …": no personal name, but the builders
    ans = assert_cited(prose_assistant.ask("Ai xây dựng cầu Long Biên?"), "người Pháp")
    assert ans.answer == "người Pháp"


def test_who_is_not_found_when_the_closest_sentence_names_no_one_for_it(prose_assistant):
    # the same sentence says who built the bridge, not who designed it: close, but no answer
    ans = prose_assistant.ask("Ai là người thiết kế cầu Long Biên?")
    assert ans.abstained and ans.answer is None
    assert ans.hits and "Long Biên" in ans.hits[0].text  # the closest passage is still shown


@pytest.mark.parametrize("question,answered", [
    ("Bộ luật thành văn đầu tiên do vua Lý Thái Tông ban hành là bộ nào?", True),
    ("Bộ luật thành văn cuối cùng do vua Lý Thái Tông ban hành là bộ nào?", False),  # the text says "đầu tiên"
    ("bo luat thanh van cuoi cung do vua ly thai tong ban hanh la bo nao", False),
])
def test_a_question_about_the_opposite_of_what_the_text_says_is_not_found(prose_assistant, question, answered):
    ans = prose_assistant.ask(question)
    if answered:
        assert_cited(ans, "Hình thư")
    else:
        assert ans.abstained and ans.answer is None
