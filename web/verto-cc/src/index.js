// @iwg/verto-cc: contact-center features on the @signalwire/js 1.5 Verto
// client, for pages calling a contact center through the iwg gateway.
// ES module entry; the classic bundle puts the same names on the global
// IWGContactCenter. The SDK is not inside: the page gives its client.
// SPDX-License-Identifier: GPL-2.0-or-later
export { ContactCenter } from './contact-center.js';
export { CCCall, IVR } from './call.js';
export { CCError } from './errors.js';
export { parseNotification } from './events.js';

/** the version of @iwg/verto-cc */
export const version = __IWG_CC_VERSION__;
