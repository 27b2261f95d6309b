// iwg.js end to end (test.sh starts the stack): the test files below share
// one Chromium page and run in this order, the most important first.
// SPDX-License-Identifier: GPL-2.0-or-later
import { after } from 'node:test';
import { closePage, stopKamailio } from './lib.mjs';
import './units.mjs';
import './register.mjs';
import './calls.mjs';
import './media.mjs';
import './reconnect.mjs';
import './transfer.mjs';
import { noThirdParty } from './bundle.mjs';

noThirdParty();

after(async () => {
  await closePage();
  await stopKamailio();
});
