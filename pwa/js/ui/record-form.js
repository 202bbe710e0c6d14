// The create/edit flow shared by both forms: fill, autosave a draft, validate like the server,
// warn about a likely duplicate, save to the phone, queue the change.

import { t } from "../i18n/labels.js";
import { validateRecord } from "../lib/record-rules.js";
import { deleteMeta, getMeta, META, setMeta } from "../store/db.js";
import { resolveConflict, saveRecord } from "../store/records.js";
import { ask, confirmDialog, h } from "./dom.js";
import { FormKit } from "./form-kit.js";

// Save what is typed at most this often: cheap enough on a slow phone, and an app update or a
// crash loses at most this much typing.
const DRAFT_MS = 400;

/**
 * @param {import("../app.js").Ctx} ctx
 * @param {{table: "models"|"meetings", id?: string, route: string, query: Record<string,string>,
 *   specs: any[], defaults: () => Record<string, any>, title: string}} options
 */
export function recordForm(ctx, options) {
  const { table } = options;
  const existing = options.id ? ctx.index.get(table, options.id) : undefined;
  const kit = new FormKit(options.specs);
  const fields = kit.build();
  const banner = h("p", { class: "form-error", role: "alert", hidden: true });
  const saveButton = h("button", { type: "submit", class: "btn btn-primary btn-block", "data-action": "save" }, t("save"));
  let dirty = false;
  let timer = 0;

  const form = h("form", { class: "record-form", novalidate: true },
    h("p", { class: "small", text: t("required_legend") }),
    banner,
    fields,
    h("div", { class: "save-bar" },
      h("button", { type: "button", class: "btn", "data-action": "back", onclick: () => back() }, t("back")),
      saveButton));

  const node = h("section", { class: "screen screen-form" }, h("h2", { class: "screen-title", text: options.title }), form);

  if (options.id && !existing) {
    return { node: h("section", { class: "screen" }, h("p", { text: t("not_found") })) };
  }

  // The record being edited: existing values, or defaults; a saved draft wins over both.
  const start = existing ? { ...existing } : { ...options.defaults(), id: crypto.randomUUID() };
  kit.fill(start);
  const ready = getMeta(META.FORM_DRAFT).then((draft) => {
    if (draft && draft.route === options.route && (!existing || draft.id === start.id)) {
      start.id = draft.id;
      kit.fill(draft.values);
      dirty = true;
      ctx.toast(t("resume_draft"));
    }
  });

  function saveDraft() {
    clearTimeout(timer);
    timer = setTimeout(flushDraft, DRAFT_MS);
  }
  function flushDraft() {
    clearTimeout(timer);
    if (!dirty) return Promise.resolve();
    return setMeta(META.FORM_DRAFT, { route: options.route, id: start.id, table, values: kit.rawValues(), at: Date.now() });
  }

  form.addEventListener("input", () => {
    dirty = true;
    saveDraft();
  });
  form.addEventListener("change", () => {
    dirty = true;
    kit.refresh();
    saveDraft();
  });

  async function back() {
    if (dirty && !(await confirmDialog(t("discard_typing"), { ok: t("discard"), danger: true }))) return;
    dirty = false;
    clearTimeout(timer);
    await deleteMeta(META.FORM_DRAFT);
    history.length > 1 ? history.back() : ctx.navigate(existing ? `#/${table}/${start.id}` : `#/${table}`);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await ready;
    const record = { ...start, ...kit.values() };
    const errors = validateRecord(table, record);
    const first = kit.showErrors(errors);
    if (first) {
      banner.textContent = t("form_has_errors");
      banner.hidden = false;
      first.scrollIntoView({ block: "center" });
      if (first.focus) first.focus();
      return;
    }
    banner.hidden = true;
    if (table === "models" && !(await duplicateOk(ctx, record, existing))) return;
    saveButton.setAttribute("disabled", "");
    try {
      await saveRecord(table, record);
      if (options.query.resolve) await resolveConflict(options.query.resolve, "KEEP_KEPT");
      dirty = false;
      clearTimeout(timer);
      await deleteMeta(META.FORM_DRAFT);
      ctx.toast(t("saved_on_phone"));
      ctx.navigate(`#/${table}/${record.id}`, { replace: true });
    } finally {
      saveButton.removeAttribute("disabled");
    }
  });

  return {
    node,
    isDirty: () => dirty,
    flush: flushDraft,
    dispose: () => {
      clearTimeout(timer);
      if (dirty) flushDraft();
    },
  };
}

/** Ask before saving a model whose folded name matches another in the same commune. */
async function duplicateOk(ctx, record, existing) {
  const unchanged = existing && existing.name === record.name && existing.commune_unit_id === record.commune_unit_id;
  if (unchanged) return true;
  const twin = ctx.index.findDuplicate(record);
  if (!twin) return true;
  const answer = await ask({
    title: t("duplicate_warning"),
    message: h("p", { class: "duplicate-name", text: twin.name }),
    buttons: [
      { label: t("back"), value: false },
      { label: t("continue"), value: true, kind: "primary" },
    ],
  });
  return answer === true;
}
