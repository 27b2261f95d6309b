// The state of one contact-center call, moved by the events of events.js.
// Pure: reduce(state, event) returns a new state (never changes the old one)
// and the event to tell the page, if any.
//
// Phases:
//   calling    the call is being set up and nothing said where it is yet
//   waiting    in a queue or an IVR: the last word was a queue or ivr event
//   connected  an agent took it (agent event), or the call was answered
//              while nothing had said queue or IVR (a direct answer)
//   ended      the SDK call hung up (terminal: later events are ignored)
// SPDX-License-Identifier: GPL-2.0-or-later

export const PHASES = ['calling', 'waiting', 'connected', 'ended'];

// the SDK states that end a call (BaseCall: hangup, then destroy; purge
// when the session is disconnected or punted)
export const END_STATES = ['hangup', 'destroy', 'purge'];

// the state of a call just placed in queue (null when not known)
export function initialState(queue = null, language = null) {
  return Object.freeze({
    phase: 'calling',
    sdkState: null,
    queue,
    language,
    position: null,
    wait: null,
    reason: null,
    code: null,
    menu: null,
    prompt: null,
    agent: null,
    supervisor: null,
    display: null,
    lastResult: null,
    cause: null,
    causeCode: null,
    // an "iwg":"agent" came: verto.display no longer stands for the agent
    agentSeen: false,
  });
}

const pick = (v, old) => (v === null || v === undefined ? old : v);

function next(state, changes) {
  return Object.freeze({ ...state, ...changes });
}

// where a queue or ivr event puts the menu and its prompt: a new menu
// drops the prompt of the old one unless the event brings its own
function menuChanges(state, menu, prompt) {
  const m = pick(menu, state.menu);
  return { menu: m, prompt: prompt !== null && prompt !== undefined ? prompt : m !== state.menu ? null : state.prompt };
}

// state, event (events.js) -> { state, out }: out is the event to emit
// (null: nothing to tell). A verto.display ('display') is told as an agent
// event (source 'display') only while the gateway has sent no "iwg":"agent"
// for the call and the line differs from the agent known.
export function reduce(state, ev) {
  if (state.phase === 'ended') return { state, out: null };
  switch (ev.type) {
    case 'sdk': {
      if (END_STATES.includes(ev.state)) {
        return { state: next(state, { phase: 'ended', sdkState: ev.state, cause: ev.cause, causeCode: ev.causeCode }), out: null };
      }
      const answered = ev.state === 'active' || ev.state === 'held';
      const phase = answered && state.phase === 'calling' ? 'connected' : state.phase;
      if (phase === state.phase && ev.state === state.sdkState) return { state, out: null };
      return { state: next(state, { phase, sdkState: ev.state }), out: null };
    }
    case 'queue': {
      const otherQueue = ev.queue !== null && ev.queue !== state.queue;
      const changes = {
        phase: 'waiting',
        queue: pick(ev.queue, state.queue),
        position: otherQueue ? ev.position : pick(ev.position, state.position),
        wait: otherQueue ? ev.wait : pick(ev.wait, state.wait),
        reason: pick(ev.reason, state.reason),
        code: pick(ev.code, state.code),
        agent: null,
        ...menuChanges(state, ev.menu, null),
      };
      return { state: next(state, changes), out: ev };
    }
    case 'ivr':
      return { state: next(state, { phase: 'waiting', agent: null, ...menuChanges(state, ev.menu, ev.prompt) }), out: ev };
    case 'agent':
      return {
        state: next(state, {
          phase: 'connected',
          agent: Object.freeze({ name: ev.name, number: ev.number, source: ev.source }),
          agentSeen: state.agentSeen || ev.source === 'agent',
          menu: null,
          prompt: null,
          position: null,
          wait: null,
        }),
        out: ev,
      };
    case 'display': {
      const display = Object.freeze({ name: ev.name, number: ev.number });
      const a = state.agent;
      if (state.agentSeen || (a && a.number === ev.number && (ev.name === null || a.name === ev.name))) {
        return { state: next(state, { display }), out: null };
      }
      const agent = { type: 'agent', source: 'display', name: ev.name, number: ev.number, data: {} };
      return reduce(next(state, { display }), agent);
    }
    case 'supervisor':
      return { state: next(state, { supervisor: Object.freeze({ name: ev.name, mode: ev.mode, data: ev.data }) }), out: ev };
    case 'result':
      return { state: next(state, { lastResult: Object.freeze({ event: ev.event, code: ev.code }) }), out: ev };
    case 'dtmf':
    case 'cc':
      return { state, out: ev };
    default:
      return { state, out: null };
  }
}

const shown = new WeakMap();

// the members of state a page may read (agentSeen stays inside); the same
// object for the same state
export function publicState(state) {
  let pub = shown.get(state);
  if (!pub) {
    const { agentSeen, ...rest } = state; // eslint-disable-line no-unused-vars
    pub = Object.freeze(rest);
    shown.set(state, pub);
  }
  return pub;
}
