// Try-a-call page: form -> credential from iwg-admind -> iwg.js connect and
// call, events listed, quality figures shown. Logic in try-core.mjs.
// SPDX-License-Identifier: GPL-2.0-or-later
import { Gateway } from '../sdk/iwg.mjs';
import {
  KEY_STORAGE, checkInput, credentialError, credentialRequest, credentialSummary, defaultGatewayUrl, qualityFigures,
} from './try-core.mjs';

const $ = (id) => document.getElementById(id);
const form = $('try-form');
const field = { key: $('try-key'), user: $('try-user'), url: $('try-url'), target: $('try-target') };
let gw = null;
let call = null;

function status(text) {
  $('try-status').textContent = text;
}

function logEvent(name, detail = '') {
  const li = document.createElement('li');
  li.dataset.event = name;
  const time = document.createElement('time');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString();
  const b = document.createElement('strong');
  b.textContent = name;
  li.append(time, ' ', b, detail ? ` ${detail}` : '');
  $('try-events').append(li);
}

function showQuality(q) {
  const dl = $('try-quality');
  dl.replaceChildren(...qualityFigures(q).flatMap(([k, label, text]) => {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.dataset.figure = k;
    dd.textContent = text;
    return [dt, dd];
  }));
  $('try-quality-none').hidden = true;
}

function busy(on) {
  $('try-call').disabled = on;
  $('try-hangup').disabled = !on;
}

async function finish() {
  call = null;
  busy(false);
  if (gw) {
    const g = gw;
    gw = null;
    await g.disconnect().catch((e) => logEvent('error', `disconnect: ${e.message}`));
  }
}

async function getCredential(key, user) {
  const res = await fetch(...credentialRequest(key, user));
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (res.status !== 201 && res.status !== 200) throw new Error(credentialError(res.status, body));
  return body;
}

function follow(c) {
  for (const name of ['ringing', 'early-media', 'hold', 'resume', 'remote-hold', 'remote-resume', 'mute', 'dtmf', 'transfer-progress']) {
    c.on(name, (e) => logEvent(name, e && typeof e === 'object' ? JSON.stringify(e) : ''));
  }
  let firstQuality = true;
  c.on('quality', (q) => {
    if (firstQuality) logEvent('quality');
    firstQuality = false;
    showQuality(q);
  });
  c.on('answered', () => {
    logEvent('answered');
    status('In call.');
    const stream = c.remoteStream;
    $('try-audio').srcObject = stream;
    if (stream && stream.getVideoTracks().length) {
      $('try-video-out').srcObject = stream;
      $('try-video-out').hidden = false;
    }
  });
  c.on('ended', (e) => {
    const { reason, status: code, message } = e || {};
    logEvent('ended', [reason, code, message].filter((x) => x !== undefined && x !== null && x !== '').join(' '));
    status(`Call ended: ${reason || 'unknown reason'}.`);
    $('try-video-out').hidden = true;
    finish();
  });
}

async function start() {
  const v = {
    key: field.key.value.trim(), user: field.user.value.trim(), url: field.url.value.trim(), target: field.target.value.trim(),
  };
  for (const f of Object.values(field)) f.removeAttribute('aria-invalid');
  const bad = checkInput(v);
  if (bad.length) {
    for (const [f] of bad) field[f].setAttribute('aria-invalid', 'true');
    field[bad[0][0]].focus();
    status(bad.map(([, m]) => m).join('; '));
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, v.key);
  busy(true);
  try {
    status('Getting a credential…');
    const cred = await getCredential(v.key, v.user);
    logEvent('credential', credentialSummary(cred));
    status(`Connecting to ${v.url}…`);
    gw = new Gateway({ url: v.url });
    for (const name of ['connecting', 'registered', 'unregistered', 'reconnecting', 'reconnected', 'disconnected']) {
      gw.on(name, () => logEvent(name));
    }
    gw.on('error', (e) => logEvent('error', e && e.message ? e.message : String(e)));
    await gw.connect(cred);
    status(`Calling ${v.target}…`);
    call = gw.call(v.target, { video: $('try-video').checked });
    logEvent('calling', v.target);
    follow(call);
  } catch (e) {
    logEvent('error', e.message);
    status(`Failed: ${e.message}`);
    await finish();
  }
}

field.url.value = defaultGatewayUrl(window.location);
field.key.value = sessionStorage.getItem(KEY_STORAGE) || '';
form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  start();
});
$('try-hangup').addEventListener('click', () => {
  if (call) call.hangup();
  else finish();
});
$('try-forget').addEventListener('click', () => {
  sessionStorage.removeItem(KEY_STORAGE);
  field.key.value = '';
  status('API key forgotten.');
});
