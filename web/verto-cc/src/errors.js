// CCError: every error @iwg/verto-cc throws or rejects with. `code` is
// stable for programs to test (see verto-cc.d.ts, CCErrorCode); the message
// is for people.
// SPDX-License-Identifier: GPL-2.0-or-later

export class CCError extends Error {
  // code: invalid_argument | timeout | rejected | ended | closed;
  // status: the contact center's reply code (cc-result) when one caused it
  constructor(code, message, status = null) {
    super(message);
    this.name = 'CCError';
    this.code = code;
    this.status = status;
  }
}
