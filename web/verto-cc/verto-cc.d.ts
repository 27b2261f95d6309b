// Type declarations of @iwg/verto-cc, contact-center features on the
// @signalwire/js 1.5 `Verto` client for calls through the iwg gateway.
// Hand-written; checked with `tsc --strict` (tests/unit/js).
// SPDX-License-Identifier: GPL-2.0-or-later

/**
 * @iwg/verto-cc adds contact-center features to the `Verto` client of
 * `@signalwire/js` 1.5: a call placed in a queue (`enterQueue`), its state
 * (calling, waiting with position and wait, connected with the agent,
 * ended), typed events from what the iwg gateway relays (queue, agent,
 * supervisor, ivr, dtmf, cc, result), IVR digits, and requests to the
 * contact center (call me back, change queue).
 *
 * The SDK is not inside: load it first and pass its client.
 *
 * As an ES module: `import { ContactCenter } from '/verto-cc/verto-cc.mjs'`.
 * As a classic script (`<script src="/verto-cc/verto-cc.js">`): the same
 * names on the one global `IWGContactCenter`.
 *
 * @packageDocumentation
 */

/** The version of @iwg/verto-cc (semantic versioning), e.g. `"0.1.0"`. */
export declare const version: string;

/** In a classic script the same names are on the global `IWGContactCenter`. */
export as namespace IWGContactCenter;

// ------------------------------------------------------------------ the SDK, as used

/**
 * What is used of an `@signalwire/js` 1.5 call (`client.newCall()`'s
 * result, `notification.call`). The SDK's `Call` fits.
 */
export interface VertoCall {
  /** The Verto callID. */
  id: string;
  /** The SDK's state: new, requesting, trying, early, active, held, hangup, destroy, ringing, answering, ... */
  state: string;
  /** Set by the SDK when the call hangs up, e.g. `"NORMAL_CLEARING"`. */
  cause?: string;
  /** Set by the SDK when the call hangs up, e.g. `16`. */
  causeCode?: number | string;
  /** Sends DTMF (verto.info `dtmf`). */
  dtmf(digits: string): void;
  /** Sends a message in the call (verto.info `msg` {from, to, body}). */
  message(to: string, body: string): void;
  /** Hangs up (verto.bye). */
  hangup(params?: any, execute?: boolean): void;
}

/**
 * What is used of the `@signalwire/js` 1.5 `Verto` client. The SDK's
 * `Verto` fits.
 */
export interface VertoClient {
  /** Adds a listener; `"signalwire.notification"` is the one used. */
  on(eventName: string, callback: Function): unknown;
  /** Removes a listener (used by {@link ContactCenter.close}). */
  off?(eventName: string, callback?: Function): unknown;
  /** Places a call. */
  newCall(options: any): VertoCall;
  /** The calls by callID (the SDK's `client.calls`). */
  calls?: { [callID: string]: VertoCall | null | undefined };
  /** The options the client was made with; their `userVariables` go into every call's too. */
  options?: { userVariables?: object | null };
}

// ------------------------------------------------------------------ errors

/**
 * Why a method threw or a promise rejected:
 * - `invalid_argument`: a bad queue, language, page, destination, number, time, digits, option;
 * - `timeout`: no answer (cc-result) to a request, or no announcement of the expected menu, in time;
 * - `rejected`: the contact center answered a request with a code >= 300 (in {@link CCError.status});
 * - `ended`: the call ended (before the answer, or before the method was called);
 * - `closed`: {@link ContactCenter.close} was called.
 */
export type CCErrorCode = 'invalid_argument' | 'timeout' | 'rejected' | 'ended' | 'closed';

/** Every error @iwg/verto-cc throws or rejects with. */
export declare class CCError extends Error {
  readonly name: 'CCError';
  /** What went wrong, for programs; `message` is for people. */
  readonly code: CCErrorCode;
  /** The contact center's reply code for `rejected` (e.g. 488), else null. */
  readonly status: number | null;
  constructor(code: CCErrorCode, message: string, status?: number | null);
}

// ------------------------------------------------------------------ events

/** The names of the contact-center events, per call and on the ContactCenter. */
export type CCEventType = 'queue' | 'agent' | 'supervisor' | 'ivr' | 'dtmf' | 'cc' | 'result';

/** What every contact-center event carries. */
export interface CCEventBase {
  /** The event's name. */
  type: CCEventType;
  /** The Verto callID the gateway sent it for. */
  callID: string;
  /** The call's CCCall when it is followed (enterQueue, track), else null. */
  call: CCCall | null;
  /** The SDK call the notification came with; null when the SDK did not know the callID. */
  sdkCall: VertoCall | null;
  /** The gateway's message as received, without its `iwg` member. */
  data: { [key: string]: unknown };
}

/**
 * The call's place in a queue. From a provisional reply of the contact
 * center (`source: "provisional"`, gateway message `"iwg":"queue"`: a 182,
 * or a 18x with X-Queue-Position / X-Queue-Wait / X-IVR-Menu), or from its
 * INFO (`source: "info"`, `"iwg":"cc","event":"queue"`). Members the
 * contact center did not send are null.
 */
export interface QueueEvent extends CCEventBase {
  type: 'queue';
  source: 'provisional' | 'info';
  /** The queue's name (INFO only, when sent). */
  queue: string | null;
  /** The place in the queue as the contact center counts it (X-Queue-Position, >= 0). */
  position: number | null;
  /** Estimated wait in seconds. */
  wait: number | null;
  /** The reply's reason phrase, e.g. `"Queued"`. */
  reason: string | null;
  /** The reply's status code, e.g. 182. */
  code: number | null;
  /** The IVR menu the caller is in, when sent. */
  menu: string | null;
}

/**
 * An agent took the call, or the connected line changed: gateway message
 * `"iwg":"agent"` (`source: "agent"`, from P-Asserted-Identity or
 * Remote-Party-ID of the answer, an UPDATE or a re-INVITE); or, while the
 * gateway has sent none for the call, a `verto.display` (`source: "display"`).
 */
export interface AgentEvent extends CCEventBase {
  type: 'agent';
  source: 'agent' | 'display';
  /** The agent's display name, e.g. `"Alice Agent"`; null when none (the gateway then repeats the number as the name). */
  name: string | null;
  /** The agent's number, e.g. `"2001"`. */
  number: string | null;
}

/** A supervisor joined or changed mode (`"iwg":"cc","event":"supervisor"`). */
export interface SupervisorEvent extends CCEventBase {
  type: 'supervisor';
  name: string | null;
  /** As the contact center sends it, e.g. `"listen"`, `"whisper"`, `"barge"`. */
  mode: string | null;
}

/** The IVR announced a menu (`"iwg":"cc","event":"ivr"`). */
export interface IvrEvent extends CCEventBase {
  type: 'ivr';
  menu: string | null;
  /** What the menu says, e.g. `"press 1 for invoices"`. */
  prompt: string | null;
}

/** DTMF from the contact center (SIP INFO dtmf-relay or dtmf), `"iwg":"dtmf"`. */
export interface DtmfEvent extends CCEventBase {
  type: 'dtmf';
  /** E.g. `"5"`. */
  digits: string;
  /** Milliseconds, when sent. */
  duration: number | null;
}

/** Any other contact-center INFO (`"iwg":"cc"` with another `event`); its members are in `data`. */
export interface CCInfoEvent extends CCEventBase {
  type: 'cc';
  /** The contact center's event name. */
  event: string;
}

/** The final reply of the contact center to a request (`"iwg":"cc-result"`). */
export interface ResultEvent extends CCEventBase {
  type: 'result';
  /** The request's event, e.g. `"callback"`, `"change-queue"`. */
  event: string;
  /** The SIP reply code of the INFO, e.g. 200. */
  code: number;
}

/** Any contact-center event. */
export type CCEvent = QueueEvent | AgentEvent | SupervisorEvent | IvrEvent | DtmfEvent | CCInfoEvent | ResultEvent;

/** The contact-center events by name. */
export interface CCEventMap {
  queue: QueueEvent;
  agent: AgentEvent;
  supervisor: SupervisorEvent;
  ivr: IvrEvent;
  dtmf: DtmfEvent;
  cc: CCInfoEvent;
  result: ResultEvent;
}

// ------------------------------------------------------------------ state

/**
 * Where a contact-center call is:
 * - `calling`: being set up, nothing said yet where it is;
 * - `waiting`: in a queue or an IVR (the last word was a queue or ivr event);
 * - `connected`: an agent took it (agent event), or it was answered while
 *   nothing had said queue or IVR (a direct answer; an ivr or queue event
 *   after the answer moves it to `waiting`);
 * - `ended`: hung up (final).
 */
export type CCPhase = 'calling' | 'waiting' | 'connected' | 'ended';

/** An agent (or whoever the connected line names). */
export interface CCAgent {
  readonly name: string | null;
  readonly number: string | null;
  /** What said it: the gateway's agent message or a verto.display. */
  readonly source: 'agent' | 'display';
}

/** The state of a contact-center call: a frozen snapshot, a new object at every change. */
export interface CCCallState {
  readonly phase: CCPhase;
  /** The SDK call's state last seen (null before the first). */
  readonly sdkState: string | null;
  /** The queue asked for, or the last one the contact center named. */
  readonly queue: string | null;
  /** The language asked for. */
  readonly language: string | null;
  /** Last known place in the queue (null when connected or never told). */
  readonly position: number | null;
  /** Last known estimated wait in seconds (null when connected or never told). */
  readonly wait: number | null;
  /** Reason phrase of the last queue reply, e.g. `"Queued"`. */
  readonly reason: string | null;
  /** Status code of the last queue reply, e.g. 182. */
  readonly code: number | null;
  /** The IVR menu from the latest queue/ivr event naming one (null once an agent took the call). */
  readonly menu: string | null;
  /** The prompt of that menu, when told. */
  readonly prompt: string | null;
  /** The agent while `connected` (null when the answer named none). */
  readonly agent: CCAgent | null;
  /** The last supervisor event's name, mode and members. */
  readonly supervisor: { readonly name: string | null; readonly mode: string | null; readonly data: { [key: string]: unknown } } | null;
  /** The connected line the gateway showed last (verto.display). */
  readonly display: { readonly name: string | null; readonly number: string | null } | null;
  /** The last cc-result. */
  readonly lastResult: { readonly event: string; readonly code: number } | null;
  /** The SDK's hang-up cause when ended, e.g. `"NORMAL_CLEARING"`, `"USER_BUSY"`. */
  readonly cause: string | null;
  /** The SDK's hang-up cause code when ended, e.g. 16, 17. */
  readonly causeCode: number | null;
}

/** A state change of a call (event `state`). */
export interface StateChange {
  call: CCCall;
  state: CCCallState;
  previous: CCCallState;
}

/** The end of a call (event `ended`). */
export interface CallEnded {
  call: CCCall;
  cause: string | null;
  causeCode: number | null;
}

/** The events of a CCCall and of the ContactCenter. */
export interface CCCallEventMap extends CCEventMap {
  /** Every change of the call's {@link CCCallState}. */
  state: StateChange;
  /** The call ended (once). */
  ended: CallEnded;
}

// ------------------------------------------------------------------ options

/** Options of {@link ContactCenter}'s constructor. */
export interface ContactCenterOptions {
  /** The contact center's number or name to call (Verto `destination_number`: 1 to 128 letters, digits, `+ * # . _ @ -`) when enterQueue is not given one. */
  destination?: string;
  /** The default language of enterQueue: 1 to 64 letters, digits, `_`, `-` (e.g. `"fr"`, `"fr-FR"`). */
  language?: string | null;
  /** Default ms to wait for the answer (cc-result) to a request; 0: no limit. Default 35000 (SIP's 32 s transaction timeout, plus a margin). */
  requestTimeout?: number;
  /** Default ms {@link IVR.send} waits for an expected menu; 0: no limit. Default 10000. */
  menuTimeout?: number;
}

/**
 * Options of {@link ContactCenter.enterQueue}. Any other member is passed
 * to `client.newCall()` as is (`audio`, `video`, `callerName`,
 * `callerNumber`, `remoteElement`, `localElement`, `id`, ...).
 */
export interface EnterQueueOptions {
  /** The contact center's number or name; default the ContactCenter's `destination`. */
  destination?: string;
  /** Same as `destination` (the SDK's name). */
  destinationNumber?: string;
  /** The caller's language (1 to 64 letters, digits, `_`, `-`, e.g. `"fr"`); default the ContactCenter's. null: none. */
  language?: string | null;
  /**
   * The page the caller is on: a URL of at most 256 bytes once the
   * characters the gateway does not take (spaces, quotes, `{ } | ^ \`,
   * non-ASCII, ...) are percent-encoded. Default in a browser:
   * `location.href` (without its query and fragment when too long, none
   * when still too long). null or false: none.
   */
  page?: string | null | false;
  /** More call variables (routing context such as `priority`, `customer`), beside the client's `userVariables`; `queue`, `language`, `page` win. */
  userVariables?: { [key: string]: unknown };
  /** Audio constraints (SDK option). */
  audio?: boolean | MediaTrackConstraints;
  /** Video constraints (SDK option). */
  video?: boolean | MediaTrackConstraints;
  /** The SDK's per-call notification handler: still called; this call's notifications are seen here too. */
  onNotification?: (notification: any) => void;
  /** This call's request timeout (see {@link ContactCenterOptions.requestTimeout}). */
  requestTimeout?: number;
  /** This call's menu timeout (see {@link ContactCenterOptions.menuTimeout}). */
  menuTimeout?: number;
  /** Other `client.newCall()` options. */
  [option: string]: unknown;
}

/** Options of {@link ContactCenter.track}. */
export interface TrackOptions {
  /** The queue the call is for, when known. */
  queue?: string | null;
  /** The caller's language, when known. */
  language?: string | null;
  requestTimeout?: number;
  menuTimeout?: number;
}

/** Options of {@link IVR.send}. */
export interface SendDigitsOptions {
  /** Resolve when a queue or ivr event announces this menu (`true`: any menu) after the call to send(). */
  expectMenu?: string | true;
  /** Ms to wait for that menu (0: no limit); default the call's menuTimeout (10000). */
  timeout?: number;
  /** Ms between two digits; default 0. */
  gap?: number;
}

/** Options of {@link CCCall.requestCallback}. */
export interface CallbackOptions {
  /** `"asap"` (default), or when: a Date, ms since the epoch, or an ISO 8601 time with its offset (sent as ISO 8601). */
  when?: 'asap' | Date | number | string;
  /** Ms to wait for the answer; default the call's requestTimeout. */
  timeout?: number;
}

/** Options of {@link CCCall.request} and {@link CCCall.changeQueue}. */
export interface RequestOptions {
  /** Ms to wait for the answer (0: no limit); default the call's requestTimeout. */
  timeout?: number;
}

// ------------------------------------------------------------------ classes

/** An event emitter: `on`, `once`, `off`. A handler that throws is logged; the others still run. */
declare class Events<M> {
  /** Calls fn at every `name` event. */
  on<K extends keyof M>(name: K, fn: (payload: M[K]) => void): this;
  /** Calls fn at the next `name` event only. */
  once<K extends keyof M>(name: K, fn: (payload: M[K]) => void): this;
  /** Removes fn, or every handler of `name` when fn is omitted. */
  off<K extends keyof M>(name: K, fn?: (payload: M[K]) => void): this;
}

/**
 * Contact-center features on a `Verto` client. It listens to the client's
 * `signalwire.notification` from its construction to {@link close}, follows
 * the calls it places ({@link enterQueue}) or is given ({@link track}), and
 * tells every contact-center event on the call (`call.on`) and here
 * (`cc.on`). Events of calls it does not follow are told here only, with
 * `call: null`.
 */
export declare class ContactCenter extends Events<CCCallEventMap> {
  /**
   * @param client the `@signalwire/js` `Verto` client, connected, connecting or not yet
   * @throws {CCError} invalid_argument: no client, a bad option
   */
  constructor(client: VertoClient, options?: ContactCenterOptions);
  /** The Verto client. */
  readonly client: VertoClient;
  /** The calls followed now (not ended). */
  readonly calls: CCCall[];
  /** The CCCall of a Verto callID, or null. */
  call(id: string): CCCall | null;
  /**
   * Calls the contact center to wait in `queue`: `client.newCall()` with
   * `destinationNumber` and `userVariables` {...the client's, ...options.userVariables,
   * queue, language, page}, which the gateway reads to route the call.
   * @param queue the queue's name: 1 to 64 letters, digits, `.`, `_`, `-` (e.g. `"billing"`); the gateway refuses others
   * @returns the call, in phase `calling`
   * @throws {CCError} invalid_argument (bad queue, language, page, no destination), closed
   */
  enterQueue(queue: string, options?: EnterQueueOptions): CCCall;
  /**
   * Follows a call made otherwise: the contact center calling back (a
   * ringing call of a `callUpdate` notification), or one made with
   * `client.newCall()`. The same CCCall when followed already.
   * @throws {CCError} invalid_argument, closed
   */
  track(sdkCall: VertoCall, options?: TrackOptions): CCCall;
  /**
   * Takes one `signalwire.notification`. Done for you by the listener on
   * the client; call it from a `newCall({ onNotification })` handler of a
   * call made without enterQueue (the SDK then gives that call's
   * notifications to its handler alone).
   */
  handleNotification(notification: unknown): void;
  /** Stops listening; pending promises reject with `closed`. The calls themselves go on. */
  close(): void;
}

/** The IVR of a call. */
export declare class IVR {
  private constructor();
  /** The menu of the latest queue or ivr event that named one; null before, and once an agent took the call. */
  readonly menu: string | null;
  /** The prompt of the latest ivr event for that menu, or null. */
  readonly prompt: string | null;
  /**
   * Sends DTMF digits (0-9 * # A-D) one at a time with the SDK's
   * `call.dtmf()`. With `expectMenu`, resolves with the first queue or ivr
   * event that announces that menu (any menu for `true`) after this call,
   * else with null once the digits are sent.
   * @throws {CCError} invalid_argument, ended, closed, timeout (the menu was not announced in time)
   */
  send(digits: string, options: SendDigitsOptions & { expectMenu: string | true }): Promise<QueueEvent | IvrEvent>;
  send(digits: string, options?: SendDigitsOptions): Promise<QueueEvent | IvrEvent | null>;
}

/**
 * A call in the contact center: its state, its events, IVR digits and
 * requests. Events: the {@link CCEventMap} ones of this call, `state`, `ended`.
 */
export declare class CCCall extends Events<CCCallEventMap> {
  private constructor();
  /** The Verto callID. */
  readonly id: string;
  /** The SDK call now; after a reconnection the SDK re-attaches the call as a new object with the same id, followed here. */
  readonly sdkCall: VertoCall;
  /** The state now. */
  readonly state: CCCallState;
  /** `state.phase`. */
  readonly phase: CCPhase;
  /** `state.queue`. */
  readonly queue: string | null;
  /** `state.position`. */
  readonly position: number | null;
  /** `state.wait`. */
  readonly wait: number | null;
  /** `state.agent`. */
  readonly agent: CCAgent | null;
  /** `state.supervisor`. */
  readonly supervisor: CCCallState['supervisor'];
  /** true once hung up. */
  readonly ended: boolean;
  /** IVR menu and digits. */
  readonly ivr: IVR;
  /** Hangs up (the SDK's `hangup()`); nothing once ended. */
  hangup(): void;
  /**
   * Sends a request to the contact center: `call.message("iwg-cc", JSON.stringify({event, ...members}))`,
   * which the gateway sends as a SIP INFO (`application/vnd.iwg.cc+json`).
   * Resolves with its `cc-result` when the code is below 300.
   * @param event a token (e.g. `"callback"`); the JSON text must fit in 4096 bytes and nest at most 8 deep
   * @throws {CCError} invalid_argument, rejected (code >= 300, in `status`), timeout, ended, closed
   */
  request(event: string, members?: { [key: string]: unknown }, options?: RequestOptions): Promise<ResultEvent>;
  /**
   * Asks to be called back at `number` and leave the queue:
   * `{"event":"callback","number":"+33612345678","when":"asap"}`.
   * @param number digits, with an optional leading `+`; spaces, `-`, `.`, `(`, `)` are removed
   * @throws {CCError} invalid_argument, rejected, timeout, ended, closed
   */
  requestCallback(number: string, options?: CallbackOptions): Promise<ResultEvent>;
  /**
   * Asks to move to another queue: `{"event":"change-queue","queue":"sales"}`.
   * @throws {CCError} invalid_argument, rejected, timeout, ended, closed
   */
  changeQueue(queue: string, options?: RequestOptions): Promise<ResultEvent>;
}

/**
 * What a `signalwire.notification` carries for the contact center, or null:
 * `event` is a contact-center event without `callID`/`call`/`sdkCall`, or
 * `{type: "display", name, number}` (verto.display) or
 * `{type: "sdk", state, cause, causeCode}` (callUpdate). For pages that
 * route notifications themselves.
 */
export declare function parseNotification(notification: unknown): {
  callID: string;
  sdkCall: VertoCall | null;
  event:
    | Omit<QueueEvent, 'callID' | 'call' | 'sdkCall'>
    | Omit<AgentEvent, 'callID' | 'call' | 'sdkCall'>
    | Omit<SupervisorEvent, 'callID' | 'call' | 'sdkCall'>
    | Omit<IvrEvent, 'callID' | 'call' | 'sdkCall'>
    | Omit<DtmfEvent, 'callID' | 'call' | 'sdkCall'>
    | Omit<CCInfoEvent, 'callID' | 'call' | 'sdkCall'>
    | Omit<ResultEvent, 'callID' | 'call' | 'sdkCall'>
    | { type: 'display'; name: string | null; number: string | null }
    | { type: 'sdk'; state: string; cause: string | null; causeCode: number | null };
} | null;
