"""A clause read with its statement's lead-in and dated by it, changes against a baseline,
day deadlines and acronym evidence — pure helpers, then answers on the bundled corpus."""

from __future__ import annotations

import pytest

from tests.conftest import DOC_1886, assert_cited
from tracuu.retrieval.answer import (
    _folded_tokens,
    _statement,
    _years_agree,
    best_quantity,
    deadline_fits,
    period_asked,
    unit_fits,
)
from tracuu.retrieval.intent import DocFact, Intent, detect_intent

# Kế hoạch 1886/KH-UBND, as bundled (data/corpus/002_…): a statement whose clauses after ";"
# and inside a bracketed aside depend on its lead-in for their subject and year
SIPAS_LINE = ("Chỉ số SIPAS tỉnh Quảng Bình năm 2020 đạt 78,88%, giảm 4,55% so với năm 2019; "
              "xếp thứ 60/63 tỉnh, thành phố, giảm 19 bậc so với năm 2019 "
              "(năm 2019, Quảng Bình đạt 83,43%, xếp thứ 41/63 tỉnh, thành phố).")
PAR_LINE = ("Kết quả năm 2020, Chỉ số PAR INDEX tỉnh Quảng Bình đạt 82,33 điểm, tăng 1,53 điểm so với năm 2019, "
            "xếp thứ 50/63 tỉnh, thành phố, giảm 14 bậc so với năm 2019. (Điểm điều tra XHH đạt 29,34 điểm, "
            "trong đó điểm SIPAS đạt 7,83 điểm, giảm 0,51 điểm so với năm 2019; điểm điều tra lãnh đạo quản lý "
            "đạt 18,16 điểm, giảm 0,25 điểm so với năm 2019).")


# -- dating a statement ---------------------------------------------------------------------
def test_a_comparison_dates_the_baseline_not_the_statement():
    assert _years_agree([2020], "xếp thứ 60/63 tỉnh, thành phố, giảm 19 bậc so với năm 2019")
    assert not _years_agree([2020], "năm 2019, Quảng Bình đạt 83,43%")
    assert _years_agree([2019], "năm 2019, Quảng Bình đạt 83,43%")


def test_an_undated_clause_is_dated_by_its_lead():
    assert _years_agree([2020], "xếp thứ 60/63", lead="Chỉ số SIPAS tỉnh Quảng Bình năm 2020 đạt 78,88%")
    assert not _years_agree([2020], "xếp thứ 60/63", lead="Chỉ số SIPAS tỉnh Quảng Bình năm 2019 đạt 83,43%")
    # a clause dating itself is not re-dated by its lead
    assert not _years_agree([2020], "năm 2019, Quảng Bình đạt 83,43%",
                            lead="Chỉ số SIPAS tỉnh Quảng Bình năm 2020 đạt 78,88%")


def test_a_clause_after_a_semicolon_is_read_with_its_statements_lead():
    start = SIPAS_LINE.index("xếp thứ 60/63")
    end = SIPAS_LINE.index(" (năm 2019")
    lead, clause = _statement(SIPAS_LINE, start, end)
    assert clause == SIPAS_LINE[start:end]
    assert "Chỉ số SIPAS tỉnh Quảng Bình năm 2020" in lead
    assert "xếp thứ" not in lead  # the lead is what comes before the clause
    assert _years_agree([2020], clause, lead) and not _years_agree([2021], clause, lead)


def test_a_full_stop_ends_the_statement():
    text = ("Kết quả năm 2020, Chỉ số PAR INDEX tỉnh Quảng Bình đạt 82,33 điểm. "
            "Điểm SIPAS đạt 7,83 điểm, giảm 0,51 điểm so với năm 2019.")
    start = text.index("Điểm SIPAS")
    lead, clause = _statement(text, start, len(text))
    assert clause.startswith("Điểm SIPAS")
    assert "2020" not in lead and "PAR INDEX" not in lead and "82,33" not in lead
    # so the clause carries no year of its own and agrees with any asked year
    assert _years_agree([2021], clause, lead)


def test_an_aside_in_brackets_after_a_full_stop_keeps_the_lead():
    start = PAR_LINE.index("trong đó điểm SIPAS")
    end = PAR_LINE.index("; điểm điều tra lãnh đạo")
    lead, clause = _statement(PAR_LINE, start, end)
    assert clause.startswith("trong đó điểm SIPAS đạt 7,83 điểm")
    assert "Kết quả năm 2020, Chỉ số PAR INDEX" in lead
    assert _years_agree([2020], clause, lead) and not _years_agree([2021], clause, lead)


# -- a change against a baseline --------------------------------------------------------------
def test_a_score_beats_its_change_unless_a_change_is_asked():
    text = "đạt 82,33 điểm, tăng 1,53 điểm so với năm 2019"

    def favours_change(context: str) -> float:
        # only the change's window reaches "2019": relevance prefers the change by 0.3
        return 0.3 if "2019" in context else 0.0

    assert best_quantity(text) == "đạt 82,33 điểm"
    assert best_quantity(text, relevance=favours_change) == "đạt 82,33 điểm"
    assert best_quantity(text, relevance=favours_change, change=True) == "tăng 1,53 điểm"
    # a "tăng" that compares nothing is an ordinary value, not a change
    assert best_quantity("tăng 1,53 điểm", change=False) == "tăng 1,53 điểm"


# -- the kind of value a question asks --------------------------------------------------------
DISBURSEMENT = ("Đến hết quý III năm 2021 giải ngân tối thiểu đạt 60% kế hoạch và "
                "đến hết năm giải ngân đạt từ 95% đến 100%.")


def test_a_figure_due_by_a_quarter_answers_only_a_quarter_question():
    assert period_asked("Đến hết năm 2021 tỷ lệ giải ngân đạt bao nhiêu?") == "year"
    assert period_asked("den het quy III nam 2021 giai ngan dat bao nhieu") == "quarter"
    assert period_asked("What share must be disbursed by Q3?") == "quarter"
    assert best_quantity(DISBURSEMENT) == "đạt từ 95% đến 100%"
    assert best_quantity(DISBURSEMENT, period="quarter") == "tối thiểu đạt 60%"
    # a sentence naming no part of the year is read as before
    assert best_quantity("Tỷ lệ giải ngân đạt trên 90%.", period="quarter") == "đạt trên 90%"


def test_an_increment_is_not_the_total_unless_more_is_asked():
    text = ("có thêm ít nhất 01 đơn vị cấp huyện tự cân đối được ngân sách, "
            "tổng số toàn tỉnh có 6/13 đơn vị cấp huyện tự cân đối được ngân sách")
    assert best_quantity(text).startswith("6/13")
    assert best_quantity(text, change=True).startswith("ít nhất 01")


def test_a_question_for_a_day_wants_a_day():
    q = "Các sở phải hoàn thành trước ngày nào?"
    assert not deadline_fits(q, "Năm 2023")
    assert not deadline_fits(q, "2025-2030")
    assert deadline_fits(q, "trước ngày 10/01/2023")
    assert deadline_fits(q, "định kỳ ngày 18 tháng cuối quý")
    assert deadline_fits("By what date must departments finish?", "trước ngày 10/01/2023")
    assert not deadline_fits("By what date must departments finish?", "Năm 2023")
    # no day cue: a year answers
    assert deadline_fits("Các sở phải hoàn thành khi nào?", "Năm 2023")
    assert deadline_fits("When must the departments finish?", "Năm 2023")


def test_a_budget_word_alone_is_not_a_money_question():
    assert unit_fits("By how much must Quang Binh cut direct budget support to public service units?",
                     "tối thiểu 2,5%")
    assert not unit_fits("What is the total budget in VND allocated to Plan 304/KH-UBND?", "2,5%")
    assert unit_fits("What is the total budget in VND allocated to Plan 304/KH-UBND?", "15 tỷ đồng")


@pytest.mark.parametrize("question,intent,fact", [
    ("By how much must Quang Binh cut direct budget support to public service units?", Intent.TARGET, None),
    ("Sở Tài chính phối hợp với Sở Nội vụ tham mưu bố trí kinh phí CCHC trước ngày nào?", Intent.DEADLINE, None),
    ("So Tai chinh phoi hop voi So Noi vu tham muu bo tri kinh phi CCHC truoc ngay nao?", Intent.DEADLINE, None),
    ("On what date did the Government issue Resolution 131/NQ-CP?", Intent.DOCFACT, DocFact.DATE),
])
def test_intent_of_number_and_day_questions(question, intent, fact):
    assert detect_intent(question) == (intent, fact)


def test_an_acronym_and_its_expansion_count_for_each_other():
    assert {"cai", "cach", "hanh", "chinh"} <= _folded_tokens("Công tác CCHC")
    assert "cchc" in _folded_tokens("cải cách hành chính")
    assert "cchc" in _folded_tokens("Công tác cải cách hành chính năm 2023")
    assert "cchc" not in _folded_tokens("cải cách thủ tục")  # part of an expansion is not the acronym


# -- answers on the bundled corpus ------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "Năm 2020 Quảng Bình xếp thứ mấy về chỉ số SIPAS?",
    "Nam 2020 Quang Binh xep thu may ve chi so SIPAS?",
    "SIPAS quang binh 2020 xep thu may",
    "What rank did Quang Binh hold in SIPAS in 2020?",
])
def test_sipas_rank_2020_is_the_clause_after_the_semicolon(assistant, question):
    ans = assistant.ask(question)
    assert_cited(ans, "60/63")
    assert "50/63" not in ans.answer and "41/63" not in ans.answer  # PAR INDEX 2020's rank, SIPAS 2019's
    assert ans.citations[0].doc_id == DOC_1886


@pytest.mark.parametrize("question,expected", [
    ("What was Quang Binh's SIPAS score in 2019?", "83,43%"),
    ("Năm 2019 chỉ số SIPAS của Quảng Bình đạt bao nhiêu?", "83,43%"),
    ("nam 2019 chi so SIPAS cua Quang Binh dat bao nhieu", "83,43%"),
    ("Chỉ số SIPAS của Quảng Bình năm 2020 đạt bao nhiêu?", "78,88%"),
    ("chi so SIPAS cua Quang Binh nam 2020 dat bao nhieu", "78,88%"),
    ("Năm 2020 điểm SIPAS trong Chỉ số PAR INDEX của Quảng Bình đạt bao nhiêu?", "7,83"),
    ("nam 2020 diem SIPAS trong chi so PAR INDEX cua Quang Binh dat bao nhieu", "7,83"),
    ("What was the SIPAS component score in Quang Binh's 2020 PAR INDEX?", "7,83"),
])
def test_sipas_value_is_the_one_dated_in_the_asked_year(assistant, question, expected):
    assert_cited(assistant.ask(question), expected)


@pytest.mark.parametrize("question", [
    "What was Quang Binh's PAR INDEX score in 2020?",
    "Chỉ số PAR INDEX của Quảng Bình năm 2020 đạt bao nhiêu điểm?",
    "chi so par index quang binh nam 2020 dat bao nhieu diem",
])
def test_a_score_is_not_answered_by_its_change(assistant, question):
    ans = assistant.ask(question)
    assert_cited(ans, "82,33")
    assert "1,53" not in ans.answer


@pytest.mark.parametrize("question,expected", [
    ("Đến hết năm 2021, tỷ lệ giải ngân vốn đầu tư công của Quảng Bình phải đạt bao nhiêu?", "từ 95% đến 100%"),
    ("giai ngan von dau tu cong het nam 2021 dat bao nhieu", "từ 95% đến 100%"),
    ("What public investment disbursement rate must Quang Binh reach by the end of 2021?", "95%"),
    ("Đến hết quý III năm 2021 tỷ lệ giải ngân vốn đầu tư công của Quảng Bình phải đạt bao nhiêu?", "60%"),
])
def test_the_figure_for_the_asked_part_of_the_year(assistant, question, expected):
    assert_cited(assistant.ask(question), expected, DOC_1886)


def test_the_issuer_is_cited_where_the_document_names_it(assistant):
    for question in ("Cơ quan nào ban hành Kế hoạch 304/KH-UBND?", "Which authority issued Plan 304/KH-UBND?",
                     "co quan nao ban hanh ke hoach 1886"):
        ans = assistant.ask(question)
        assert not ans.abstained and ans.intent == "docfact", ans.message
        quote = ans.citations[0].quote
        assert "ban hành" in quote or "ỦY BAN NHÂN DÂN TỈNH" in quote, quote
        assert "CHỦ TỊCH" not in quote  # the signature names the office, not the issuer


def test_a_subjectless_deadline_sentence_is_read_with_the_task_before_it():
    text = ("b) Xây dựng Kế hoạch triển khai thực hiện của cơ quan, đơn vị. "
            "Hoàn thành trước ngày 10/01/2023, gửi báo cáo về Ủy ban nhân dân tỉnh.")
    start = text.index("Hoàn thành")
    lead, _ = _statement(text, start, len(text))
    assert "Xây dựng Kế hoạch triển khai" in lead
    other = "Tổ chức hội nghị quán triệt kế hoạch. Tăng cường kiểm tra trước ngày 10/01/2023."
    assert "hội nghị" not in _statement(other, other.index("Tăng cường"), len(other))[0]


@pytest.mark.parametrize("question", [
    "cac so nganh xay dung ke hoach trien khai truoc ngay nao",
    "hạn hoàn thanh ke hoach trien khai cua cac so nganh",
])
def test_a_deadline_stated_after_its_task(assistant, question):
    assert_cited(assistant.ask(question), "10/01/2023")


@pytest.mark.parametrize("question", [
    "ngày bao cao dinh ky ke hoach thực hiện nghị quyết 131",
    "ngày nộp báo cáo kết quả thực hiện nghị quyết 131 hàng quý",
    "ngay bao cao ket qua thuc hien ke hoach 131 hang quy",
])
def test_a_question_opening_on_the_day_of_an_act_wants_a_day(assistant, question):
    assert_cited(assistant.ask(question), "ngày 18 tháng cuối quý", intent="deadline")


def test_a_day_deadline_skips_year_cells(assistant):
    assert_cited(assistant.ask("By what date must departments finish their own implementation plans under Plan 304?"), "10/01/2023", intent="deadline")


def test_a_reporting_day_is_not_the_resolutions_date(assistant):
    reporting = assistant.ask("bao cao ket qua thuc hien nghi quyet 131 ngay nao hang quy")
    assert_cited(reporting, "ngày 18")
    assert "06/10/2022" not in reporting.answer
    act = assistant.ask("nghi quyet 131/NQ-CP ngay nao")
    assert_cited(act, "06/10/2022")
    assert "ngày 18" not in act.answer


def test_a_count_of_days_may_sit_in_a_task_cell(assistant):
    for question in ("van ban QPPL bi kien nghi xu ly trong bao nhieu ngay",
                     "Văn bản QPPL bị kiến nghị xử lý trong bao nhiêu ngày?"):
        ans = assistant.ask(question)
        assert_cited(ans, "30 ngày")
        assert "100%" not in ans.answer


@pytest.mark.parametrize("question", [
    "Bộ tiêu chí xác định Chỉ số PAR INDEX cấp tỉnh có bao nhiêu tiêu chí thành phần?",
    "bo tieu chi xac dinh chi so PAR INDEX cap tinh co bao nhieu tieu chi thanh phan",
    "How many component criteria are in the provincial PAR INDEX criteria set?",
])
def test_the_count_names_what_was_asked(assistant, question):
    ans = assistant.ask(question)
    assert_cited(ans, "102")
    assert "43 tiêu chí" not in ans.answer
