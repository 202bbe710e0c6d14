"""Load demo data: Nghệ An communes, demo accounts and records written like the seed articles."""

# Everything is keyed by fixed identifiers (user names, UUIDs derived from stable keys), so a
# second run finds what the first made and creates nothing. Records go through the same service
# functions as real ones, so they carry change sequences, search text and audit events, and
# their review steps are real workflow steps.

import uuid
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.passwords import hash_password
from server.enums import FIELD, REVIEW_STATUS
from server.models import Unit, User
from server.records import service
from server.records.tables import MEETINGS, MODELS, RecordTable
from server.units.official import import_official_units
from server.units.service import ensure_root, update_unit

# Printed on the console on purpose: these accounts exist only to try the app out.
DEMO_PASSWORD = "demo12345"  # noqa: S105 - documented demo password, not a secret
PROVINCE_CODE = "40"  # Nghệ An
NEIGHBOUR_CODES = {"thanh_hoa": "38", "ha_tinh": "42"}  # co-organizers of seed S0
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://so-tay-dan-van/demo")

# (key, name looked up among the province's communes, border commune)
COMMUNES = (
    ("nam_can", "Nậm Cắn", True),
    ("muong_xen", "Mường Xén", True),
    ("tam_quang", "Tam Quang", False),
    ("nam_dan", "Nam Đàn", False),
    ("thai_hoa", "Thái Hòa", False),
    ("tay_hieu", "Tây Hiếu", False),
)

# (user name, full name, position, role, unit key, how the console describes the account)
USERS = (
    (
        "canbo.demo",
        "Lữ Văn Hùng",
        "Phó Bí thư Đảng ủy xã",
        "CAN_BO_NHAP",
        "nam_can",
        "cán bộ xã nhập liệu",
    ),
    (
        "canbo2.demo",
        "Nguyễn Thị Thanh Hương",
        "Chuyên viên Ban Xây dựng Đảng, Đảng ủy phường",
        "CAN_BO_NHAP",
        "thai_hoa",
        "cán bộ phường nhập liệu",
    ),
    (
        "lanhdao.demo",
        "Trần Văn Quang",
        "Phó Trưởng ban Tuyên giáo và Dân vận Tỉnh ủy",
        "LANH_DAO_DUYET",
        "province",
        "lãnh đạo tỉnh duyệt hồ sơ",
    ),
    (
        "xem.demo",
        "Hoàng Thị Minh Ngọc",
        "Chuyên viên Phòng Dân vận, Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "XEM",
        "province",
        "chuyên viên tỉnh chỉ xem, báo cáo",
    ),
    (
        "quantri.demo",
        "Phạm Đức Long",
        "Quản trị hệ thống",
        "QUAN_TRI",
        "root",
        "quản trị hệ thống",
    ),
)

# Officers enter their own commune's records; the administrator types in the rest, as a
# province does with paper registers from communes that have no officer on the app yet.
AUTHORS = {"nam_can": "canbo.demo", "thai_hoa": "canbo2.demo"}
AUTHOR_FALLBACK = "quantri.demo"
REVIEWER = "lanhdao.demo"

RETURN_MISSING_RESULTS = "Đề nghị bổ sung số liệu kết quả và hình ảnh minh họa."

# Models and exemplars (DOMAIN.md §2.3). "commune" is a key of COMMUNES; "flow" is the
# workflow the record goes through: None (draft), "submit", "approve" or "return".
# Metrics are (metric, value, unit).
DEMO_MODELS = (
    # --- Kinh tế ---
    {
        "key": "ong-de-phu-tan",
        "commune": "tay_hieu",
        "flow": "approve",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Nuôi ong lấy mật, nuôi dê thương phẩm",
        "field": "KINH_TE",
        "collective_name": "Tổ hợp tác chăn nuôi khối Phú Tân",
        "locality": "Khối Phú Tân",
        "lead_org": "Hội Nông dân phường",
        "start_date": "2018-03-01",
        "status": "DA_NHAN_RONG",
        "period": "GD_2016_2020",
        "year_registered": 2020,
        "objective": "Giúp hội viên vùng đồi chuyển diện tích trồng sắn kém hiệu quả sang nuôi ong "
        "lấy mật, nuôi dê thương phẩm, tăng thu nhập và giảm nghèo bền vững.",
        "method": "Chi hội trưởng cùng tổ dân vận đến từng hộ vận động; hộ làm trước dẫn hộ làm "
        "sau, cho mượn đàn ong giống và trả lại bằng đàn con; Hội Nông dân mở lớp kỹ thuật ngay "
        "tại vườn, Ngân hàng Chính sách xã hội cho vay vốn ưu đãi.",
        "results": "Thu nhập trên 100 triệu đồng/hộ/năm; mô hình được nhân rộng ra 4 khối lân "
        "cận; trong tổ hợp tác không còn hộ nghèo.",
        "metrics": (
            ("Thu nhập bình quân", 100_000_000, "đồng/hộ/năm"),
            ("Số hộ tham gia", 18, "hộ"),
            ("Số đàn ong", 450, "đàn"),
            ("Tổng đàn dê", 320, "con"),
        ),
        "topic_tags": ["GIAM_NGHEO"],
    },
    {
        "key": "huong-xuat-khau",
        "commune": "thai_hoa",
        "flow": "approve",
        "kind": "DIEN_HINH",
        "subject_type": "CA_NHAN",
        "name": "Tổ liên kết “Sản xuất hương truyền thống và xuất khẩu”",
        "field": "KINH_TE",
        "person_name": "Nguyễn Thị Thu Hằng",
        "person_position": "Tổ trưởng tổ liên kết sản xuất hương",
        "person_gender": "NU",
        "locality": "Khu vực Nghĩa Mỹ",
        "lead_org": "Hội Liên hiệp Phụ nữ phường",
        "start_date": "2017-06-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2016_2020",
        "year_registered": 2020,
        "objective": "Giữ nghề làm hương truyền thống, tạo việc làm ổn định tại chỗ cho phụ nữ "
        "và lao động lớn tuổi.",
        "method": "Chị Hằng vận động các hộ làm hương nhỏ lẻ vào tổ liên kết, thống nhất nguyên "
        "liệu và tiêu chuẩn sản phẩm; bao tiêu toàn bộ sản phẩm, ứng trước nguyên liệu cho hộ "
        "khó khăn; ký hợp đồng xuất khẩu qua doanh nghiệp đầu mối.",
        "results": "Tổ liên kết cho thu nhập bình quân 600 triệu đồng/năm, tạo việc làm thường "
        "xuyên cho 25 lao động với thu nhập 3 triệu đồng/tháng.",
        "metrics": (
            ("Thu nhập bình quân của tổ", 600_000_000, "đồng/năm"),
            ("Lao động có việc làm thường xuyên", 25, "người"),
            ("Thu nhập của người lao động", 3_000_000, "đồng/người/tháng"),
        ),
        "topic_tags": ["GIAM_NGHEO"],
    },
    {
        "key": "vuon-mau-ntm",
        "commune": "nam_dan",
        "flow": "approve",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Dân vận khéo trong xây dựng vườn mẫu nông thôn mới",
        "field": "KINH_TE",
        "collective_name": "Chi hội Nông dân xóm 5",
        "locality": "Xóm 5",
        "lead_org": "Hội Nông dân xã",
        "start_date": "2021-02-15",
        "status": "DA_NHAN_RONG",
        "period": "GD_2021_2025",
        "year_registered": 2021,
        "objective": "Cải tạo vườn tạp thành vườn mẫu đạt chuẩn nông thôn mới, tăng thu nhập từ "
        "kinh tế vườn.",
        "method": "Chọn 5 hộ làm điểm rồi tổ chức cho bà con tham quan vườn điểm; cán bộ dân vận "
        "“cầm tay chỉ việc” quy hoạch lại vườn, hỗ trợ giống cây ăn quả và hệ thống tưới tiết "
        "kiệm; bình xét công khai vườn mẫu hằng năm.",
        "results": "42 vườn đạt chuẩn vườn mẫu, thu nhập tăng bình quân 35 triệu đồng/vườn/năm; "
        "được chọn làm điểm tham quan của tỉnh.",
        "metrics": (
            ("Số vườn đạt chuẩn", 42, "vườn"),
            ("Thu nhập tăng thêm", 35_000_000, "đồng/vườn/năm"),
            ("Ngày công nhân dân đóng góp", 1_200, "ngày công"),
        ),
        "topic_tags": ["NTM"],
    },
    {
        "key": "hien-dat-giao-thong",
        "commune": "nam_dan",
        "flow": "approve",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Vận động nhân dân hiến đất, tài sản trên đất mở rộng đường giao thông nông thôn",
        "field": "KINH_TE",
        "collective_name": "Ban Công tác Mặt trận xóm 3",
        "locality": "Xóm 3",
        "lead_org": "Ủy ban MTTQ xã",
        "start_date": "2022-03-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2022,
        "objective": "Mở rộng đường trục xóm, đường ngõ đạt chuẩn nông thôn mới mà không phải "
        "bồi thường.",
        "method": "Họp dân công khai phương án; đảng viên và người có uy tín hiến đất trước; đo "
        "đạc, cắm mốc có mặt chủ hộ; vận động con em xa quê hỗ trợ kinh phí dựng lại tường rào, "
        "cổng ngõ cho các hộ hiến đất.",
        "results": "64 hộ tự nguyện hiến 3.850 m² đất và tháo dỡ tường rào; mở rộng 2,4 km "
        "đường; không có đơn thư khiếu nại.",
        "metrics": (
            ("Số hộ hiến đất", 64, "hộ"),
            ("Diện tích đất hiến", 3_850, "m²"),
            ("Chiều dài đường mở rộng", 2.4, "km"),
            ("Ngày công", 1_500, "ngày công"),
            ("Kinh phí xã hội hóa", 1_250_000_000, "đồng"),
        ),
        "topic_tags": ["NTM", "GPMB"],
    },
    {
        "key": "trong-que-tam-quang",
        "commune": "tam_quang",
        "flow": None,
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Trồng quế gắn với bảo vệ rừng đầu nguồn",
        "field": "KINH_TE",
        "collective_name": "Chi đoàn Thanh niên bản Na Xai",
        "locality": "Bản Na Xai",
        "lead_org": "Đoàn Thanh niên xã",
        "start_date": "2024-04-01",
        "status": "DANG_XAY_DUNG",
        "period": "GD_2021_2025",
        "year_registered": 2024,
        "objective": "Phủ xanh đất trống bằng cây quế, tạo sinh kế lâu dài để đồng bào không "
        "phát rừng làm rẫy.",
        "method": "Đoàn viên trồng trước trên đất nhà mình; già làng, trưởng bản vận động bằng "
        "tiếng Thái tại nhà văn hóa; kiểm lâm hướng dẫn kỹ thuật, doanh nghiệp cam kết thu mua "
        "vỏ quế.",
        "results": "37 hộ đã trồng 45 ha quế; từ khi triển khai không còn phát rừng làm rẫy trái "
        "phép trong khu vực.",
        "metrics": (
            ("Diện tích trồng quế", 45, "ha"),
            ("Số hộ tham gia", 37, "hộ"),
            ("Thu nhập dự kiến khi khai thác", 45_000_000, "đồng/hộ/năm"),
        ),
        "topic_tags": ["GIAM_NGHEO", "DAN_TOC", "MOI_TRUONG"],
    },
    {
        "key": "bo-nhot-chuong",
        "commune": "muong_xen",
        "flow": "submit",
        "kind": "DIEN_HINH",
        "subject_type": "CA_NHAN",
        "name": "Khéo vận động đồng bào Mông nuôi bò nhốt chuồng, trồng cỏ",
        "field": "KINH_TE",
        "person_name": "Xồng Bá Dê",
        "person_position": "Trưởng bản Huồi Pốc",
        "person_gender": "NAM",
        "person_ethnicity": "Mông",
        "person_birth_year": 1978,
        "locality": "Bản Huồi Pốc",
        "lead_org": "Hội Nông dân xã",
        "start_date": "2022-05-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2022,
        "objective": "Chuyển từ thả rông gia súc sang nuôi nhốt, trồng cỏ để giảm dịch bệnh, giữ "
        "vệ sinh bản làng và tăng thu nhập.",
        "method": "Ông làm chuồng, trồng cỏ voi trước trên nương nhà mình, mời bà con đến xem bò "
        "lớn nhanh; nói chuyện bằng tiếng Mông trong các buổi sinh hoạt bản; đứng ra bảo lãnh để "
        "hộ nghèo vay vốn mua bò giống.",
        "results": "Gia đình nuôi 14 con bò, thu nhập 120 triệu đồng/năm; 23 hộ trong bản làm "
        "theo, bản không còn gia súc thả rông.",
        "metrics": (
            ("Đàn bò của gia đình", 14, "con"),
            ("Thu nhập của gia đình", 120_000_000, "đồng/năm"),
            ("Số hộ làm theo", 23, "hộ"),
        ),
        "topic_tags": ["GIAM_NGHEO", "DAN_TOC"],
    },
    {
        "key": "det-tho-cam",
        "commune": "nam_can",
        "flow": "return",
        "comment": RETURN_MISSING_RESULTS,
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Tổ hợp tác dệt thổ cẩm giữ nghề, tăng thu nhập cho phụ nữ",
        "field": "KINH_TE",
        "collective_name": "Chi hội Phụ nữ bản Huồi Mới",
        "locality": "Bản Huồi Mới",
        "lead_org": "Hội Liên hiệp Phụ nữ xã",
        "start_date": "2025-03-08",
        "status": "DANG_KY",
        "period": "GD_2021_2025",
        "year_registered": 2025,
        "objective": "Khôi phục nghề dệt thổ cẩm của đồng bào, tạo việc làm tại chỗ cho phụ nữ "
        "lúc nông nhàn.",
        "method": "Chi hội mời nghệ nhân lớn tuổi truyền nghề cho lớp trẻ; bán sản phẩm cho "
        "khách qua cửa khẩu và trên mạng xã hội; trích 5% doanh thu lập quỹ giúp nhau.",
        "results": "Bước đầu có 28 hội viên tham gia.",
        "metrics": (("Số hội viên tham gia", 28, "người"),),
        "topic_tags": ["DAN_TOC", "GIAM_NGHEO"],
    },
    {
        "key": "canh-dong-lon",
        "commune": "tay_hieu",
        "flow": "submit",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Liên kết sản xuất lúa chất lượng cao trên cánh đồng lớn",
        "field": "KINH_TE",
        "collective_name": "Hợp tác xã dịch vụ nông nghiệp khối Tân Tiến",
        "locality": "Khối Tân Tiến",
        "lead_org": "Hội Nông dân phường",
        "start_date": "2023-01-10",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2023,
        "objective": "Dồn điền đổi thửa, sản xuất tập trung một giống lúa và liên kết tiêu thụ.",
        "method": "Hội Nông dân họp từng xứ đồng giải thích lợi ích của dồn điền; hợp tác xã làm "
        "dịch vụ làm đất, bơm nước, bao tiêu; cán bộ khuyến nông theo sát từng vụ.",
        "results": "85 ha với 212 hộ tham gia; lợi nhuận tăng khoảng 8 triệu đồng/ha/vụ.",
        "metrics": (
            ("Diện tích cánh đồng lớn", 85, "ha"),
            ("Số hộ tham gia", 212, "hộ"),
            ("Lợi nhuận tăng thêm", 8_000_000, "đồng/ha/vụ"),
        ),
        "topic_tags": ["NTM"],
    },
    {
        "key": "ocop-ban-hang-truc-tuyen",
        "commune": "thai_hoa",
        "flow": "return",
        "comment": "Đề nghị làm rõ cách làm “khéo” ở đâu; số hộ tham gia chưa khớp với báo cáo "
        "6 tháng của phường.",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Khéo vận động hộ kinh doanh xây dựng sản phẩm OCOP và bán hàng trực tuyến",
        "field": "KINH_TE",
        "collective_name": "Đoàn Thanh niên phường Thái Hòa",
        "locality": "Các khối trên địa bàn phường",
        "lead_org": "Đoàn Thanh niên phường",
        "start_date": "2024-04-01",
        "status": "DANG_XAY_DUNG",
        "period": "GD_2021_2025",
        "year_registered": 2024,
        "objective": "Giúp hộ sản xuất nhỏ đưa sản phẩm truyền thống lên sàn thương mại điện tử.",
        "method": "Đoàn viên lập nhóm “Bán hàng cùng bà con” chụp ảnh, quay video, đăng bán sản "
        "phẩm; hướng dẫn hộ kinh doanh mở tài khoản thanh toán không dùng tiền mặt.",
        "results": "46 hộ tham gia; 7 sản phẩm được công nhận OCOP 3 sao.",
        "metrics": (
            ("Số hộ tham gia", 46, "hộ"),
            ("Sản phẩm OCOP 3 sao", 7, "sản phẩm"),
        ),
        "topic_tags": ["CHUYEN_DOI_SO"],
    },
    # --- Văn hóa - xã hội ---
    {
        "key": "tuyen-pho-kim-tan",
        "commune": "thai_hoa",
        "flow": "approve",
        "comment": "Mô hình tiêu biểu, đề nghị tiếp tục nhân rộng.",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "“Khéo” trong tuyên truyền, vận động nhân dân xây dựng “Tuyến phố văn minh”",
        "field": "VAN_HOA_XA_HOI",
        "collective_name": "Tổ Dân vận khối Kim Tân",
        "locality": "Khối Kim Tân",
        "lead_org": "Ban Công tác Mặt trận khối",
        "start_date": "2019-05-19",
        "status": "DA_NHAN_RONG",
        "period": "GD_2016_2020",
        "year_registered": 2020,
        "objective": "Xây dựng tuyến phố sáng, xanh, sạch, đẹp; không lấn chiếm vỉa hè, không có "
        "tệ nạn xã hội.",
        "method": "Tổ Dân vận chia tuyến phố thành từng đoạn, mỗi thành viên phụ trách 10–15 hộ; "
        "họp dân thống nhất quy ước; vận động hộ tự tháo dỡ mái che lấn chiếm, góp tiền lắp đèn "
        "chiếu sáng và trồng cây xanh.",
        "results": "1,2 km tuyến phố có điện chiếu sáng, cây xanh; 146/146 hộ ký cam kết; nhân "
        "dân đóng góp 380 triệu đồng; mô hình được nhân rộng ra 6 khối.",
        "metrics": (
            ("Chiều dài tuyến phố", 1.2, "km"),
            ("Số hộ ký cam kết", 146, "hộ"),
            ("Kinh phí nhân dân đóng góp", 380_000_000, "đồng"),
            ("Số khối nhân rộng", 6, "khối"),
        ),
        "topic_tags": ["MOI_TRUONG"],
    },
    {
        "key": "tuyen-pho-tan-tien",
        "commune": "tay_hieu",
        "flow": "approve",
        "replicated_from": "tuyen-pho-kim-tan",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Tuyến phố văn minh khối Tân Tiến",
        "field": "VAN_HOA_XA_HOI",
        "collective_name": "Tổ Dân vận khối Tân Tiến",
        "locality": "Khối Tân Tiến",
        "lead_org": "Ban Công tác Mặt trận khối",
        "start_date": "2022-03-26",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2022,
        "objective": "Học cách làm của khối Kim Tân, xây dựng tuyến phố văn minh trên trục đường "
        "chính của khối.",
        "method": "Đưa cán bộ khối đi tham quan tuyến phố Kim Tân; sửa quy ước cho hợp với khu "
        "dân cư có chợ; giao đoàn viên thanh niên giữ vệ sinh tuyến phố sáng Chủ nhật.",
        "results": "0,8 km tuyến phố đạt chuẩn với 92 hộ tham gia; không còn điểm tập kết rác "
        "tự phát.",
        "metrics": (
            ("Chiều dài tuyến phố", 0.8, "km"),
            ("Số hộ tham gia", 92, "hộ"),
        ),
        "topic_tags": ["MOI_TRUONG"],
    },
    {
        "key": "bon-rua-tay-cho-em",
        "commune": "thai_hoa",
        "flow": "approve",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "“Bồn rửa tay cho em”",
        "field": "VAN_HOA_XA_HOI",
        "collective_name": "Đoàn Thanh niên phường Thái Hòa",
        "locality": "Các trường mầm non, tiểu học trên địa bàn",
        "lead_org": "Thị đoàn Thái Hòa (nay là Đoàn Thanh niên phường)",
        "start_date": "2020-03-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2016_2020",
        "year_registered": 2020,
        "objective": "Bảo đảm học sinh có nơi rửa tay sạch sẽ, hình thành thói quen vệ sinh "
        "phòng bệnh.",
        "method": "Đoàn viên vận động doanh nghiệp, phụ huynh và cựu học sinh góp kinh phí; "
        "thanh niên tự thi công bồn rửa tay; mỗi chi đoàn nhận chăm sóc một bồn.",
        "results": "Lắp 14 bồn rửa tay tại 9 trường, tổng kinh phí vận động 126 triệu đồng.",
        "metrics": (
            ("Số bồn rửa tay", 14, "bồn"),
            ("Số trường được hỗ trợ", 9, "trường"),
            ("Kinh phí vận động", 126_000_000, "đồng"),
        ),
        "topic_tags": ["MOI_TRUONG"],
    },
    {
        "key": "chu-nhat-xanh",
        "commune": "tay_hieu",
        "flow": "approve",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "“Khéo” vận động nhân dân vệ sinh môi trường, trồng hoa cây cảnh, hưởng ứng "
        "“Ngày Chủ nhật xanh”",
        "field": "VAN_HOA_XA_HOI",
        "collective_name": "Ban Thường trực Ủy ban MTTQ phường Tây Hiếu",
        "locality": "Các khối trên địa bàn phường",
        "lead_org": "Ủy ban MTTQ phường",
        "start_date": "2021-04-04",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2021,
        "objective": "Nhân dân đổ rác thải sinh hoạt đúng thời gian quy định; khối nào cũng có "
        "tuyến đường hoa.",
        "method": "Mặt trận phát động ra quân sáng Chủ nhật hằng tuần, cán bộ, đảng viên đi đầu; "
        "loa truyền thanh nhắc giờ đổ rác; bình xét “Khu dân cư xanh – sạch – đẹp” mỗi quý và "
        "công khai kết quả.",
        "results": "9/9 khối duy trì Ngày Chủ nhật xanh; 100% hộ đổ rác đúng giờ; trồng 3,6 km "
        "đường hoa.",
        "metrics": (
            ("Số khối duy trì", 9, "khối"),
            ("Tỷ lệ hộ đổ rác đúng giờ", 100, "%"),
            ("Đường hoa", 3.6, "km"),
        ),
        "topic_tags": ["MOI_TRUONG"],
    },
    {
        "key": "xoa-nha-tam",
        "commune": "muong_xen",
        "flow": "submit",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Vận động xóa nhà tạm, nhà dột nát cho hộ nghèo đồng bào dân tộc thiểu số",
        "field": "VAN_HOA_XA_HOI",
        "collective_name": "Ủy ban MTTQ xã Mường Xén",
        "locality": "Các bản vùng cao",
        "lead_org": "Ủy ban MTTQ xã",
        "start_date": "2024-06-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2024,
        "objective": "Không còn hộ nghèo ở nhà tạm, nhà dột nát trên địa bàn xã.",
        "method": "Mặt trận rà soát từng hộ, công khai danh sách tại nhà văn hóa bản; vận động "
        "doanh nghiệp, con em xa quê ủng hộ; bộ đội biên phòng, đoàn viên góp ngày công vận "
        "chuyển vật liệu lên bản.",
        "results": "Xây mới, sửa chữa 38 căn nhà, tổng kinh phí 1,9 tỷ đồng; huy động 2.150 ngày "
        "công.",
        "metrics": (
            ("Số nhà xây mới, sửa chữa", 38, "căn"),
            ("Kinh phí huy động", 1_900_000_000, "đồng"),
            ("Ngày công", 2_150, "ngày công"),
        ),
        "topic_tags": ["GIAM_NGHEO", "DAN_TOC"],
    },
    {
        "key": "xoa-mu-chu",
        "commune": "nam_can",
        "flow": "submit",
        "kind": "DIEN_HINH",
        "subject_type": "CA_NHAN",
        "name": "Khéo vận động phụ nữ Mông đến lớp xóa mù chữ",
        "field": "VAN_HOA_XA_HOI",
        "person_name": "Lầu Bá Chư",
        "person_position": "Thượng úy, cán bộ Đồn Biên phòng cửa khẩu quốc tế Nậm Cắn",
        "person_gender": "NAM",
        "person_ethnicity": "Mông",
        "person_birth_year": 1991,
        "locality": "Bản Phà Khảo",
        "lead_org": "Đồn Biên phòng cửa khẩu quốc tế Nậm Cắn",
        "start_date": "2023-09-05",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2023,
        "objective": "Giúp phụ nữ Mông biết đọc, biết viết tiếng Việt để tiếp cận chính sách và "
        "tự bảo vệ mình.",
        "method": "Anh đến từng nhà nói chuyện bằng tiếng Mông với người chồng, người cha trước; "
        "mở lớp buổi tối sau giờ lên nương; mời cô giáo trường bản cùng dạy, bố trí người trông "
        "trẻ cho học viên.",
        "results": "Hai khóa học với 32 học viên, 27 người đã biết đọc, biết viết; nhiều chị tự "
        "làm được hồ sơ vay vốn.",
        "metrics": (
            ("Số học viên", 32, "người"),
            ("Số người biết đọc, viết", 27, "người"),
        ),
        "topic_tags": ["DAN_TOC", "BIEN_GIOI"],
    },
    {
        "key": "clb-dan-vu",
        "commune": "nam_dan",
        "flow": None,
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Câu lạc bộ Dân vũ xóm Hồng Sơn",
        "field": "VAN_HOA_XA_HOI",
        "collective_name": "Chi hội Phụ nữ xóm Hồng Sơn",
        "locality": "Xóm Hồng Sơn",
        "lead_org": "Hội Liên hiệp Phụ nữ xã",
        "start_date": "2022-08-01",
        "status": "TAM_DUNG",
        "period": "GD_2021_2025",
        "year_registered": 2022,
        "objective": "Tạo sân chơi rèn luyện sức khỏe, gắn kết hội viên.",
        "method": "Chi hội tự quyên góp mua loa, tập buổi tối tại sân nhà văn hóa; lồng ghép "
        "tuyên truyền pháp luật trước mỗi buổi tập.",
        "results": "Duy trì 45 thành viên đến hết năm 2024; tạm dừng từ năm 2025 do sáp nhập "
        "xóm, đang kiện toàn ban chủ nhiệm.",
        "metrics": (("Số thành viên", 45, "người"),),
        "topic_tags": [],
    },
    {
        "key": "xu-dao-binh-yen",
        "commune": "nam_dan",
        "flow": "approve",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "“Xứ đạo bình yên – Gia đình văn hóa”",
        "field": "VAN_HOA_XA_HOI",
        "collective_name": "Ban Công tác Mặt trận khu dân cư giáo họ Đông Sơn",
        "locality": "Giáo họ Đông Sơn",
        "lead_org": "Ủy ban MTTQ xã",
        "start_date": "2023-02-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2023,
        "objective": "Đồng bào Công giáo sống “tốt đời, đẹp đạo”, cùng xây dựng khu dân cư văn "
        "hóa.",
        "method": "Mặt trận phối hợp với linh mục quản xứ, ban hành giáo họ đưa nội dung tuyên "
        "truyền vào giờ thông báo sau thánh lễ; thăm hỏi dịp lễ Giáng sinh, Phục sinh; cùng "
        "giáo dân làm đường, trồng hoa quanh nhà thờ.",
        "results": "97% hộ giáo dân đạt gia đình văn hóa; giáo họ hiến 620 m² đất làm đường; "
        "không có vụ việc phức tạp về tôn giáo.",
        "metrics": (
            ("Tỷ lệ hộ đạt gia đình văn hóa", 97, "%"),
            ("Đất hiến làm đường", 620, "m²"),
        ),
        "topic_tags": ["TON_GIAO"],
    },
    # --- Quốc phòng - an ninh ---
    {
        "key": "tai-hoa-nhap-cong-dong",
        "commune": "thai_hoa",
        "flow": "approve",
        "comment": "Đồng ý. Đề nghị Công an các xã, phường học tập cách làm.",
        "kind": "DIEN_HINH",
        "subject_type": "TAP_THE",
        "name": "“Tái hòa nhập cộng đồng” cho người chấp hành xong án phạt tù: xóa bỏ mặc cảm, "
        "làm nở nụ cười, giúp người lầm lỗi",
        "field": "QP_AN",
        "collective_name": "Đảng ủy Công an thị xã Thái Hòa (nay là Công an phường Thái Hòa)",
        "locality": "Các khối trên địa bàn phường",
        "lead_org": "Công an phường",
        "start_date": "2018-07-01",
        "status": "DA_NHAN_RONG",
        "period": "GD_2016_2020",
        "year_registered": 2020,
        "objective": "Giúp người chấp hành xong án phạt tù sớm ổn định cuộc sống, không tái phạm.",
        "method": "Mỗi người được một đảng viên công an và một hội viên đoàn thể kèm cặp; đến "
        "thăm ngay khi về địa phương; kết nối vay vốn, học nghề, giới thiệu việc làm; vận động "
        "gia đình, hàng xóm không kỳ thị.",
        "results": "37 người được giúp đỡ, 29 người có việc làm ổn định, không có trường hợp tái "
        "phạm.",
        "metrics": (
            ("Số người được giúp đỡ", 37, "người"),
            ("Số người có việc làm ổn định", 29, "người"),
            ("Số người tái phạm", 0, "người"),
        ),
        "topic_tags": ["ANTT"],
    },
    {
        "key": "nguyen-phong-luu",
        "commune": "thai_hoa",
        "flow": "approve",
        "kind": "DIEN_HINH",
        "subject_type": "CA_NHAN",
        "name": "“Khéo” trong vận động bà con giáo dân thực hiện tốt chủ trương, chính sách của "
        "Đảng, pháp luật của Nhà nước",
        "field": "QP_AN",
        "person_name": "Nguyễn Phong Lưu",
        "person_position": "Xóm trưởng xóm 3",
        "person_gender": "NAM",
        "locality": "Xóm 3",
        "start_date": "2017-01-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2016_2020",
        "year_registered": 2020,
        "objective": "Xóm có đông đồng bào Công giáo giữ vững an ninh trật tự, đoàn kết lương – "
        "giáo.",
        "method": "Ông phối hợp chặt chẽ với ban hành giáo họ, đến từng gia đình giáo dân; giải "
        "thích chủ trương, chính sách bằng lời lẽ gần gũi; hòa giải mâu thuẫn ngay từ cơ sở, "
        "không để phát sinh khiếu kiện.",
        "results": "Nhiều năm liền xóm không có tội phạm, tệ nạn xã hội; 12 vụ mâu thuẫn đều "
        "được hòa giải thành.",
        "metrics": (("Số vụ hòa giải thành", 12, "vụ"),),
        "topic_tags": ["TON_GIAO", "ANTT"],
    },
    {
        "key": "to-tu-quan-duong-bien",
        "commune": "nam_can",
        "flow": "approve",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Tổ tự quản bảo vệ đường biên, mốc giới",
        "field": "QP_AN",
        "collective_name": "Tổ tự quản đường biên, mốc giới bản Phà Khảo",
        "locality": "Bản Phà Khảo",
        "lead_org": "Đồn Biên phòng cửa khẩu quốc tế Nậm Cắn",
        "start_date": "2021-05-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2021,
        "objective": "Nhân dân cùng bộ đội biên phòng quản lý, bảo vệ đường biên, mốc quốc giới "
        "và giữ an ninh trật tự vùng biên.",
        "method": "Chọn già làng, người có uy tín, đảng viên vào tổ; bộ đội biên phòng hướng "
        "dẫn nhận biết mốc giới, cách ghi chép và báo tin; tuần tra chung định kỳ; tổ viên được "
        "hỗ trợ ngày công từ quỹ của xã.",
        "results": "Tổ 12 thành viên quản lý 8 km đường biên và 4 cột mốc; báo tin kịp thời 5 vụ "
        "xuất, nhập cảnh trái phép.",
        "metrics": (
            ("Số tổ viên", 12, "người"),
            ("Chiều dài đường biên được giao", 8, "km"),
            ("Số cột mốc quản lý", 4, "mốc"),
            ("Số lần tuần tra chung", 24, "lần/năm"),
        ),
        "topic_tags": ["BIEN_GIOI", "DAN_TOC", "ANTT"],
    },
    {
        "key": "ket-nghia-ban-ban",
        "commune": "nam_can",
        "flow": "approve",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Kết nghĩa bản – bản hai bên biên giới Việt Nam – Lào",
        "field": "QP_AN",
        "collective_name": "Đảng ủy xã Nậm Cắn",
        "locality": "Các bản giáp biên",
        "lead_org": "Đồn Biên phòng cửa khẩu quốc tế Nậm Cắn",
        "start_date": "2022-09-02",
        "status": "DA_NHAN_RONG",
        "period": "GD_2021_2025",
        "year_registered": 2022,
        "objective": "Xây dựng đường biên giới hòa bình, hữu nghị; hai bên cùng phát hiện, ngăn "
        "chặn tội phạm ma túy, mua bán người.",
        "method": "Các cặp bản kết nghĩa giao ban định kỳ, trao đổi thông tin về người qua lại; "
        "giao lưu văn nghệ, thể thao dịp Tết cổ truyền và Tết Bunpimay; giúp bạn giống cây, con "
        "và kỹ thuật canh tác.",
        "results": "3 cặp bản kết nghĩa, mỗi năm 6 cuộc giao lưu; cách làm được nhân rộng sang "
        "các xã biên giới khác của tỉnh.",
        "metrics": (
            ("Số cặp bản kết nghĩa", 3, "cặp"),
            ("Số cuộc giao lưu", 6, "cuộc/năm"),
        ),
        "topic_tags": ["BIEN_GIOI", "DAN_TOC"],
    },
    {
        "key": "bien-phong-pho-bi-thu",
        "commune": "muong_xen",
        "flow": None,
        "kind": "DIEN_HINH",
        "subject_type": "CA_NHAN",
        "name": "Cán bộ biên phòng tăng cường làm Phó Bí thư Đảng ủy xã “khéo” vận động đồng bào",
        "field": "QP_AN",
        "person_name": "Vi Văn Thịnh",
        "person_position": "Thiếu tá, cán bộ Biên phòng tăng cường, Phó Bí thư Đảng ủy xã",
        "person_gender": "NAM",
        "person_ethnicity": "Thái",
        "person_birth_year": 1984,
        "locality": "Các bản vùng biên",
        "lead_org": "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
        "start_date": "2023-03-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2023,
        "objective": "Gắn công tác quốc phòng, an ninh với phát triển kinh tế – xã hội ở xã vùng "
        "biên.",
        "method": "Đồng chí bám bản, ăn cùng, ở cùng, làm cùng; học tiếng Mông, tiếng Khơ mú để "
        "trò chuyện với bà con; phối hợp các đoàn thể chọn hộ làm kinh tế giỏi làm điểm.",
        "results": "Vận động 46 hộ bỏ tập quán du canh; 3 bản không phát sinh người nghiện mới.",
        "metrics": (("Số hộ bỏ du canh", 46, "hộ"),),
        "topic_tags": ["BIEN_GIOI", "DAN_TOC", "ANTT"],
    },
    {
        "key": "gpmb-du-an",
        "commune": "nam_dan",
        "flow": "approve",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Dân vận khéo trong giải phóng mặt bằng thực hiện dự án đầu tư",
        "field": "QP_AN",
        "collective_name": "Ban Chỉ đạo giải phóng mặt bằng xã Nam Đàn",
        "locality": "Xóm 7, xóm 8",
        "lead_org": "Ủy ban nhân dân xã",
        "start_date": "2023-06-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2023,
        "objective": "Bàn giao mặt bằng đúng tiến độ, giữ ổn định an ninh trật tự, không để phát "
        "sinh khiếu kiện đông người.",
        "method": "Công khai phương án bồi thường tại nhà văn hóa xóm; đối thoại riêng với từng "
        "hộ còn ý kiến; cán bộ, đảng viên có đất bị thu hồi bàn giao trước; trả lời dứt điểm "
        "kiến nghị trong 5 ngày làm việc.",
        "results": "126 hộ bàn giao 18,5 ha mặt bằng trước thời hạn; không có khiếu kiện đông "
        "người.",
        "metrics": (
            ("Số hộ bàn giao mặt bằng", 126, "hộ"),
            ("Diện tích bàn giao", 18.5, "ha"),
            ("Số vụ khiếu kiện đông người", 0, "vụ"),
        ),
        "topic_tags": ["GPMB", "ANTT"],
    },
    {
        "key": "camera-an-ninh",
        "commune": "tay_hieu",
        "flow": None,
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "“Camera an ninh” – khu dân cư an toàn",
        "field": "QP_AN",
        "collective_name": "Ban Bảo vệ dân phố khối Tân Hồng",
        "locality": "Khối Tân Hồng",
        "lead_org": "Công an phường",
        "start_date": "2024-08-19",
        "status": "DANG_XAY_DUNG",
        "period": "GD_2021_2025",
        "year_registered": 2024,
        "objective": "Lắp camera giám sát ở các ngã ba, ngã tư để phòng ngừa trộm cắp và vi phạm "
        "trật tự giao thông.",
        "method": "Công an phường cùng Ban Bảo vệ dân phố vận động hộ kinh doanh lắp camera "
        "hướng ra đường, kết nối về điện thoại trực ban; họp dân công khai kinh phí; giao tổ an "
        "ninh trích xuất hình ảnh khi có vụ việc.",
        "results": "Lắp 64 camera bằng 210 triệu đồng nhân dân đóng góp; giúp làm rõ 4 vụ trộm "
        "cắp tài sản.",
        "metrics": (
            ("Số camera", 64, "camera"),
            ("Kinh phí nhân dân đóng góp", 210_000_000, "đồng"),
        ),
        "topic_tags": ["ANTT", "CHUYEN_DOI_SO"],
    },
    # --- Xây dựng hệ thống chính trị ---
    {
        "key": "vu-thi-huyen",
        "commune": "thai_hoa",
        "flow": "approve",
        "kind": "DIEN_HINH",
        "subject_type": "CA_NHAN",
        "name": "“Khéo” trong tuyên truyền, vận động đoàn viên, bà con giáo dân sống tốt đời, "
        "đẹp đạo",
        "field": "XD_HTCT",
        "person_name": "Vũ Thị Huyền",
        "person_position": "Bí thư Đoàn xã, Bí thư chi bộ xóm 3",
        "person_gender": "NU",
        "locality": "Xóm 3",
        "start_date": "2018-01-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2016_2020",
        "year_registered": 2020,
        "objective": "Xây dựng chi bộ, xóm vững mạnh ở địa bàn có đông đồng bào Công giáo.",
        "method": "Chị tổ chức sinh hoạt chi đoàn chung với thanh niên Công giáo; lồng ghép nội "
        "dung nghị quyết vào các hoạt động văn nghệ, thể thao; thăm hỏi gia đình giáo dân khó "
        "khăn.",
        "results": "Chi bộ nhiều năm hoàn thành tốt nhiệm vụ; kết nạp 3 đảng viên là thanh niên "
        "Công giáo; xóm đạt danh hiệu khu dân cư văn hóa.",
        "metrics": (("Số đảng viên mới kết nạp", 3, "người"),),
        "topic_tags": ["TON_GIAO"],
    },
    {
        "key": "tiep-cong-dan",
        "commune": "thai_hoa",
        "flow": "approve",
        "kind": "DIEN_HINH",
        "subject_type": "TAP_THE",
        "name": "“Khéo” trong công tác tiếp công dân",
        "field": "XD_HTCT",
        "collective_name": "Đảng ủy cơ quan Chính quyền thị xã Thái Hòa (nay là Đảng ủy phường)",
        "locality": "Trụ sở tiếp công dân phường",
        "lead_org": "Ủy ban nhân dân phường",
        "start_date": "2019-01-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2016_2020",
        "year_registered": 2020,
        "objective": "Lắng nghe và giải quyết kịp thời kiến nghị của nhân dân ngay từ cơ sở.",
        "method": "Bí thư, Chủ tịch tiếp dân định kỳ ngày 15 hằng tháng và công khai lịch tiếp; "
        "mỗi kiến nghị có phiếu theo dõi và hẹn ngày trả lời; cán bộ được tập huấn kỹ năng lắng "
        "nghe, giải thích.",
        "results": "Tiếp 96 lượt công dân trong năm; 100% kiến nghị được trả lời đúng hạn; không "
        "có đơn vượt cấp.",
        "metrics": (
            ("Lượt công dân được tiếp", 96, "lượt"),
            ("Kiến nghị trả lời đúng hạn", 100, "%"),
        ),
        "topic_tags": ["CCHC", "QCDC"],
    },
    {
        "key": "le-dinh-dat",
        "commune": "thai_hoa",
        "flow": "submit",
        "kind": "DIEN_HINH",
        "subject_type": "CA_NHAN",
        "name": "“Khéo” trong lãnh đạo xây dựng hệ thống chính trị vững mạnh ở khu dân cư",
        "field": "XD_HTCT",
        "person_name": "Lê Đình Đạt",
        "person_position": "Bí thư chi bộ khối Phú Thịnh",
        "person_gender": "NAM",
        "locality": "Khối Phú Thịnh",
        "start_date": "2017-01-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2016_2020",
        "year_registered": 2020,
        "objective": "Chi bộ lãnh đạo toàn diện, khối đoàn kết, hoàn thành các chỉ tiêu.",
        "method": "Đồng chí phân công mỗi đảng viên phụ trách một nhóm hộ; đổi mới sinh hoạt chi "
        "bộ theo chuyên đề sát việc của khối; công khai thu chi quỹ khối hằng quý.",
        "results": "Chi bộ nhiều năm liền hoàn thành xuất sắc nhiệm vụ; khối đạt chuẩn khu dân "
        "cư văn hóa.",
        "metrics": (("Số hộ do đảng viên phụ trách", 214, "hộ"),),
        "topic_tags": ["QCDC"],
    },
    {
        "key": "chinh-quyen-than-thien",
        "commune": "muong_xen",
        "flow": "submit",
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "“Chính quyền thân thiện, vì Nhân dân phục vụ”",
        "field": "XD_HTCT",
        "collective_name": "Ủy ban nhân dân xã Mường Xén",
        "locality": "Trung tâm phục vụ hành chính công xã",
        "lead_org": "Ủy ban nhân dân xã",
        "start_date": "2025-07-01",
        "status": "DANG_XAY_DUNG",
        "period": "GD_2021_2025",
        "year_registered": 2025,
        "objective": "Sau sáp nhập xã, người dân vẫn được giải quyết thủ tục nhanh, đúng hẹn, "
        "không phải đi lại nhiều lần.",
        "method": "Bố trí công chức biết tiếng Mông, tiếng Khơ mú ở bộ phận một cửa; đoàn viên "
        "giúp bà con nộp hồ sơ trực tuyến; lấy phiếu đánh giá sự hài lòng sau mỗi hồ sơ.",
        "results": "Tiếp nhận 2.350 hồ sơ, 98,6% được giải quyết đúng hạn.",
        "metrics": (
            ("Số hồ sơ tiếp nhận", 2_350, "hồ sơ"),
            ("Tỷ lệ giải quyết đúng hạn", 98.6, "%"),
        ),
        "topic_tags": ["CCHC", "CHUYEN_DOI_SO", "DAN_TOC"],
    },
    {
        "key": "dang-vien-phu-trach-ho",
        "commune": "tam_quang",
        "flow": None,
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Đảng viên phụ trách hộ gia đình",
        "field": "XD_HTCT",
        "collective_name": "Chi bộ bản Na Xai",
        "locality": "Bản Na Xai",
        "lead_org": "Đảng ủy xã",
        "start_date": "2022-02-03",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2022,
        "objective": "Hộ đồng bào nào cũng có đảng viên theo dõi, giúp đỡ, kịp thời nắm tâm tư, "
        "nguyện vọng.",
        "method": "Chi bộ phân công mỗi đảng viên phụ trách 4–5 hộ gần nhà; đảng viên báo cáo "
        "tình hình các hộ trong sinh hoạt chi bộ hằng tháng; ưu tiên giúp hộ nghèo làm hồ sơ "
        "vay vốn.",
        "results": "41 đảng viên phụ trách 186 hộ; năm 2024 có 12 hộ thoát nghèo.",
        "metrics": (
            ("Số đảng viên tham gia", 41, "người"),
            ("Số hộ được phụ trách", 186, "hộ"),
            ("Số hộ thoát nghèo", 12, "hộ"),
        ),
        "topic_tags": ["DAN_TOC", "GIAM_NGHEO"],
    },
    {
        "key": "doi-thoai-bi-thu",
        "commune": "nam_dan",
        "flow": None,
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Bí thư Đảng ủy đối thoại trực tiếp với Nhân dân",
        "field": "XD_HTCT",
        "collective_name": "Đảng ủy xã Nam Đàn",
        "locality": "Các xóm trên địa bàn xã",
        "lead_org": "Ban Thường vụ Đảng ủy xã",
        "start_date": "2025-08-01",
        "status": "DANG_KY",
        "period": "GD_2021_2025",
        "year_registered": 2025,
        "objective": "Giải quyết kịp thời những vấn đề bức xúc của nhân dân sau sáp nhập xã, củng "
        "cố niềm tin vào cấp ủy, chính quyền.",
        "method": "Mỗi quý đối thoại tại một cụm xóm; thông báo trước nội dung để bà con chuẩn "
        "bị ý kiến; kết luận công khai và phân công người theo dõi việc thực hiện sau đối thoại.",
        "results": "Đã tổ chức buổi đối thoại đầu tiên với 125 người dân tham dự.",
        "metrics": (),
        "topic_tags": ["QCDC"],
    },
)

# Meetings and activities (DOMAIN.md §2.4–2.5). "owner" and "organizer" are unit keys;
# attendees are (role, full name, position, organization[, extra fields]); sites are
# (name, unit key, chair); "models" are keys of DEMO_MODELS the meeting discussed.
DEMO_MEETINGS = (
    {
        "key": "trao-doi-kn-3-tinh-2023",
        "owner": "province",
        "organizer": "province",
        "co_organizers": ("thanh_hoa", "ha_tinh"),
        "flow": "approve",
        "type": "TRAO_DOI_KN",
        "title": "Hội nghị trao đổi kinh nghiệm công tác dân vận và phong trào thi đua “Dân vận "
        "khéo” năm 2023",
        "format": "TRUC_TIEP",
        "start_at": "2023-08-12T14:00",
        "end_at": "2023-08-12T17:30",
        "part_of_day": "CHIEU",
        "location": "Thành phố Sầm Sơn, tỉnh Thanh Hóa",
        "audience": ["CAN_BO_DV", "CAP_UY"],
        "content_summary": "Ban Dân vận Tỉnh ủy ba tỉnh Thanh Hóa – Nghệ An – Hà Tĩnh trao đổi "
        "kinh nghiệm tham mưu và triển khai công tác dân vận, xây dựng mô hình “Dân vận khéo”. "
        "Nghệ An giới thiệu chỉ thị của Ban Thường vụ Tỉnh ủy về nâng cao hiệu quả phong trào, "
        "mô hình “Dân vận khéo trong xây dựng nông thôn mới” và “Dân vận khéo trong giải phóng "
        "mặt bằng thực hiện dự án đầu tư”; Hà Tĩnh giới thiệu mô hình vận động hiến đất làm "
        "giao thông nông thôn, khu dân cư mẫu, vườn mẫu; Thanh Hóa giới thiệu các mô hình "
        "“Chính quyền thân thiện, vì Nhân dân phục vụ”, “Xứ đạo bình yên – Gia đình văn hóa”, "
        "“Tổ tự quản bảo vệ đường biên, mốc giới”. Các đại biểu phân tích hạn chế, nguyên nhân "
        "và đề ra giải pháp trong tình hình mới.",
        "outcomes": "Ký Bản ghi nhớ phối hợp công tác dân vận giai đoạn 2023 - 2025 giữa Ban Dân "
        "vận Tỉnh ủy ba tỉnh.",
        "attendees": (
            (
                "DONG_CHU_TRI",
                "Phạm Thị Thanh Thủy",
                "Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy, Chủ tịch Ủy ban MTTQ tỉnh",
                "Tỉnh ủy Thanh Hóa",
            ),
            (
                "DONG_CHU_TRI",
                "Trương Thanh Huyền",
                "Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy",
                "Tỉnh ủy Hà Tĩnh",
            ),
            (
                "DONG_CHU_TRI",
                "Nguyễn Mạnh Khôi",
                "Phó Trưởng ban Thường trực Ban Dân vận Tỉnh ủy",
                "Tỉnh ủy Nghệ An",
            ),
            ("THU_KY", "Đặng Thị Lan", "Chuyên viên Ban Dân vận Tỉnh ủy", "Tỉnh ủy Nghệ An"),
        ),
        "models": ("vuon-mau-ntm", "gpmb-du-an"),
        "notes": "Nguồn: Bản tin Thời sự tối ngày 12/8/2023.",
    },
    {
        "key": "so-ket-truc-tuyen-6-thang-2022",
        "owner": "province",
        "organizer": "root",
        "flow": "approve",
        "type": "SO_KET",
        "report_period": "6_THANG",
        "title": "Hội nghị trực tuyến toàn quốc sơ kết công tác dân vận 6 tháng đầu năm 2022, "
        "triển khai nhiệm vụ 6 tháng cuối năm",
        "format": "TRUC_TUYEN",
        "start_at": "2022-07-15T08:00",
        "end_at": "2022-07-15T11:30",
        "part_of_day": "SANG",
        "location": "Điểm cầu tỉnh Nghệ An",
        "sites": (
            ("Điểm cầu Trung ương", "root", "Bùi Thị Minh Hoài"),
            ("Điểm cầu tỉnh Nghệ An", "province", "Ngọc Kim Nam"),
        ),
        "audience": ["CAN_BO_DV", "CAP_UY", "MTTQ_DOAN_THE"],
        "content_summary": "Sáu tháng đầu năm 2022, công tác dân vận của hệ thống chính trị có "
        "chuyển biến tích cực. Cấp ủy, tổ chức đảng toàn quốc tiến hành 1.554 cuộc kiểm tra "
        "đối với 2.612 tổ chức, đơn vị và 1.503 cuộc giám sát với 2.522 tổ chức, đơn vị về "
        "công tác dân vận. Kết quả xây dựng, nhân rộng mô hình “dân vận khéo” trong giải phóng "
        "mặt bằng, xây dựng nông thôn mới, giảm nghèo chưa đạt như kỳ vọng. Ban Dân vận Tỉnh ủy "
        "Nghệ An tham luận về công tác tham mưu vận động đồng bào dân tộc thiểu số bảo đảm an "
        "ninh biên giới: tỉnh có 468,281 km đường biên giáp 3 tỉnh của Lào, trải trên 27 xã "
        "thuộc 6 huyện, trong đó 22 xã đặc biệt khó khăn; cán bộ biên phòng được phân công làm "
        "phó bí thư đảng ủy xã; các xã biên giới giao ban hằng tháng, hằng quý với phía bạn.",
        "conclusion": "Ban Dân vận Trung ương đề nghị Ban Dân vận các cấp chủ động triển khai "
        "các đề án; sơ kết, tổng kết các chỉ thị, nghị quyết về công tác dân vận; nắm chắc tình "
        "hình nhân dân, dân tộc, tôn giáo; tập trung thực hiện phong trào “dân vận khéo”; kiện "
        "toàn, nâng cao trình độ đội ngũ cán bộ dân vận.",
        "speeches_count": 12,
        "attendees": (
            (
                "CHU_TRI",
                "Bùi Thị Minh Hoài",
                "Bí thư Trung ương Đảng, Trưởng Ban Dân vận Trung ương",
                "Ban Dân vận Trung ương",
            ),
            (
                "DONG_CHU_TRI",
                "Phạm Tất Thắng",
                "Ủy viên Trung ương Đảng, Phó Trưởng ban Thường trực Ban Dân vận Trung ương",
                "Ban Dân vận Trung ương",
            ),
            (
                "DONG_CHU_TRI",
                "Triệu Tài Vinh",
                "Phó Trưởng Ban Dân vận Trung ương",
                "Ban Dân vận Trung ương",
            ),
            (
                "THAM_LUAN",
                "Ngọc Kim Nam",
                "Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy",
                "Tỉnh ủy Nghệ An",
            ),
            ("THU_KY", "Đặng Thị Lan", "Chuyên viên Ban Dân vận Tỉnh ủy", "Tỉnh ủy Nghệ An"),
        ),
        "notes": "Số liệu về tỉnh Nghệ An tính đến năm 2022.",
    },
    {
        "key": "tap-huan-tinh-2025",
        "owner": "province",
        "organizer": "province",
        "flow": "approve",
        "type": "TAP_HUAN",
        "title": "Hội nghị tập huấn, bồi dưỡng chuyên môn nghiệp vụ công tác dân vận cho cán bộ "
        "cấp xã năm 2025",
        "format": "TRUC_TIEP",
        "start_at": "2025-09-23T07:30",
        "end_at": "2025-09-23T16:30",
        "part_of_day": "CA_NGAY",
        "location": "Hội trường Tỉnh ủy Nghệ An",
        "planned_count": 320,
        "actual_count": 300,
        "count_is_approx": True,
        "audience": ["CAN_BO_DV", "MTTQ_DOAN_THE"],
        "agenda": "Chuyên đề 1: Tăng cường, đổi mới công tác dân vận của hệ thống chính trị sau "
        "sắp xếp chính quyền địa phương hai cấp. Chuyên đề 2: Xây dựng, đánh giá, nhân rộng mô "
        "hình “Dân vận khéo”. Chuyên đề 3: Ghi chép mô hình, hội nghị trên ứng dụng Sổ tay Dân "
        "vận.",
        "content_summary": "Gần 300 cán bộ làm công tác dân vận của các xã, phường được bồi dưỡng "
        "về quan điểm của Đảng về công tác dân vận trong tình hình mới, kỹ năng vận động quần "
        "chúng, cách lựa chọn và đánh giá mô hình theo bộ tiêu chí của tỉnh, và cách cập nhật "
        "số liệu mô hình, hội nghị trên ứng dụng khi không có mạng.",
        "conclusion": "Các xã, phường rà soát, cập nhật đầy đủ mô hình, điển hình giai đoạn "
        "2021 - 2025 lên ứng dụng trước ngày 31/10/2025.",
        "speeches_count": 8,
        "attendees": (
            (
                "CHU_TRI",
                "Trần Văn Quang",
                "Phó Trưởng ban Tuyên giáo và Dân vận Tỉnh ủy",
                "Tỉnh ủy Nghệ An",
            ),
            (
                "BAO_CAO_VIEN",
                "Lê Thị Thu Trang",
                "Chuyên viên cao cấp, Ban Tuyên giáo và Dân vận Trung ương",
                "Ban Tuyên giáo và Dân vận Trung ương",
            ),
            (
                "BAO_CAO_VIEN",
                "Hoàng Thị Minh Ngọc",
                "Chuyên viên Phòng Dân vận",
                "Ban Tuyên giáo và Dân vận Tỉnh ủy",
            ),
            ("THU_KY", "Đặng Thị Lan", "Chuyên viên Phòng Dân vận", "Tỉnh ủy Nghệ An"),
        ),
    },
    {
        "key": "tong-ket-gd-2021-2025",
        "owner": "province",
        "organizer": "province",
        "flow": "submit",
        "type": "TONG_KET",
        "report_period": "GIAI_DOAN",
        "title": "Hội nghị tổng kết phong trào thi đua “Dân vận khéo” giai đoạn 2021 - 2025, biểu "
        "dương các mô hình, điển hình tiêu biểu",
        "format": "KET_HOP",
        "start_at": "2025-12-16T08:00",
        "end_at": "2025-12-16T11:30",
        "part_of_day": "SANG",
        "location": "Hội trường Tỉnh ủy Nghệ An",
        "sites": (
            ("Điểm cầu chính: Hội trường Tỉnh ủy", "province", "Nguyễn Văn Thành"),
            ("Điểm cầu xã Nậm Cắn", "nam_can", "Lữ Văn Hùng"),
            ("Điểm cầu xã Mường Xén", "muong_xen", None),
            ("Điểm cầu xã Tam Quang", "tam_quang", None),
        ),
        "planned_count": 450,
        "actual_count": 420,
        "audience": ["CAP_UY", "CHINH_QUYEN", "MTTQ_DOAN_THE", "CAN_BO_DV"],
        "content_summary": "Đánh giá 5 năm thực hiện phong trào thi đua “Dân vận khéo” theo "
        "Chỉ thị 05-CT/TU ngày 23/5/2021 của Ban Thường vụ Tỉnh ủy; số mô hình, điển hình theo "
        "4 lĩnh vực; những cách làm hay ở vùng biên giới, vùng đồng bào dân tộc thiểu số; hạn "
        "chế trong nhân rộng mô hình giải phóng mặt bằng, giảm nghèo. Biểu dương các tập thể, "
        "cá nhân tiêu biểu.",
        "conclusion": "Năm 2026 gắn phong trào với nhiệm vụ của chính quyền địa phương hai cấp; "
        "mỗi xã, phường có ít nhất một mô hình “Dân vận khéo” trong chuyển đổi số.",
        "speeches_count": 9,
        "attendees": (
            (
                "CHU_TRI",
                "Nguyễn Văn Thành",
                "Phó Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo phong trào thi đua “Dân vận khéo” tỉnh",
                "Tỉnh ủy Nghệ An",
            ),
            (
                "DONG_CHU_TRI",
                "Trần Văn Quang",
                "Phó Trưởng ban Tuyên giáo và Dân vận Tỉnh ủy",
                "Tỉnh ủy Nghệ An",
            ),
            ("THAM_LUAN", "Lữ Văn Hùng", "Phó Bí thư Đảng ủy xã", "Đảng ủy xã Nậm Cắn"),
            (
                "DAI_BIEU",
                "Lương Văn Khánh",
                "Phó Bí thư Đảng ủy xã",
                "Đảng ủy xã Tam Quang",
                {"attendance": "VANG_CO_LY_DO", "absent_reason": "Đi công tác tại bản vùng sâu"},
            ),
            ("THU_KY", "Đặng Thị Lan", "Chuyên viên Phòng Dân vận", "Tỉnh ủy Nghệ An"),
        ),
        "models": (
            "tuyen-pho-kim-tan",
            "tai-hoa-nhap-cong-dong",
            "to-tu-quan-duong-bien",
            "ket-nghia-ban-ban",
            "vuon-mau-ntm",
        ),
    },
    {
        "key": "giao-ban-tinh-quy-3-2026",
        "owner": "province",
        "organizer": "province",
        "flow": None,
        "type": "GIAO_BAN",
        "title": "Giao ban công tác dân vận quý III năm 2026",
        "format": "TRUC_TIEP",
        "start_at": "2026-10-08T14:00",
        "end_at": "2026-10-08T16:30",
        "part_of_day": "CHIEU",
        "location": "Phòng họp Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "actual_count": 24,
        "audience": ["CAN_BO_DV", "MTTQ_DOAN_THE"],
        "content_summary": "Các đơn vị báo cáo tình hình nhân dân, kết quả phong trào “Dân vận "
        "khéo” quý III; tiến độ cập nhật mô hình lên ứng dụng của các xã biên giới; chuẩn bị "
        "các hoạt động kỷ niệm Ngày truyền thống công tác dân vận 15/10.",
        "attendees": (
            (
                "CHU_TRI",
                "Trần Văn Quang",
                "Phó Trưởng ban Tuyên giáo và Dân vận Tỉnh ủy",
                "Tỉnh ủy Nghệ An",
            ),
            ("DAI_BIEU", None, "Đại diện lãnh đạo", "Ủy ban MTTQ tỉnh"),
            ("DAI_BIEU", None, "Đại diện lãnh đạo", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"),
            ("THU_KY", "Hoàng Thị Minh Ngọc", "Chuyên viên Phòng Dân vận", "Tỉnh ủy Nghệ An"),
        ),
    },
    {
        "key": "toa-dam-thai-hoa-2025",
        "owner": "thai_hoa",
        "organizer": "thai_hoa",
        "flow": "approve",
        "type": "TOA_DAM",
        "title": "Tọa đàm đổi mới, nâng cao chất lượng, hiệu quả phong trào thi đua “Dân vận "
        "khéo” trên địa bàn phường năm 2025",
        "format": "TRUC_TIEP",
        "start_at": "2025-08-12T08:00",
        "end_at": "2025-08-12T11:00",
        "part_of_day": "SANG",
        "location": "Hội trường Đảng ủy phường Thái Hòa",
        "actual_count": 70,
        "count_is_approx": True,
        "speeches_count": 10,
        "audience": ["CAP_UY", "MTTQ_DOAN_THE", "CAN_BO_DV"],
        "content_summary": "Gần 10 ý kiến phát biểu tập trung vào: liên kết bảo đảm an ninh trật "
        "tự và vận động nhân dân làm tốt giải phóng mặt bằng các dự án; kết quả mô hình “Chính "
        "quyền thân thiện, vì Nhân dân phục vụ”; vận động hỗ trợ xây nhà cho gia đình có hoàn "
        "cảnh đặc biệt khó khăn; bảo đảm an toàn giao thông ở cổng trường học; nhân rộng câu "
        "lạc bộ dân vũ và các tuyến phố văn minh.",
        "conclusion": "Rà soát, đánh giá, nâng cấp và nhân rộng các mô hình tiêu biểu; xây dựng "
        "mô hình phải thiết thực, hiệu quả, gắn tiêu chí của mô hình với nhiệm vụ của từng cơ "
        "quan, đơn vị; định kỳ đánh giá, rút kinh nghiệm.",
        "attendees": (
            (
                "CHU_TRI",
                "Phan Thị Thu Hà",
                "Phó Bí thư Thường trực Đảng ủy phường, Trưởng Ban Chỉ đạo phong trào thi đua "
                "“Dân vận khéo” phường",
                "Đảng ủy phường Thái Hòa",
            ),
            (
                "DAI_BIEU",
                "Trần Văn Quang",
                "Phó Trưởng ban Tuyên giáo và Dân vận Tỉnh ủy",
                "Tỉnh ủy Nghệ An",
            ),
            ("DAI_BIEU", "Nguyễn Đình Tứ", "Chủ tịch Ủy ban MTTQ phường", "Ủy ban MTTQ phường"),
            (
                "THU_KY",
                "Nguyễn Thị Thanh Hương",
                "Chuyên viên Ban Xây dựng Đảng",
                "Đảng ủy phường Thái Hòa",
            ),
        ),
        "models": ("tuyen-pho-kim-tan", "ocop-ban-hang-truc-tuyen"),
    },
    {
        "key": "tong-ket-thai-hoa-2025",
        "owner": "thai_hoa",
        "organizer": "thai_hoa",
        "flow": "return",
        "comment": "Đề nghị bổ sung biên bản hội nghị và danh sách tập thể, cá nhân được biểu "
        "dương.",
        "type": "TONG_KET",
        "report_period": "NAM",
        "title": "Hội nghị tổng kết phong trào thi đua “Dân vận khéo” năm 2025, biểu dương các "
        "mô hình, điển hình tiêu biểu",
        "format": "TRUC_TIEP",
        "start_at": "2026-01-09T14:00",
        "end_at": "2026-01-09T17:00",
        "part_of_day": "CHIEU",
        "location": "Nhà văn hóa khối Kim Tân",
        "actual_count": 120,
        "audience": ["CAP_UY", "MTTQ_DOAN_THE", "NHAN_DAN"],
        "content_summary": "Tổng kết phong trào năm 2025, năm đầu vận hành chính quyền địa "
        "phương hai cấp; đánh giá các mô hình trên 4 lĩnh vực, nhất là “Tuyến phố văn minh”, "
        "“Tái hòa nhập cộng đồng” và các điển hình cá nhân ở địa bàn đông đồng bào Công giáo.",
        "outcomes": "Biểu dương 6 tập thể, 4 cá nhân điển hình “Dân vận khéo” năm 2025.",
        "attendees": (
            (
                "CHU_TRI",
                "Phan Thị Thu Hà",
                "Phó Bí thư Thường trực Đảng ủy phường",
                "Đảng ủy phường Thái Hòa",
            ),
            ("DAI_BIEU", "Nguyễn Phong Lưu", "Xóm trưởng xóm 3", None),
            ("DAI_BIEU", "Vũ Thị Huyền", "Bí thư chi bộ xóm 3", None),
            (
                "THU_KY",
                "Nguyễn Thị Thanh Hương",
                "Chuyên viên Ban Xây dựng Đảng",
                "Đảng ủy phường Thái Hòa",
            ),
        ),
        "models": (
            "tuyen-pho-kim-tan",
            "tai-hoa-nhap-cong-dong",
            "vu-thi-huyen",
            "nguyen-phong-luu",
        ),
    },
    {
        "key": "giao-ban-bien-gioi-quy-3-2026",
        "owner": "nam_can",
        "organizer": "nam_can",
        "flow": "submit",
        "type": "GIAO_BAN",
        "title": "Giao ban quý III năm 2026 giữa xã Nậm Cắn và các bản giáp biên huyện Noọng "
        "Hét, tỉnh Xiêng Khoảng (Lào)",
        "format": "TRUC_TIEP",
        "start_at": "2026-09-25T08:30",
        "end_at": "2026-09-25T11:30",
        "part_of_day": "SANG",
        "location": "Trạm Kiểm soát Biên phòng cửa khẩu quốc tế Nậm Cắn",
        "actual_count": 32,
        "audience": ["CAP_UY", "CHINH_QUYEN", "LLVT", "DTTS"],
        "content_summary": "Hai bên trao đổi tình hình người qua lại biên giới, phòng chống ma "
        "túy và mua bán người, dịch bệnh gia súc; kết quả kết nghĩa bản – bản; việc bảo vệ "
        "mốc giới mùa mưa; hỗ trợ học sinh phía bạn học tiếng Việt.",
        "outcomes": "Thống nhất kế hoạch tuần tra song phương quý IV; trao đổi đường dây nóng "
        "giữa hai bên; tổ chức giao lưu văn nghệ dịp Tết cổ truyền.",
        "attendees": (
            ("DONG_CHU_TRI", "Lữ Văn Hùng", "Phó Bí thư Đảng ủy xã", "Đảng ủy xã Nậm Cắn"),
            (
                "DONG_CHU_TRI",
                "Bun Mi Xay Nha Vông",
                "Phó Chủ tịch huyện",
                "Chính quyền huyện Noọng Hét, tỉnh Xiêng Khoảng (Lào)",
            ),
            (
                "DAI_BIEU",
                "Hà Văn Sáng",
                "Chính trị viên",
                "Đồn Biên phòng cửa khẩu quốc tế Nậm Cắn",
            ),
            ("KHACH_MOI", "Khăm Phăn", "Trưởng bản", "Bản giáp biên, huyện Noọng Hét (Lào)"),
            (
                "THU_KY",
                "Moong Thị Xuân",
                "Công chức Văn phòng Đảng ủy xã",
                "Đảng ủy xã Nậm Cắn",
                {"ethnicity": "Khơ mú", "gender": "NU"},
            ),
        ),
        "models": ("ket-nghia-ban-ban", "to-tu-quan-duong-bien"),
    },
    {
        "key": "ky-ket-bien-phong-2025",
        "owner": "nam_can",
        "organizer": "nam_can",
        "flow": "approve",
        "type": "KY_KET",
        "title": "Ký kết quy chế phối hợp thực hiện công tác dân vận giữa Đảng ủy xã Nậm Cắn và "
        "Đảng ủy Đồn Biên phòng cửa khẩu quốc tế Nậm Cắn giai đoạn 2025 - 2030",
        "format": "TRUC_TIEP",
        "start_at": "2025-10-15T08:00",
        "end_at": "2025-10-15T10:30",
        "part_of_day": "SANG",
        "location": "Hội trường Đảng ủy xã Nậm Cắn",
        "actual_count": 40,
        "audience": ["CAP_UY", "LLVT", "MTTQ_DOAN_THE"],
        "content_summary": "Nhân kỷ niệm 95 năm Ngày truyền thống công tác dân vận (15/10/1930 – "
        "15/10/2025), hai đảng ủy thống nhất nội dung phối hợp: nắm tình hình nhân dân vùng "
        "biên, vận động đồng bào giữ gìn đường biên, mốc giới, xây dựng và nhân rộng mô hình "
        "“Dân vận khéo”, giúp đồng bào phát triển sản xuất.",
        "outcomes": "Ký quy chế phối hợp giai đoạn 2025 - 2030; phân công cán bộ biên phòng phụ "
        "trách 6 bản.",
        "attendees": (
            ("DONG_CHU_TRI", "Và Bá Chống", "Bí thư Đảng ủy xã", "Đảng ủy xã Nậm Cắn"),
            (
                "DONG_CHU_TRI",
                "Hà Văn Sáng",
                "Bí thư Đảng ủy, Chính trị viên",
                "Đồn Biên phòng cửa khẩu quốc tế Nậm Cắn",
            ),
            ("DAI_BIEU", "Lữ Văn Hùng", "Phó Bí thư Đảng ủy xã", "Đảng ủy xã Nậm Cắn"),
            (
                "THU_KY",
                "Moong Thị Xuân",
                "Công chức Văn phòng Đảng ủy xã",
                "Đảng ủy xã Nậm Cắn",
            ),
        ),
        "models": ("ket-nghia-ban-ban", "to-tu-quan-duong-bien"),
    },
    {
        "key": "so-ket-nam-can-6-thang-2026",
        "owner": "nam_can",
        "organizer": "nam_can",
        "flow": None,
        "type": "SO_KET",
        "report_period": "6_THANG",
        "title": "Sơ kết phong trào thi đua “Dân vận khéo” 6 tháng đầu năm 2026, triển khai "
        "nhiệm vụ 6 tháng cuối năm",
        "format": "TRUC_TIEP",
        "start_at": "2026-07-10T14:00",
        "part_of_day": "CHIEU",
        "location": "Hội trường Đảng ủy xã Nậm Cắn",
        "actual_count": 55,
        "audience": ["CAP_UY", "MTTQ_DOAN_THE", "LLVT"],
        "content_summary": "Đánh giá các mô hình đang xây dựng: tổ hợp tác dệt thổ cẩm, lớp "
        "xóa mù chữ cho phụ nữ Mông, tổ tự quản đường biên, mốc giới; những khó khăn khi bản "
        "ở xa, sóng điện thoại yếu, cán bộ phải ghi chép trên máy rồi đồng bộ khi về xã.",
        "attendees": (
            ("CHU_TRI", "Và Bá Chống", "Bí thư Đảng ủy xã", "Đảng ủy xã Nậm Cắn"),
            ("THU_KY", "Moong Thị Xuân", "Công chức Văn phòng Đảng ủy xã", "Đảng ủy xã Nậm Cắn"),
        ),
        "models": ("det-tho-cam", "xoa-mu-chu", "to-tu-quan-duong-bien"),
    },
    {
        "key": "doi-thoai-nam-dan-2025",
        "owner": "nam_dan",
        "organizer": "nam_dan",
        "flow": "approve",
        "type": "DOI_THOAI",
        "title": "Hội nghị đối thoại giữa Bí thư Đảng ủy, Chủ tịch UBND xã với Nhân dân về giải "
        "phóng mặt bằng và xây dựng nông thôn mới",
        "format": "TRUC_TIEP",
        "start_at": "2025-11-20T08:00",
        "end_at": "2025-11-20T11:30",
        "part_of_day": "SANG",
        "location": "Nhà văn hóa xóm 7",
        "planned_count": 120,
        "actual_count": 125,
        "speeches_count": 14,
        "audience": ["NHAN_DAN", "CAP_UY", "CHINH_QUYEN"],
        "content_summary": "14 lượt ý kiến của người dân về giá bồi thường, tái định cư, tiến độ "
        "làm đường, việc cấp giấy chứng nhận quyền sử dụng đất sau khi hiến đất; lãnh đạo xã "
        "trả lời trực tiếp những nội dung thuộc thẩm quyền.",
        "conclusion": "Giao UBND xã trả lời bằng văn bản các kiến nghị về giá bồi thường trong "
        "15 ngày; hoàn thành cấp đổi giấy chứng nhận cho các hộ hiến đất trong quý I/2026; công "
        "khai kết quả giải quyết tại nhà văn hóa xóm.",
        "attendees": (
            ("CHU_TRI", "Nguyễn Văn Hòa", "Bí thư Đảng ủy xã", "Đảng ủy xã Nam Đàn"),
            ("DONG_CHU_TRI", "Phan Đình Tuấn", "Chủ tịch UBND xã", "UBND xã Nam Đàn"),
            ("NGUOI_DAN", "Trần Thị Lý", "Người dân xóm 7", None),
            ("NGUOI_DAN", "Hồ Sỹ Tâm", "Người dân xóm 8", None),
            ("THU_KY", "Nguyễn Thị Mai", "Công chức Văn phòng Đảng ủy xã", "Đảng ủy xã Nam Đàn"),
        ),
        "models": ("gpmb-du-an", "doi-thoai-bi-thu"),
    },
    {
        "key": "trao-doi-kn-ong-de-2024",
        "owner": "tay_hieu",
        "organizer": "tay_hieu",
        "co_organizers": ("tam_quang",),
        "flow": "approve",
        "type": "TRAO_DOI_KN",
        "title": "Trao đổi kinh nghiệm xây dựng mô hình nuôi ong lấy mật, nuôi dê thương phẩm",
        "format": "TRUC_TIEP",
        "start_at": "2024-05-17T08:00",
        "end_at": "2024-05-17T11:00",
        "part_of_day": "SANG",
        "location": "Trang trại của tổ hợp tác, khối Phú Tân",
        "actual_count": 42,
        "audience": ["NHAN_DAN", "MTTQ_DOAN_THE", "DTTS"],
        "content_summary": "Hội viên nông dân vùng cao tham quan trại ong, chuồng dê; tổ hợp tác "
        "chia sẻ cách chọn giống, phòng bệnh, cách “hộ làm trước dẫn hộ làm sau” và cho mượn "
        "đàn ong giống.",
        "outcomes": "Tổ hợp tác tặng 20 đàn ong giống cho 10 hộ nghèo bản Na Xai, xã Tam Quang.",
        "attendees": (
            ("CHU_TRI", "Đậu Văn Cường", "Chủ tịch Hội Nông dân", "Hội Nông dân Tây Hiếu"),
            ("DAI_BIEU", "Lương Văn Khánh", "Phó Bí thư Đảng ủy xã", "Đảng ủy xã Tam Quang"),
            ("THU_KY", "Hồ Thị Nga", "Cán bộ Hội Nông dân", "Hội Nông dân Tây Hiếu"),
        ),
        "models": ("ong-de-phu-tan",),
    },
    {
        "key": "tap-huan-muong-xen-2025",
        "owner": "muong_xen",
        "organizer": "muong_xen",
        "flow": "submit",
        "type": "TAP_HUAN",
        "title": "Tập huấn kỹ năng dân vận cho trưởng bản, bí thư chi bộ và người có uy tín",
        "format": "TRUC_TIEP",
        "start_at": "2025-12-05T07:30",
        "end_at": "2025-12-05T16:30",
        "part_of_day": "CA_NGAY",
        "location": "Hội trường UBND xã Mường Xén",
        "planned_count": 90,
        "actual_count": 85,
        "audience": ["CAN_BO_DV", "DTTS"],
        "content_summary": "Kỹ năng nắm tình hình nhân dân, tuyên truyền bằng tiếng dân tộc, hòa "
        "giải ở cơ sở; kinh nghiệm của cán bộ biên phòng tăng cường về xã trong vận động đồng "
        "bào bỏ du canh, nuôi nhốt gia súc.",
        "attendees": (
            ("CHU_TRI", "Lầu Bá Giống", "Bí thư Đảng ủy xã", "Đảng ủy xã Mường Xén"),
            (
                "BAO_CAO_VIEN",
                "Vi Văn Thịnh",
                "Phó Bí thư Đảng ủy xã",
                "Đảng ủy xã Mường Xén",
                {"ethnicity": "Thái", "gender": "NAM"},
            ),
            ("THU_KY", "Lô Thị Hoa", "Công chức Văn phòng Đảng ủy xã", "Đảng ủy xã Mường Xén"),
        ),
        "models": ("bo-nhot-chuong", "bien-phong-pho-bi-thu"),
    },
    {
        "key": "toa-dam-tam-quang-2026",
        "owner": "tam_quang",
        "organizer": "tam_quang",
        "flow": None,
        "type": "TOA_DAM",
        "title": "Tọa đàm “Già làng, trưởng bản với công tác giữ rừng đầu nguồn”",
        "format": "TRUC_TIEP",
        "start_at": "2026-04-14T08:00",
        "part_of_day": "SANG",
        "location": "Nhà văn hóa bản Na Xai",
        "actual_count": 50,
        "count_is_approx": True,
        "audience": ["DTTS", "NHAN_DAN"],
        "content_summary": "Già làng, trưởng bản chia sẻ cách đưa việc giữ rừng vào hương ước, "
        "vận động con cháu không phát rừng làm rẫy; kết quả trồng quế của chi đoàn bản Na Xai.",
        "attendees": (
            ("CHU_TRI", "Lương Văn Khánh", "Phó Bí thư Đảng ủy xã", "Đảng ủy xã Tam Quang"),
            ("THAM_LUAN", "Vi Văn Pằn", "Già làng bản Na Xai", None, {"ethnicity": "Thái"}),
            ("THU_KY", "Lô Văn Tuấn", "Công chức Văn phòng Đảng ủy xã", "Đảng ủy xã Tam Quang"),
        ),
        "models": ("trong-que-tam-quang",),
    },
    {
        "key": "trien-khai-tay-hieu-2026",
        "owner": "tay_hieu",
        "organizer": "tay_hieu",
        "flow": "approve",
        "type": "HOI_NGHI",
        "title": "Hội nghị triển khai phong trào thi đua “Dân vận khéo” năm 2026",
        "format": "TRUC_TIEP",
        "start_at": "2026-03-05T14:00",
        "end_at": "2026-03-05T16:30",
        "part_of_day": "CHIEU",
        "location": "Hội trường Đảng ủy phường Tây Hiếu",
        "planned_count": 80,
        "actual_count": 76,
        "audience": ["CAP_UY", "MTTQ_DOAN_THE"],
        "content_summary": "Triển khai kế hoạch phong trào năm 2026; giao mỗi khối đăng ký ít "
        "nhất một mô hình; hướng dẫn ghi chép mô hình và hội nghị trên ứng dụng Sổ tay Dân vận.",
        "attendees": (
            ("CHU_TRI", "Thái Văn Bình", "Phó Bí thư Đảng ủy phường", "Đảng ủy phường Tây Hiếu"),
            ("THU_KY", "Hồ Thị Nga", "Cán bộ Hội Nông dân", "Hội Nông dân Tây Hiếu"),
        ),
        "models": ("chu-nhat-xanh", "camera-an-ninh"),
    },
)

# Keys that steer the loader and are not fields of the record.
MODEL_META = ("key", "commune", "flow", "comment", "replicated_from")
MEETING_META = ("key", "owner", "organizer", "co_organizers", "flow", "comment", "models")


@dataclass
class Tally:
    """What one run did, for the console summary."""

    lines: list[str] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)


def record_id(kind: str, key: str) -> str:
    """Return the fixed UUID of a demo record."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def _number(value: int) -> str:
    """Format a count the Vietnamese way: 3.321."""
    return f"{value:,}".replace(",", ".")


def _ensure_units(session: Session, tally: Tally) -> Unit:
    """Import the official units if Nghệ An is missing; return the province."""
    province = session.scalar(select(Unit).where(Unit.code == PROVINCE_CODE))
    if province is None:
        result = import_official_units(session)
        tally.lines.append(
            f"Đơn vị hành chính: đã nạp {result.provinces} tỉnh/thành và "
            f"{_number(result.communes)} xã/phường/đặc khu (dữ liệu {result.data_version})."
        )
        province = session.scalar(select(Unit).where(Unit.code == PROVINCE_CODE))
    else:
        tally.lines.append("Đơn vị hành chính: đã có sẵn, không nạp lại.")
    return province


def _pick_communes(session: Session, province: Unit, tally: Tally) -> dict[str, Unit]:
    """Find the demo communes by name, falling back to the province's first communes."""
    communes = list(
        session.scalars(
            select(Unit)
            .where(Unit.parent_id == province.id, Unit.level == "XA")
            .order_by(Unit.code)
        )
    )
    if not communes:
        raise RuntimeError(f"{province.name} chưa có xã, phường nào: hãy chạy `flask units import`")
    picked: dict[str, Unit] = {}
    missing = []
    for key, wanted, _border in COMMUNES:
        match = next((u for u in communes if u.name.endswith(" " + wanted)), None)
        if match is None:
            missing.append((key, wanted))
        else:
            picked[key] = match
    # A unit tree without these names still gets demo data, on whatever communes it has.
    spare = [u for u in communes if u not in picked.values()] or communes
    for index, (key, wanted) in enumerate(missing):
        picked[key] = spare[index % len(spare)]
        tally.lines.append(f"Không thấy xã/phường “{wanted}”; dùng {picked[key].name} thay thế.")
    found = ", ".join(
        f"{picked[key].name} ({picked[key].code}{', biên giới' if border else ''})"
        for key, _wanted, border in COMMUNES
    )
    tally.lines.append(f"Tỉnh: {province.name} (mã {province.code}); xã/phường demo: {found}.")
    return picked


def _mark_border(session: Session, communes: dict[str, Unit]) -> None:
    """Flag the border communes, through the unit service so phones pull the change."""
    for key, _wanted, border in COMMUNES:
        unit = communes[key]
        if border and not unit.is_border:
            update_unit(session, unit, actor=None, device=None, data={"is_border": True})


def _ensure_users(session: Session, units: dict[str, Unit], tally: Tally) -> dict[str, User]:
    """Create the demo accounts that do not exist yet; return all of them by user name."""
    users: dict[str, User] = {}
    tally.lines.append(f"Tài khoản demo (mật khẩu: {DEMO_PASSWORD}):")
    for username, full_name, position, role, unit_key, described in USERS:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                position=position,
                unit=units[unit_key],
                roles=[role],
                active=True,
                password_hash=hash_password(DEMO_PASSWORD),
            )
            session.add(user)
            tally.created["users"] += 1
            state = "tạo mới"
        else:
            tally.existing["users"] += 1
            state = "đã có, giữ nguyên mật khẩu"
        users[username] = user
        tally.lines.append(
            f"  {username} — {described}: {user.full_name} ({user.position or '—'}), "
            f"{user.unit.name} [{state}]"
        )
    session.commit()
    return users


def _metrics(rows) -> list[dict]:
    return [{"metric": name, "value": value, "unit": unit} for name, value, unit in rows]


def _model_payload(item: dict, units: dict[str, Unit]) -> dict:
    """Turn a DEMO_MODELS entry into the payload a phone would send."""
    commune = units[item["commune"]]
    body = {k: v for k, v in item.items() if k not in MODEL_META}
    body.update(
        id=record_id("model", item["key"]),
        owner_unit_id=commune.id,
        commune_unit_id=commune.id,
        metrics=_metrics(item["metrics"]),
    )
    if item.get("replicated_from"):
        body["replicated_from_id"] = record_id("model", item["replicated_from"])
    return body


def _attendee(row: tuple) -> dict:
    role, full_name, position, org_name, *extra = row
    person = {"role": role, "full_name": full_name, "position": position, "org_name": org_name}
    for more in extra:
        person.update(more)
    return {k: v for k, v in person.items() if v is not None}


def _meeting_payload(item: dict, units: dict[str, Unit]) -> dict:
    """Turn a DEMO_MEETINGS entry into the payload a phone would send."""
    body = {k: v for k, v in item.items() if k not in MEETING_META}
    body.update(
        id=record_id("meeting", item["key"]),
        owner_unit_id=units[item["owner"]].id,
        organizer_unit_id=units[item["organizer"]].id,
        co_organizer_ids=[units[k].id for k in item.get("co_organizers", ()) if k in units],
        attendees=[_attendee(row) for row in item["attendees"]],
        linked_model_ids=[record_id("model", k) for k in item.get("models", ())],
    )
    if "sites" in item:
        body["sites"] = [
            {"name": name, "unit_id": units[key].id, "chair": chair}
            for name, key, chair in item["sites"]
        ]
    return body


def _author(users: dict[str, User], unit_key: str) -> User:
    return users[AUTHORS.get(unit_key, AUTHOR_FALLBACK)]


def _run_flow(
    session: Session, table: RecordTable, record, item: dict, author: User, reviewer: User
) -> None:
    """Take the record through its workflow: submit, then approve or return."""
    flow = item.get("flow")
    if flow is None:
        return
    service.review(
        session,
        table,
        record,
        action="submit",
        based_on=record.version,
        comment=None,
        actor=author,
        device=None,
    )
    if flow in ("approve", "return"):
        # A reviewer decides on the version they read, so the step names the current one.
        service.review(
            session,
            table,
            record,
            action=flow,
            based_on=record.version,
            comment=item.get("comment"),
            actor=reviewer,
            device=None,
        )


def _ensure_records(
    session: Session,
    table: RecordTable,
    items: tuple,
    payload,
    unit_key: str,
    users: dict[str, User],
    tally: Tally,
) -> list:
    """Create the records that do not exist yet and run their workflow; return all of them."""
    records = []
    for item in items:
        body = payload(item)
        record = service.find(session, table, body["id"])
        if record is None:
            author = _author(users, item[unit_key])
            record = service.create(session, table, body, actor=author, device=None).record
            _run_flow(session, table, record, item, author, users[REVIEWER])
            tally.created[table.name] += 1
        else:
            tally.existing[table.name] += 1
        records.append(record)
    return records


def _summarize(models: list, meetings: list, tally: Tally) -> None:
    """Append the record counts by field and by review status."""
    by_field = Counter(m.field for m in models)
    fields = ", ".join(f"{FIELD[code][0]} {by_field[code]}" for code in FIELD)
    tally.lines.append(
        f"Mô hình, điển hình: tạo mới {tally.created['models']}, đã có "
        f"{tally.existing['models']} — {fields}."
    )
    tally.lines.append(
        f"Hội nghị, hoạt động: tạo mới {tally.created['meetings']}, đã có "
        f"{tally.existing['meetings']}."
    )
    by_status = Counter(r.review_status for r in (*models, *meetings))
    statuses = ", ".join(
        f"{label} {by_status[code]}"
        for code, (label, _en) in REVIEW_STATUS.items()
        if by_status[code]
    )
    tally.lines.append(f"Trạng thái duyệt: {statuses}.")
    if not sum(tally.created.values()):
        tally.lines.append("Không tạo thêm gì: dữ liệu demo đã có đủ từ lần chạy trước.")
    tally.lines.append(
        f"Đăng nhập bằng một tài khoản ở trên; {REVIEWER} có {by_status['CHO_DUYET']} bản ghi "
        "chờ duyệt."
    )


def load_demo(session: Session) -> list[str]:
    """Create demo units, accounts and records once; return the console summary."""
    tally = Tally()
    province = _ensure_units(session, tally)
    communes = _pick_communes(session, province, tally)
    _mark_border(session, communes)
    units = {
        "root": ensure_root(session),
        "province": province,
        **communes,
    }
    for key, code in NEIGHBOUR_CODES.items():
        neighbour = session.scalar(select(Unit).where(Unit.code == code))
        if neighbour is not None:
            units[key] = neighbour
    users = _ensure_users(session, units, tally)
    models = _ensure_records(
        session,
        MODELS,
        DEMO_MODELS,
        lambda item: _model_payload(item, units),
        "commune",
        users,
        tally,
    )
    meetings = _ensure_records(
        session,
        MEETINGS,
        DEMO_MEETINGS,
        lambda item: _meeting_payload(item, units),
        "owner",
        users,
        tally,
    )
    session.commit()
    _summarize(models, meetings, tally)
    return tally.lines
