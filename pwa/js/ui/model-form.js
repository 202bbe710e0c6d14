// Create or edit a model/exemplar (DOMAIN.md §2.3).

import { t } from "../i18n/labels.js";
import { listEditor } from "./form-kit.js";
import { recordForm } from "./record-form.js";

/**
 * @param {import("../app.js").Ctx} ctx
 * @param {{id?: string, route: string, query: Record<string,string>}} params
 */
export function render(ctx, params) {
  const communes = () => {
    const xa = ctx.index.units.filter((u) => u.level === "XA");
    const list = xa.length ? xa : [ctx.user.unit];
    return list.map((u) => [u.id, u.name]);
  };
  const metrics = listEditor({
    name: "metrics",
    label: t("f_metrics"),
    addLabel: t("add_metric"),
    blank: () => ({}),
    fields: [
      { name: "metric", kind: "text", required: true, max: 200 },
      { name: "value", kind: "number", required: true },
      { name: "unit", kind: "text", max: 50 },
    ],
  });
  const thisYear = new Date().getFullYear();
  const specs = [
    { name: "kind", kind: "select", enumName: "model_kind", required: true },
    { name: "subject_type", kind: "select", required: true },
    { name: "name", kind: "textarea", required: true, max: 500 },
    { name: "field", kind: "select", required: true },
    { name: "collective_name", kind: "text", required: true, max: 500, showIf: (v) => v.subject_type !== "CA_NHAN" },
    { name: "person_name", kind: "text", required: true, showIf: (v) => v.subject_type === "CA_NHAN" },
    { name: "person_position", kind: "text", showIf: (v) => v.subject_type === "CA_NHAN" },
    { name: "person_gender", kind: "select", enumName: "gender", showIf: (v) => v.subject_type === "CA_NHAN" },
    { name: "person_ethnicity", kind: "text", max: 64, showIf: (v) => v.subject_type === "CA_NHAN" },
    { name: "person_birth_year", kind: "int", showIf: (v) => v.subject_type === "CA_NHAN" },
    { name: "commune_unit_id", kind: "select", required: true, numeric: true, options: communes },
    { name: "locality", kind: "text", required: true },
    { name: "lead_org", kind: "text" },
    { name: "start_date", kind: "date", required: true },
    { name: "status", kind: "select", enumName: "model_status", required: true },
    { name: "period", kind: "select", enumName: "period", required: true },
    { name: "year_registered", kind: "int", required: true },
    { name: "objective", kind: "textarea", required: true },
    { name: "method", kind: "textarea", required: true },
    { name: "results", kind: "textarea" },
    { name: "metrics", widget: metrics },
    { name: "topic_tags", kind: "checks", enumName: "topic_tag" },
    { name: "notes", kind: "textarea" },
  ];
  const user = ctx.user;
  const route = params.id ? `#/models/${params.id}/edit` : "#/models/new";
  const view = recordForm(ctx, {
    table: "models",
    id: params.id,
    route,
    query: params.query,
    specs,
    title: params.id ? t("edit") : t("add_model"),
    defaults: () => ({
      kind: "MO_HINH",
      subject_type: "TAP_THE",
      owner_unit_id: user.unit.id,
      commune_unit_id: user.unit.level === "XA" ? user.unit.id : null,
      status: "DANG_XAY_DUNG",
      period: thisYear <= 2025 ? "GD_2021_2025" : "GD_2026_2030",
      year_registered: thisYear,
      metrics: [],
      topic_tags: [],
    }),
  });
  return view;
}
