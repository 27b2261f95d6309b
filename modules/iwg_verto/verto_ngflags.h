/*
 * verto_ngflags.h - turn a media profile's flag string (the words that
 * Kamailio's rtpengine_offer()/rtpengine_answer() take, as kept in
 * rtpengine-ext/profiles/media-profiles.conf and checked by iwg_media) into
 * the members of an rtpengine NG dictionary, the way Kamailio 5.6's
 * rtpengine module does (parse_flags in src/modules/rtpengine/rtpengine.c):
 *
 *   ICE=remove                     "ICE": "remove"          (key=value)
 *   RTP/AVP, UDP/TLS/RTP/SAVPF     "transport-protocol"     (also RTP, AVP,
 *                                                            SRTP, AVPF, DTLS)
 *   replace-origin                 "replace": ["origin"]    (also SDES-,
 *                                   rtcp-mux-, T38-, direction=)
 *   codec-mask-all                 "codec": {"mask": ["all"]}   (transcode,
 *                                   codec-transcode, strip, offer, mask, set,
 *                                   except)
 *   trust-address                  "flags": ["trust-address"]   (the rest)
 *
 * iwg_verto talks NG itself (lib/ng), so call-id, from-tag, to-tag,
 * via-branch and force-answer belong to it and are refused in a profile;
 * so are pseudo-variables ("$"): there is no SIP message to expand them on.
 *
 * Pure C: no Kamailio header.
 */
#ifndef IWG_VERTO_NGFLAGS_H
#define IWG_VERTO_NGFLAGS_H

#include <stddef.h>

#include "ng/bencode.h"

#define VERTO_NGFLAGS_MAX 128 /* words in one flag string */

/*
 * Write the NG members for flags (NUL-terminated, words separated by
 * blanks) into b, which must have a dictionary open. Returns 0, or -1 with
 * err[errsz] naming the word ("word 3 'call-id=x': set by iwg_verto");
 * then b may hold a partial dictionary and must be discarded.
 * flags may be NULL or empty (nothing written).
 */
int verto_ngflags_encode(const char *flags, bencode_buf *b, char *err,
						 size_t errsz);

/* Only check flags, as verto_ngflags_encode() would. 0 or -1 with err. */
int verto_ngflags_check(const char *flags, char *err, size_t errsz);

#endif
