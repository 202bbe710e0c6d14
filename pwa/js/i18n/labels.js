// Labels, Vietnamese first (DOMAIN.md §5), enum labels, and formats. The English labels are in
// labels-en.js, loaded on switching to English: a first load on 2G carries Vietnamese only.

import { ENUMS } from "./enums.js";

/** @type {Record<string, string[]>} key -> [vi] and, once English is loaded, [vi, en, en for one] */
export const LABELS = {
  app_name: ["Sổ tay Dân vận"],
  nav_home: ["Trang chủ"],
  nav_models: ["Mô hình, điển hình"],
  nav_meetings: ["Hội nghị, hoạt động"],
  nav_outbox: ["Chờ đồng bộ"],
  nav_settings: ["Cài đặt"],
  sign_in: ["Đăng nhập"],
  sign_out: ["Đăng xuất"],
  username: ["Tên đăng nhập"],
  password: ["Mật khẩu"],
  signing_in: ["Đang đăng nhập…"],
  sign_in_offline: ["Cần kết nối mạng để đăng nhập lần đầu."],
  signed_out_remotely: ["Phiên đăng nhập đã hết hiệu lực. Dữ liệu trên máy vẫn được giữ nguyên — vui lòng đăng nhập lại để đồng bộ."],
  other_user_pending: ["Máy này còn dữ liệu chưa đồng bộ của tài khoản {user}. Hãy đăng nhập bằng tài khoản đó."],
  hello: ["Xin chào, {name}"],
  sign_in_busy_wait: ["Máy chủ đang bận xử lý đăng nhập. Ứng dụng sẽ tự thử lại sau {n} giây…"],
  enrol_with_code: ["Kích hoạt bằng mã"],
  enrol_help: ["Quét mã QR hoặc gõ mã quản trị viên đưa cho bạn (12 ký tự, không phân biệt hoa thường)."],
  enrol_code: ["Mã kích hoạt"],
  enrol: ["Kích hoạt máy này"],
  scan_qr: ["Quét mã QR"],
  scan_failed: ["Không mở được camera để quét. Hãy gõ mã."],
  sign_in_password: ["Đăng nhập bằng mật khẩu"],
  reset_with_code: ["Đặt lại mật khẩu bằng mã"],
  reset_code: ["Mã đặt lại mật khẩu"],
  reset_password: ["Đặt mật khẩu mới"],
  reset_done: ["Đã đặt mật khẩu mới. Hãy đăng nhập."],
  new_password: ["Mật khẩu mới (ít nhất 8 ký tự)"],
  new_password_again: ["Nhập lại mật khẩu mới"],
  current_password: ["Mật khẩu hiện tại"],
  change_password: ["Đổi mật khẩu"],
  password_changed: ["Đã đổi mật khẩu."],
  password_short: ["Mật khẩu cần ít nhất 8 ký tự."],
  password_mismatch: ["Hai lần nhập mật khẩu mới không khớp."],
  online_only_action: ["Cần kết nối mạng để làm việc này."],
  synced: ["Đã đồng bộ"],
  pending_n: ["Chờ đồng bộ ({n})"],
  pending_records_n: ["{n} bản ghi có thay đổi chờ gửi lên máy chủ"],
  sync_err_network: ["Không kết nối được máy chủ (mạng yếu hoặc máy chủ tạm ngừng). Dữ liệu vẫn an toàn trên máy."],
  sync_err_server: ["Máy chủ đang gặp sự cố. Dữ liệu vẫn an toàn trên máy."],
  sync_err_local: ["Lỗi khi lưu dữ liệu đồng bộ trên máy. Dữ liệu đã nhập vẫn còn; ứng dụng sẽ thử lại."],
  sync_next_try: ["Tự thử lại lúc {at}"],
  sync_now_offline: ["Đang ngoại tuyến: chưa thể đồng bộ. Dữ liệu đã lưu trên máy và sẽ tự gửi khi có mạng."],
  syncing: ["Đang đồng bộ"],
  sync_error_retry: ["Đồng bộ lỗi – Thử lại"],
  sync_now: ["Đồng bộ ngay"],
  last_sync: ["Lần đồng bộ gần nhất: {at}"],
  never_synced: ["Chưa đồng bộ lần nào"],
  offline: ["Không có kết nối mạng (Ngoại tuyến)"],
  offline_short: ["Ngoại tuyến"],
  error_short: ["Lỗi đồng bộ"],
  saved_on_phone: ["Đã lưu trên máy"],
  sync_progress: ["Đã gửi {sent} thay đổi, nhận {received} bản ghi ({bytes})"],
  update_app: ["Ứng dụng đã cũ, máy chủ không nhận nữa. Vui lòng cập nhật ứng dụng."],
  count_models: ["Mô hình, điển hình"],
  count_meetings: ["Hội nghị, hoạt động"],
  returned_n: ["{n} bản ghi bị trả lại — cần bổ sung"],
  conflicts_n: ["{n} xung đột dữ liệu cần xử lý"],
  errors_n: ["{n} bản ghi lỗi đồng bộ"],
  add_model: ["Thêm mô hình"],
  add_meeting: ["Thêm hội nghị"],
  search: ["Tìm kiếm"],
  all: ["Tất cả"],
  show_more: ["Xem thêm ({n})"],
  no_records: ["Chưa có bản ghi nào"],
  no_match: ["Không tìm thấy bản ghi phù hợp"],
  n_records: ["{n} bản ghi"],
  filter_field: ["Lĩnh vực"],
  filter_status: ["Trạng thái"],
  filter_review: ["Trạng thái duyệt"],
  filter_type: ["Loại hội nghị"],
  needs_rework: ["Cần bổ sung"],
  save: ["Lưu"],
  edit: ["Sửa"],
  delete: ["Xóa"],
  confirm: ["Xác nhận"],
  agree: ["Đồng ý"],
  close: ["Đóng"],
  back: ["Quay lại"],
  submit: ["Gửi duyệt"],
  withdraw: ["Rút lại"],
  cancel_record: ["Hủy"],
  approve: ["Duyệt"],
  return: ["Trả lại"],
  reopen: ["Mở lại"],
  return_reason: ["Lý do trả lại"],
  leader_comment: ["Ý kiến của lãnh đạo"],
  earlier_comment: ["Ý kiến lần duyệt trước (đã gửi duyệt lại)"],
  reviewed_by: ["{name} — {at}"],
  history: ["Lịch sử"],
  history_offline: ["Cần kết nối mạng để xem lịch sử"],
  history_empty: ["Chưa có lịch sử trên máy chủ"],
  acted_received: ["ghi lúc {acted}, nhận lúc {received}"],
  clock_flag: ["Giờ trên máy không đúng; đã điều chỉnh"],
  clock_FUTURE: ["Giờ trên máy chạy nhanh; lấy giờ máy chủ nhận"],
  clock_TOO_OLD: ["Giờ trên máy bị sai; lấy giờ máy chủ nhận"],
  clock_BEFORE_CREATED: ["Giờ trên máy sớm hơn lúc tạo bản ghi; đã điều chỉnh"],
  clock_OUT_OF_ORDER: ["Giờ trên máy sớm hơn thao tác trước đó; đã điều chỉnh"],
  not_found: ["Không tìm thấy bản ghi trên máy"],
  required_legend: ["(*) Trường bắt buộc"],
  required: ["Trường bắt buộc (*)"],
  need_model_name: ["Vui lòng nhập tên mô hình"],
  end_after_start: ["Ngày kết thúc phải sau ngày bắt đầu"],
  need_site: ["Cần ít nhất một điểm cầu"],
  need_chair: ["Cần ít nhất một người chủ trì"],
  bad_number: ["Giá trị không hợp lệ"],
  out_of_range: ["Giá trị nằm ngoài khoảng cho phép"],
  too_long: ["Quá dài (tối đa {max} ký tự)"],
  form_has_errors: ["Vui lòng kiểm tra các trường được đánh dấu"],
  duplicate_warning: ["Có thể trùng với mô hình đã có — Tiếp tục?"],
  continue: ["Tiếp tục"],
  discard_typing: ["Bỏ nội dung đang nhập?"],
  discard: ["Bỏ"],
  resume_draft: ["Đã khôi phục nội dung đang nhập dở"],
  f_kind: ["Mô hình / Điển hình"],
  f_subject_type: ["Tập thể / Cá nhân"],
  f_name: ["Tên mô hình"],
  f_field: ["Lĩnh vực"],
  f_collective_name: ["Tên tập thể"],
  f_person_name: ["Họ và tên"],
  f_person_position: ["Chức vụ"],
  f_person_gender: ["Giới tính"],
  f_person_ethnicity: ["Dân tộc"],
  f_person_birth_year: ["Năm sinh"],
  f_commune_unit_id: ["Địa bàn thực hiện"],
  f_owner_unit_id: ["Đơn vị quản lý"],
  unit_old: ["(cũ)"],
  f_locality: ["Thôn/xóm/bản"],
  f_lead_org: ["Đơn vị chủ trì"],
  f_start_date: ["Thời gian bắt đầu"],
  f_status: ["Trạng thái mô hình"],
  f_period: ["Giai đoạn"],
  f_year_registered: ["Năm đăng ký"],
  f_objective: ["Mục tiêu"],
  f_method: ["Cách làm"],
  f_results: ["Kết quả đạt được"],
  f_metrics: ["Chỉ số (thu nhập, số hộ, lao động…)"],
  f_metric: ["Chỉ số"],
  f_value: ["Giá trị"],
  f_unit: ["Đơn vị tính"],
  add_metric: ["Thêm chỉ số"],
  f_topic_tags: ["Chủ đề"],
  f_notes: ["Ghi chú"],
  f_type: ["Loại hội nghị"],
  f_title: ["Tên hội nghị"],
  f_format: ["Hình thức (Trực tiếp/Trực tuyến)"],
  f_organizer_unit_id: ["Đơn vị tổ chức"],
  f_start_at: ["Thời gian bắt đầu"],
  f_end_at: ["Thời gian kết thúc"],
  f_location: ["Địa điểm"],
  f_sites: ["Điểm cầu"],
  f_site_name: ["Tên điểm cầu"],
  add_site: ["Thêm điểm cầu"],
  f_part_of_day: ["Buổi"],
  f_audience: ["Thành phần tham dự"],
  f_planned_count: ["Số đại biểu dự kiến"],
  f_actual_count: ["Số đại biểu"],
  f_count_is_approx: ["Số liệu ước tính (gần…)"],
  f_report_period: ["Kỳ báo cáo"],
  f_agenda: ["Chương trình"],
  f_content_summary: ["Nội dung"],
  f_speeches_count: ["Số ý kiến/tham luận"],
  f_conclusion: ["Kết luận"],
  f_outcomes: ["Kết quả"],
  f_minutes_no: ["Số biên bản"],
  f_attendees: ["Danh sách đại biểu"],
  f_attachments: ["Ảnh và tài liệu"],
  f_full_name: ["Họ và tên"],
  f_position: ["Chức vụ"],
  f_org_name: ["Đơn vị"],
  f_role: ["Vai trò"],
  f_attendance: ["Có mặt / Vắng (có lý do)"],
  f_absent_reason: ["Lý do vắng"],
  f_review_status: ["Trạng thái duyệt"],
  f_version: ["Phiên bản"],
  add_attendee: ["Thêm đại biểu"],
  f_unnamed_count: ["Số người không ghi tên"],
  unnamed_hint: ["Người dự không cần ghi tên (ví dụ người dân): chỉ nhập số người"],
  attendance_sum: ["{named} người có tên có mặt + {unnamed} người không ghi tên = {n}"],
  attendee_more: ["Chức vụ, đơn vị…"],
  attendee_details: ["Chi tiết đại biểu {name}"],
  attendee_remove: ["Bỏ đại biểu {name}"],
  attendee_row: ["Đại biểu {i}"],
  attendees_n: ["{n} người có tên"],
  paste_list: ["Dán danh sách"],
  paste_title: ["Dán danh sách đại biểu"],
  paste_help: ["Mỗi dòng một người: Họ tên – Chức vụ – Đơn vị (dấu gạch, tab hoặc dấu phẩy)"],
  paste_preview: ["Sẽ thêm {n} người"],
  paste_doubles: ["{n} người đã có trong danh sách, bỏ qua"],
  paste_bad: ["{n} dòng không đọc được (cần có họ tên, mỗi phần tối đa 255 ký tự):"],
  paste_bad_line: ["Dòng {line}: {text}"],
  paste_add: ["Thêm {n} người"],
  paste_nothing: ["Chưa có dòng nào đọc được"],
  reuse_attendees: ["Dùng lại người dự của cuộc họp trước"],
  reuse_search: ["Tìm cuộc họp"],
  reuse_none: ["Chưa có cuộc họp nào có danh sách đại biểu trên máy"],
  paste_confirm: ["Thêm vào danh sách"],
  reuse_done: ["Đã thêm {n} người; {d} người đã có"],
  unit_filter: ["Lọc danh sách"],
  unit_filter_count: ["{n} đơn vị"],
  unit_group_other: ["Đơn vị khác"],
  remove: ["Bỏ"],
  choose: ["— Chọn —"],
  outbox_title: ["Chờ đồng bộ"],
  outbox_empty: ["Không còn thay đổi nào chờ đồng bộ"],
  op_create: ["Tạo mới"],
  op_create_edited: ["Tạo mới, đã sửa thêm"],
  op_put: ["Sửa"],
  op_delete: ["Xóa"],
  op_review: ["Thao tác duyệt"],
  op_resolve: ["Xử lý xung đột"],
  st_CHO_DONG_BO: ["Chờ đồng bộ"],
  st_DANG_DONG_BO: ["Đang đồng bộ"],
  st_DA_DONG_BO: ["Đã đồng bộ"],
  st_LOI: ["Lỗi đồng bộ"],
  st_XUNG_DOT: ["Xung đột"],
  conflict_title: ["Xung đột dữ liệu"],
  conflict_none: ["Không có xung đột nào"],
  conflict_explain: ["Trường “{field}” đã được sửa ở nơi khác. Giá trị của bạn không bị mất: chọn bản muốn giữ."],
  conflict_deleted: ["Bản ghi đã bị xóa trên máy chủ."],
  conflict_locked: ["Bản ghi đã được duyệt và khóa."],
  server_value: ["Bản trên máy chủ"],
  my_value: ["Bản trên máy"],
  keep_mine: ["Giữ bản trên máy"],
  keep_theirs: ["Dùng bản trên máy chủ"],
  edit_value: ["Sửa lại"],
  empty_value: ["(trống)"],
  settings_title: ["Cài đặt"],
  language: ["Ngôn ngữ"],
  storage: ["Dung lượng"],
  storage_use: ["Đã dùng {used} / còn trống {free}"],
  storage_persisted: ["Dữ liệu được lưu bền vững trên máy"],
  storage_not_persisted: ["Trình duyệt có thể xóa dữ liệu khi máy thiếu bộ nhớ — hãy cài ứng dụng lên màn hình chính"],
  data_at_risk: ["{n} bản ghi chưa đồng bộ (từ {since}) chỉ có trên máy này và chưa được bảo vệ"],
  storage_nearly_full: ["Bộ nhớ máy gần đầy (còn {free}): hãy đồng bộ và giải phóng bộ nhớ để dữ liệu mới lưu được"],
  install_app: ["Cài ứng dụng lên màn hình chính"],
  install_how_android: ["Cách cài: mở menu ⋮ của trình duyệt, chọn \"Cài đặt ứng dụng\" hoặc \"Thêm vào màn hình chính\"."],
  install_how_ios: ["Cách cài: nhấn nút Chia sẻ của Safari, chọn \"Thêm vào MH chính\"."],
  persist_again: ["Xin lưu bền vững lại"],
  account: ["Tài khoản"],
  app_version: ["Phiên bản ứng dụng"],
  export_data: ["Xuất dữ liệu chưa đồng bộ"],
  export_done: ["Đã xuất tệp {file}"],
  signout_pending: ["Còn {n} thay đổi chưa đồng bộ. Nếu đăng xuất, các thay đổi này sẽ bị xóa khỏi máy. Hãy xuất dữ liệu ra tệp trước."],
  signout_confirm_again: ["Xác nhận lần cuối: xóa {n} thay đổi chưa đồng bộ và đăng xuất?"],
  signout_anyway: ["Xóa và đăng xuất"],
  signout_plain: ["Đăng xuất khỏi máy này?"],
  update_ready: ["Có phiên bản mới — Cập nhật"],
  update: ["Cập nhật"],
  offline_ready: ["Ứng dụng đã sẵn sàng dùng khi không có mạng"],
  deleted_record: ["Đã xóa"],
  confirm_delete: ["Xóa bản ghi này?"],
  review_queued: ["Đã lưu thao tác — sẽ gửi khi đồng bộ"],
  network_error: ["Không kết nối được máy chủ"],
  // Recognition and commendations, inspections and supervision (DOMAIN.md §2.7–2.8, §5).
  nav_recognitions: ["Công nhận, khen thưởng"],
  nav_inspections: ["Kiểm tra, giám sát"],
  count_recognitions: ["Công nhận, khen thưởng"],
  count_inspections: ["Kiểm tra, giám sát"],
  add_recognition: ["Ghi nhận công nhận, khen thưởng"],
  add_inspection: ["Thêm cuộc kiểm tra, giám sát"],
  recognitions_of_model: ["Công nhận, biểu dương, khen thưởng"],
  highest_recognition: ["Cao nhất: {text}"],
  overdue_n: ["{n} cuộc kiểm tra, giám sát quá hạn khắc phục"],
  overdue_only: ["Quá hạn khắc phục"],
  overdue_days: ["Quá hạn {n} ngày"],
  filter_stage: ["Bước"],
  filter_level: ["Cấp"],
  filter_inspection_kind: ["Loại"],
  filter_result: ["Kết quả"],
  lines_hint: ["Mỗi dòng một người/tổ chức"],
  target_outside: ["Đơn vị được kiểm tra, giám sát phải thuộc phạm vi của đơn vị tiến hành"],
  f_subject_model_id: ["Mô hình, điển hình"],
  f_stage: ["Bước (công nhận → khen thưởng)"],
  f_level: ["Cấp công nhận, khen"],
  f_form: ["Hình thức"],
  f_issuer: ["Cơ quan công nhận, khen"],
  f_decision_no: ["Số quyết định"],
  f_decision_date: ["Ngày quyết định"],
  f_event_meeting_id: ["Hội nghị biểu dương, khen thưởng"],
  f_inspection_kind: ["Loại (kiểm tra/giám sát/khảo sát)"],
  f_conducting_unit_id: ["Đơn vị tiến hành"],
  f_team_members: ["Thành viên đoàn"],
  f_target_unit_ids: ["Đơn vị được kiểm tra, giám sát"],
  f_other_targets: ["Tổ chức khác được kiểm tra, giám sát"],
  f_target_model_ids: ["Mô hình được kiểm tra"],
  f_subject: ["Nội dung kiểm tra, giám sát"],
  f_date_from: ["Từ ngày"],
  f_date_to: ["Đến ngày"],
  f_findings: ["Kết quả, phát hiện"],
  f_recommendations: ["Kiến nghị"],
  f_result: ["Đánh giá"],
  f_follow_up_due: ["Hạn khắc phục"],
  f_follow_up_done: ["Đã khắc phục xong"],
  need_decision_no: ["Bước Khen thưởng cần số quyết định"],
  level_for_stage: ["Cấp toàn quốc không công nhận hay chọn tiêu biểu: chỉ biểu dương, khen thưởng"],
  form_for_level: ["Hình thức này không do cấp này trao tặng"],
  form_for_stage: ["Hình thức này là khen thưởng: chọn bước Khen thưởng hoặc Đề nghị khen"],
  end_not_before_start: ["Ngày kết thúc không được trước ngày bắt đầu"],
  follow_up_not_before_start: ["Hạn khắc phục không được trước ngày bắt đầu"],
  // Criteria sets and evaluations (DOMAIN.md §2.6).
  nav_evaluations: ["Đánh giá mô hình"],
  count_evaluations: ["Đánh giá"],
  add_evaluation: ["Đánh giá mô hình"],
  evaluate: ["Chấm điểm"],
  evaluation_title: ["Đánh giá ngày {date}"],
  evaluations_of_model: ["Kết quả đánh giá"],
  latest_rating: ["Xếp loại gần nhất"],
  no_evaluations: ["Chưa có đánh giá."],
  no_criteria_sets: ["Chưa có bộ tiêu chí nào áp dụng cho mô hình này. Hãy đồng bộ hoặc đề nghị cấp trên ban hành."],
  criteria_set: ["Bộ tiêu chí"],
  criteria_sets: ["Bộ tiêu chí đánh giá"],
  criterion: ["Tiêu chí"],
  points_of: ["Điểm (tối đa {max})"],
  score_comment: ["Nhận xét"],
  evidence_required: ["Cần minh chứng"],
  running_total: ["Tổng điểm: {total}/{max}"],
  rating_now: ["Xếp loại: {rating}"],
  set_version: ["Phiên bản {n}"],
  set_superseded: ["Đã có phiên bản mới (chỉ xem)"],
  filter_rating: ["Xếp loại"],
  f_model_id: ["Mô hình, điển hình"],
  f_set_id: ["Bộ tiêu chí"],
  f_eval_date: ["Ngày đánh giá"],
  f_evaluator_name: ["Người/hội đồng đánh giá"],
  f_scores: ["Điểm từng tiêu chí"],
  f_total: ["Tổng điểm"],
  f_rating: ["Xếp loại"],
  f_proposal: ["Đề nghị"],
  f_evaluating_unit: ["Đơn vị đánh giá"],
  score_above_max: ["Điểm phải từ 0 đến {max}."],
  score_missing: ["Chưa chấm điểm tiêu chí này."],
  score_precision: ["Điểm chỉ có tối đa hai chữ số thập phân."],
  choose_model: ["Chọn mô hình"],
  choose_set: ["Chọn bộ tiêu chí"],
  no_proposal: ["Không đề nghị"],
  // Photos, documents and the place (#10).
  f_place: ["Vị trí"],
  attach_hint: ["Ảnh được thu nhỏ trên máy trước khi gửi; tệp tối đa 10 MB. Bản ghi được đồng bộ trước, tệp gửi sau."],
  take_photo: ["Thêm ảnh"],
  pick_photo: ["Chọn từ thư viện"],
  add_document: ["Thêm tài liệu"],
  document_kind: ["Loại tài liệu"],
  caption: ["Chú thích"],
  caption_placeholder: ["Ảnh: …"],
  file_preparing: ["Đang xử lý ảnh…"],
  file_not_image: ["Tệp này không phải là ảnh."],
  file_not_allowed: ["Chỉ nhận ảnh hoặc tệp PDF."],
  file_empty: ["Tệp rỗng."],
  file_too_large: ["Tệp quá lớn: tối đa {max} mỗi tệp."],
  file_unreadable: ["Không đọc được ảnh này trên máy (định dạng không hỗ trợ)."],
  file_quota: ["Bộ nhớ của máy đã đầy: chưa lưu được tệp. Bản ghi vẫn được lưu — hãy giải phóng bộ nhớ rồi thêm lại."],
  file_not_saved: ["Không lưu được tệp trên máy. Bản ghi vẫn được lưu."],
  file_twice: ["Tệp này đã có trong bản ghi."],
  file_too_many: ["Tối đa {n} tệp cho một bản ghi."],
  open_file: ["Xem tệp"],
  open_document: ["Mở tài liệu"],
  file_missing: ["Chưa nhận"],
  file_not_here: ["Máy chủ chưa nhận được tệp này."],
  file_offline: ["Cần kết nối mạng để xem tệp này."],
  files_received: ["{received}/{total} tệp đã nhận"],
  queue_files_missing: ["Thiếu tệp ({received}/{total})"],
  take_place: ["Ghi vị trí"],
  clear_place: ["Xóa vị trí"],
  place_hint: ["Chỉ ghi khi bạn bấm nút; vị trí gửi kèm bản ghi."],
  place_none: ["Chưa ghi vị trí"],
  place_locating: ["Đang xác định vị trí…"],
  place_denied: ["Bạn chưa cho phép ứng dụng dùng vị trí."],
  place_timeout: ["Không xác định được vị trí kịp thời. Hãy thử lại ngoài trời."],
  place_unavailable: ["Không xác định được vị trí."],
  place_unsupported: ["Máy này không hỗ trợ định vị."],
  accuracy_m: ["±{n} m"],
  open_map: ["Xem trên bản đồ"],
  uploads_title: ["Tải tệp lên"],
  uploads_running: ["Đang tải tệp lên {current}/{total}"],
  uploads_paused: ["Đã tạm dừng tải tệp ({done}/{total})"],
  pause_uploads: ["Tạm dừng"],
  resume_uploads: ["Tiếp tục"],
  upload_of: ["{sent} / {size}"],
  upload_failed: ["Không gửi được tệp"],
  retry_upload: ["Thử lại"],
  uploads_later: ["Chưa gửi được tệp ({message}); sẽ tự thử lại."],
  file_waiting: ["Đang lưu trên máy, chờ tải lên"],
  // Shared phones: PIN, lock, switching user, sealed export.
  pin_title: ["Mở khóa"],
  pin_who: ["Ai đang dùng máy?"],
  pin_label: ["Mã PIN"],
  pin_unlock: ["Mở khóa"],
  pin_set_title: ["Đặt mã PIN cho máy này"],
  pin_set_intro: ["Mã PIN mở dữ liệu của {name} trên máy này, kể cả khi không có mạng. Người khác dùng chung máy không đọc được dữ liệu của bạn."],
  pin_new: ["Mã PIN mới (4–8 chữ số)"],
  pin_again: ["Nhập lại mã PIN"],
  pin_save: ["Lưu mã PIN"],
  pin_hint: ["Không dùng dãy dễ đoán như 0000 hay 1234."],
  pin_working: ["Đang mở…"],
  PIN_FORMAT: ["Mã PIN gồm 4 đến 8 chữ số."],
  PIN_TRIVIAL: ["Mã PIN quá dễ đoán (như 0000, 1234). Hãy chọn mã khác."],
  PIN_MISMATCH: ["Hai lần nhập mã PIN không khớp."],
  PIN_WRONG: ["Mã PIN không đúng."],
  PIN_WAIT: ["Sai mã PIN. Thử lại sau {s} giây."],
  PIN_NEEDS_ONLINE: ["Nhập sai quá nhiều lần. Hãy đăng nhập bằng mật khẩu khi có mạng; dữ liệu chưa đồng bộ vẫn được giữ."],
  NO_ACCOUNT: ["Người dùng này chưa có trên máy."],
  pin_other_user: ["Cán bộ khác đăng nhập"],
  pin_password_sign_in: ["Đăng nhập bằng mật khẩu"],
  pin_cancel: ["Hủy"],
  lock_now: ["Khóa / đổi người dùng"],
  lock_after: ["Tự khóa sau khi không dùng"],
  lock_minutes: ["{n} phút"],
  upgrade_title: ["Bảo vệ dữ liệu bằng mã PIN"],
  export_for_admin: ["Xuất thay đổi chưa đồng bộ cho quản trị"],
  export_sealed_note: ["Tệp đã được mã hóa cho máy chủ. Gửi tệp cho quản trị viên để nhập vào hệ thống."],
  import_title: ["Nhập tệp từ máy bị thu hồi"],
  import_file: ["Chọn tệp"],
  app_not_cached: ["Ứng dụng chưa tải đủ để dùng khi không có mạng. Hãy kết nối mạng một lần; dữ liệu trên máy vẫn còn nguyên."],
  english_not_cached: ["Chưa tải được tiếng Anh; hãy thử lại khi có mạng."],
  import_done: ["Đã nhập: {applied} áp dụng, {duplicate} đã có, {conflict} xung đột, {rejected} bị từ chối."],
};

let lang = "vi";

let english = false;

/**
 * Add the English forms to the labels (labels-en.js calls this when it loads).
 * @param {Record<string, string[]>} forms key -> [en] or [en, en for one]
 */
export function addEnglish(forms) {
  for (const [key, en] of Object.entries(forms)) if (LABELS[key]) LABELS[key] = [LABELS[key][0], ...en];
  english = true;
}

/**
 * Switch the language; English loads its labels first (until they arrive, Vietnamese shows).
 * @param {string} next "vi" or "en"
 * @returns {Promise<void>}
 */
export async function setLang(next) {
  lang = next === "en" ? "en" : "vi";
  if (typeof document !== "undefined") document.documentElement.lang = lang;
  if (lang === "en" && !english) await import("./labels-en.js");
}

export function getLang() {
  return lang;
}

/** Look up a label in the current language. */
export function t(key, values) {
  const forms = LABELS[key];
  // English labels that count may carry a third form for exactly one: "1 record", not "1 records".
  const one = lang === "en" && values && Number(values.n) === 1 && forms && forms[2];
  const text = forms ? (one ? forms[2] : (lang === "en" && forms[1]) || forms[0]) : key;
  return values ? fill(text, values) : text;
}

/** Label of an enum code, e.g. enumLabel("field", "KINH_TE") -> "Kinh tế". */
export function enumLabel(name, code) {
  if (code === null || code === undefined || code === "") return "";
  const pair = ENUMS[name] && ENUMS[name][code];
  return pair ? pair[lang === "en" ? 1 : 0] : String(code);
}

/** Options for a select: [[code, label], ...] in the enum's order. */
export function enumOptions(name) {
  return Object.keys(ENUMS[name] || {}).map((code) => [code, enumLabel(name, code)]);
}

export const LABEL_KEYS = Object.keys(LABELS);

// --- formats: 1.554; 14,76; dd/mm/yyyy hh:mm ---

const numberFormats = new Map();

/** Format a number the Vietnamese way (or the English way when lang is "en"). */
export function formatNumber(value, lang = "vi") {
  if (value === null || value === undefined || value === "" || Number.isNaN(Number(value))) {
    return "";
  }
  const locale = lang === "en" ? "en-GB" : "vi-VN";
  let format = numberFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    numberFormats.set(locale, format);
  }
  return format.format(Number(value));
}

const pad = (n) => String(n).padStart(2, "0");

/** Show an ISO date ("2024-03-01" or a longer ISO string) as dd/mm/yyyy. */
export function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
  return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
}

/** Show a local wall-clock "YYYY-MM-DDTHH:MM" as dd/mm/yyyy hh:mm. */
export function formatLocalDateTime(local) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local || "");
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}` : formatDate(local);
}

/** Show an instant (a UTC ISO string or a millisecond timestamp) in the phone's time zone. */
export function formatInstant(instant) {
  if (instant === null || instant === undefined || instant === "") return "";
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return "";
  return (
    `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}`
  );
}

// History shows when a change was made and, if the server got it later than this (a device that
// was offline), when it arrived too. Closer than this the two read as the same moment.
export const ARRIVAL_SHOWN_AFTER_MS = 5 * 60 * 1000;

/** An audit event's time as history shows it: when the person acted (`acted_at`; older servers
 * send only `at`) and, when much later, when the server received it ("ghi lúc…, nhận lúc…"). */
export function eventTimeText(event) {
  const acted = event.acted_at || event.at;
  const late = new Date(event.at).getTime() - new Date(acted).getTime();
  if (!(late > ARRIVAL_SHOWN_AFTER_MS)) return formatInstant(acted);
  const [made, received] = [formatInstant(acted), formatInstant(event.at)];
  // The same day needs only the hour: "ghi lúc 27/11/2026 15:21, nhận lúc 15:24".
  const sameDay = made.slice(0, 10) === received.slice(0, 10);
  return t("acted_received", { acted: made, received: sameDay ? received.slice(11) : received });
}

/** What a clock the server did not believe means (sync/clock.py FLAGS); "" when trusted. */
export function clockFlagText(flag) {
  if (!flag) return "";
  return LABELS[`clock_${flag}`] ? t(`clock_${flag}`) : t("clock_flag");
}

/** Show a byte count as "1,5 MB" (Vietnamese decimal comma). */
export function formatBytes(bytes, lang = "vi") {
  const units = ["B", "KB", "MB", "GB"];
  let value = Number(bytes) || 0;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i += 1;
  }
  return `${formatNumber(i ? Math.round(value * 10) / 10 : value, lang)} ${units[i]}`;
}

/** Replace {name} placeholders in a label. */
export function fill(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : ""));
}
