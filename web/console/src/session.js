// The API key of this browser tab: sessionStorage only (gone when the tab
// closes), never localStorage, a cookie or the URL.
// SPDX-License-Identifier: GPL-2.0-or-later

const NAME = 'iwg-console.api-key';

export function loadKey() {
  try {
    return sessionStorage.getItem(NAME);
  } catch {
    return null;
  }
}

export function saveKey(key) {
  try {
    sessionStorage.setItem(NAME, key);
  } catch {
    // storage refused (private mode): the key lives until the page reloads
  }
}

export function clearKey() {
  try {
    sessionStorage.removeItem(NAME);
  } catch {
    // nothing kept
  }
}
