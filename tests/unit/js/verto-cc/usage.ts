// Type-checks verto-cc.d.ts the way a page uses it (tsc --strict, with
// bundle.test.mjs). Never run.
// SPDX-License-Identifier: GPL-2.0-or-later
import { ContactCenter, CCCall, CCError, parseNotification, version } from '../../../../web/verto-cc/verto-cc';
import type { VertoClient, VertoCall, QueueEvent, AgentEvent, IvrEvent, CCCallState, CCPhase, ResultEvent } from '../../../../web/verto-cc/verto-cc';

declare const client: VertoClient;
declare const ringing: VertoCall;

async function page(show: (s: string) => void): Promise<string> {
  const cc = new ContactCenter(client, { destination: '5000', language: 'fr', requestTimeout: 20000 });
  cc.on('queue', (e: QueueEvent) => show(`${e.callID} position ${e.position ?? '?'} wait ${e.wait ?? '?'} s (${e.source})`));
  cc.on('agent', ({ name, number, call }) => show(`${name} ${number} ${call ? call.id : 'not followed'}`));
  cc.on('state', ({ state, previous }) => show(`${previous.phase} -> ${state.phase}`));
  cc.on('ended', ({ cause, causeCode }) => show(`${cause} ${causeCode}`));
  const call: CCCall = cc.enterQueue('billing', { language: 'fr', page: null, audio: true, video: false,
    callerName: 'Web User', userVariables: { priority: 5 }, onNotification: (n: unknown) => console.log(n) });
  call.on('ivr', (e: IvrEvent) => show(`${e.menu}: ${e.prompt}`));
  call.on('supervisor', ({ name, mode, data }) => show(`${name} ${mode} ${JSON.stringify(data)}`));
  call.on('dtmf', ({ digits, duration }) => show(`${digits} ${duration}`));
  call.on('cc', ({ event, data }) => show(`${event} ${Object.keys(data).join()}`));
  call.once('agent', (a: AgentEvent) => show(a.source));
  call.off('agent');
  const phase: CCPhase = call.phase;
  const st: CCCallState = call.state;
  const menu: string | null = call.ivr.menu;
  const ev: QueueEvent | IvrEvent = await call.ivr.send('1', { expectMenu: 'billing', timeout: 5000, gap: 200 });
  const maybe = await call.ivr.send('#');
  if (maybe !== null) show(maybe.type);
  try {
    const r: ResultEvent = await call.requestCallback('+33 6 12 34 56 78', { when: new Date(Date.now() + 3600e3) });
    show(`accepted ${r.code}`);
    await call.changeQueue('sales', { timeout: 0 });
    await call.request('note', { text: 'hello' });
  } catch (e) {
    if (e instanceof CCError && e.code === 'rejected') show(`refused ${e.status}`);
  }
  const other = cc.track(ringing, { queue: 'billing' });
  cc.handleNotification({ type: 'event', callID: other.id, msg: { iwg: 'dtmf', digits: '5' } });
  const p = parseNotification({});
  if (p && p.event.type === 'queue') show(String(p.event.position));
  call.hangup();
  cc.close();
  return `${version} ${phase} ${st.position} ${menu} ${ev.menu} ${call.sdkCall.id} ${cc.calls.length} ${cc.call('x')?.id}`;
}
export { page };
