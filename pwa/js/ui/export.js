// Export everything not yet on the server to a JSON file, for when no connection comes.

import { getMeta, META, setMeta } from "../store/meta.js";
import { unsyncedData } from "../store/records.js";
import { APP_VERSION } from "../version.js";
import { h } from "./dom.js";

/**
 * Build the file and start its download. Returns the file name.
 * @returns {Promise<string>}
 */
export async function exportUnsynced() {
  const [data, session] = await Promise.all([unsyncedData(), getMeta(META.SESSION)]);
  const now = new Date();
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  const fileName = `sotay-chua-dong-bo-${stamp}.json`;
  const body = {
    format: "sotay-unsynced/1",
    exported_at: now.toISOString(),
    app_version: APP_VERSION,
    user: session && session.user ? { id: session.user.id, username: session.user.username, full_name: session.user.full_name } : null,
    device_id: session && session.device ? session.device.id : null,
    ...data,
  };
  const blob = new Blob([JSON.stringify(body, null, 1)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  await setMeta(META.LAST_EXPORT_AT, now.getTime());
  return fileName;
}
