"""An English question's evidence weighed by concept, section lists, bare headings, leads named
by a role heading and agencies heading the sections they lead — on the bundled corpus."""

from __future__ import annotations

import pytest

from tests.conftest import DOC_131, DOC_304, DOC_1886, assert_cited
from tracuu.normalize import fold, match_key
from tracuu.retrieval.answer import (
    _AGENCY_LEADS_TITLE,
    _AGENCY_TITLE,
    _agency_key,
    _ASKS_LIST,
    Terms,
    _same_heading,
    _without,
    unit_hint,
)
from tracuu.retrieval.intent import Intent, detect_intent

TRAINED = "What share of the workforce should be trained by 2025 in Quang Ninh?"
KHCN = "Sở Khoa học và Công nghệ"


def _section(assistant, doc_id: str, title_part: str):
    found = [s for s in assistant._sections.values() if s.doc_id == doc_id and title_part in s.title]
    assert len(found) == 1, [s.title for s in found]
    return found[0]


# -- 1. concept-grouped evidence for English questions ------------------------------------------
@pytest.fixture(scope="module")
def trained_terms(assistant):
    return assistant.content_terms(TRAINED, assistant.searcher.parse(TRAINED))


def test_an_english_phrase_is_one_concept_with_several_wordings(trained_terms):
    assert isinstance(trained_terms, Terms)
    assert {"dao", "tao", "boi", "duong", "tap", "huan"} <= set(trained_terms)
    trained = [alts for alts in trained_terms.groups if ("dao", "tao") in alts]
    assert len(trained) == 1
    assert {("dao", "tao"), ("boi", "duong"), ("tap", "huan")} <= set(trained[0])
    # every flat word sits in some group: nothing is weighed twice or dropped
    grouped = {t for alts in trained_terms.groups for alt in alts for t in alt}
    assert set(trained_terms) <= grouped


def test_one_wording_of_a_concept_is_nearly_as_good_as_all(assistant, trained_terms):
    one = "Tỷ trọng lao động qua đào tạo đạt trên 87,5%"
    every = "Tỷ trọng lao động qua đào tạo, bồi dưỡng, tập huấn đạt trên 87,5%"
    grouped_one, grouped_every = assistant.coverage(trained_terms, one), assistant.coverage(trained_terms, every)
    flat_one = assistant.coverage(list(trained_terms), one)
    assert grouped_one >= 0.85 * grouped_every  # one wording says it
    assert grouped_every > grouped_one  # … more of them say it more surely
    assert grouped_one > flat_one + 0.2  # a flat list counts the unsaid wordings as missing
    # a sentence with none of the wordings is still short of the concept
    assert assistant.coverage(trained_terms, "Tỷ trọng lao động đạt trên 87,5%") < grouped_one - 0.2


def test_without_drops_words_from_the_list_and_the_groups(trained_terms):
    pruned = _without(trained_terms, {"quang", "ninh", "tap", "huan"})
    assert isinstance(pruned, Terms)
    assert not {"quang", "ninh", "tap", "huan"} & set(pruned)
    assert set(pruned) == set(trained_terms) - {"quang", "ninh", "tap", "huan"}
    words = {t for alts in pruned.groups for alt in alts for t in alt}
    assert not {"quang", "ninh", "tap", "huan"} & words
    trained = [alts for alts in pruned.groups if ("dao", "tao") in alts]
    assert trained and ("boi", "duong") in trained[0] and ("tap", "huan") not in trained[0]
    assert all(alts and all(alts) for alts in pruned.groups)  # no empty concept or wording is left
    # a plain list stays a plain list
    assert _without(["a", "b"], {"a"}) == ["b"]


# -- 2. section lists -------------------------------------------------------------------------
@pytest.mark.parametrize("question", [
    "Kế hoạch thực hiện Nghị quyết 131/NQ-CP có những nội dung, nhiệm vụ trọng tâm nào?",
    "nhiem vu trong tam ke hoach nghi quyet 131",
    "What are the key tasks of the plan implementing Resolution 131/NQ-CP?",
])
def test_a_list_question_answers_the_sections_sub_headings(assistant, question):
    assert _ASKS_LIST.search(fold(question))
    sec = _section(assistant, DOC_131, "NỘI DUNG, NHIỆM VỤ TRỌNG TÂM")
    ans = assistant.ask(question)
    assert not ans.abstained, ans.message
    assert len(ans.answer) <= 250, ans.answer
    items = ans.answer.removeprefix("Duties: ").split("; ")
    assert len(items) >= 3, ans.answer
    assert "Hiện đại hóa phương thức chỉ đạo, điều hành" in items
    kids = [s.title for s in assistant._sections.values() if s.parent_id == sec.section_id]
    cite = ans.citations[0]
    assert cite.doc_id == DOC_131 and sec.start <= cite.start < cite.end <= sec.end
    for item in items:
        said = item.removesuffix(" …")
        assert any(match_key(said) in match_key(k) for k in kids), item  # each item is a sub-heading
        assert match_key(said) in match_key(cite.quote), item  # … that the citation quotes


# -- 3. headings --------------------------------------------------------------------------------
@pytest.mark.parametrize("question", [
    "Kế hoạch 304 gồm những nhóm nhiệm vụ, giải pháp nào?",
    "ke hoach 304 gom nhung nhom nhiem vu giai phap nao",
    "What are the groups of tasks and solutions in Plan 304?",
])
def test_a_bare_heading_is_not_an_answer(assistant, question):
    ans = assistant.ask(question)
    if not ans.abstained:
        for part in [ans.answer, *ans.answer.split("; ")]:
            assert not _same_heading(part, "NHÓM NHIỆM VỤ, GIẢI PHÁP"), ans.answer


def test_the_heading_of_a_section_with_sub_sections_is_bare(assistant):
    sec = _section(assistant, DOC_304, "NHÓM NHIỆM VỤ, GIẢI PHÁP")
    assert assistant._bare_heading("III. NHÓM NHIỆM VỤ, GIẢI PHÁP", sec)
    assert not assistant._bare_heading("Đổi mới công tác chỉ đạo, điều hành thực hiện nhiệm vụ cải cách hành chính", sec)


def test_same_heading_ignores_numbering_and_case():
    assert _same_heading("III. NHÓM NHIỆM VỤ, GIẢI PHÁP", "Nhóm nhiệm vụ, giải pháp")
    assert _same_heading("  3) nhóm nhiệm vụ, giải pháp.", "III. NHÓM NHIỆM VỤ, GIẢI PHÁP")
    assert _same_heading("1.2. Sở Nội vụ:", "b) sở nội vụ")
    assert not _same_heading("NHÓM NHIỆM VỤ, GIẢI PHÁP", "NHÓM NHIỆM VỤ")
    assert not _same_heading("III. NHÓM NHIỆM VỤ, GIẢI PHÁP CỤ THỂ", "III. NHÓM NHIỆM VỤ, GIẢI PHÁP")


# -- 4. a lead named by a role heading; focal point vs partners -----------------------------------
@pytest.mark.parametrize("question", [
    "Cơ quan nào là cơ quan thường trực cải cách hành chính của tỉnh Quảng Bình?",
    "co quan nao la co quan thuong truc cai cach hanh chinh cua tinh quang binh",
    "Which agency is the standing body for administrative reform in Quang Binh?",
])
def test_the_standing_body_is_read_from_its_role_heading(assistant, question):
    ans = assert_cited(assistant.ask(question), "Sở Nội vụ", intent=Intent.LEAD.value)
    assert ans.citations[0].doc_id == DOC_1886
    assert "cơ quan thường trực" in ans.citations[0].quote


def test_coordinates_and_monitors_asks_the_focal_point(assistant):
    question = "Which department coordinates and monitors the implementation of Plan 304?"
    assert detect_intent(question) == (Intent.LEAD, None)
    ans = assistant.ask(question)
    assert ans.intent == Intent.LEAD.value
    assert not ans.abstained, ans.message
    assert ans.answer == "Lead agency: Sở Nội vụ"
    # the agency is its section's heading ("2. Sở Nội vụ"); the cited item names its role
    cite = ans.citations[0]
    assert cite.doc_id == DOC_304 and cite.section.endswith("Sở Nội vụ")
    assert "cơ quan đầu mối" in cite.quote


@pytest.mark.parametrize("question", [
    "Which agencies cooperate on the PCI target of Plan 304?",
    "Which are the coordinating agencies for the PCI target of Plan 304?",
    "What are the coordinating agencies for the DTI target?",
    "Which agency coordinates with the Department of Home Affairs on Plan 304?",
    "Who coordinates with Sở Nội vụ?",
])
def test_cooperating_and_coordinating_with_ask_partners(question):
    assert detect_intent(question) == (Intent.PARTNER, None)


def test_cooperating_agencies_answer_as_partners(assistant):
    ans = assistant.ask("Which agencies cooperate on the PCI target of Plan 304?")
    assert ans.intent == Intent.PARTNER.value
    assert not ans.abstained, ans.message
    assert ans.answer.startswith("Coordinating agencies: ")


# -- 5. agencies heading the sections they lead ----------------------------------------------------
def test_an_agency_leading_a_section_has_it_as_its_own(assistant):
    title = "5.2. Sở Khoa học và Công nghệ chủ trì phối hợp với các sở, ban, ngành; UBND các huyện"
    assert _AGENCY_LEADS_TITLE.match(title).group(1) == KHCN
    assert not _AGENCY_LEADS_TITLE.match("Sở Khoa học và Công nghệ phối hợp với Sở Nội vụ")
    secs = [s for s in assistant._agency_sections().get(_agency_key(KHCN), []) if s.doc_id == DOC_1886]
    assert secs, sorted(assistant._agency_sections())
    # the heading names what the agency leads, so only the "chủ trì" reading finds it
    assert any(_AGENCY_LEADS_TITLE.match(s.title) and not _AGENCY_TITLE.match(s.title) for s in secs)


@pytest.mark.parametrize("question", [
    "Sở Khoa học và Công nghệ Quảng Bình có nhiệm vụ gì trong Kế hoạch 1886?",
    "So Khoa hoc va Cong nghe Quang Binh co nhiem vu gi trong Ke hoach 1886",
    "What does the Department of Science and Technology do under Plan 1886?",
])
def test_an_agencys_duty_comes_from_the_section_it_leads(assistant, question):
    ans = assert_cited(assistant.ask(question), "hệ thống quản lý chất lượng", intent=Intent.DUTIES.value)
    cite = ans.citations[0]
    assert cite.doc_id == DOC_1886 and "ISO" in cite.quote
    secs = [s for s in assistant._agency_sections()[_agency_key(KHCN)] if s.doc_id == DOC_1886]
    assert any(s.start <= cite.start < cite.end <= s.end for s in secs)


# -- 6. English unit words -----------------------------------------------------------------------
def test_english_unit_words_are_counted_in_the_documents_words():
    words, percent = unit_hint("Within how many days must legal documents flagged by the inspection be dealt with?")
    assert words == {"ngay"}
    assert percent is False


def test_an_agency_is_one_whether_its_acronym_is_spelt_out():
    """"Văn phòng UBND tỉnh" and "Văn phòng Ủy ban nhân dân tỉnh" head sections of one agency."""
    assert _agency_key("Văn phòng UBND tỉnh") == _agency_key("Văn phòng Ủy ban nhân dân tỉnh")


@pytest.mark.parametrize("question", [
    "Cổng Thông tin điện tử tỉnh Quảng Trị có nhiệm vụ gì trong kế hoạch của Văn phòng UBND tỉnh?",
    "cong thong tin dien tu tinh quang tri co nhiem vu gi trong ke hoach cua van phong ubnd tinh",
])
def test_the_agency_asked_about_is_the_one_named_first(assistant, question):
    ans = assistant.ask(question)
    assert not ans.abstained
    assert "đăng tải" in ans.answer  # the portal's own duty, not the Office's


def test_a_range_keeps_both_ends():
    from tracuu.retrieval.answer import best_quantity

    assert best_quantity("đến hết năm giải ngân đạt từ 95% đến 100%.") == "đạt từ 95% đến 100%"
    assert best_quantity("tăng từ 20% trở lên so với năm trước") == "tăng từ 20% trở lên"


def test_an_english_list_of_a_plans_tasks_is_not_labelled_as_duties(assistant):
    ans = assistant.ask("What are the key tasks of the plan implementing Resolution 131/NQ-CP?")
    assert not ans.abstained
    assert not ans.answer.startswith("Duties:")  # no agency was asked about
    assert "Hiện đại hóa phương thức chỉ đạo, điều hành" in ans.answer


@pytest.mark.parametrize("question", ["Kế hoạch 304 có bao nhiêu chuyên đề?", "ke hoach 304 co bao nhieu chuyen de",
                                      "How many thematic topics does Plan 304 have?"])
def test_a_count_no_sentence_states_is_read_off_the_headings(assistant, question):
    """Plan 304 lists "a) Chuyên đề 1: …" to "g) Chuyên đề 7: …" and never says "7 chuyên đề"."""
    ans = assistant.ask(question)
    assert not ans.abstained and ans.answer.removeprefix("Target: ") == "7 chuyên đề"
    quote = ans.citations[0].quote
    assert "Chuyên đề 1" in quote and "Chuyên đề 7" in quote and ans.citations[0].doc_id == DOC_304


def test_partners_end_where_the_shared_task_begins(assistant):
    ans = assistant.ask("Sở Tư pháp phối hợp với ai?")
    assert not ans.abstained
    assert ans.answer.startswith("UBND các huyện") and "hỗ trợ pháp lý" not in ans.answer


@pytest.mark.parametrize("question, spelt", [
    ("Chỉ số DDCI là gì?", "Chỉ số đánh giá năng lực cạnh tranh cấp sở, ban, ngành và địa phương (DDCI)"),
    ("SIPAS la gi", "Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS)"),
    ("What is PCI?", "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)"),
])
def test_an_acronym_question_gets_the_documents_spelling(assistant, question, spelt):
    ans = assistant.ask(question)
    assert not ans.abstained and ans.answer == spelt
    assert fold(spelt) in fold(ans.citations[0].quote)


def test_officials_civil_servants_and_public_employees_are_told_apart(assistant):
    """"Tinh giản ít nhất 5% biên chế cán bộ, công chức và ít nhất 10% biên chế viên chức":
    officials and civil servants are cán bộ, công chức — not viên chức."""
    ans = assistant.ask("What minimum staff cut for officials and civil servants is set for 2022-2026?")
    assert not ans.abstained and ans.answer == "Target: ít nhất 5%"
    assert "5% biên chế cán bộ, công chức" in ans.citations[0].quote
