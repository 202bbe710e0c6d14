// The app's version: sent with every sync and shown in Settings. sw.js carries the same value
// in its cache name (tests/js/shell.test.js checks they agree).
export const APP_VERSION = "2026.11.1";
