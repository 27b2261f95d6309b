// IWGError: every error the SDK throws or rejects with, with a stable code
// a program can test (the message is for people).
// SPDX-License-Identifier: GPL-2.0-or-later

export class IWGError extends Error {
  // code: see iwg.d.ts (IWGErrorCode); status: the SIP status when one
  // caused it, else null
  constructor(code, message, status = null) {
    super(message);
    this.name = 'IWGError';
    this.code = code;
    this.status = status;
  }
}
