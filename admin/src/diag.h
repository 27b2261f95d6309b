/*
 * diag.h - the one-way-audio verdict of a call from rtpengine's view of
 * it (NG query): which directions carry media toward the gateway, which
 * are silent, and what to check.
 *
 * A direction is one leg's medium (audio or video) as it reaches the
 * gateway: "browser" when the leg's protocol is UDP/TLS/RTP/SAVP(F)
 * (WebRTC), "sip_peer" otherwise. It is flowing when a packet came in the
 * last quiet_s seconds. The verdict looks at audio (at every medium when
 * the call has no audio) per leg, a leg counting as flowing when one of
 * its media is:
 *   unknown   no medium at all
 *   starting  not answered yet (one leg, or a leg without a tag), or
 *             younger than quiet_s and not yet flowing both ways
 *   ok        on hold (a leg's SDP is not sendrecv: sendonly, recvonly or
 *             inactive, so one side may rightly be silent), or every leg
 *             flowing
 *   one_way   some legs flowing, others silent
 *   no_media  no leg flowing
 * rtpengine's media flags are its own point of view: "recv" when the leg
 * sends to it, "send" when it sends to the leg. Pure C.
 */
#ifndef IWG_ADMIND_DIAG_H
#define IWG_ADMIND_DIAG_H

#include <stddef.h>
#include <stdint.h>

#include "ng/bencode.h"

#define DIAG_MAX_DIRS 32
#define DIAG_TAG_MAX  128

typedef enum diag_verdict {
	DIAG_OK = 0,
	DIAG_ONE_WAY,
	DIAG_NO_MEDIA,
	DIAG_STARTING,
	DIAG_UNKNOWN,
	DIAG_VERDICT_COUNT
} diag_verdict;

typedef struct diag_dir {
	char tag[DIAG_TAG_MAX]; /* the leg's SIP tag */
	int browser;			/* 1 browser (WebRTC), 0 SIP peer */
	int video;				/* 1 video, 0 audio (or other) */
	int sendrecv;			/* 1 when the leg's SDP says sendrecv */
	int64_t packets;		/* received from the leg */
	double last_packet;		/* unix seconds, 0 unknown */
	/* out (diag_decide) */
	double age;	 /* seconds since its last packet, -1 when none came */
	int flowing; /* a packet within quiet_s */
} diag_dir;

typedef struct diag_call {
	double now;		/* unix seconds */
	double created; /* the call's creation, unix seconds */
	int quiet_s;
	diag_dir dir[DIAG_MAX_DIRS];
	size_t n;
	/* out */
	diag_verdict verdict;
	char message[320];
} diag_call;

/*
 * The directions of an NG query answer q into d->dir (at most
 * DIAG_MAX_DIRS; the rest are left out) and d->created. Returns how many.
 */
size_t diag_from_query(diag_call *d, const bencode_node *q);

/* 1 when an NG protocol string is WebRTC's (UDP/TLS/RTP/SAVP or SAVPF). */
int diag_is_browser(const char *proto);

/* Fill each direction's age/flowing, then d->verdict and d->message. */
void diag_decide(diag_call *d);

/* "ok", "one_way", "no_media", "starting", "unknown". */
const char *diag_verdict_name(diag_verdict v);

#endif
