// Type-checks iwg.d.ts as a classic-script user sees it: the global IWG
// (export as namespace), no import (tsc --noEmit, bundle.mjs).
// SPDX-License-Identifier: GPL-2.0-or-later
/// <reference path="../../../web/iwg-js/iwg.d.ts" />

const gw: IWG.Gateway = new IWG.Gateway({ url: 'wss://gw.example.net:8443', domain: 'example.net' });
gw.on('incoming', (call: IWG.Call) => {
  call.on('ended', (e: IWG.CallEnded) => console.log(e.reason, IWG.version));
  call.reject({ status: 603 });
});
