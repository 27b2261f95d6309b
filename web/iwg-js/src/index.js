// iwg.js: calls in the browser through the iwg WebRTC gateway.
// ES module entry; the classic bundle exposes the same names on window.IWG.
// SPDX-License-Identifier: GPL-2.0-or-later
export { Gateway } from './gateway.js';
export { Call } from './call.js';
export { IWGError } from './errors.js';
export { reasonFromStatus, REASON_TEXT } from './reasons.js';
export { estimateMos } from './quality.js';

/** the version of iwg.js */
export const version = __IWG_VERSION__;
