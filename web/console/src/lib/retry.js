// Retrying a request the server refused for rate (429): a bulk action (the
// identity import) waits as long as the server's Retry-After says and sends
// the same request again, instead of reporting the record as failed.
// SPDX-License-Identifier: GPL-2.0-or-later

const sleep = (s) => new Promise((resolve) => setTimeout(resolve, s * 1000));

// retrying(fn, { tries, wait, onWait }): fn's result; an error other than
// 429, or a 429 after `tries` attempts, is thrown. The wait is the error's
// retryAfter (seconds), 1 s when it has none, at most 30 s; onWait(seconds)
// is told before each wait.
export async function retrying(fn, { tries = 10, wait = sleep, onWait = null } = {}) {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!e || e.status !== 429 || i >= tries) throw e;
      const s = Math.min(30, Math.max(1, Number(e.retryAfter) || 1));
      if (onWait) onWait(s);
      await wait(s);
    }
  }
}
