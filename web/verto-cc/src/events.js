// The contact-center events in what @signalwire/js 1.5 hands to
// `client.on('signalwire.notification', fn)`. Pure: no SDK, no DOM.
//
// How the SDK builds the notifications parsed here (read in its
// dist/esm/common/src/webrtc/BaseCall.js and VertoHandler.js):
//
// - verto.info {callID, msg} for a call the SDK knows:
//     {...params, type: 'event', call}  ->  {callID, msg, type: 'event', call}
//   and for a callID it does not know (VertoHandler, params changed in place):
//     {callID, msg, type: 'event'}
// - verto.display {callID, display_name, display_number, display_direction}:
//     {type: 'participantData', call, displayName, displayNumber, displayDirection}
//   (the direction inverted; verto.attach makes one too, without a name)
// - every state change of a call: {type: 'callUpdate', call} with call.state
//   new, requesting, trying, early, active, held, hangup, destroy, ...
//
// iwg's messages (docs/verto-cc.md, "what the gateway sends") are the `msg`
// objects with a string member `iwg`: queue, agent, cc, dtmf, cc-result.
// SPDX-License-Identifier: GPL-2.0-or-later

// a string member, or null: strings are kept when not empty, numbers are
// turned into strings (a number sent as a JSON number); anything else null
export function str(v, max = 256) {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || v === '') return null;
  return v.length > max ? v.slice(0, max) : v;
}

// an integer >= 0 (a JSON number, or a string of digits), else null
export function count(v) {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : null;
  if (typeof v === 'string' && /^[0-9]{1,15}$/.test(v)) return Number(v);
  return null;
}

// the members of a plain object but `iwg`, copied (nested values shared)
function dataOf(msg) {
  const d = {};
  for (const k of Object.keys(msg)) if (k !== 'iwg') d[k] = msg[k];
  return d;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// a queue update: iwg "queue" (a provisional reply of the contact center,
// source 'provisional') or iwg "cc" with event "queue" (its INFO, 'info')
function queueEvent(msg, source) {
  return {
    type: 'queue',
    source,
    queue: str(msg.queue, 64),
    position: count(msg.position),
    wait: count(msg.wait),
    reason: str(msg.reason),
    code: count(msg.code),
    menu: str(msg.menu, 64),
  };
}

// msg (the `msg` of a verto.info) -> one event object, or null when it is
// not one of iwg's contact-center messages (no string `iwg`, an unknown
// one, an "iwg":"cc" without a string `event`, a cc-result without a code)
export function parseMessage(msg) {
  if (!isObject(msg) || typeof msg.iwg !== 'string') return null;
  const data = dataOf(msg);
  let ev;
  switch (msg.iwg) {
    case 'queue':
      ev = queueEvent(msg, 'provisional');
      break;
    case 'agent': {
      // the gateway puts the number as the name when it has no name
      const number = str(msg.number, 64);
      const name = str(msg.name);
      ev = { type: 'agent', source: 'agent', name: name === number ? null : name, number };
      break;
    }
    case 'dtmf': {
      const digits = str(msg.digits, 64);
      if (!digits) return null;
      ev = { type: 'dtmf', digits, duration: count(msg.duration) };
      break;
    }
    case 'cc-result': {
      const code = count(msg.code);
      if (code === null || typeof msg.event !== 'string') return null;
      ev = { type: 'result', event: msg.event, code };
      break;
    }
    case 'cc':
      if (typeof msg.event !== 'string' || msg.event === '') return null;
      if (msg.event === 'queue') ev = queueEvent(msg, 'info');
      else if (msg.event === 'ivr') ev = { type: 'ivr', menu: str(msg.menu, 64), prompt: str(msg.prompt, 1024) };
      else if (msg.event === 'supervisor') ev = { type: 'supervisor', name: str(msg.name), mode: str(msg.mode, 64) };
      else ev = { type: 'cc', event: msg.event };
      break;
    default:
      return null;
  }
  ev.data = data;
  return ev;
}

// n (a signalwire.notification) -> { callID, sdkCall, event } or null when
// it carries nothing for the contact center. event is one of parseMessage's,
// or, for participantData, { type: 'display', name, number } (the connected
// line; name null when the gateway repeated the number there), or, for
// callUpdate, { type: 'sdk', state, cause, causeCode }.
export function parseNotification(n) {
  if (!isObject(n)) return null;
  const sdkCall = isObject(n.call) ? n.call : null;
  const callID = str(n.callID, 256) || (sdkCall && str(sdkCall.id, 256));
  if (!callID) return null;
  let event = null;
  if (n.type === 'event') {
    event = parseMessage(n.msg);
  } else if (n.type === 'participantData') {
    const number = str(n.displayNumber, 64);
    const name = str(n.displayName);
    if (number || name) event = { type: 'display', name: name === number ? null : name, number };
  } else if (n.type === 'callUpdate' && sdkCall && typeof sdkCall.state === 'string') {
    event = {
      type: 'sdk',
      state: sdkCall.state,
      cause: str(sdkCall.cause, 64),
      causeCode: count(sdkCall.causeCode),
    };
  }
  return event ? { callID, sdkCall, event } : null;
}
