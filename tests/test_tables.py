"""Responsibility records recovered from the bundled plans' tables and "chủ trì" blocks.

Expected values were read by hand off the documents (lead, partners, time, target as
written); rows are found by their row number and the start of their task text.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tracuu.ingest.tables import extract_assignments, render_row, split_agencies
from tracuu.normalize import clean_text
from tracuu.records import Assignment

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
DOCS = {p.name[:3]: p for p in sorted(CORPUS.glob("*.txt"))}


def _text(key: str) -> str:
    return clean_text(DOCS[key].read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {key: _text(key) for key in DOCS}


@pytest.fixture(scope="module")
def rows(texts) -> dict[str, list[Assignment]]:
    return {key: extract_assignments(key, text) for key, text in texts.items()}


def _find(assignments: list[Assignment], row_number: str, task_start: str) -> Assignment:
    found = [a for a in assignments if a.row_number == row_number and task_start in a.task]
    assert len(found) == 1, f"{row_number} {task_start!r}: {[a.row_number for a in found]}"
    return found[0]


STD = ["Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"]
LOCAL = ["Các sở, ban, ngành", "UBND các địa phương cấp huyện"]
DEPTS_DISTRICTS = ["Các sở, ban, ngành, UBND cấp huyện"]
YEARLY = "Trong năm 2021 và các năm tiếp theo"

# --- 004: Kế hoạch 304/KH-UBND, appendix (tab-separated, header repeated on every page) ----

PLAN_304 = [
    ("A.1", "Hàng năm, giữ vững vị trí nhóm đầu cả nước về Chỉ số năng lực cạnh tranh",
     ["Ban Xúc tiến và Hỗ trợ Đầu tư"],
     ["Sở Kế hoạch và Đầu tư", "Sở Tài nguyên và Môi trường", "Sở Công Thương", "Sở Tư pháp",
      "Sở Lao động - Thương binh và Xã hội", "Thanh tra tỉnh",
      "Trung tâm Phục vụ hành chính công tỉnh và các cơ quan, đơn vị có liên quan"], "Hàng năm"),
    ("A.2", "Hàng năm, giữ vững vị trí nhóm đầu cả nước về Chỉ số cải cách hành chính",
     ["Sở Nội vụ"],
     ["Sở Tư pháp", "Văn phòng UBND tỉnh", "Sở Tài chính", "Sở Thông tin và Truyền thông",
      "Sở Kế hoạch và Đầu tư",
      "Trung tâm Phục vụ Hành chính công tỉnh và các cơ quan, đơn vị có liên quan"], "Hàng năm"),
    ("A.3", "Phấn đấu đến năm 2025, Quảng Ninh đứng trong Top 3",
     ["Sở Thông tin và Truyền thông"], DEPTS_DISTRICTS, "Hàng năm"),
    ("I.1", "100% văn bản quy phạm pháp luật của tỉnh",
     ["Sở Tư pháp", "Các sở, ban, ngành, UBND cấp huyện"], ["Các cơ quan, đơn vị có liên quan"],
     "Thường xuyên"),
    ("I.2", "Giảm tối thiểu 10% số lượng đơn vị sự nghiệp", ["Sở Nội vụ"], DEPTS_DISTRICTS,
     "Hàng năm"),
    ("I.3", "100% các hồ sơ thủ tục hành chính tiếp nhận", ["Sở Thông tin và Truyền thông"],
     DEPTS_DISTRICTS, "Thường xuyên"),
    ("I.4", "Xây dựng đội ngũ cán bộ, công chức, viên chức", ["Sở Nội vụ"], DEPTS_DISTRICTS,
     "Thường xuyên"),
    ("I.5", "Hoàn thiện hệ thống thông tin một cửa điện tử", ["Sở Thông tin và Truyền thông"],
     DEPTS_DISTRICTS, "Năm 2023 và các năm tiếp theo"),
    ("I.6", "Đến năm 2025, có tối thiểu 20% đơn vị sự nghiệp", ["Sở Tài chính"], DEPTS_DISTRICTS,
     "Năm 2025"),
    ("I.7", "Tỷ lệ đánh giá mức độ hài lòng", ["Trung tâm phục vụ hành chính công", "UBND cấp huyện"],
     ["Văn phòng UBND tỉnh", "Sở Kế hoạch và Đầu tư", "Sở Xây dựng", "Cục Thuế tỉnh",
      "Cục Hải quan tỉnh", "Ban Xúc tiến và Hỗ trợ Đầu tư và các đơn vị có liên quan"],
     "Thường xuyên"),
    ("II.1", "Tăng nhanh số lượng doanh nghiệp thành lập mới",
     ["Sở Kế hoạch và Đầu tư", "Ban Xúc tiến và Hỗ trợ đầu tư",
      "các Ban Quản lý KKT (Quảng Ninh, Vân Đồn)"], DEPTS_DISTRICTS, "Hàng năm"),
    ("II.2", "Tỷ trọng lao động qua đào tạo đạt trên 87,5%", ["Sở Lao động, Thương binh và Xã hội"],
     ["Sở Kế hoạch và Đầu tư và các cơ quan, đơn vị, địa phương"], "Năm 2025"),
    ("II.3", "100% doanh nghiệp trên địa bàn tỉnh đủ điều kiện", ["Sở Thông tin và Truyền thông"],
     ["Sở Kế hoạch và Đầu tư", "các sở, ban, ngành", "UBND các địa phương cấp huyện"], "Năm 2025"),
    ("III.1", "100% cơ quan nhà nước cung cấp dữ liệu mở", DEPTS_DISTRICTS,
     ["Sở Thông tin và Truyền thông và các cơ quan, đơn vị, địa phương có liên quan"],
     "Thường xuyên"),
    ("III.2", "100% công việc ở cả 3 cấp", DEPTS_DISTRICTS,
     ["Sở Thông tin và Truyền thông và các cơ quan, đơn vị, địa phương có liên quan"],
     "Thường xuyên"),
    ("III.3", "Cung cấp dịch vụ công trực tuyến toàn trình", ["Sở Thông tin và Truyền thông"],
     LOCAL, "Thường xuyên"),
    ("III.4", "Tối thiểu 70% hồ sơ thủ tục hành chính", DEPTS_DISTRICTS,
     ["Sở Thông tin và Truyền thông",
      "Trung tâm Phục vụ hành chính công tỉnh và các cơ quan, đơn vị có liên quan"], None),
    ("III.5", "100% cán bộ, công chức, viên chức được định kỳ", ["Sở Thông tin và Truyền thông"],
     LOCAL, "Hằng năm"),
    ("III.6", "Phản đấu hết năm 2023", DEPTS_DISTRICTS,
     ["Sở Thông tin và Truyền thông",
      "Trung tâm Phục vụ hành chính công tỉnh và các cơ quan, đơn vị, địa phương có liên quan"],
     "Năm 2023"),
    ("III.7", "Từ năm 2024, 100% hồ sơ",
     ["Sở Thông tin và Truyền thông và các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"],
     ["Trung tâm Phục vụ hành chính công tỉnh và các cơ quan, đơn vị, địa phương có liên quan"],
     "Từ năm 2024"),
    ("III.8", "100% người dân có định danh số", ["Sở Thông tin và Truyền thông"], LOCAL, "Năm 2025"),
    ("B.1", "Nghiên cứu xây dựng thể chế", ["Sở Nội vụ"], LOCAL, "2025-2030"),
    ("B.2", "Tiếp tục giảm 10% biên chế", ["Sở Nội vụ", "Sở Tài chính"], LOCAL, "Năm 2030"),
    ("B.3", "Xây dựng được đội ngũ cán bộ", ["Sở Nội vụ"], LOCAL, "2025-2030"),
    ("B.4", "Tỷ lệ hồ sơ giải quyết trực tuyến toàn trình",
     ["Trung tâm Phục vụ hành chính công tỉnh", "các sở, ban, ngành và UBND cấp huyện"],
     ["Các cơ quan, đơn vị có liên quan"], "2025-2030"),
    ("B.5", "Giảm bình quân 15% chi trực tiếp", ["Sở Tài chính"], LOCAL, "2025-2030"),
    ("B.6", "100% hồ sơ công việc tại cấp tỉnh", LOCAL,
     ["Sở Thông tin và Truyền thông", "các cơ quan, đơn vị có liên quan"], "2025-2030"),
    ("B.7", "Vận hành có hiệu quả hệ thống cơ sở dữ liệu",
     ["Sở Thông tin và Truyền thông", "Trung tâm Phục vụ hành chính công tỉnh",
      "Văn phòng UBND tỉnh"], LOCAL, "2025-2030"),
    ("B.8", "100% số lượng người dân, doanh nghiệp", ["Sở Thông tin và Truyền thông"], LOCAL,
     "Năm 2030"),
    ("B.9", "Tiếp tục thu hút vốn đầu tư trực tiếp nước ngoài",
     ["Ban Xúc tiến và Hỗ trợ đầu tư", "Sở Kế hoạch và Đầu tư", "các Ban Quản lý KKT tỉnh"],
     LOCAL, "2025-2030"),
    ("B.10", "tối thiểu 500 doanh nghiệp công nghệ số", ["Sở Thông tin và Truyền thông"],
     ["Sở Kế hoạch và Đầu tư", "Sở Công thương", "Sở Tài nguyên và Môi trường",
      "Sở Xây dựng và các sở, ngành, địa phương"], "Năm 2030"),
]

TOPICS_304 = [
    ("Chuyên đề 1", "Đổi mới công tác chỉ đạo, điều hành", ["Sở Nội vụ"],
     ["Văn phòng UBND tỉnh", "Sở Thông tin và Truyền thông và các sở, ngành, đơn vị, địa phương"],
     "Hàng năm"),
    ("Chuyên đề 2", "Hoàn thiện thể chế", ["Sở Tư pháp"], STD, "Thường xuyên"),
    ("Chuyên đề 3", "Nâng cao nhận thức của các cán bộ", ["Trung tâm Phục vụ Hành chính công tỉnh"],
     ["Văn phòng UBND tỉnh", "Sở Thông tin và Truyền thông",
      "các sở, ban, ngành và các cơ quan, đơn vị có liên quan"], "Thường xuyên"),
    ("Chuyên đề 4", "Nâng cao ý thức trách nhiệm", ["Văn phòng Ủy ban nhân dân tỉnh"],
     ["Sở Thông tin và Truyền thông"], "Hàng năm"),
    ("Chuyên đề 5", "Tăng cường công tác kiểm tra, giám sát", ["Sở Nội vụ"],
     ["Văn phòng UBND tỉnh", "Sở Thông tin và Truyền thông",
      "Trung tâm Phục vụ hành chính công tỉnh và các cơ quan, đơn vị có liên quan"],
     "Thường xuyên"),
    ("Chuyên đề 6", "Phát huy vai trò hiệu lực, hiệu quả", ["Sở Thông tin và Truyền thông"],
     ["Các sở, ban, ngành, UBND các huyện, thị xã, thành phố và cá tổ chức, cá nhân có liên quan"],
     "Thường xuyên"),
    ("Chuyên đề 7", "Nâng cao hiệu quả công tác tuyên truyền", ["Ban Xúc tiến và Hỗ trợ Đầu tư"],
     ["Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố",
      "các cơ quan Trung ương đóng trên địa bàn tỉnh", "Hiệp hội Doanh nghiệp tỉnh"],
     "Thường xuyên"),
]


@pytest.mark.parametrize("number,task,lead,partners,deadline", PLAN_304 + TOPICS_304)
def test_plan_304_rows(rows, texts, number, task, lead, partners, deadline):
    a = _find(rows["004"], number, task)
    assert (a.lead, a.partners, a.deadline) == (lead, partners, deadline)
    assert a.target is None
    assert task in texts["004"][a.start : a.end]


def test_plan_304_has_nothing_else(rows):
    """Repeated page headers and section rows ("A", "I", "TT Nội dung …") are not rows."""
    found = sorted(a.row_number for a in rows["004"])
    assert found == sorted(n for n, *_ in PLAN_304 + TOPICS_304)


def test_plan_304_titles_and_groups(rows):
    dti = _find(rows["004"], "A.3", "Top 3")
    assert dti.table_title.startswith("PHỤ LỤC — Phân công trách nhiệm các sở, ngành, UBND cấp huyện")
    assert "Nghị quyết số 124/NQ-HĐND" in dti.table_title and "(Kèm theo" not in dti.table_title
    assert dti.group == "A MỤC TIÊU ĐẾN NĂM 2025"
    assert _find(rows["004"], "I.7", "hài lòng").group == (
        "A MỤC TIÊU ĐẾN NĂM 2025 › I Về cải cách hành chính"
    )
    assert _find(rows["004"], "III.3", "").group.endswith("› III Về chuyển đổi số tỉnh Quảng Ninh")
    assert _find(rows["004"], "B.2", "").group == "B ĐỊNH HƯỚNG ĐẾN NĂM 2030"


# --- 001: Quảng Trị, 18 PCI indicators ------------------------------------------------------

FINANCE = ["Phòng Tài chính - Thương mại"]
PORTAL = ["Cổng thông tin điện tử tỉnh"]
PORTAL_SIC = ["Công thông tin điện tử tỉnh"]  # as written in the document
UNITS = ["Các phòng, trung tâm"]
CENTRE = ["Trung tâm Phục vụ hành chính công tỉnh"]

INDICATORS = [
    ("1", "Thủ tục tại Trung tâm Phục vụ hành chính công được niêm yết", "100%", CENTRE, []),
    ("2", "Hướng dẫn thủ tục rõ ràng, đầy đủ", "100%", ["Phòng Nội chính"], []),
    ("3", "Cán bộ tại bộ phận Một cửa am hiểu", "70%", ["Phòng Nội chính"], []),
    ("4", "Cán bộ tại bộ phận Một cửa nhiệt tình", "70%", CENTRE, []),
    ("5", "Tỷ lệ DN nhận được thông tin, văn bản", "71%", FINANCE, UNITS),
    ("6", "Số ngày chờ đợi để nhận được thông tin", "5", FINANCE, UNITS),
    ("7", "ưu đãi/khuyến khích/hỗ trợ đầu tư", "55%", PORTAL, UNITS),
    ("8", "các quy định về thủ tục hành chính là hữu ích", "80%", PORTAL, UNITS),
    ("9", "văn bản điều hành, chỉ đạo của lãnh đạo tỉnh", "50%", PORTAL, UNITS),
    ("10", "văn bản pháp luật của tỉnh là hữu ích", "65%", PORTAL, UNITS),
    ("11", "Cần có \"mối quan hệ\"", "65%", FINANCE, UNITS),
    ("12", "Chất lượng website của tỉnh", "52,61", PORTAL_SIC, UNITS),
    ("13", "Tỷ lệ DN thường xuyên truy cập vào website", "60%", PORTAL_SIC, UNITS),
    ("14", "Tỉnh ưu tiên thu hút đầu tư từ các doanh nghiệp lớn", "20",
     ["Phòng Tài chính Thương mại"], UNITS),
    ("15", "Việc tỉnh ưu ái cho DN lớn", "40", FINANCE, UNITS),
    ("16", "UBND tỉnh linh hoạt trong khuôn khổ pháp luật", "82%", FINANCE, UNITS),
    ("17", "UBND tỉnh năng động và sáng tạo", "85%", FINANCE, UNITS),
    ("18", "cấp trên không bao che", "58%", FINANCE, UNITS),
]


@pytest.mark.parametrize("number,task,target,lead,partners", INDICATORS)
def test_quang_tri_indicators(rows, number, task, target, lead, partners):
    a = _find(rows["001"], number, task)
    assert (a.target, a.lead, a.partners, a.deadline) == (target, lead, partners, None)


def test_quang_tri_table(rows):
    assert [a.row_number for a in rows["001"]] == [str(n) for n in range(1, 19)]
    title = rows["001"][0].table_title
    assert title.startswith("Phụ lục — PHÂN CÔNG THEO DÕI THỰC HIỆN CÁC CHỈ TIÊU")
    assert "2419/QĐ-UBND" in title


# --- 002: Kế hoạch 1886/KH-UBND, appendix flattened to one cell per line -------------------

PLAN_1886 = [
    ("1.1", "Thực hiện Kế hoạch CCHC năm", ["Sở Nội vụ"], STD,
     "Kế hoạch trong quý IV năm trước liền kề năm kế hoạch; Báo cáo trước ngày 25/12"),
    ("1.2", "Thực hiện chế độ báo cáo CCHC định kỳ", ["Sở Nội vụ"], STD,
     "Trước ngày 25 tháng cuối quý"),
    ("1.3.2", "Xử lý các vấn đề phát hiện qua kiểm tra", ["Sở Nội vụ"], ["Các đơn vị được kiểm tra"],
     "Quý IV/2021 và các năm tiếp theo"),
    ("1.4", "Công tác tuyên truyền CCHC", ["Sở Nội vụ", "Đài PTTH tỉnh"], STD,
     "Trước ngày 25/12 hàng năm"),
    ("1.5", "Sáng kiến trong cải cách hành chính", ["Sở Nội vụ", "Sở Khoa học và Công nghệ"], STD,
     YEARLY),
    ("1.6", "Thực hiện các nhiệm vụ được Chính phủ", ["Văn phòng UBND tỉnh"], STD,
     "Theo yêu cầu nhiệm vụ"),
    ("2.2", "Thực hiện rà soát văn bản QPPL", ["Các sở, ban, ngành chủ trì tham mưu"],
     ["Sở Tư pháp", "Văn phòng UBND tỉnh"],
     "Thực hiện thường xuyên hoặc theo chỉ đạo của UBND tỉnh (nếu có)"),
    ("2.2 (2)", "Đảm bảo các văn bản QPPL được kiến nghị xử lý", ["Sở Tư pháp"], STD, None),
    ("2.3", "Công bố danh mục văn bản hết hiệu lực", ["Sở Tư pháp"], ["Các sở, ban, ngành"],
     "Trong tháng 1 của năm trước liền kề"),
    ("2.4", "Đảm bảo 100% văn bản QPPL", ["Các sở, ban, ngành chủ trì tham mưu"],
     ["Sở Tư pháp", "Văn phòng UBND tỉnh"],
     "Trong thời hạn 30 ngày kể từ ngày nhận được kết luận kiểm tra"),
    ("3.1.1", "Có nội dung giải trình về thẩm quyền ban hành",
     ["Cơ quan được giao chủ trì soạn thảo văn bản QPPL"], [], "Trong năm 202 và các năm tiếp theo"),
    ("3.1.1 (3)", "Thẩm định các nội dung quy định về TTHC", ["Sở Tư pháp"], [],
     "Trong năm 202 và các năm tiếp theo"),
    ("3.2.1", "Trình UBND tỉnh công bố TTHC", ["Các sở, ban, ngành"], ["Văn phòng UBND tỉnh"],
     "Thường xuyên trong năm"),
    ("3.2.1 (3)", "Kết nối, đồng bộ Cơ sở dữ liệu quốc gia", ["Sở Thông tin và Truyền thông"],
     ["Văn phòng UBND tỉnh", "các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"],
     "Thường xuyên trong năm"),
    ("3.2.2 (2)", "Văn bản kiến nghị Bộ quản lý chuyên ngành",
     ["Các sở, ban, ngành", "Các cơ quan hành chính nhà nước Trung ương trên địa bàn"],
     ["Văn phòng UBND tỉnh theo dõi, đôn đốc"], "Thường xuyên trong năm"),
    ("3.2.3", "Tổ chức tiếp nhận hồ sơ, trả kết quả các TTHC tại Trung tâm HCC",
     ["Các sở, ban, ngành", "Cơ quan hành chính nhà nước Trung ương đóng trên địa bàn",
      "Trung tâm hành chính công tỉnh", "UBND cấp huyện, cấp xã"], [], "Thường xuyên trong năm"),
    ("3.2.3 (5)", "Tham mưu triển khai việc luân chuyển hồ sơ TTHC",
     ["Trung tâm hành chính công tỉnh"], ["Sở Tài chính", "Bưu điện tỉnh", "Các sở, ban, ngành"],
     YEARLY),
    ("3.2.4", "Các sở quản lý chuyên ngành tiếp tục lựa chọn",
     ["Sở quản lý chuyên ngành chủ trì theo ngành, lĩnh vực"], [],
     "Quý III/2021 và các năm tiếp theo"),
    ("3.2.4 (3)", "Triển khai hỗ trợ nhân, tổ chức thực hiện dịch vụ công", ["Bưu điện tỉnh"],
     ["Sở Thông tin và Truyền thông kiểm tra, giám sát"], YEARLY),
    ("3.2.4 (7)", "Tiếp tục đề xuất mức phí, lệ phí",
     ["Các cơ quan, đơn vị, liên quan đề xuất, gửi Sở Tài chính thẩm định, trình HĐND"],
     ["Sở Tài chính"], "Thường xuyên trong năm"),
    ("3.2.7", "Tiếp tục xây dựng, hoàn thiện, triển khai ứng dụng",
     ["Sở chuyên ngành chủ trì, hướng dẫn về cơ chế pháp lý, yêu cầu QLNN",
      "Sở Thông tin và Truyền thông chủ trì về CNTT"], [], YEARLY),
    ("3.3.1", "Nêu rõ lý do bằng mẫu phiếu",
     ["Các Sở, ban, ngành", "UBND cấp huyện", "UBND cấp xã thực hiện",
      "Các cơ quan hành chính Nhà nước Trung ương đóng trên địa bàn"],
     ["Văn phòng UBND tỉnh theo dõi, đôn đốc"], "Thường xuyên trong năm"),
    ("3.3.2 (2)", "Tham mưu UBND tỉnh tổ chức tiếp nhận, xử lý kịp thời phản ánh",
     ["Văn phòng UBND tỉnh"], ["UNBD cấp huyện, cấp xã"], "Thường xuyên trong năm"),
    ("3.5.1", "Tổ chức Đoàn kiểm tra của tỉnh", ["Văn phòng UBND tỉnh"],
     ["Các sở, ban, ngành", "Các cơ quan hành chính Nhà nước Trung ương đóng trên địa bàn",
      "UBND cấp huyện, cấp xã"], YEARLY),
    ("4.1.3", "Tỷ lệ giảm 10% số lượng đơn vị sự nghiệp công lập", ["Sở Nội vụ"],
     ["Các Sở, ban, ngành", "UBND các huyện, thị xã, thành phố"], YEARLY),
    ("5.6", "Mức độ hoàn thành kế hoạch đào tạo", ["Sở Nội vụ"], STD, "Trước ngày 31/01 năm sau"),
    ("5.7.1", "Tỷ lệ đạt chuẩn của công chức cấp xã", ["Sở Nội vụ"], ["UBND cấp huyện", "UBND cấp xã"],
     YEARLY),
    ("6.1.1", "Thực hiện giải ngân kế hoạch đầu tư vốn", ["Sở Tài chính"], STD,
     "Đến hết năm 2021 giải ngân từ 95% đến 100% và các năm tiếp theo"),
    ("6.1.3", "Tổ chức thực hiện các kiến nghị sau thanh tra", ["Sở Tài chính"], STD,
     "31/12/ hàng năm"),
    ("6.4", "Xây dựng chế độ phụ cấp", ["Sở Tài chính"], ["Văn phòng UBND", "Sở Tư pháp"], YEARLY),
    ("7.1.1", "Triển khai Kiến trúc Chính quyền điện tử của tỉnh", ["Sở Thông tin và Truyền thông"],
     ["Các sở, ban, ngành", "UBND các huyện, thành phố"], YEARLY),
    ("7.1.6", "Thiết lập Hệ thống thông tin một cửa điện tử", ["Văn phòng UBND tỉnh"],
     ["Các sở, ban, ngành", "UBND cấp huyện", "UBND cấp xã"], YEARLY),
    ("7.3.1", "Tỷ lệ TTHC đã triển khai có phát sinh hồ sơ", ["Sở Thông tin và Truyền thông"],
     ["Các sở, ban, ngành", "UBND cấp huyện", "UBND cấp xã", "Bưu điện tỉnh"], YEARLY),
    ("7.4.1", "công bố ISO 9001 theo quy định", ["Sở Khoa học và Công nghệ"],
     ["Các sở, ban, ngành", "UBND các huyện, thành phố"], YEARLY),
    ("8.2", "Mức độ thu hút đầu tư của tỉnh", ["Sở Kế hoạch và Đầu tư"], STD, None),
    ("8.3.2", "Tỷ lệ đóng góp vào thu ngân sách tỉnh", ["Sở Tài chính"], ["Cục Thuế tỉnh"], YEARLY),
    ("8.4", "Thực hiện thu ngân sách hàng năm", ["Sở Tài chính"], STD + ["Cục Thuế tinh"], None),
    ("8.6 (3)", "khâu đột phá giai đoạn 2021-2025", ["Sở Kế hoạch và Đầu tư"], STD, YEARLY),
]

# Numbered rows of the 1886 appendix that are headings (no agency of their own).
HEADINGS_1886 = {
    "1", "1.3", "2", "3", "3.1", "3.2", "3.3", "3.4", "3.5", "4", "4.1", "4.2", "4.3", "5",
    "5.1", "5.2", "5.3", "5.5", "5.7", "6", "6.1", "6.2", "6.3", "7", "7.1", "7.2", "7.3",
    "7.4", "8", "8.1", "8.3",
}


@pytest.mark.parametrize("number,task,lead,partners,deadline", PLAN_1886)
def test_plan_1886_rows(rows, texts, number, task, lead, partners, deadline):
    a = _find(rows["002"], number, task)
    assert (a.lead, a.partners, a.deadline) == (lead, partners, deadline)
    assert task in texts["002"][a.start : a.end]


def _appendix(text: str) -> str:
    return text[text.index("\nPHỤ LỤC\n") :]


def test_plan_1886_coverage(rows, texts):
    """Every numbered row that is not a heading yields a record, and every time cell of the
    appendix is the deadline of exactly one record."""
    numbers = re.findall(r"(?m)^(\d+(?:\.\d+)*)$", _appendix(texts["002"]))
    assert len(numbers) == 111
    found = {a.row_number.split(" (")[0] for a in rows["002"]}
    assert found == set(numbers) - HEADINGS_1886  # 80 numbered data rows
    time_cells = re.findall(
        r"(?m)^-?\s*((?:Trong (?:năm|tháng|thời hạn)|Thường xuyên|Quý|Trước ngày|Theo (?:yêu cầu|tiến độ)"
        r"|Đến hết|31/12|Kế hoạch trong quý|Thực hiện thường xuyên).{0,90}?)\.?$",
        _appendix(texts["002"]),
    )
    assert Counter(a.deadline for a in rows["002"] if a.deadline) == Counter(time_cells)
    assert len(rows["002"]) == len(time_cells) + 5  # 2.2 (2), 8.2, 8.4, 8.5, 8.6 have none


def test_plan_1886_groups(rows):
    a = _find(rows["002"], "7.1.1", "Kiến trúc")
    assert a.group == (
        "7 XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH PHỦ ĐIỆN TỬ, CHÍNH PHỦ SỐ › "
        "7.1 Ứng dụng công nghệ thông tin (CNTT) của tỉnh"
    )
    sub = _find(rows["002"], "3.2.1 (2)", "Cập nhật các TTHC")
    assert sub.group.endswith("› 3.2.1 Công bố, công khai TTHC.")
    assert sub.table_title == (
        "PHỤ LỤC — PHÂN CÔNG THỰC HIỆN KẾ HOẠCH CẢI THIỆN CHỈ SỐ CCHC NĂM 2021 VÀ CÁC NĂM TIẾP THEO"
    )


# --- every document ------------------------------------------------------------------------


def test_truncated_copy_parses(rows, texts):
    """000 is 304/KH-UBND cut off ("[...]") before its appendix and topic blocks."""
    assert texts["000"].rstrip().endswith("[...]")
    assert rows["000"] == []


@pytest.mark.parametrize("fraction", [0.2, 0.35, 0.5, 0.65, 0.8, 0.95])
def test_cut_table_keeps_complete_rows(rows, texts, fraction):
    """Cutting 304/KH-UBND inside its appendix table loses only the rows past the cut."""
    full = texts["004"]
    start = full.index("\nPHỤ LỤC\n")
    cut = start + int((len(full) - start) * fraction)
    partial = extract_assignments("004", full[:cut])
    complete = [a for a in rows["004"] if a.end < cut]
    assert partial[: len(complete)] == complete
    assert len(partial) <= len(complete) + 1  # at most the row the cut went through


def test_spans_and_sections(texts):
    for key, text in texts.items():
        got = extract_assignments(key, text, section_at=lambda pos: f"§{pos}")
        for a in got:
            span = text[a.start : a.end]
            assert all(line in span for line in a.task.split("\n")), (key, a.row_number)
            assert a.section_path == f"§{a.start}"
            assert a.lead, (key, a.row_number)


def test_ids_stable_and_unique(rows, texts):
    for key, got in rows.items():
        ids = [a.assignment_id for a in got]
        assert len(set(ids)) == len(ids), key
        assert ids == [a.assignment_id for a in extract_assignments(key, texts[key])]
    # 8.3.2 lists the same task twice; the two rows keep distinct ids
    twice = [a for a in rows["002"] if a.task.startswith("- Tham mưu Ban Chỉ đạo tháo gỡ")
             or a.task.startswith("Tham mưu Ban Chỉ đạo tháo gỡ")]
    assert len(twice) == 2 and twice[0].assignment_id != twice[1].assignment_id


def test_generic_tab_table_header(rows, texts):
    """A one-line header with other column names (as the DOCX/HTML readers may emit) maps to
    the same fields: 304/KH-UBND's appendix with its header rewritten."""
    text = texts["004"]
    appendix = text[text.index("\nPHỤ LỤC\n") :]
    appendix = re.sub(
        r"TT\tNội dung\tTrách nhiệm cụ thể\t\tThời gian thực hiện/ Hoàn thành\n\t\t"
        r"Cơ quan chủ trì\tCơ quan phối hợp\n",
        "STT\tNhiệm vụ\tĐơn vị thực hiện\tĐơn vị phối hợp\tThời hạn\n",
        appendix,
    )
    assert appendix.count("Đơn vị thực hiện") == 5
    got = extract_assignments("x", appendix)
    expected = [a for a in rows["004"] if not a.row_number.startswith("Chuyên đề")]
    assert [(a.row_number, a.lead, a.partners, a.deadline) for a in got] == [
        (a.row_number, a.lead, a.partners, a.deadline) for a in expected
    ]


# --- agency splitting and rendering ---------------------------------------------------------


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("Sở Lao động, Thương binh và Xã hội", ["Sở Lao động, Thương binh và Xã hội"]),
        ("Các sở, ban, ngành, UBND cấp huyện", ["Các sở, ban, ngành, UBND cấp huyện"]),
        ("Sở Nội vụ, Sở Tài chính", ["Sở Nội vụ", "Sở Tài chính"]),
        ("- Sở Nội vụ;\n- Đài PTTH tỉnh.", ["Sở Nội vụ", "Đài PTTH tỉnh"]),
        ("- Sở Nội vụ; - Đài PTTH tỉnh.", ["Sở Nội vụ", "Đài PTTH tỉnh"]),
        ("Phòng Tài chính - Thương mại", ["Phòng Tài chính - Thương mại"]),
        ("Sở Kế hoạch và Đầu tư; Ban Xúc tiến và Hỗ trợ đầu tư; các Ban Quản lý KKT (Quảng Ninh, Vân Đồn)",
         ["Sở Kế hoạch và Đầu tư", "Ban Xúc tiến và Hỗ trợ đầu tư",
          "các Ban Quản lý KKT (Quảng Ninh, Vân Đồn)"]),
        ("Văn phòng UBND tỉnh; Sở Kế hoạch và Đầu tư, Sở Xây dựng, Cục Thuế tỉnh",
         ["Văn phòng UBND tỉnh", "Sở Kế hoạch và Đầu tư", "Sở Xây dựng", "Cục Thuế tỉnh"]),
        ("Sở Thông tin và Truyền thông và các cơ quan, đơn vị có liên quan",
         ["Sở Thông tin và Truyền thông và các cơ quan, đơn vị có liên quan"]),
        ("", []),
    ],
)
def test_split_agencies(cell, expected):
    assert split_agencies(cell) == expected


def test_render_row(rows):
    b2 = render_row(_find(rows["004"], "B.2", "Tiếp tục giảm 10% biên chế"))
    assert b2 == (
        "Nội dung: Tiếp tục giảm 10% biên chế sự nghiệp hưởng lương từ ngân sách nhà nước so "
        "với năm 2025 | Cơ quan chủ trì: Sở Nội vụ; Sở Tài chính | Cơ quan phối hợp: Các sở, "
        "ban, ngành; UBND các địa phương cấp huyện | Thời gian thực hiện: Năm 2030"
    )
    first = render_row(_find(rows["001"], "1", "niêm yết"))
    assert first.endswith("| Cơ quan chủ trì: Trung tâm Phục vụ hành chính công tỉnh | Chỉ tiêu: 100%")
    assert "phối hợp" not in first and "Thời gian" not in first
    multi = render_row(_find(rows["002"], "1.2", "báo cáo CCHC định kỳ"))
    assert "\n" not in multi and "- Bảo đảm mức độ hoàn thành" in multi
