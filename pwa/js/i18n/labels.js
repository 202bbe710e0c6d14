// Labels, Vietnamese first (DOMAIN.md §5) with English, enum labels, and formats.

import { ENUMS } from "./enums.js";

/** @type {Record<string, [string, string] | [string, string, string]>} key -> [vi, en, en for one] */
export const LABELS = {
  app_name: ["Sổ tay Dân vận", "Mass Mobilization Notebook"],
  nav_home: ["Trang chủ", "Home"],
  nav_models: ["Mô hình, điển hình", "Models"],
  nav_meetings: ["Hội nghị, hoạt động", "Meetings"],
  nav_outbox: ["Chờ đồng bộ", "Outbox"],
  nav_settings: ["Cài đặt", "Settings"],
  sign_in: ["Đăng nhập", "Sign in"],
  sign_out: ["Đăng xuất", "Sign out"],
  username: ["Tên đăng nhập", "Username"],
  password: ["Mật khẩu", "Password"],
  signing_in: ["Đang đăng nhập…", "Signing in…"],
  sign_in_offline: [
    "Cần kết nối mạng để đăng nhập lần đầu.",
    "A connection is needed to sign in the first time.",
  ],
  signed_out_remotely: [
    "Phiên đăng nhập đã hết hiệu lực. Dữ liệu trên máy vẫn được giữ nguyên — vui lòng đăng nhập lại để đồng bộ.",
    "Your session has ended. Data on this phone is kept — sign in again to sync.",
  ],
  other_user_pending: [
    "Máy này còn dữ liệu chưa đồng bộ của tài khoản {user}. Hãy đăng nhập bằng tài khoản đó.",
    "This phone holds unsynced data of {user}. Sign in with that account.",
  ],
  hello: ["Xin chào, {name}", "Hello, {name}"],
  sign_in_busy_wait: [
    "Máy chủ đang bận xử lý đăng nhập. Ứng dụng sẽ tự thử lại sau {n} giây…",
    "The server is busy with other sign-ins. Trying again in {n} seconds…",
  ],
  enrol_with_code: ["Kích hoạt bằng mã", "Enrol with a code"],
  enrol_help: [
    "Quét mã QR hoặc gõ mã quản trị viên đưa cho bạn (12 ký tự, không phân biệt hoa thường).",
    "Scan the QR or type the code your administrator gave you (12 characters, any case).",
  ],
  enrol_code: ["Mã kích hoạt", "Enrolment code"],
  enrol: ["Kích hoạt máy này", "Enrol this phone"],
  scan_qr: ["Quét mã QR", "Scan the QR"],
  scan_failed: ["Không mở được camera để quét. Hãy gõ mã.", "The camera could not scan. Type the code."],
  sign_in_password: ["Đăng nhập bằng mật khẩu", "Sign in with a password"],
  reset_with_code: ["Đặt lại mật khẩu bằng mã", "Reset password with a code"],
  reset_code: ["Mã đặt lại mật khẩu", "Reset code"],
  reset_password: ["Đặt mật khẩu mới", "Set the new password"],
  reset_done: ["Đã đặt mật khẩu mới. Hãy đăng nhập.", "The new password is set. Please sign in."],
  new_password: ["Mật khẩu mới (ít nhất 8 ký tự)", "New password (at least 8 characters)"],
  new_password_again: ["Nhập lại mật khẩu mới", "New password again"],
  current_password: ["Mật khẩu hiện tại", "Current password"],
  change_password: ["Đổi mật khẩu", "Change password"],
  password_changed: ["Đã đổi mật khẩu.", "The password was changed."],
  password_short: ["Mật khẩu cần ít nhất 8 ký tự.", "The password needs at least 8 characters."],
  password_mismatch: ["Hai lần nhập mật khẩu mới không khớp.", "The two new passwords differ."],
  online_only_action: ["Cần kết nối mạng để làm việc này.", "This needs a connection."],
  synced: ["Đã đồng bộ", "Synced"],
  pending_n: ["Chờ đồng bộ ({n})", "Waiting to sync ({n})"],
  pending_records_n: [
    "{n} bản ghi có thay đổi chờ gửi lên máy chủ",
    "{n} records have changes waiting to be sent",
    "{n} record has changes waiting to be sent",
  ],
  sync_err_network: [
    "Không kết nối được máy chủ (mạng yếu hoặc máy chủ tạm ngừng). Dữ liệu vẫn an toàn trên máy.",
    "Cannot reach the server (weak network or server down). Your data is safe on this phone.",
  ],
  sync_err_server: [
    "Máy chủ đang gặp sự cố. Dữ liệu vẫn an toàn trên máy.",
    "The server has a problem. Your data is safe on this phone.",
  ],
  sync_err_local: [
    "Lỗi khi lưu dữ liệu đồng bộ trên máy. Dữ liệu đã nhập vẫn còn; ứng dụng sẽ thử lại.",
    "This phone failed to store the synced data. What you entered is kept; the app will retry.",
  ],
  sync_next_try: ["Tự thử lại lúc {at}", "Retrying by itself at {at}"],
  sync_now_offline: [
    "Đang ngoại tuyến: chưa thể đồng bộ. Dữ liệu đã lưu trên máy và sẽ tự gửi khi có mạng.",
    "Offline: cannot sync now. Your data is saved on this phone and will be sent when there is a connection.",
  ],
  syncing: ["Đang đồng bộ", "Syncing"],
  sync_error_retry: ["Đồng bộ lỗi – Thử lại", "Sync failed – Retry"],
  sync_now: ["Đồng bộ ngay", "Sync now"],
  last_sync: ["Lần đồng bộ gần nhất: {at}", "Last synced: {at}"],
  never_synced: ["Chưa đồng bộ lần nào", "Never synced"],
  offline: ["Không có kết nối mạng (Ngoại tuyến)", "No network connection (Offline)"],
  offline_short: ["Ngoại tuyến", "Offline"],
  error_short: ["Lỗi đồng bộ", "Sync error"],
  saved_on_phone: ["Đã lưu trên máy", "Saved on this phone"],
  sync_progress: ["Đã gửi {sent} thay đổi, nhận {received} bản ghi ({bytes})", "Sent {sent} changes, received {received} records ({bytes})"],
  update_app: [
    "Ứng dụng đã cũ, máy chủ không nhận nữa. Vui lòng cập nhật ứng dụng.",
    "This app version is too old for the server. Please update the app.",
  ],
  count_models: ["Mô hình, điển hình", "Models and exemplars"],
  count_meetings: ["Hội nghị, hoạt động", "Meetings and activities"],
  returned_n: ["{n} bản ghi bị trả lại — cần bổ sung", "{n} records returned — rework needed", "{n} record returned — rework needed"],
  conflicts_n: ["{n} xung đột dữ liệu cần xử lý", "{n} data conflicts to resolve", "{n} data conflict to resolve"],
  errors_n: ["{n} bản ghi lỗi đồng bộ", "{n} records failed to sync", "{n} record failed to sync"],
  add_model: ["Thêm mô hình", "Add model"],
  add_meeting: ["Thêm hội nghị", "Add meeting"],
  search: ["Tìm kiếm", "Search"],
  all: ["Tất cả", "All"],
  show_more: ["Xem thêm ({n})", "Show more ({n})"],
  no_records: ["Chưa có bản ghi nào", "No records yet"],
  no_match: ["Không tìm thấy bản ghi phù hợp", "No matching records"],
  n_records: ["{n} bản ghi", "{n} records", "{n} record"],
  filter_field: ["Lĩnh vực", "Field"],
  filter_status: ["Trạng thái", "Status"],
  filter_review: ["Trạng thái duyệt", "Review status"],
  filter_type: ["Loại hội nghị", "Meeting type"],
  needs_rework: ["Cần bổ sung", "Needs rework"],
  save: ["Lưu", "Save"],
  edit: ["Sửa", "Edit"],
  delete: ["Xóa", "Delete"],
  confirm: ["Xác nhận", "Confirm"],
  agree: ["Đồng ý", "OK"],
  close: ["Đóng", "Close"],
  back: ["Quay lại", "Back"],
  submit: ["Gửi duyệt", "Submit"],
  withdraw: ["Rút lại", "Withdraw"],
  cancel_record: ["Hủy", "Cancel record"],
  approve: ["Duyệt", "Approve"],
  return: ["Trả lại", "Return"],
  reopen: ["Mở lại", "Reopen"],
  return_reason: ["Lý do trả lại", "Reason for returning"],
  leader_comment: ["Ý kiến của lãnh đạo", "Reviewer's comment"],
  earlier_comment: ["Ý kiến lần duyệt trước (đã gửi duyệt lại)", "Comment from the earlier review (sent again since)"],
  reviewed_by: ["{name} — {at}", "{name} — {at}"],
  history: ["Lịch sử", "History"],
  history_offline: ["Cần kết nối mạng để xem lịch sử", "History needs a connection"],
  history_empty: ["Chưa có lịch sử trên máy chủ", "No history on the server yet"],
  acted_received: ["ghi lúc {acted}, nhận lúc {received}", "made {acted}, received {received}"],
  clock_flag: ["Giờ trên máy không đúng; đã điều chỉnh", "The device's clock was wrong; adjusted"],
  clock_FUTURE: [
    "Giờ trên máy chạy nhanh; lấy giờ máy chủ nhận",
    "The device's clock was ahead; the time received is shown",
  ],
  clock_TOO_OLD: [
    "Giờ trên máy bị sai; lấy giờ máy chủ nhận",
    "The device's clock was wrong; the time received is shown",
  ],
  clock_BEFORE_CREATED: [
    "Giờ trên máy sớm hơn lúc tạo bản ghi; đã điều chỉnh",
    "The device's clock was before the record was created; adjusted",
  ],
  clock_OUT_OF_ORDER: [
    "Giờ trên máy sớm hơn thao tác trước đó; đã điều chỉnh",
    "The device's clock was before its previous change; adjusted",
  ],
  not_found: ["Không tìm thấy bản ghi trên máy", "Record not found on this phone"],
  required_legend: ["(*) Trường bắt buộc", "(*) Required field"],
  required: ["Trường bắt buộc (*)", "Required field (*)"],
  need_model_name: ["Vui lòng nhập tên mô hình", "Please enter the model's name"],
  end_after_start: ["Ngày kết thúc phải sau ngày bắt đầu", "The end must be after the start"],
  need_site: ["Cần ít nhất một điểm cầu", "At least one connection point is needed"],
  need_chair: ["Cần ít nhất một người chủ trì", "At least one chair is needed"],
  bad_number: ["Giá trị không hợp lệ", "Invalid value"],
  out_of_range: ["Giá trị nằm ngoài khoảng cho phép", "Value out of range"],
  too_long: ["Quá dài (tối đa {max} ký tự)", "Too long (at most {max} characters)"],
  form_has_errors: ["Vui lòng kiểm tra các trường được đánh dấu", "Please check the marked fields"],
  duplicate_warning: [
    "Có thể trùng với mô hình đã có — Tiếp tục?",
    "This may duplicate an existing model — Continue?",
  ],
  continue: ["Tiếp tục", "Continue"],
  discard_typing: ["Bỏ nội dung đang nhập?", "Discard what you typed?"],
  discard: ["Bỏ", "Discard"],
  resume_draft: ["Đã khôi phục nội dung đang nhập dở", "Restored the form you were filling in"],
  f_kind: ["Mô hình / Điển hình", "Model / Exemplar"],
  f_subject_type: ["Tập thể / Cá nhân", "Collective / Individual"],
  f_name: ["Tên mô hình", "Model name"],
  f_field: ["Lĩnh vực", "Field"],
  f_collective_name: ["Tên tập thể", "Collective's name"],
  f_person_name: ["Họ và tên", "Full name"],
  f_person_position: ["Chức vụ", "Position"],
  f_person_gender: ["Giới tính", "Gender"],
  f_person_ethnicity: ["Dân tộc", "Ethnicity"],
  f_person_birth_year: ["Năm sinh", "Year of birth"],
  f_commune_unit_id: ["Địa bàn thực hiện", "Commune"],
  f_owner_unit_id: ["Đơn vị quản lý", "Managing unit"],
  unit_old: ["(cũ)", "(former)"],
  f_locality: ["Thôn/xóm/bản", "Village/hamlet"],
  f_lead_org: ["Đơn vị chủ trì", "Lead organization"],
  f_start_date: ["Thời gian bắt đầu", "Start date"],
  f_status: ["Trạng thái mô hình", "Model status"],
  f_period: ["Giai đoạn", "Period"],
  f_year_registered: ["Năm đăng ký", "Year registered"],
  f_objective: ["Mục tiêu", "Objective"],
  f_method: ["Cách làm", "Method"],
  f_results: ["Kết quả đạt được", "Results"],
  f_metrics: ["Chỉ số (thu nhập, số hộ, lao động…)", "Metrics (income, households, jobs…)"],
  f_metric: ["Chỉ số", "Metric"],
  f_value: ["Giá trị", "Value"],
  f_unit: ["Đơn vị tính", "Unit"],
  add_metric: ["Thêm chỉ số", "Add metric"],
  f_topic_tags: ["Chủ đề", "Topics"],
  f_notes: ["Ghi chú", "Notes"],
  f_type: ["Loại hội nghị", "Meeting type"],
  f_title: ["Tên hội nghị", "Meeting title"],
  f_format: ["Hình thức (Trực tiếp/Trực tuyến)", "Format (in person/online)"],
  f_organizer_unit_id: ["Đơn vị tổ chức", "Organizer"],
  f_start_at: ["Thời gian bắt đầu", "Starts"],
  f_end_at: ["Thời gian kết thúc", "Ends"],
  f_location: ["Địa điểm", "Location"],
  f_sites: ["Điểm cầu", "Connection points"],
  f_site_name: ["Tên điểm cầu", "Connection point"],
  add_site: ["Thêm điểm cầu", "Add connection point"],
  f_part_of_day: ["Buổi", "Part of day"],
  f_audience: ["Thành phần tham dự", "Audience"],
  f_planned_count: ["Số đại biểu dự kiến", "Planned attendance"],
  f_actual_count: ["Số đại biểu", "Attendance"],
  f_count_is_approx: ["Số liệu ước tính (gần…)", "Approximate count"],
  f_report_period: ["Kỳ báo cáo", "Reporting period"],
  f_agenda: ["Chương trình", "Agenda"],
  f_content_summary: ["Nội dung", "Content"],
  f_speeches_count: ["Số ý kiến/tham luận", "Speeches/contributions"],
  f_conclusion: ["Kết luận", "Conclusion"],
  f_outcomes: ["Kết quả", "Outcomes"],
  f_minutes_no: ["Số biên bản", "Minutes no."],
  f_attendees: ["Danh sách đại biểu", "Attendees"],
  f_attachments: ["Ảnh và tài liệu", "Photos and documents"],
  f_full_name: ["Họ và tên", "Full name"],
  f_position: ["Chức vụ", "Position"],
  f_org_name: ["Đơn vị", "Organization"],
  f_role: ["Vai trò", "Role"],
  f_attendance: ["Có mặt / Vắng (có lý do)", "Present / Absent (with reason)"],
  f_absent_reason: ["Lý do vắng", "Reason for absence"],
  f_review_status: ["Trạng thái duyệt", "Review status"],
  f_version: ["Phiên bản", "Version"],
  add_attendee: ["Thêm đại biểu", "Add attendee"],
  f_unnamed_count: ["Số người không ghi tên", "People not named"],
  unnamed_hint: ["Người dự không cần ghi tên (ví dụ người dân): chỉ nhập số người",
    "Attendees who need no name (e.g. residents): enter how many"],
  attendance_sum: ["{named} người có tên có mặt + {unnamed} người không ghi tên = {n}",
    "{named} named present + {unnamed} not named = {n}"],
  attendee_more: ["Chức vụ, đơn vị…", "Position, organization…"],
  attendee_details: ["Chi tiết đại biểu {name}", "Details of attendee {name}"],
  attendee_remove: ["Bỏ đại biểu {name}", "Remove attendee {name}"],
  attendee_row: ["Đại biểu {i}", "Attendee {i}"],
  attendees_n: ["{n} người có tên", "{n} named", "{n} named"],
  paste_list: ["Dán danh sách", "Paste a list"],
  paste_title: ["Dán danh sách đại biểu", "Paste a list of attendees"],
  paste_help: ["Mỗi dòng một người: Họ tên – Chức vụ – Đơn vị (dấu gạch, tab hoặc dấu phẩy)",
    "One person a line: Name – position – organization (dash, tab or comma)"],
  paste_preview: ["Sẽ thêm {n} người", "{n} people will be added", "1 person will be added"],
  paste_doubles: ["{n} người đã có trong danh sách, bỏ qua", "{n} already listed, skipped", "1 already listed, skipped"],
  paste_bad: ["{n} dòng không đọc được (cần có họ tên, mỗi phần tối đa 255 ký tự):",
    "{n} lines could not be read (a name is needed, each part at most 255 characters):",
    "1 line could not be read (a name is needed, each part at most 255 characters):"],
  paste_bad_line: ["Dòng {line}: {text}", "Line {line}: {text}"],
  paste_add: ["Thêm {n} người", "Add {n} people", "Add 1 person"],
  paste_nothing: ["Chưa có dòng nào đọc được", "No line could be read yet"],
  reuse_attendees: ["Dùng lại người dự của cuộc họp trước", "Reuse attendees of an earlier meeting"],
  reuse_search: ["Tìm cuộc họp", "Find a meeting"],
  reuse_none: ["Chưa có cuộc họp nào có danh sách đại biểu trên máy", "No meeting with attendees on this phone yet"],
  paste_confirm: ["Thêm vào danh sách", "Add to the list"],
  reuse_done: ["Đã thêm {n} người; {d} người đã có", "Added {n}; {d} already listed"],
  unit_filter: ["Lọc danh sách", "Filter the list"],
  unit_filter_count: ["{n} đơn vị", "{n} units", "1 unit"],
  unit_group_other: ["Đơn vị khác", "Other units"],
  remove: ["Bỏ", "Remove"],
  choose: ["— Chọn —", "— Choose —"],
  outbox_title: ["Chờ đồng bộ", "Waiting to sync"],
  outbox_empty: ["Không còn thay đổi nào chờ đồng bộ", "Nothing waiting to sync"],
  op_create: ["Tạo mới", "New"],
  op_create_edited: ["Tạo mới, đã sửa thêm", "New, edited since"],
  op_put: ["Sửa", "Edit"],
  op_delete: ["Xóa", "Delete"],
  op_review: ["Thao tác duyệt", "Review step"],
  op_resolve: ["Xử lý xung đột", "Conflict resolution"],
  st_CHO_DONG_BO: ["Chờ đồng bộ", "Waiting to sync"],
  st_DANG_DONG_BO: ["Đang đồng bộ", "Syncing"],
  st_DA_DONG_BO: ["Đã đồng bộ", "Synced"],
  st_LOI: ["Lỗi đồng bộ", "Sync error"],
  st_XUNG_DOT: ["Xung đột", "Conflict"],
  conflict_title: ["Xung đột dữ liệu", "Data conflicts"],
  conflict_none: ["Không có xung đột nào", "No conflicts"],
  conflict_explain: [
    "Trường “{field}” đã được sửa ở nơi khác. Giá trị của bạn không bị mất: chọn bản muốn giữ.",
    "“{field}” was changed elsewhere too. Your value is not lost: choose which to keep.",
  ],
  conflict_deleted: ["Bản ghi đã bị xóa trên máy chủ.", "The record was deleted on the server."],
  conflict_locked: ["Bản ghi đã được duyệt và khóa.", "The record is approved and locked."],
  server_value: ["Bản trên máy chủ", "Server's value"],
  my_value: ["Bản trên máy", "My value"],
  keep_mine: ["Giữ bản trên máy", "Keep mine"],
  keep_theirs: ["Dùng bản trên máy chủ", "Use the server's"],
  edit_value: ["Sửa lại", "Edit"],
  empty_value: ["(trống)", "(empty)"],
  settings_title: ["Cài đặt", "Settings"],
  language: ["Ngôn ngữ", "Language"],
  storage: ["Dung lượng", "Storage"],
  storage_use: ["Đã dùng {used} / còn trống {free}", "Used {used} / free {free}"],
  storage_persisted: ["Dữ liệu được lưu bền vững trên máy", "Storage is persistent"],
  storage_not_persisted: [
    "Trình duyệt có thể xóa dữ liệu khi máy thiếu bộ nhớ — hãy cài ứng dụng lên màn hình chính",
    "The browser may evict data when space is low — install the app to the home screen",
  ],
  data_at_risk: [
    "{n} bản ghi chưa đồng bộ (từ {since}) chỉ có trên máy này và chưa được bảo vệ",
    "{n} unsynced records (since {since}) exist only on this phone and are not protected",
    "{n} unsynced record (since {since}) exists only on this phone and is not protected",
  ],
  storage_nearly_full: [
    "Bộ nhớ máy gần đầy (còn {free}): hãy đồng bộ và giải phóng bộ nhớ để dữ liệu mới lưu được",
    "Storage is nearly full ({free} left): sync and free some space so new data can be saved",
  ],
  install_app: ["Cài ứng dụng lên màn hình chính", "Install the app on the home screen"],
  install_how_android: [
    "Cách cài: mở menu ⋮ của trình duyệt, chọn \"Cài đặt ứng dụng\" hoặc \"Thêm vào màn hình chính\".",
    "To install: open the browser's ⋮ menu and choose \"Install app\" or \"Add to Home screen\".",
  ],
  install_how_ios: [
    "Cách cài: nhấn nút Chia sẻ của Safari, chọn \"Thêm vào MH chính\".",
    "To install: tap Safari's Share button and choose \"Add to Home Screen\".",
  ],
  persist_again: ["Xin lưu bền vững lại", "Ask to keep data again"],
  account: ["Tài khoản", "Account"],
  app_version: ["Phiên bản ứng dụng", "App version"],
  export_data: ["Xuất dữ liệu chưa đồng bộ", "Export unsynced data"],
  export_done: ["Đã xuất tệp {file}", "Exported {file}"],
  signout_pending: [
    "Còn {n} thay đổi chưa đồng bộ. Nếu đăng xuất, các thay đổi này sẽ bị xóa khỏi máy. Hãy xuất dữ liệu ra tệp trước.",
    "{n} changes are not synced. Signing out deletes them from this phone. Export them to a file first.",
    "{n} change is not synced. Signing out deletes it from this phone. Export it to a file first.",
  ],
  signout_confirm_again: [
    "Xác nhận lần cuối: xóa {n} thay đổi chưa đồng bộ và đăng xuất?",
    "Last confirmation: delete {n} unsynced changes and sign out?",
    "Last confirmation: delete {n} unsynced change and sign out?",
  ],
  signout_anyway: ["Xóa và đăng xuất", "Delete and sign out"],
  signout_plain: ["Đăng xuất khỏi máy này?", "Sign out of this phone?"],
  update_ready: ["Có phiên bản mới — Cập nhật", "A new version is available — Update"],
  update: ["Cập nhật", "Update"],
  offline_ready: ["Ứng dụng đã sẵn sàng dùng khi không có mạng", "Ready to work offline"],
  deleted_record: ["Đã xóa", "Deleted"],
  confirm_delete: ["Xóa bản ghi này?", "Delete this record?"],
  review_queued: ["Đã lưu thao tác — sẽ gửi khi đồng bộ", "Saved — will be sent on sync"],
  network_error: ["Không kết nối được máy chủ", "Cannot reach the server"],
  // Recognition and commendations, inspections and supervision (DOMAIN.md §2.7–2.8, §5).
  nav_recognitions: ["Công nhận, khen thưởng", "Recognition and awards"],
  nav_inspections: ["Kiểm tra, giám sát", "Inspections and supervision"],
  count_recognitions: ["Công nhận, khen thưởng", "Recognitions and awards"],
  count_inspections: ["Kiểm tra, giám sát", "Inspections and supervision"],
  add_recognition: ["Ghi nhận công nhận, khen thưởng", "Record a recognition"],
  add_inspection: ["Thêm cuộc kiểm tra, giám sát", "Add an inspection"],
  recognitions_of_model: ["Công nhận, biểu dương, khen thưởng", "Recognition and awards"],
  highest_recognition: ["Cao nhất: {text}", "Highest: {text}"],
  overdue_n: ["{n} cuộc kiểm tra, giám sát quá hạn khắc phục", "{n} follow-ups overdue", "{n} follow-up overdue"],
  overdue_only: ["Quá hạn khắc phục", "Overdue follow-up"],
  overdue_days: ["Quá hạn {n} ngày", "{n} days overdue", "{n} day overdue"],
  filter_stage: ["Bước", "Stage"],
  filter_level: ["Cấp", "Level"],
  filter_inspection_kind: ["Loại", "Kind"],
  filter_result: ["Kết quả", "Result"],
  lines_hint: ["Mỗi dòng một người/tổ chức", "One per line"],
  target_outside: [
    "Đơn vị được kiểm tra, giám sát phải thuộc phạm vi của đơn vị tiến hành",
    "An inspected unit must lie within the conducting unit's scope",
  ],
  f_subject_model_id: ["Mô hình, điển hình", "Model or exemplar"],
  f_stage: ["Bước (công nhận → khen thưởng)", "Stage"],
  f_level: ["Cấp công nhận, khen", "Level"],
  f_form: ["Hình thức", "Form"],
  f_issuer: ["Cơ quan công nhận, khen", "Issued by"],
  f_decision_no: ["Số quyết định", "Decision no."],
  f_decision_date: ["Ngày quyết định", "Decision date"],
  f_event_meeting_id: ["Hội nghị biểu dương, khen thưởng", "Commendation conference"],
  f_inspection_kind: ["Loại (kiểm tra/giám sát/khảo sát)", "Kind"],
  f_conducting_unit_id: ["Đơn vị tiến hành", "Conducting unit"],
  f_team_members: ["Thành viên đoàn", "Team members"],
  f_target_unit_ids: ["Đơn vị được kiểm tra, giám sát", "Units inspected"],
  f_other_targets: ["Tổ chức khác được kiểm tra, giám sát", "Other organisations inspected"],
  f_target_model_ids: ["Mô hình được kiểm tra", "Models inspected"],
  f_subject: ["Nội dung kiểm tra, giám sát", "Subject"],
  f_date_from: ["Từ ngày", "From"],
  f_date_to: ["Đến ngày", "To"],
  f_findings: ["Kết quả, phát hiện", "Findings"],
  f_recommendations: ["Kiến nghị", "Recommendations"],
  f_result: ["Đánh giá", "Result"],
  f_follow_up_due: ["Hạn khắc phục", "Follow-up due"],
  f_follow_up_done: ["Đã khắc phục xong", "Follow-up done"],
  need_decision_no: ["Bước Khen thưởng cần số quyết định", "A commendation needs its decision number"],
  level_for_stage: [
    "Cấp toàn quốc không công nhận hay chọn tiêu biểu: chỉ biểu dương, khen thưởng",
    "The national level does not recognise or select exemplars: it commends",
  ],
  form_for_level: ["Hình thức này không do cấp này trao tặng", "This form is not given at this level"],
  form_for_stage: [
    "Hình thức này là khen thưởng: chọn bước Khen thưởng hoặc Đề nghị khen",
    "This form is a commendation: choose the stage Commended or Proposed",
  ],
  end_not_before_start: ["Ngày kết thúc không được trước ngày bắt đầu", "The end date must not be before the start date"],
  follow_up_not_before_start: ["Hạn khắc phục không được trước ngày bắt đầu", "The follow-up date must not be before the start date"],
  // Criteria sets and evaluations (DOMAIN.md §2.6).
  nav_evaluations: ["Đánh giá mô hình", "Evaluations"],
  count_evaluations: ["Đánh giá", "Evaluations"],
  add_evaluation: ["Đánh giá mô hình", "Evaluate a model"],
  evaluate: ["Chấm điểm", "Evaluate"],
  evaluation_title: ["Đánh giá ngày {date}", "Evaluation of {date}"],
  evaluations_of_model: ["Kết quả đánh giá", "Evaluations"],
  latest_rating: ["Xếp loại gần nhất", "Latest rating"],
  no_evaluations: ["Chưa có đánh giá.", "No evaluation yet."],
  no_criteria_sets: [
    "Chưa có bộ tiêu chí nào áp dụng cho mô hình này. Hãy đồng bộ hoặc đề nghị cấp trên ban hành.",
    "No criteria set applies to this model yet. Sync, or ask the unit above to issue one.",
  ],
  criteria_set: ["Bộ tiêu chí", "Criteria set"],
  criteria_sets: ["Bộ tiêu chí đánh giá", "Criteria sets"],
  criterion: ["Tiêu chí", "Criterion"],
  points_of: ["Điểm (tối đa {max})", "Points (max {max})"],
  score_comment: ["Nhận xét", "Comment"],
  evidence_required: ["Cần minh chứng", "Evidence required"],
  running_total: ["Tổng điểm: {total}/{max}", "Total: {total}/{max}"],
  rating_now: ["Xếp loại: {rating}", "Rating: {rating}"],
  set_version: ["Phiên bản {n}", "Version {n}"],
  set_superseded: ["Đã có phiên bản mới (chỉ xem)", "Superseded (read only)"],
  filter_rating: ["Xếp loại", "Rating"],
  f_model_id: ["Mô hình, điển hình", "Model"],
  f_set_id: ["Bộ tiêu chí", "Criteria set"],
  f_eval_date: ["Ngày đánh giá", "Date of evaluation"],
  f_evaluator_name: ["Người/hội đồng đánh giá", "Evaluator"],
  f_scores: ["Điểm từng tiêu chí", "Scores"],
  f_total: ["Tổng điểm", "Total"],
  f_rating: ["Xếp loại", "Rating"],
  f_proposal: ["Đề nghị", "Proposal"],
  f_evaluating_unit: ["Đơn vị đánh giá", "Evaluating unit"],
  score_above_max: ["Điểm phải từ 0 đến {max}.", "The points must be from 0 to {max}."],
  score_missing: ["Chưa chấm điểm tiêu chí này.", "This criterion is not scored."],
  score_precision: ["Điểm chỉ có tối đa hai chữ số thập phân.", "Points have at most two decimals."],
  choose_model: ["Chọn mô hình", "Choose a model"],
  choose_set: ["Chọn bộ tiêu chí", "Choose a criteria set"],
  no_proposal: ["Không đề nghị", "No proposal"],
  // Photos, documents and the place (#10).
  f_place: ["Vị trí", "Place"],
  attach_hint: [
    "Ảnh được thu nhỏ trên máy trước khi gửi; tệp tối đa 10 MB. Bản ghi được đồng bộ trước, tệp gửi sau.",
    "Photos are shrunk on the phone before sending; 10 MB at most per file. The record syncs first, files follow.",
  ],
  take_photo: ["Thêm ảnh", "Take a photo"],
  pick_photo: ["Chọn từ thư viện", "Pick from gallery"],
  add_document: ["Thêm tài liệu", "Add a document"],
  document_kind: ["Loại tài liệu", "Document type"],
  caption: ["Chú thích", "Caption"],
  caption_placeholder: ["Ảnh: …", "Photo: …"],
  file_preparing: ["Đang xử lý ảnh…", "Preparing the photo…"],
  file_not_image: ["Tệp này không phải là ảnh.", "This file is not a photo."],
  file_not_allowed: ["Chỉ nhận ảnh hoặc tệp PDF.", "Only photos or PDF files are accepted."],
  file_empty: ["Tệp rỗng.", "The file is empty."],
  file_too_large: ["Tệp quá lớn: tối đa {max} mỗi tệp.", "The file is too large: {max} at most per file."],
  file_unreadable: ["Không đọc được ảnh này trên máy (định dạng không hỗ trợ).", "This phone cannot read this image (unsupported format)."],
  file_quota: [
    "Bộ nhớ của máy đã đầy: chưa lưu được tệp. Bản ghi vẫn được lưu — hãy giải phóng bộ nhớ rồi thêm lại.",
    "The phone's storage is full: the file was not kept. The record is still saved — free some space and add it again.",
  ],
  file_not_saved: ["Không lưu được tệp trên máy. Bản ghi vẫn được lưu.", "The file could not be kept on the phone. The record is still saved."],
  file_twice: ["Tệp này đã có trong bản ghi.", "This file is already on the record."],
  file_too_many: ["Tối đa {n} tệp cho một bản ghi.", "At most {n} files per record."],
  open_file: ["Xem tệp", "Open the file"],
  open_document: ["Mở tài liệu", "Open the document"],
  file_missing: ["Chưa nhận", "Not received"],
  file_not_here: ["Máy chủ chưa nhận được tệp này.", "The server has not received this file yet."],
  file_offline: ["Cần kết nối mạng để xem tệp này.", "A connection is needed to open this file."],
  files_received: ["{received}/{total} tệp đã nhận", "{received}/{total} files received"],
  queue_files_missing: ["Thiếu tệp ({received}/{total})", "Files missing ({received}/{total})"],
  take_place: ["Ghi vị trí", "Record the place"],
  clear_place: ["Xóa vị trí", "Clear the place"],
  place_hint: [
    "Chỉ ghi khi bạn bấm nút; vị trí gửi kèm bản ghi.",
    "Recorded only when you press the button; the place is sent with the record.",
  ],
  place_none: ["Chưa ghi vị trí", "No place recorded"],
  place_locating: ["Đang xác định vị trí…", "Finding the place…"],
  place_denied: ["Bạn chưa cho phép ứng dụng dùng vị trí.", "Location permission was not given."],
  place_timeout: ["Không xác định được vị trí kịp thời. Hãy thử lại ngoài trời.", "The place was not found in time. Try again outdoors."],
  place_unavailable: ["Không xác định được vị trí.", "The place could not be found."],
  place_unsupported: ["Máy này không hỗ trợ định vị.", "This phone cannot find its place."],
  accuracy_m: ["±{n} m", "±{n} m"],
  open_map: ["Xem trên bản đồ", "Show on a map"],
  uploads_title: ["Tải tệp lên", "File uploads"],
  uploads_running: ["Đang tải tệp lên {current}/{total}", "Uploading files {current}/{total}"],
  uploads_paused: ["Đã tạm dừng tải tệp ({done}/{total})", "File uploads paused ({done}/{total})"],
  pause_uploads: ["Tạm dừng", "Pause"],
  resume_uploads: ["Tiếp tục", "Resume"],
  upload_of: ["{sent} / {size}", "{sent} / {size}"],
  upload_failed: ["Không gửi được tệp", "File not sent"],
  retry_upload: ["Thử lại", "Retry"],
  uploads_later: ["Chưa gửi được tệp ({message}); sẽ tự thử lại.", "Files not sent yet ({message}); will retry by itself."],
  file_waiting: ["Đang lưu trên máy, chờ tải lên", "Kept on this phone, waiting to upload"],
  // Shared phones: PIN, lock, switching user, sealed export.
  pin_title: ["Mở khóa", "Unlock"],
  pin_who: ["Ai đang dùng máy?", "Who is using this phone?"],
  pin_label: ["Mã PIN", "PIN"],
  pin_unlock: ["Mở khóa", "Unlock"],
  pin_set_title: ["Đặt mã PIN cho máy này", "Set a PIN for this phone"],
  pin_set_intro: [
    "Mã PIN mở dữ liệu của {name} trên máy này, kể cả khi không có mạng. Người khác dùng chung máy không đọc được dữ liệu của bạn.",
    "The PIN opens {name}'s data on this phone, even offline. Others sharing the phone cannot read your data.",
  ],
  pin_new: ["Mã PIN mới (4–8 chữ số)", "New PIN (4–8 digits)"],
  pin_again: ["Nhập lại mã PIN", "PIN again"],
  pin_save: ["Lưu mã PIN", "Save PIN"],
  pin_hint: ["Không dùng dãy dễ đoán như 0000 hay 1234.", "Not an easy run like 0000 or 1234."],
  pin_working: ["Đang mở…", "Opening…"],
  PIN_FORMAT: ["Mã PIN gồm 4 đến 8 chữ số.", "A PIN is 4 to 8 digits."],
  PIN_TRIVIAL: ["Mã PIN quá dễ đoán (như 0000, 1234). Hãy chọn mã khác.", "That PIN is too easy to guess (like 0000, 1234). Choose another."],
  PIN_MISMATCH: ["Hai lần nhập mã PIN không khớp.", "The two PINs do not match."],
  PIN_WRONG: ["Mã PIN không đúng.", "Wrong PIN."],
  PIN_WAIT: ["Sai mã PIN. Thử lại sau {s} giây.", "Wrong PIN. Try again in {s} s."],
  PIN_NEEDS_ONLINE: [
    "Nhập sai quá nhiều lần. Hãy đăng nhập bằng mật khẩu khi có mạng; dữ liệu chưa đồng bộ vẫn được giữ.",
    "Too many wrong PINs. Sign in with your password when online; unsynced data is kept.",
  ],
  NO_ACCOUNT: ["Người dùng này chưa có trên máy.", "This user is not on this phone."],
  pin_other_user: ["Cán bộ khác đăng nhập", "Another officer signs in"],
  pin_password_sign_in: ["Đăng nhập bằng mật khẩu", "Sign in with password"],
  pin_cancel: ["Hủy", "Cancel"],
  lock_now: ["Khóa / đổi người dùng", "Lock / switch user"],
  lock_after: ["Tự khóa sau khi không dùng", "Lock when idle for"],
  lock_minutes: ["{n} phút", "{n} min"],
  upgrade_title: ["Bảo vệ dữ liệu bằng mã PIN", "Protect your data with a PIN"],
  export_for_admin: ["Xuất thay đổi chưa đồng bộ cho quản trị", "Export unsynced changes for the administrator"],
  export_sealed_note: [
    "Tệp đã được mã hóa cho máy chủ. Gửi tệp cho quản trị viên để nhập vào hệ thống.",
    "The file is encrypted for the server. Send it to an administrator to import.",
  ],
  import_title: ["Nhập tệp từ máy bị thu hồi", "Import a file from a revoked phone"],
  import_file: ["Chọn tệp", "Choose file"],
  import_done: [
    "Đã nhập: {applied} áp dụng, {duplicate} đã có, {conflict} xung đột, {rejected} bị từ chối.",
    "Imported: {applied} applied, {duplicate} already there, {conflict} conflicts, {rejected} refused.",
  ],
};

let lang = "vi";

/** @param {string} next "vi" or "en" */
export function setLang(next) {
  lang = next === "en" ? "en" : "vi";
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}

export function getLang() {
  return lang;
}

/** Look up a label in the current language. */
export function t(key, values) {
  const forms = LABELS[key];
  // English labels that count may carry a third form for exactly one: "1 record", not "1 records".
  const one = lang === "en" && values && Number(values.n) === 1 && forms && forms[2];
  const text = forms ? (one ? forms[2] : forms[lang === "en" ? 1 : 0]) : key;
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
