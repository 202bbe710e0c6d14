// The app behind the lock: the record index, storage writes, the sync engine and the screens an
// officer uses, loaded by app.js with one import() once a vault is open. The first-load shell
// (sw.js SHELL) holds only what the sign-in and lock screens need; the service worker caches
// these (sw.js LATER) right after it activates, so they open offline like the shell.

export { index } from "../store/record-index.js";
export { storeUnits } from "../store/records.js";
export { engine } from "../sync/engine.js";
export { renderMeetingForm, renderModelForm } from "./forms.js";
export * as home from "./home.js";
export * as recordDetail from "./record-detail.js";
export * as recordList from "./record-list.js";
export { renderSettings } from "./settings.js";
export { renderConflicts, renderOutbox } from "./sync-views.js";
export { uploadStrip } from "./upload-progress.js";
export { statusText } from "./dom.js";
