// The classic script's global, IWGContactCenter, type-checked (tsc --strict).
// SPDX-License-Identifier: GPL-2.0-or-later
/// <reference path="../../../../web/verto-cc/verto-cc.d.ts" />

function globalUse(client: IWGContactCenter.VertoClient): string {
  const cc = new IWGContactCenter.ContactCenter(client);
  const call: IWGContactCenter.CCCall = cc.enterQueue('sales', { destination: '5000' });
  call.on('queue', (e: IWGContactCenter.QueueEvent) => console.log(e.position));
  return IWGContactCenter.version + call.phase;
}
console.log(globalUse);
