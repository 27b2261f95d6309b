/*
 * iwg_webrtc: the SDP bodies crossing between browser and IMS, before and
 * after rtpengine (README.md 4.5, 4.6, 4.9, $webrtc(te_map)): cleaning,
 * H.264-only video, and the telephone-event (DTMF) fixes. Kamailio glue
 * over the pure edits of webrtc_sdpfix.c and webrtc_sdp.c; each function
 * returns a script code (WRC_*, webrtc_kmsg.h). A changed body is replaced
 * through lumps: the script calls msg_apply_changes() before rtpengine
 * reads it.
 */
#ifndef IWG_WEBRTC_MEDIA_H
#define IWG_WEBRTC_MEDIA_H

#include "core/parser/msg_parser.h"
#include "core/pvar.h"
#include "core/str.h"

/* webrtc_sdp_fix(dir [, te_map]): cleans the SDP body for dir ("ims" or
 * "browser") and, with a map (NULL or empty: none), renumbers
 * telephone-event back to the offered payload types. WRC_NOOP when there
 * is no body or nothing changed. */
int ki_webrtc_sdp_fix_map(sip_msg_t *msg, str *dir, str *map);
int ki_webrtc_sdp_fix(sip_msg_t *msg, str *dir);

/* webrtc_h264_only(): in every video section of the SDP body keeps only
 * H.264 with packetization-mode=1 (see webrtc_sdp_h264_only()). WRC_OK
 * when formats were removed, WRC_NOOP when there was nothing to remove or
 * no body. */
int ki_webrtc_h264_only(sip_msg_t *msg);

/* webrtc_te_reoffer(offer, offered_map, dst): in the reply carrying the
 * IMS answer. When the answer numbers telephone-event differently from
 * omap (what rtpengine offered toward the IMS), writes to the variable dst
 * the browser's SDP offer with telephone-event added at the IMS's numbers,
 * for a second rtpengine offer before the answer (webrtc_sdpfix_reoffer()).
 * WRC_OK (dst set), WRC_NOOP (nothing renumbered), WRC_BAD_INPUT (the
 * offer cannot take them), WRC_ERR. */
int ki_webrtc_te_reoffer(sip_msg_t *msg, str *offer, str *omap, pv_spec_t *dst);

/* KEMI form of webrtc_te_reoffer(): dst is the name of a variable */
int ki_webrtc_te_reoffer_kemi(sip_msg_t *msg, str *offer, str *omap, str *dst);

/* webrtc_media_te_map: $webrtc(te_map) of msg, the telephone-event map of
 * its SDP body (webrtc_sdp_te_map()), into out (a static buffer of this
 * process, valid until the next call). 0, or -1 when msg has no body or
 * the map does not fit. */
int webrtc_media_te_map(sip_msg_t *msg, str *out);

#endif
