// Create or edit a meeting/activity with its attendees (DOMAIN.md §2.4–2.5).

import { t } from "../i18n/labels.js";
import { listEditor } from "./form-kit.js";
import { partOfDayOptions } from "./present.js";
import { recordForm } from "./record-form.js";

/**
 * @param {import("../app.js").Ctx} ctx
 * @param {{id?: string, route: string, query: Record<string,string>}} params
 */
export function render(ctx, params) {
  const units = () => {
    const list = ctx.index.units.length ? ctx.index.units : [ctx.user.unit];
    return list.map((u) => [u.id, u.name]);
  };
  const attendees = listEditor({
    name: "attendees",
    label: t("f_attendees"),
    addLabel: t("add_attendee"),
    blank: () => ({ role: "DAI_BIEU", attendance: "CO_MAT" }),
    fields: [
      { name: "full_name", kind: "text", max: 255 },
      { name: "position", kind: "text", max: 255 },
      { name: "org_name", kind: "text", max: 255 },
      { name: "role", kind: "select", enumName: "attendee_role", required: true },
      { name: "attendance", kind: "select", enumName: "attendance" },
      { name: "absent_reason", kind: "text", max: 500, showIf: (v) => Boolean(v.attendance) && v.attendance !== "CO_MAT" },
    ],
  });
  const sites = listEditor({
    name: "sites",
    label: t("f_sites"),
    addLabel: t("add_site"),
    blank: () => ({}),
    fields: [
      { name: "name", label: "f_site_name", kind: "text", required: true, max: 255 },
      { name: "chair", label: "f_full_name", kind: "text", max: 255 },
    ],
  });
  const specs = [
    { name: "type", kind: "select", enumName: "meeting_type", required: true },
    { name: "title", kind: "textarea", required: true, max: 500 },
    { name: "format", kind: "select", enumName: "meeting_format", required: true },
    { name: "organizer_unit_id", kind: "select", required: true, numeric: true, options: units },
    { name: "start_at", kind: "datetime", required: true },
    { name: "end_at", kind: "datetime" },
    { name: "part_of_day", kind: "select", options: partOfDayOptions, label: "f_part_of_day" },
    { name: "location", kind: "text", required: true, max: 500 },
    { name: "sites", widget: sites, showIf: (v) => v.format && v.format !== "TRUC_TIEP" },
    { name: "report_period", kind: "select", enumName: "report_period", required: true, showIf: (v) => v.type === "SO_KET" || v.type === "TONG_KET" },
    { name: "actual_count", kind: "int" },
    { name: "planned_count", kind: "int" },
    { name: "count_is_approx", kind: "checkbox" },
    { name: "audience", kind: "checks", enumName: "audience", label: "f_audience" },
    { name: "agenda", kind: "textarea" },
    { name: "content_summary", kind: "textarea", required: true },
    { name: "attendees", widget: attendees },
    { name: "speeches_count", kind: "int" },
    { name: "conclusion", kind: "textarea" },
    { name: "outcomes", kind: "textarea" },
    { name: "minutes_no", kind: "text", max: 64 },
    { name: "notes", kind: "textarea" },
  ];
  const user = ctx.user;
  return recordForm(ctx, {
    table: "meetings",
    id: params.id,
    route: params.id ? `#/meetings/${params.id}/edit` : "#/meetings/new",
    query: params.query,
    specs,
    title: params.id ? t("edit") : t("add_meeting"),
    defaults: () => ({
      type: "HOI_NGHI",
      format: "TRUC_TIEP",
      owner_unit_id: user.unit.id,
      organizer_unit_id: user.unit.id,
      count_is_approx: false,
      audience: [],
      sites: [],
      co_organizer_ids: [],
      linked_model_ids: [],
      attendees: [{ full_name: user.full_name, position: user.position || "", role: "CHU_TRI", attendance: "CO_MAT" }],
    }),
  });
}
