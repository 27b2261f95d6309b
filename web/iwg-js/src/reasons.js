// Why a call ended, as a reason a page can show: from the SIP status of the
// final response (or of the BYE/CANCEL) and JsSIP's cause.
// SPDX-License-Identifier: GPL-2.0-or-later

// reason -> text a page may show as is
export const REASON_TEXT = {
  hangup: 'The call ended',
  busy: 'The person called is busy',
  no_answer: 'No answer',
  declined: 'The call was declined',
  not_found: 'No such number or address',
  unavailable: 'The called party cannot be reached right now',
  cancelled: 'The call was cancelled',
  transferred: 'The call was transferred',
  network_error: 'The connection to the gateway failed',
  media_error: 'Microphone or camera not available, or media could not be set up',
  unauthorized: 'Not allowed to make this call',
  failed: 'The call failed',
};

// reasonFromStatus(status): the reason of a SIP final status, or null for a
// status that names none (then the JsSIP cause decides)
export function reasonFromStatus(status) {
  if (!Number.isInteger(status)) return null;
  switch (status) {
    case 486: case 600: return 'busy';
    case 408: case 480: case 487: return 'no_answer';
    case 603: return 'declined';
    case 404: case 604: case 484: case 410: return 'not_found';
    case 502: case 503: case 504: return 'unavailable';
    case 401: case 403: case 407: return 'unauthorized';
    default: return status >= 300 ? 'failed' : null;
  }
}

// JsSIP causes (JsSIP.C.causes) that need no status
const CAUSES = {
  Busy: 'busy',
  'No Answer': 'no_answer',
  Rejected: 'declined',
  'Not Found': 'not_found',
  Unavailable: 'unavailable',
  'Connection Error': 'network_error',
  'Request Timeout': 'network_error',
  'RTP Timeout': 'network_error',
  'User Denied Media Access': 'media_error',
  'WebRTC Error': 'media_error',
  'Incompatible SDP': 'media_error',
  'Bad Media Description': 'media_error',
  'Missing SDP': 'media_error',
  'Authentication Error': 'unauthorized',
  Bye: 'hangup',
  Canceled: 'cancelled',
};

// endReason({ status, cause, originator, cancelledLocally }): { reason,
// status, message } for the "ended" event. A 487 after our own CANCEL is
// "cancelled"; a 487 we did not ask for (the gateway gave up ringing) is
// "no_answer".
export function endReason({ status = null, cause = null, originator = null, cancelledLocally = false } = {}) {
  let reason = null;
  if (cancelledLocally && (status === 487 || cause === 'Canceled' || status === null)) reason = 'cancelled';
  else if (cause === 'Bye' || (originator && status === null && cause === 'Terminated')) reason = 'hangup';
  else reason = reasonFromStatus(status) || CAUSES[cause] || (status === null && !cause ? 'hangup' : 'failed');
  return { reason, status: Number.isInteger(status) ? status : null, message: REASON_TEXT[reason] };
}
