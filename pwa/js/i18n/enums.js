// Enumeration codes and their [Vietnamese, English] labels, copied from server/enums.py so the
// app works offline. tests/browser/test_enums_copy.py keeps this copy equal to the server's.
// The object between the markers is plain JSON: keep it that way.

/** @typedef {Record<string, [string, string]>} EnumLabels */
/** @type {Record<string, EnumLabels>} */
export const ENUMS = /* JSON */ {
 "unit_level": {
  "TRUNG_UONG": ["Trung ương", "Central"],
  "TINH": ["Tỉnh/Thành phố", "Province"],
  "HUYEN": ["Huyện/Thị xã/Thành phố thuộc tỉnh", "District (legacy)"],
  "TRUNG_GIAN": ["Văn phòng trung gian", "Intermediate office"],
  "XA": ["Xã/Phường/Đặc khu", "Commune"],
  "THON": ["Thôn/Xóm/Bản/Tổ dân phố", "Hamlet"]
 },
 "unit_type": {
  "BAN_DAN_VAN": ["Ban Dân vận", "Mass Mobilization Committee"],
  "BAN_TG_DV": ["Ban Tuyên giáo và Dân vận", "Propaganda and Mass Mobilization Committee"],
  "BCD_DVK": ["BCĐ phong trào thi đua DVK", "DVK steering committee"],
  "CAP_UY": ["Cấp ủy", "Party committee"],
  "CHINH_QUYEN": ["Chính quyền", "Government"],
  "MTTQ": ["Mặt trận Tổ quốc", "Fatherland Front"],
  "DOAN_THE": ["Đoàn thể chính trị - xã hội", "Socio-political organization"],
  "LLVT": ["Lực lượng vũ trang", "Armed forces"],
  "CO_QUAN": ["Cơ quan", "Agency"]
 },
 "admin_kind": {
  "TINH": ["Tỉnh", "Province"],
  "THANH_PHO_TW": ["Thành phố trực thuộc Trung ương", "Centrally governed city"],
  "HUYEN": ["Huyện", "District"],
  "THI_XA": ["Thị xã", "Town"],
  "THANH_PHO_THUOC_TINH": ["Thành phố thuộc tỉnh", "Provincial city"],
  "QUAN": ["Quận", "Urban district"],
  "XA": ["Xã", "Commune"],
  "PHUONG": ["Phường", "Ward"],
  "THI_TRAN": ["Thị trấn", "Township"],
  "DAC_KHU": ["Đặc khu", "Special zone"]
 },
 "role": {
  "CAN_BO_NHAP": ["Cán bộ cơ sở (nhập liệu)", "Field officer"],
  "CHUYEN_VIEN": ["Chuyên viên tổng hợp", "Analyst"],
  "LANH_DAO_DUYET": ["Lãnh đạo duyệt", "Reviewer"],
  "QUAN_TRI": ["Quản trị hệ thống", "Administrator"],
  "XEM": ["Chỉ xem/Báo cáo", "Viewer"]
 },
 "review_status": {
  "NHAP": ["Bản nháp", "Draft"],
  "CHO_DUYET": ["Chờ duyệt", "Submitted"],
  "DA_DUYET": ["Đã duyệt", "Approved"],
  "TRA_LAI": ["Bị trả lại", "Returned"],
  "HUY": ["Đã hủy", "Cancelled"]
 },
 "model_kind": {
  "MO_HINH": ["Mô hình", "Model"],
  "DIEN_HINH": ["Điển hình", "Exemplar"]
 },
 "subject_type": {
  "TAP_THE": ["Tập thể", "Collective"],
  "CA_NHAN": ["Cá nhân", "Individual"]
 },
 "field": {
  "KINH_TE": ["Kinh tế", "Economy"],
  "VAN_HOA_XA_HOI": ["Văn hóa - xã hội", "Culture and society"],
  "QP_AN": ["Quốc phòng - an ninh", "Defence and security"],
  "XD_HTCT": ["Xây dựng hệ thống chính trị", "Building the political system"]
 },
 "model_status": {
  "DANG_KY": ["Đăng ký xây dựng", "Registered"],
  "DANG_XAY_DUNG": ["Đang xây dựng", "Being built"],
  "DANG_DUY_TRI": ["Đang duy trì", "Maintained"],
  "DA_NHAN_RONG": ["Đã nhân rộng", "Replicated"],
  "TAM_DUNG": ["Tạm dừng/Không còn hiệu quả", "Paused"]
 },
 "period": {
  "GD_2016_2020": ["Giai đoạn 2016–2020", "2016–2020"],
  "GD_2021_2025": ["Giai đoạn 2021–2025", "2021–2025"],
  "GD_2026_2030": ["Giai đoạn 2026–2030", "2026–2030"]
 },
 "gender": {
  "NAM": ["Nam", "Male"],
  "NU": ["Nữ", "Female"],
  "KHAC": ["Khác", "Other"]
 },
 "topic_tag": {
  "NTM": ["Nông thôn mới", "New rural development"],
  "GPMB": ["Giải phóng mặt bằng", "Land clearance"],
  "GIAM_NGHEO": ["Giảm nghèo", "Poverty reduction"],
  "DAN_TOC": ["Dân tộc", "Ethnic affairs"],
  "TON_GIAO": ["Tôn giáo", "Religion"],
  "BIEN_GIOI": ["Biên giới", "Border"],
  "MOI_TRUONG": ["Môi trường", "Environment"],
  "CCHC": ["Cải cách hành chính", "Administrative reform"],
  "ANTT": ["An ninh trật tự", "Public order"],
  "CHUYEN_DOI_SO": ["Chuyển đổi số", "Digital transformation"],
  "QCDC": ["Quy chế dân chủ ở cơ sở", "Grassroots democracy"]
 },
 "meeting_type": {
  "HOI_NGHI": ["Hội nghị", "Conference"],
  "TOA_DAM": ["Tọa đàm", "Round-table"],
  "TAP_HUAN": ["Tập huấn, bồi dưỡng", "Training"],
  "SO_KET": ["Sơ kết", "Interim review"],
  "TONG_KET": ["Tổng kết", "Final review"],
  "DOI_THOAI": ["Đối thoại", "Dialogue"],
  "GIAO_BAN": ["Giao ban", "Briefing"],
  "HOI_THAO": ["Hội thảo", "Workshop"],
  "TRAO_DOI_KN": ["Trao đổi kinh nghiệm", "Experience exchange"],
  "BIEU_DUONG": ["Biểu dương, tôn vinh", "Commendation"],
  "KY_KET": ["Ký kết phối hợp", "Coordination signing"],
  "KHAC": ["Khác", "Other"]
 },
 "meeting_format": {
  "TRUC_TIEP": ["Trực tiếp", "In person"],
  "TRUC_TUYEN": ["Trực tuyến", "Online"],
  "KET_HOP": ["Trực tiếp kết hợp trực tuyến", "Hybrid"]
 },
 "audience": {
  "CAN_BO_DV": ["Cán bộ dân vận", "Mass-mobilization officers"],
  "CAP_UY": ["Cấp ủy", "Party committees"],
  "CHINH_QUYEN": ["Chính quyền", "Government"],
  "MTTQ_DOAN_THE": ["MTTQ, đoàn thể", "Front and organizations"],
  "NHAN_DAN": ["Nhân dân", "The people"],
  "DTTS": ["Đồng bào dân tộc thiểu số", "Ethnic minorities"],
  "CHUC_SAC_TON_GIAO": ["Chức sắc tôn giáo", "Religious dignitaries"],
  "LLVT": ["Lực lượng vũ trang", "Armed forces"]
 },
 "report_period": {
  "6_THANG": ["6 tháng", "Six months"],
  "NAM": ["Năm", "Year"],
  "GIAI_DOAN": ["Giai đoạn", "Period"],
  "CHUYEN_DE": ["Chuyên đề", "Thematic"]
 },
 "attendee_role": {
  "CHU_TRI": ["Chủ trì", "Chair"],
  "DONG_CHU_TRI": ["Đồng chủ trì", "Co-chair"],
  "BAO_CAO_VIEN": ["Báo cáo viên", "Presenter"],
  "THU_KY": ["Thư ký", "Secretary"],
  "DAI_BIEU": ["Đại biểu", "Delegate"],
  "KHACH_MOI": ["Khách mời", "Guest"],
  "THAM_LUAN": ["Tham luận", "Contributor"],
  "NGUOI_DAN": ["Người dân", "Citizen"]
 },
 "attendance": {
  "CO_MAT": ["Có mặt", "Present"],
  "VANG_CO_LY_DO": ["Vắng (có lý do)", "Absent with reason"],
  "VANG": ["Vắng", "Absent"]
 },
 "recognition_stage": {
  "CONG_NHAN": ["Công nhận", "Recognised"],
  "TIEU_BIEU": ["Tiêu biểu", "Exemplary"],
  "DE_NGHI_KHEN": ["Đề nghị khen", "Proposed for commendation"],
  "KHEN": ["Khen thưởng", "Commended"]
 },
 "recognition_level": {
  "TOAN_QUOC": ["Toàn quốc", "National"],
  "TINH": ["Tỉnh", "Province"],
  "HUYEN": ["Huyện (trước 01/7/2025)", "District (legacy)"],
  "XA": ["Xã", "Commune"]
 },
 "recognition_form": {
  "BIEU_DUONG": ["Biểu dương", "Public praise"],
  "GIAY_KHEN": ["Giấy khen", "Certificate of merit"],
  "BANG_KHEN": ["Bằng khen", "Diploma of merit"],
  "KY_NIEM_CHUONG": ["Kỷ niệm chương", "Commemorative medal"],
  "KHAC": ["Khác", "Other"]
 },
 "inspection_kind": {
  "KIEM_TRA": ["Kiểm tra", "Inspection"],
  "GIAM_SAT": ["Giám sát", "Supervision"],
  "KHAO_SAT": ["Khảo sát", "Survey"]
 },
 "inspection_result": {
  "DAT": ["Đạt", "Satisfactory"],
  "CHUA_DAT": ["Chưa đạt", "Unsatisfactory"],
  "CAN_KHAC_PHUC": ["Cần khắc phục", "Needs remedy"]
 },
 "applies_to": {
  "MO_HINH": ["Mô hình", "Model"],
  "DIEN_HINH_TAP_THE": ["Điển hình tập thể", "Collective exemplar"],
  "DIEN_HINH_CA_NHAN": ["Điển hình cá nhân", "Individual exemplar"]
 },
 "rating": {
  "XUAT_SAC": ["Xuất sắc", "Excellent"],
  "TOT": ["Tốt", "Good"],
  "KHA": ["Khá", "Fair"],
  "DAT": ["Đạt", "Pass"],
  "CHUA_DAT": ["Chưa đạt", "Not yet passing"]
 },
 "proposal": {
  "DE_NGHI_CONG_NHAN": ["Đề nghị công nhận", "Propose recognition"],
  "DE_NGHI_KHEN": ["Đề nghị khen thưởng", "Propose commendation"],
  "DE_NGHI_NHAN_RONG": ["Đề nghị nhân rộng", "Propose replication"]
 },
 "attachment_kind": {
  "ANH": ["Ảnh", "Photo"],
  "BIEN_BAN": ["Biên bản", "Minutes"],
  "QUYET_DINH": ["Quyết định", "Decision"],
  "BAO_CAO": ["Báo cáo", "Report"],
  "DANH_SACH": ["Danh sách đại biểu", "List of delegates"],
  "KHAC": ["Khác", "Other"]
 }
} /* END */;
