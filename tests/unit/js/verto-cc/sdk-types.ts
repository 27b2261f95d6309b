// The real @signalwire/js 1.5 declarations fit verto-cc.d.ts's VertoClient
// and VertoCall: a page passes its Verto client and SDK calls as they are
// (tsc, with the SDK's own .d.ts; bundle.test.mjs). Never run.
// SPDX-License-Identifier: GPL-2.0-or-later
import { Verto } from '@signalwire/js';
import { ContactCenter } from '../../../../web/verto-cc/verto-cc';

const client = new Verto({ host: 'wss://gw.example.net/verto-ws', login: '1008@cc.example', passwd: '1234' });
const cc = new ContactCenter(client, { destination: '5000' });
const sdkCall = client.newCall({ destinationNumber: '5000' } as any);
const followed = cc.track(sdkCall);
client.on('signalwire.notification', (n: any) => {
  if (n.type === 'callUpdate' && n.call.state === 'ringing') cc.track(n.call);
});
console.log(followed.sdkCall.id);
