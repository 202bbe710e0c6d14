// What the phone keeps in clear, outside every user's encrypted database: who has an account
// here (id, user name, full name, for the "who are you" list), each one's wrapped data key and
// wrong-PIN count, and phone-wide settings (language, lock delay, the server's export key).
// No DOM.

export const PHONE_DB = "sotay-phone";
const VERSION = 1;
const ACCOUNTS = "accounts";
const SETTINGS = "settings";

export const SETTING = Object.freeze({
  LANG: "lang",
  IDLE_MS: "idleMs",
  SERVER_KEY: "serverKey",
  LAST_USER: "lastUser",
});

/**
 * @typedef {{user_id: number, username: string, full_name: string,
 *   box: import("./crypto.js").KeyBox, key_salt: string, failures: number,
 *   last_failure_at: number, needs_online: boolean, created_at: number}} Account
 */

/** @type {Promise<IDBDatabase>|null} */
let phoneDb = null;

function openPhone() {
  if (!phoneDb) {
    phoneDb = new Promise((resolve, reject) => {
      const request = indexedDB.open(PHONE_DB, VERSION);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(ACCOUNTS, { keyPath: "user_id" });
        request.result.createObjectStore(SETTINGS);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => {
        phoneDb = null;
        reject(request.error);
      };
    });
  }
  return phoneDb;
}

async function run(store, mode, op) {
  const db = await openPhone();
  return new Promise((resolve, reject) => {
    const tx = db.transaction([store], mode, { durability: "strict" });
    const request = op(tx.objectStore(store));
    let result;
    request.onsuccess = () => { result = request.result; };
    tx.oncomplete = () => resolve(result);
    tx.onabort = () => reject(tx.error);
  });
}

/** @returns {Promise<Account[]>} */
export function listAccounts() {
  return run(ACCOUNTS, "readonly", (s) => s.getAll());
}

/** @returns {Promise<Account|undefined>} */
export function getAccount(userId) {
  return run(ACCOUNTS, "readonly", (s) => s.get(userId));
}

/** @param {Account} account */
export function putAccount(account) {
  return run(ACCOUNTS, "readwrite", (s) => s.put(account));
}

export function deleteAccount(userId) {
  return run(ACCOUNTS, "readwrite", (s) => s.delete(userId));
}

export function getSetting(name) {
  return run(SETTINGS, "readonly", (s) => s.get(name));
}

export function setSetting(name, value) {
  return run(SETTINGS, "readwrite", (s) => s.put(value, name));
}
