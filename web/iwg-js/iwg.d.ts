// Type declarations of iwg.js, the SDK for web developers of the iwg WebRTC
// gateway. The SDK reference of the developer portal is generated from the
// comments in this file.
// SPDX-License-Identifier: GPL-2.0-or-later

/**
 * iwg.js places and receives calls in the browser through an iwg gateway
 * (SIP over WebSocket, media relayed by the gateway to SIP networks).
 *
 * As an ES module: `import { Gateway } from '/sdk/iwg.mjs'`.
 * As a classic script (`<script src="/sdk/iwg.js">`): the same names on the
 * one global `IWG` (`new IWG.Gateway(...)`).
 *
 * @packageDocumentation
 */

/** The version of iwg.js (semantic versioning), e.g. `"0.1.0"`. */
export declare const version: string;

/** In a classic script the same names are on the global `IWG`. */
export as namespace IWG;

// ------------------------------------------------------------------ credentials

/**
 * A web token credential, as `POST /api/v1/credentials` returns it when the
 * gateway is set to `credential_kind = token`. The token is sent as
 * `Authorization: Bearer <token>` on every request out of dialog (REGISTER,
 * INVITE) and never inside a call, so it does not travel past the gateway.
 */
export interface TokenCredential {
  /** Always `"token"`. */
  kind: 'token';
  /** The web token (a JWT), without the `Bearer ` prefix. */
  token: string;
  /** The SIP address to register, e.g. `"sip:ann@example.net"`; when null or absent it is made from `user` and {@link GatewayOptions.domain}. */
  uri?: string | null;
  /** The user the token was issued for, e.g. `"ann"`. */
  user?: string;
  /** When the token expires, in seconds since the epoch (read from the JWT when absent). */
  expires?: number;
}

/**
 * A time-limited ("ephemeral") credential, as `POST /api/v1/credentials`
 * returns it when the gateway is set to `credential_kind = ephemeral`: SIP
 * digest with the user name `"<expiry>:<user>"` and the password
 * base64(HMAC-SHA1(secret, username)), both computed by your back-end.
 */
export interface EphemeralCredential {
  /** Always `"ephemeral"`. */
  kind: 'ephemeral';
  /** The digest user name, `"<expiry>:<user>"`, e.g. `"1767225600:ann"`. */
  username: string;
  /** The digest password: base64 of HMAC-SHA1(shared secret, username). */
  password: string;
  /** The SIP address to register; made from `user` (or the part of `username` after the colon) and the domain when absent. */
  uri?: string | null;
  /** The user, e.g. `"ann"`. */
  user?: string;
  /** When the credential expires, in seconds since the epoch (the `<expiry>` of `username` when absent). */
  expires?: number;
}

/**
 * A plain SIP digest credential: a user of the gateway's subscriber table
 * and its password. Give `uri`, or `user` together with
 * {@link GatewayOptions.domain}.
 */
export interface DigestCredential {
  /** `"digest"` (may be omitted when `password` is given without `token` or an ephemeral `username`). */
  kind?: 'digest';
  /** The SIP address, e.g. `"sip:ann@example.net"`. */
  uri?: string;
  /** The SIP user, e.g. `"ann"` (with the Gateway's domain). */
  user?: string;
  /** The digest password. */
  password: string;
  /** The digest authentication user when it differs from the user of the address. */
  authUser?: string;
}

/** Any credential the gateway accepts; the kind must be the one the gateway is set to. */
export type Credential = TokenCredential | EphemeralCredential | DigestCredential;

/**
 * A function that fetches a fresh credential from your back-end (which asks
 * the gateway's `POST /api/v1/credentials`). When {@link Gateway.connect}
 * gets a provider instead of a credential, it calls it at connect time,
 * again before the credential expires (at 80 % of its remaining lifetime),
 * and when the gateway refuses the credential on a re-registration.
 */
export type CredentialProvider = () => Credential | Promise<Credential>;

// ------------------------------------------------------------------ errors

/**
 * What went wrong, for programs:
 * - `invalid_credential`: the credential is malformed or of an unknown kind;
 * - `auth_failed`: the gateway refused the credential (SIP 401, 403 or 407);
 * - `registration_failed`: REGISTER answered with another error status;
 * - `network_error`: the gateway could not be reached or did not answer;
 * - `media_error`: no microphone or camera (permission denied, no device, not a secure context);
 * - `invalid_state`: the method does not fit the current state (e.g. hold before the call is answered);
 * - `transfer_failed`: the far end refused the transfer, or the new call failed;
 * - `transfer_timeout`: the far end did not report the transfer's result in time.
 */
export type IWGErrorCode =
  | 'invalid_credential'
  | 'auth_failed'
  | 'registration_failed'
  | 'network_error'
  | 'media_error'
  | 'invalid_state'
  | 'transfer_failed'
  | 'transfer_timeout';

/** The error every method of iwg.js throws or rejects with (type errors in arguments aside, which are `TypeError`). */
export declare class IWGError extends Error {
  /** Always `"IWGError"`. */
  readonly name: 'IWGError';
  /** What went wrong, stable across versions. */
  readonly code: IWGErrorCode;
  /** The SIP status that caused it (e.g. 403), or null. */
  readonly status: number | null;
}

// ------------------------------------------------------------------ gateway

/** Settings of a {@link Gateway}. */
export interface GatewayOptions {
  /** The gateway's SIP-over-WebSocket address, e.g. `"wss://gw.example.net:8443"`. */
  url: string;
  /** The SIP domain of the users, e.g. `"example.net"`: completes credentials without `uri` and call targets without `@`. */
  domain?: string;
  /** The display name sent with the caller's address. */
  displayName?: string;
  /** Seconds a registration lasts before it is refreshed (default 300). */
  registerExpires?: number;
  /**
   * Reconnection after the WebSocket drops: the next attempt comes after a
   * random delay that doubles with each failed attempt, kept between
   * `minDelay` and `maxDelay` seconds (defaults 2 and 30). Once connected
   * again the SDK registers again by itself.
   */
  reconnect?: { minDelay?: number; maxDelay?: number };
  /** Seconds an outgoing call may ring unanswered before it is cancelled (default 60). */
  noAnswerTimeout?: number;
  /** ICE servers (STUN/TURN); none by default (the gateway is reached directly and no third party is contacted). */
  iceServers?: RTCIceServer[];
  /**
   * More RTCPeerConnection settings. `bundlePolicy: "max-bundle"` is
   * replaced by `"balanced"` and `rtcpMuxPolicy` is always `"require"`: the
   * gateway's media relay does not support BUNDLE.
   */
  rtcConfiguration?: RTCConfiguration;
  /** Milliseconds between "quality" events of a call (default 5000; 0 turns them off). */
  qualityInterval?: number;
  /** Logs SIP messages and JsSIP's debug output to the console. */
  debug?: boolean;
}

/** State of a {@link Gateway}. */
export type GatewayState = 'disconnected' | 'connecting' | 'registered' | 'reconnecting';

/** Events of a {@link Gateway} and the argument of their handlers. */
export interface GatewayEvents {
  /** The WebSocket is being opened (connect()). */
  connecting: { url: string };
  /** Registered at the gateway: calls can come in. `reconnected` is true when this follows a reconnection. */
  registered: { uri: string; reconnected: boolean };
  /** The registration was lost (the WebSocket dropped); the SDK reconnects by itself. */
  unregistered: Record<string, never>;
  /** The WebSocket dropped; the SDK is reconnecting (with growing delays). `code` is the WebSocket close code when known. */
  reconnecting: { url: string; code: number | null };
  /** The WebSocket is open again; "registered" follows when the re-registration succeeded. */
  reconnected: { url: string };
  /** The connection was closed for good (disconnect(), or the first registration failed). */
  disconnected: Record<string, never>;
  /** A call comes in: answer it with {@link Call.answer} or refuse it with {@link Call.reject}. Without a handler incoming calls are refused (480). */
  incoming: Call;
  /** A fresh credential from the provider is in use. */
  credential: { kind: 'token' | 'ephemeral' | 'digest'; expires: number | null };
  /** A problem after connect() resolved, e.g. a re-registration refused or a credential provider that failed. */
  error: IWGError;
}

/**
 * The connection of this page to an iwg gateway: one SIP registration over
 * a WebSocket, kept up by itself (reconnection with re-registration,
 * credential refresh), and the calls made and received through it.
 *
 * @example
 * const gw = new IWG.Gateway({ url: 'wss://gw.example.net:8443', domain: 'example.net' });
 * gw.on('incoming', (call) => call.answer());
 * await gw.connect(await (await fetch('/my-backend/sip-credential')).json());
 * const call = gw.call('bob');
 * call.on('answered', () => { audio.srcObject = call.remoteStream; });
 * call.on('ended', ({ message }) => show(message));
 */
export declare class Gateway {
  /** @param options where the gateway is and how to use it */
  constructor(options: GatewayOptions);
  /** The gateway's WebSocket address. */
  readonly url: string;
  /** The SIP domain given in the options, or null. */
  readonly domain: string | null;
  /** The connection state. */
  readonly state: GatewayState;
  /** True while registered. */
  readonly registered: boolean;
  /** The registered SIP address (after connect()), or null. */
  readonly uri: string | null;
  /** The registered user (after connect()), or null. */
  readonly user: string | null;
  /** The calls that have not ended. */
  readonly calls: Call[];
  /**
   * Connects and registers. Resolves once registered; rejects with an
   * {@link IWGError} (`auth_failed` when the gateway refuses the credential,
   * `network_error` when it cannot be reached, `invalid_credential`).
   * @param credential what your back-end got from `POST /api/v1/credentials`, as is, or a digest credential, or a function fetching fresh ones
   */
  connect(credential: Credential | CredentialProvider): Promise<void>;
  /** Hangs up every call, unregisters and closes the WebSocket. Resolves when closed. */
  disconnect(): Promise<void>;
  /**
   * Calls someone. Returns the call at once; its events tell how it goes.
   * Throws `invalid_state` before connect().
   * @param target a SIP URI (`"sip:bob@example.net"`), `"user@domain"`, or a user or number in the gateway's domain (`"bob"`, `"+4930123456"`)
   * @param options audio, video, your own stream, extra SIP headers
   */
  call(target: string, options?: CallOptions): Call;
  /** Adds a handler of a gateway event. */
  on<K extends keyof GatewayEvents>(event: K, handler: (arg: GatewayEvents[K]) => void): this;
  /** Adds a handler called at the next occurrence of the event only. */
  once<K extends keyof GatewayEvents>(event: K, handler: (arg: GatewayEvents[K]) => void): this;
  /** Removes a handler (every handler of the event when none is given). */
  off<K extends keyof GatewayEvents>(event: K, handler?: (arg: GatewayEvents[K]) => void): this;
}

// ------------------------------------------------------------------ calls

/** Options of {@link Gateway.call}. */
export interface CallOptions {
  /** Send the microphone (default true). */
  audio?: boolean | MediaTrackConstraints;
  /** Send the camera too (default false); the far end's video arrives in {@link Call.remoteStream} when it sends some. */
  video?: boolean | MediaTrackConstraints;
  /** Send this stream instead of asking for the microphone and camera; the SDK does not stop its tracks. */
  stream?: MediaStream;
  /** Extra SIP headers of the INVITE, e.g. `["X-Order: 1234"]`. */
  extraHeaders?: string[];
}

/** Options of {@link Call.answer}. */
export interface AnswerOptions {
  /** Send the microphone (default true). */
  audio?: boolean | MediaTrackConstraints;
  /** Send the camera (default: when the caller offered video). */
  video?: boolean | MediaTrackConstraints;
  /** Send this stream instead of asking for the microphone and camera. */
  stream?: MediaStream;
  /** Extra SIP headers of the 200 OK. */
  extraHeaders?: string[];
}

/**
 * Why a call ended:
 * - `hangup`: one side hung up after the call was answered;
 * - `busy`: the far end is busy (SIP 486, 600);
 * - `no_answer`: nobody answered (480, 408, 487 not asked for, or the no-answer timeout);
 * - `declined`: the far end declined (603);
 * - `not_found`: no such user or number (404, 604, 484, 410);
 * - `unavailable`: the far end or the network behind the gateway cannot be reached (502, 503, 504);
 * - `cancelled`: the caller gave up before an answer;
 * - `transferred`: the call was handed on with {@link Call.transfer} or {@link Call.attendedTransfer};
 * - `network_error`: the connection to the gateway failed (WebSocket, no response, media timeout);
 * - `media_error`: no microphone/camera, or the media could not be negotiated;
 * - `unauthorized`: the gateway refused the call (401, 403, 407);
 * - `failed`: any other failure (the status tells more).
 */
export type EndReason =
  | 'hangup'
  | 'busy'
  | 'no_answer'
  | 'declined'
  | 'not_found'
  | 'unavailable'
  | 'cancelled'
  | 'transferred'
  | 'network_error'
  | 'media_error'
  | 'unauthorized'
  | 'failed';

/** The argument of a call's "ended" event, also kept in {@link Call.endReason}. */
export interface CallEnded {
  /** Why, as a code to test. */
  reason: EndReason;
  /** The SIP status of the final response that ended it (e.g. 486), or null. */
  status: number | null;
  /** A sentence a page can show as is, e.g. "The person called is busy". */
  message: string;
  /** Who ended it: `"local"` (this page), `"remote"` (the far end or the gateway), `"system"`, or null. */
  originator: 'local' | 'remote' | 'system' | null;
}

/**
 * Call quality over the last interval (the "quality" event, every
 * {@link GatewayOptions.qualityInterval} ms while the call is up), from
 * RTCPeerConnection.getStats of the audio this browser receives.
 */
export interface CallQuality {
  /** Milliseconds covered by this report (null for the first). */
  intervalMs: number | null;
  /** Audio packets received since the call started. */
  packetsReceived: number;
  /** Audio packets lost since the call started. */
  packetsLost: number;
  /** Audio packets lost in this interval, in % of those expected. */
  lossPercent: number;
  /** Inter-arrival jitter of the received audio, in milliseconds (null before any). */
  jitterMs: number | null;
  /** Round-trip time to the gateway in milliseconds (RTCP, else the ICE candidate pair), or null. */
  rttMs: number | null;
  /** Loss the gateway reports for what this browser sends (RTCP), in %, or null. */
  remoteLossPercent: number | null;
  /**
   * Estimated mean opinion score, 1 (bad) to 4.5 (best), from a simplified
   * ITU-T G.107 E-model; null when no audio arrived in the interval.
   * d = rtt/2 + 2·jitter + 20 ms; Id = 0.024·d + 0.11·(d − 177.3) when d > 177.3;
   * Ie = 95·loss/(loss + 25.1) (loss in %); R = 93.2 − Id − Ie;
   * MOS = 1 + 0.035·R + 7·10⁻⁶·R·(R − 60)·(100 − R).
   */
  mos: number | null;
  /** The E-model's R factor (0 to 100) behind `mos`, or null. */
  rFactor: number | null;
  /** Bytes received (audio and video) since the call started. */
  bytesReceived: number;
  /** Bytes sent (audio and video) since the call started. */
  bytesSent: number;
  /** Audio packets sent since the call started. */
  packetsSent: number;
  /** The audio codec received, e.g. `"opus"`, or null. */
  codec: string | null;
  /** Video packet counters when the call carries video, else null. */
  video: { packetsReceived: number; packetsSent: number; packetsLost: number } | null;
}

/** Packets counted in one direction during a {@link Call.diagnose} window. */
export interface PacketCount {
  /** Audio packets. */
  audio: number;
  /** Video packets. */
  video: number;
}

/**
 * The verdict of {@link Call.diagnose}:
 * - `ok`: media flows both ways;
 * - `no_inbound`: this browser sends but receives nothing (the far end sends no media, or it is lost between the far end and the gateway);
 * - `no_outbound`: media arrives but this browser sends nothing;
 * - `no_media`: nothing either way (often ICE or a firewall between the browser and the gateway);
 * - `held`: nothing flows because the call is on hold (by either side).
 */
export type DiagnosisVerdict = 'ok' | 'no_inbound' | 'no_outbound' | 'no_media' | 'held';

/** The result of {@link Call.diagnose}. */
export interface Diagnosis {
  /** Which direction carries no media. */
  verdict: DiagnosisVerdict;
  /** A sentence saying what was seen and what to check. */
  message: string;
  /** Packets received from the gateway during the window. */
  inbound: PacketCount;
  /** Packets sent to the gateway during the window. */
  outbound: PacketCount;
  /** Length of the observation, in milliseconds. */
  windowMs: number;
  /** The ICE connection state of the call at the end of the window. */
  ice: RTCIceConnectionState | null;
}

/** Options of {@link Call.sendDTMF}. */
export interface DTMFOptions {
  /**
   * How the tones are sent: `"rfc4733"` (telephone-events in the audio RTP,
   * relayed by the gateway), `"info"` (SIP INFO with application/dtmf-relay)
   * or `"auto"` (default: RFC 4733 when the call negotiated telephone-event,
   * else INFO).
   */
  mode?: 'auto' | 'rfc4733' | 'info';
  /** Tone length in milliseconds (default 100). */
  duration?: number;
  /** Pause between tones in milliseconds (default 70). */
  interToneGap?: number;
}

/** Options of {@link Call.transfer} and {@link Call.attendedTransfer}. */
export interface TransferOptions {
  /** Hang up this call (and, for an attended transfer, the other one) once the transfer succeeded (default true). */
  hangup?: boolean;
  /**
   * Wait for the far end's report of the new call (a NOTIFY whose
   * message/sipfrag body holds a final status) instead of resolving when
   * the far end accepted the REFER (202). Default false: many SIP peers
   * send no NOTIFY, or only after the transferor hung up.
   */
  waitForResult?: boolean;
  /** Milliseconds to wait for the far end's answer (default 30000). */
  timeoutMs?: number;
}

/** Events of a {@link Call} and the argument of their handlers. */
export interface CallEvents {
  /** The far end is ringing (180, or 183 without media). */
  ringing: { status: number };
  /** Early media: the far end sends audio before answering (a 183 with SDP: ringback tones, announcements); it plays in {@link Call.remoteStream}. */
  'early-media': { status: number };
  /** The call is answered and confirmed; media flows. */
  answered: { video: boolean; remoteVideo: boolean };
  /** A remote track arrived in {@link Call.remoteStream}. */
  track: { kind: 'audio' | 'video'; track: MediaStreamTrack; stream: MediaStream };
  /** This side put the call on hold (hold() resolved). */
  hold: Record<string, never>;
  /** This side resumed the call (resume() resolved). */
  resume: Record<string, never>;
  /** The far end put the call on hold. */
  'remote-hold': Record<string, never>;
  /** The far end resumed the call. */
  'remote-resume': Record<string, never>;
  /** What this side sends changed (mute() or unmute()): true where muted. */
  mute: { audio: boolean; video: boolean };
  /** A DTMF tone from the far end (received as SIP INFO; browsers cannot receive RFC 4733 events). */
  dtmf: { tone: string; duration: number; mode: 'info' };
  /** Call quality, every {@link GatewayOptions.qualityInterval} ms while the call is up. */
  quality: CallQuality;
  /**
   * Progress of a transfer: the REFER accepted (`accepted`, status 202),
   * then what the far end reports of the new call in NOTIFYs: `trying`
   * (100), `progress` (other 1xx), `completed` (2xx) or `failed`.
   */
  'transfer-progress': { status: number | null; phase: 'accepted' | 'trying' | 'progress' | 'completed' | 'failed' };
  /** The call ended (always the last event), with a reason a page can show. */
  ended: CallEnded;
}

/**
 * One call, outgoing ({@link Gateway.call}) or incoming (the gateway's
 * "incoming" event). Attach {@link Call.remoteStream} to an `<audio>` or
 * `<video>` element to hear and see the far end.
 */
export declare class Call {
  /** The SIP Call-ID (null until the INVITE is sent); the same ID the gateway's REST API and console show. */
  readonly id: string | null;
  /** `"outgoing"` or `"incoming"`. */
  readonly direction: 'outgoing' | 'incoming';
  /** `"connecting"` (outgoing, before the far end rings), `"ringing"`, `"early"` (early media), `"active"` (answered) or `"ended"`. */
  readonly state: 'connecting' | 'ringing' | 'early' | 'active' | 'ended';
  /** The far end's SIP address. */
  readonly remoteUri: string | null;
  /** The far end's display name, when it sent one. */
  readonly remoteName: string | null;
  /** True when this side sends video. */
  readonly video: boolean;
  /** True when the far end offered or answered video. */
  readonly remoteVideo: boolean;
  /** True while this side holds the call. */
  readonly held: boolean;
  /** True while the far end holds the call. */
  readonly remoteHeld: boolean;
  /** What this side has muted. */
  readonly muted: { audio: boolean; video: boolean };
  /** The far end's audio and video (tracks are added as they arrive); attach it to a media element. */
  readonly remoteStream: MediaStream;
  /** What this side sends (null before the microphone is open). */
  readonly localStream: MediaStream | null;
  /** When the call started (placed or received). */
  readonly startTime: Date | null;
  /** When it was answered, or null. */
  readonly answerTime: Date | null;
  /** When it ended, or null. */
  readonly endTime: Date | null;
  /** Why it ended (null while it lasts). */
  readonly endReason: CallEnded | null;
  /** The last "quality" report, or null. */
  readonly lastQuality: CallQuality | null;
  /**
   * Answers an incoming call (asks for the microphone, and the camera when
   * video). Rejects with `invalid_state` when the call is not ringing, or
   * `media_error`.
   */
  answer(options?: AnswerOptions): Promise<void>;
  /** Refuses an incoming call that is ringing: 486 Busy Here by default, 603 to decline. */
  reject(options?: { status?: number }): void;
  /**
   * Ends the call in any state: cancels an outgoing call that has not been
   * answered (reason "cancelled"), refuses an incoming call that rings here
   * (480, reason "declined"), hangs up an answered one (BYE, reason
   * "hangup"). "ended" follows.
   */
  hangup(): void;
  /**
   * Puts the call on hold: a re-INVITE with a=sendonly (a=inactive when the
   * far end holds too) and no media sent meanwhile (the tracks are taken
   * off the connection, so no packets leave the browser). Resolves when the
   * far end accepted it.
   */
  hold(): Promise<void>;
  /** Resumes a held call: the tracks back and a re-INVITE with a=sendrecv. */
  resume(): Promise<void>;
  /** Stops sending audio, video, or both when no kind is given (the call stays up). */
  mute(kind?: 'audio' | 'video'): void;
  /** Sends audio, video, or both again. */
  unmute(kind?: 'audio' | 'video'): void;
  /**
   * Sends DTMF tones (0-9, A-D, *, #; a comma pauses 2 s). Returns the mode
   * used. Throws `invalid_state` before the call is answered, or in mode
   * "rfc4733" when the call has no telephone-event.
   */
  sendDTMF(tones: string, options?: DTMFOptions): 'rfc4733' | 'info';
  /**
   * Blind transfer: asks the far end to call `target` (REFER). Resolves
   * `{ status: 202 }` when the far end accepted the REFER (with
   * `waitForResult`: the status of the new call it reports, e.g. 200); then
   * this call is hung up with reason "transferred" unless `hangup: false`.
   * Rejects with `transfer_failed` (REFER refused; with `waitForResult`
   * also the new call failed) or `transfer_timeout`.
   * @param target a SIP URI, user@domain, or a user or number in the gateway's domain
   */
  transfer(target: string, options?: TransferOptions): Promise<{ status: number }>;
  /**
   * Attended transfer: connects the far end of this call to the far end of
   * `other` (a call of the same Gateway, answered, typically held
   * meanwhile), by a REFER whose Refer-To carries Replaces with the other
   * call's dialog. Resolves like {@link Call.transfer}; both calls are
   * then hung up with reason "transferred" unless `hangup: false`.
   */
  attendedTransfer(other: Call, options?: TransferOptions): Promise<{ status: number }>;
  /** The WebRTC statistics of the call (RTCPeerConnection.getStats()). */
  getStats(): Promise<RTCStatsReport>;
  /**
   * Says which direction carries no media: counts the packets received and
   * sent over `windowMs` milliseconds (default 2000).
   */
  diagnose(options?: { windowMs?: number }): Promise<Diagnosis>;
  /** Adds a handler of a call event. */
  on<K extends keyof CallEvents>(event: K, handler: (arg: CallEvents[K]) => void): this;
  /** Adds a handler called at the next occurrence of the event only. */
  once<K extends keyof CallEvents>(event: K, handler: (arg: CallEvents[K]) => void): this;
  /** Removes a handler (every handler of the event when none is given). */
  off<K extends keyof CallEvents>(event: K, handler?: (arg: CallEvents[K]) => void): this;
}

// ------------------------------------------------------------------ helpers

/**
 * The {@link EndReason} of a SIP final status (486 → "busy", 603 →
 * "declined", ...), or null for a status below 300.
 */
export declare function reasonFromStatus(status: number): EndReason | null;

/** The sentence shown for each {@link EndReason}, in English (replace it to translate). */
export declare const REASON_TEXT: Readonly<Record<EndReason, string>>;

/**
 * The MOS estimate of the "quality" event (see {@link CallQuality.mos} for
 * the formula), for your own figures.
 */
export declare function estimateMos(input: { rttMs?: number; jitterMs?: number; lossPercent?: number }): { r: number; mos: number };
