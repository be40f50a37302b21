"""Cited acts ("which resolution does the plan implement?"), actual figures vs targets, frequencies,
schedules, the kind of agency asked, leads that must name an agency, and duties that skip the
words naming their plan — on the bundled corpus."""

from __future__ import annotations

import pytest

from tests.conftest import DOC_131, DOC_304, DOC_1886, DOC_QT, assert_cited
from tracuu.retrieval.answer import _NAMES_AGENCY, _asked_kind, act_wanted, deadline_fits
from tracuu.retrieval.intent import DocFact, Intent, detect_intent


# -- 1. which act a plan implements or cites ------------------------------------------------------
PLAN_304_RESOLUTION = [
    "Kế hoạch 304/KH-UBND triển khai thực hiện nghị quyết nào của HĐND tỉnh?",
    "ke hoach 304 trien khai nghi quyet nao cua HDND tinh",
    "Which provincial council resolution does Plan 304/KH-UBND implement?",
]


@pytest.mark.parametrize("question", PLAN_304_RESOLUTION)
def test_which_act_a_plan_implements_is_an_act_question(question):
    assert detect_intent(question) == (Intent.ACT, None)


@pytest.mark.parametrize("question, fact", [
    ("Nghị quyết 124/NQ-HĐND được ban hành ngày nào?", DocFact.DATE),
    ("nghi quyet 124/NQ-HDND duoc ban hanh ngay nao", DocFact.DATE),
    ("On what date was Resolution 124/NQ-HĐND adopted?", DocFact.DATE),
])
def test_an_acts_date_is_a_document_fact_not_an_act_question(assistant, question, fact):
    assert detect_intent(question) == (Intent.DOCFACT, fact)
    # quoted where the plan cites it: "Nghị quyết số 124/NQ-HĐND ngày 04/11/2022"
    assert_cited(assistant.ask(question), "04/11/2022", DOC_304, intent=Intent.DOCFACT.value)


@pytest.mark.parametrize("question", ["What does Resolution 131 say?", "nghi quyet 131 noi gi"])
def test_what_an_act_says_is_no_act_question(question):
    assert detect_intent(question)[0] != Intent.ACT


@pytest.mark.parametrize("question", PLAN_304_RESOLUTION)
def test_the_resolution_plan_304_implements(assistant, question):
    ans = assert_cited(assistant.ask(question), "124/NQ-HĐND", DOC_304, intent=Intent.ACT.value)
    assert "304" not in ans.answer  # the plan's own number is not the answer


@pytest.mark.parametrize("question", [
    "Kế hoạch năm 2024 của Văn phòng UBND tỉnh Quảng Trị triển khai nghị quyết nào của Chính phủ?",
    "kế hoạch cua Van phong UBND Quang Tri trien khai nghị quyết nào",
    "ke hoach nam 2024 cua van phong ubnd tinh quang tri trien khai nghi quyet nao cua chinh phu",
    "Which Government resolution does the 2024 plan of the Quang Tri provincial People's Committee Office implement?",
])
def test_the_plan_author_is_not_the_acts_issuer(assistant, question):
    # "Văn phòng UBND" wrote the plan; the resolution is the Government's (02/NQ-CP), not a
    # UBND act (410/QĐ-UBND is a decision, and not what is asked)
    ans = assert_cited(assistant.ask(question), "02/NQ-CP", DOC_QT, intent=Intent.ACT.value)
    assert "410" not in ans.answer, ans.answer


@pytest.mark.parametrize("question", [
    "Which provincial decision is the Quang Tri office's 2024 plan based on?",
    "kế hoạch cua Van phong UBND Quang Tri thực hiện quyết định số mấy",
    "Kế hoạch năm 2024 của Văn phòng UBND tỉnh Quảng Trị thực hiện quyết định nào của UBND tỉnh?",
])
def test_the_provincial_decision_the_office_plan_follows(assistant, question):
    ans = assert_cited(assistant.ask(question), "410/QĐ-UBND", DOC_QT, intent=Intent.ACT.value)
    assert "02/NQ-CP" not in ans.answer, ans.answer


@pytest.mark.parametrize("question", [
    "Under which Prime Minister's decision is the 2022-2025 simplification of internal procedures in Quang Ninh carried out?",
    "don gian hoa thu tuc hanh chinh noi bo theo quyet dinh nao",
    "Đơn giản hóa thủ tục hành chính nội bộ giai đoạn 2022-2025 ở Quảng Ninh thực hiện theo quyết định nào của Thủ tướng Chính phủ?",
])
def test_the_prime_ministers_decision_on_internal_procedures(assistant, question):
    ans = assert_cited(assistant.ask(question), "1085/QĐ-TTg", DOC_304, intent=Intent.ACT.value)
    assert "đơn giản hóa thủ tục hành chính nội bộ" in ans.citations[0].quote


@pytest.mark.parametrize("question", [
    "Which Government Office letter urged the implementation of Resolution 131/NQ-CP?",
    "Công văn nào của Văn phòng Chính phủ đôn đốc thực hiện Nghị quyết 131/NQ-CP?",
    "cong van nao cua van phong chinh phu don doc thuc hien nghi quyet 131",
])
def test_the_letter_urging_resolution_131_not_the_resolution_named(assistant, question):
    ans = assert_cited(assistant.ask(question), "6936/VPCP-KSTT", DOC_131, intent=Intent.ACT.value)
    assert "131/NQ-CP" not in ans.answer, ans.answer  # the question names it: it is not the answer


@pytest.mark.parametrize("question", [
    "Chỉ thị nào của Ban Thường vụ Tỉnh ủy Quảng Trị về tăng cường lãnh đạo công tác cải cách hành chính, cải thiện chỉ số PCI?",
    "chi thi nao cua ban thuong vu tinh uy quang tri ve tang cuong lanh dao cong tac cai cach hanh chinh cai thien chi so PCI",
])
def test_the_party_committees_directive(assistant, question):
    ans = assert_cited(assistant.ask(question), "35-CT/TU", DOC_QT, intent=Intent.ACT.value)
    assert ans.answer.startswith("Chỉ thị"), ans.answer


@pytest.mark.parametrize("question", [
    "Đề án đổi mới việc thực hiện cơ chế một cửa, một cửa liên thông ở Quảng Bình được triển khai theo kế hoạch số mấy?",
    "de an doi moi viec thuc hien co che mot cua mot cua lien thong o quang binh duoc trien khai theo ke hoach so may",
    # 468/QĐ-TTg is no plan of the corpus but an act the plans cite: no "không có văn bản số" refusal
    "Which Quang Binh plan implements the one-stop-shop reform scheme of Decision 468/QĐ-TTg?",
])
def test_the_plan_implementing_the_one_stop_shop_scheme(assistant, question):
    assert detect_intent(question) == (Intent.ACT, None)
    ans = assistant.ask(question)
    assert "không có văn bản số" not in ans.message, ans.message
    assert_cited(ans, "1107/KH-UBND", DOC_1886)
    assert "468" not in ans.answer, ans.answer


# sentences of the corpus (shortened)
QT_PREAMBLE = ("Thực hiện Quyết định số 410/QĐ-UBND ngày 26/02/2024 của UBND tỉnh về việc ban hành Kế hoạch hành động "
               "thực hiện Nghị quyết số 02/NQ-CP ngày 05/01/2024 của Chính phủ")
P131_PREAMBLE = ("Thực hiện Nghị quyết số 131/NQ-CP ngày 06/10/2022 của Chính phủ và Công văn số 6936/VPCP-KSTT ngày "
                 "14/10/2022 về việc đôn đốc thực hiện Nghị quyết số 131/NQ-CP ngày 06/10/2022")
P304_TTG = "theo Quyết định số 1085/QĐ-TTg ngày 15/9/2022 của Thủ tướng Chính phủ"
P304_HDND = "trên cơ sở Nghị quyết số 124/NQ-HĐND ngày 04/11/2022 của HĐND tỉnh và Kế hoạch của Ủy ban nhân dân tỉnh"
QT_DIRECTIVE = "Tiếp tục tổ chức thực hiện nghiêm túc Chỉ thị số 35-CT/TU ngày 11/12/2023 của Ban Thường vụ Tỉnh ủy"
QB_PLAN = ("tại Kế hoạch số 1107/KH-UBND ngày 25/6/2021 về triển khai thực hiện Đề án ban hành kèm theo "
           "Quyết định số 468/QĐ-TTg")


@pytest.mark.parametrize("question, sentence, expected", [
    # the kind the question word is attached to, of the issuer attached to the act
    ("Kế hoạch năm 2024 của Văn phòng UBND tỉnh Quảng Trị triển khai nghị quyết nào của Chính phủ?", QT_PREAMBLE,
     "Nghị quyết số 02/NQ-CP ngày 05/01/2024"),
    ("kế hoạch cua Van phong UBND Quang Tri trien khai nghị quyết nào", QT_PREAMBLE,
     "Nghị quyết số 02/NQ-CP ngày 05/01/2024"),
    ("Which provincial decision is the Quang Tri office's 2024 plan based on?", QT_PREAMBLE,
     "Quyết định số 410/QĐ-UBND ngày 26/02/2024"),
    ("kế hoạch cua Van phong UBND Quang Tri thực hiện quyết định số mấy", QT_PREAMBLE,
     "Quyết định số 410/QĐ-UBND ngày 26/02/2024"),
    # the act the question names is skipped
    ("Which Government Office letter urged the implementation of Resolution 131/NQ-CP?", P131_PREAMBLE,
     "Công văn số 6936/VPCP-KSTT ngày 14/10/2022"),
    ("Which Quang Binh plan implements the one-stop-shop reform scheme of Decision 468/QĐ-TTg?", QB_PLAN,
     "Kế hoạch số 1107/KH-UBND ngày 25/6/2021"),
    ("Under which Prime Minister's decision is the 2022-2025 simplification of internal procedures in Quang Ninh carried out?",
     P304_TTG, "Quyết định số 1085/QĐ-TTg ngày 15/9/2022"),
    ("Kế hoạch 304/KH-UBND triển khai thực hiện nghị quyết nào của HĐND tỉnh?", P304_HDND,
     "Nghị quyết số 124/NQ-HĐND ngày 04/11/2022"),
    ("Which provincial council resolution does Plan 304/KH-UBND implement?", P304_HDND,
     "Nghị quyết số 124/NQ-HĐND ngày 04/11/2022"),
    ("Chỉ thị nào của Ban Thường vụ Tỉnh ủy Quảng Trị về cải cách hành chính?", QT_DIRECTIVE,
     "Chỉ thị số 35-CT/TU ngày 11/12/2023"),
    # a sentence citing no act of the asked kind and issuer answers nothing
    ("Kế hoạch năm 2024 của Văn phòng UBND tỉnh Quảng Trị triển khai nghị quyết nào của Chính phủ?", P304_HDND, None),
    ("Under which Prime Minister's decision is the 2022-2025 simplification of internal procedures in Quang Ninh carried out?",
     QT_PREAMBLE, None),
    ("Which provincial decision is the Quang Tri office's 2024 plan based on?", P304_TTG, None),
    ("Which Government Office letter urged the implementation of Resolution 131/NQ-CP?", QT_PREAMBLE, None),
    ("Chỉ thị nào của Ban Thường vụ Tỉnh ủy Quảng Trị về cải cách hành chính?", QT_PREAMBLE, None),
])
def test_act_wanted_reads_the_asked_act_from_a_sentence(question, sentence, expected):
    assert act_wanted(question)(sentence) == expected


# -- 2. actual figures vs targets -------------------------------------------------------------------
@pytest.mark.parametrize("question", [
    "Tỷ lệ hộ gia đình có cáp quang băng rộng của Quảng Ninh năm 2022 thực tế là bao nhiêu?",
    "ty le ho gia dinh co cap quang bang rong cua quang ninh nam 2022 thuc te la bao nhieu",
    "Quảng Ninh hiện có bao nhiêu doanh nghiệp FDI đang hoạt động?",
    "quang ninh hien co bao nhieu doanh nghiep FDI dang hoat dong",
])
def test_an_actual_figure_is_not_answered_by_a_target(assistant, question):
    ans = assistant.ask(question)
    assert ans.abstained, ans.answer
    assert ans.answer is None
    assert "văn bản chỉ nêu mục tiêu, không nêu số liệu thực tế" in ans.message, ans.message


def test_an_actual_figure_asked_in_english_is_refused_with_the_reason(assistant):
    ans = assistant.ask("How many FDI enterprises are currently operating in Quang Ninh?")
    assert ans.abstained, ans.answer
    assert "the documents state targets, not actual figures" in ans.message, ans.message


@pytest.mark.parametrize("question", [
    "Năm 2020 thực tế Quảng Bình xếp thứ mấy về chỉ số SIPAS?",
    "nam 2020 thuc te quang binh xep thu may ve chi so SIPAS",
    "What was Quang Binh's actual SIPAS rank in 2020?",
])
def test_an_achieved_figure_still_answers(assistant, question):
    ans = assistant.ask(question)
    assert_cited(ans, "60/63", DOC_1886)
    assert "xếp thứ 60/63" in ans.citations[0].quote


@pytest.mark.parametrize("question", [
    "Bao nhiêu phần trăm hộ gia đình có cáp quang băng rộng theo kế hoạch 304?",
    "bao nhieu phan tram ho gia dinh co cap quang bang rong theo ke hoach 304",
    "What percentage of households should have fibre broadband under Plan 304?",
])
def test_a_target_question_is_not_refused(assistant, question):
    ans = assert_cited(assistant.ask(question), "50%", DOC_304, intent=Intent.TARGET.value)
    assert "cáp quang băng rộng" in ans.citations[0].quote


# -- 3. frequencies ----------------------------------------------------------------------------------
@pytest.mark.parametrize("question", [
    "How often at most may a business be inspected under the annual inspection plan?",
    "Một doanh nghiệp được thanh tra, kiểm tra tối đa mấy lần trong năm?",
    "doanh nghiep duoc thanh tra kiem tra toi da may lan mot nam",
])
def test_how_often_at_most_is_a_count_of_times(assistant, question):
    ans = assistant.ask(question)
    assert_cited(ans, "không quá 1 lần/doanh nghiệp/năm", DOC_304)


def test_the_english_frequency_question_asks_a_time():
    assert detect_intent("How often at most may a business be inspected under the annual inspection plan?") \
        == (Intent.DEADLINE, None)


@pytest.mark.parametrize("question, value, fits", [
    ("tối đa mấy lần?", "Thường xuyên", False),
    ("tối đa mấy lần?", "không quá 1 lần/doanh nghiệp/năm", True),
    ("toi da may lan", "Hàng năm", False),
    ("How often at most may a business be inspected?", "Thường xuyên", False),
    ("How often at most may a business be inspected?", "không quá 1 lần/doanh nghiệp/năm", True),
    ("How often?", "Thường xuyên", True),  # without "at most" any frequency answers
    ("trước ngày nào?", "Năm 2023", False),
    ("trước ngày nào?", "trước ngày 20/12 hàng năm", True),
])
def test_deadline_fits_a_count_when_times_are_asked(question, value, fits):
    assert deadline_fits(question, value) is fits


# -- 4. schedules and periods ------------------------------------------------------------------------
@pytest.mark.parametrize("question", [
    "What is the implementation schedule of Thematic topic 2?",
    "Tiến độ thực hiện chuyên đề 2 là khi nào?",
    "thoi gian thuc hien chuyen de 2",
])
def test_a_topics_schedule(assistant, question):
    ans = assert_cited(assistant.ask(question), "Thường xuyên", DOC_304, intent=Intent.DEADLINE.value)
    assert "Chuyên đề 2" in ans.citations[0].quote


@pytest.mark.parametrize("question", [
    "In which period is the study on government structure for centrally-run city status scheduled?",
    "Thời gian thực hiện nhiệm vụ nghiên cứu xây dựng thể chế, tổ chức bộ máy chính quyền khi Quảng Ninh trở thành "
    "thành phố trực thuộc Trung ương là khi nào?",
    "thoi gian thuc hien nghien cuu the che to chuc bo may chinh quyen khi quang ninh tro thanh thanh pho truc thuoc trung uong",
])
def test_a_period_is_a_time(assistant, question):
    ans = assert_cited(assistant.ask(question), "2025-2030", DOC_304, intent=Intent.DEADLINE.value)
    assert ans.answer.removeprefix("Deadline: ") == "2025-2030"


# -- 5. the kind of agency asked ---------------------------------------------------------------------
@pytest.mark.parametrize("question, kind", [
    ("Which office leads setting up the electronic one-stop-shop information system in Plan 1886?", "Văn phòng"),
    ("Văn phòng nào chủ trì xây dựng hệ thống thông tin một cửa điện tử?", "Văn phòng"),
    ("Which department leads the DTI target?", "Sở"),
    ("Sở nào chủ trì mục tiêu DTI?", "Sở"),
    ("Which centre leads investment promotion?", "Trung tâm"),
    ("Who leads the DTI target?", None),
])
def test_asked_kind(question, kind):
    assert _asked_kind(question) == kind


@pytest.mark.parametrize("question", [
    "Which office leads setting up the electronic one-stop-shop information system in Plan 1886?",
    "Văn phòng nào chủ trì xây dựng hệ thống thông tin một cửa điện tử trong kế hoạch 1886?",
    "van phong nao chu tri xay dung he thong thong tin mot cua dien tu ke hoach 1886",
])
def test_which_office_leads_the_one_stop_shop_system(assistant, question):
    ans = assert_cited(assistant.ask(question), "Văn phòng UBND tỉnh", DOC_1886, intent=Intent.LEAD.value)
    assert ans.answer.removeprefix("Lead agency: ") == "Văn phòng UBND tỉnh"
    assert "một cửa điện tử" in ans.citations[0].quote


# -- 6. a lead answer names an agency ----------------------------------------------------------------
@pytest.mark.parametrize("text, names", [
    ("Sở Tài chính", True),
    ("Các sở, ban, ngành", True),
    ("UBND cấp huyện", True),
    ("Công thông tin điện tử tỉnh", True),
    ("Nghiên cứu, đề xuất các giải pháp nâng cao thu nhập của đội ngũ cán bộ, công chức, viên chức", False),
    ("Thường xuyên", False),
])
def test_names_agency(text, names):
    assert bool(_NAMES_AGENCY.search(text)) is names


@pytest.mark.parametrize("question", [
    "Which department proposes ways to raise civil servants' income?",
    "Sở nào nghiên cứu, đề xuất các giải pháp nâng cao thu nhập của đội ngũ cán bộ, công chức, viên chức?",
    "so nao de xuat giai phap nang cao thu nhap can bo cong chuc vien chuc",
])
def test_a_lead_answer_never_is_a_task_text(assistant, question):
    ans = assistant.ask(question)
    assert ans.intent == Intent.LEAD.value
    if ans.abstained:
        return  # refusing is allowed; answering with the task text is not
    value = ans.answer.removeprefix("Lead agency: ")
    assert _NAMES_AGENCY.search(value), value
    assert "thu nhập" not in value, value
    # the task sits under "c) Sở Tài chính" in Plan 304: that is the only right agency
    assert value == "Sở Tài chính", value
    assert ans.citations[0].doc_id == DOC_304 and "thu nhập" in ans.citations[0].quote


# -- 7. an agency's duties skip the words naming its plan ---------------------------------------------
@pytest.mark.parametrize("question", [
    "Văn phòng UBND tỉnh có nhiệm vụ gì trong kế hoạch thực hiện Nghị quyết 131?",
    "van phong UBND tinh lam gi trong ke hoach nghi quyet 131",
    "What does the provincial People's Committee Office do under the Resolution 131 plan?",
    "Văn phòng Ủy ban nhân dân tỉnh có nhiệm vụ gì trong kế hoạch thực hiện Nghị quyết 131?",
])
def test_the_offices_duty_is_its_first_item_not_the_one_naming_the_plan(assistant, question):
    ans = assert_cited(assistant.ask(question), "kiểm tra thường xuyên", DOC_131, intent=Intent.DUTIES.value)
    secs = [s for s in assistant._sections.values() if s.doc_id == DOC_131 and s.title == "2. Văn phòng UBND tỉnh"]
    assert len(secs) == 1
    sec = secs[0]
    text = assistant.documents[DOC_131].text
    first = text.index("- ", sec.start) + 2  # the section's first "-" item
    cite = ans.citations[0]
    assert cite.start == first and sec.start < cite.end <= sec.end, (cite.start, first)
    # the second item names the plan's resolution ("… thực hiện Nghị quyết số 131/NQ-CP"): those
    # words name the plan, they ask nothing of the Office
    assert "131" not in cite.quote, cite.quote
