/*
 * diag.c - one-way-audio verdict (see diag.h).
 */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "ngq.h"

static const char *const verdict_names[] = {
		[DIAG_OK] = "ok",
		[DIAG_ONE_WAY] = "one_way",
		[DIAG_NO_MEDIA] = "no_media",
		[DIAG_STARTING] = "starting",
		[DIAG_UNKNOWN] = "unknown",
};
_Static_assert(sizeof(verdict_names) / sizeof(verdict_names[0]) ==
					   DIAG_VERDICT_COUNT,
			   "a name per verdict");

const char *diag_verdict_name(diag_verdict v)
{
	return v >= 0 && v < DIAG_VERDICT_COUNT ? verdict_names[v] : "unknown";
}

int diag_is_browser(const char *proto)
{
	return proto && (!strcmp(proto, "UDP/TLS/RTP/SAVPF") ||
					 !strcmp(proto, "UDP/TLS/RTP/SAVP"));
}

size_t diag_from_query(diag_call *d, const bencode_node *q)
{
	const bencode_node *tags = bencode_dict_get(q, "tags"), *t, *ml, *m, *s;
	const char *tag, *type;
	diag_dir *x;

	d->n = 0;
	d->created = (double)ngq_int(q, "created", 0);
	for (t = tags && tags->type == BENCODE_DICT ? tags->child : NULL; t;
		 t = t->next) {
		ml = bencode_dict_get(t, "medias");
		tag = ngq_str(t, "tag");
		for (m = ml && ml->type == BENCODE_LIST ? ml->child : NULL;
			 m && d->n < DIAG_MAX_DIRS; m = m->next) {
			x = &d->dir[d->n++];
			memset(x, 0, sizeof(*x));
			snprintf(x->tag, sizeof(x->tag), "%s", tag ? tag : "");
			type = ngq_str(m, "type");
			x->video = type && !strcmp(type, "video");
			x->browser = diag_is_browser(ngq_str(m, "protocol"));
			x->sendrecv = ngq_flag(m, "send") && ngq_flag(m, "recv");
			s = ngq_stream(m, "RTP");
			x->packets = ngq_int(bencode_dict_get(s, "stats"), "packets", 0);
			x->last_packet = (double)ngq_int(s, "last packet", 0);
		}
	}
	return d->n;
}

/* one leg's figures over the directions considered */
typedef struct diag_leg {
	const char *tag;
	int browser, flowing, held; /* held: some medium not sendrecv */
	double silent_for;			/* seconds without a packet */
} diag_leg;

static const char *role(const diag_leg *l)
{
	return l->browser ? "browser" : "SIP peer";
}

static const char *advice(const diag_leg *l)
{
	return l->browser ? "check the browser's ICE and DTLS state, its network "
						"or firewall (a TURN server may be needed)"
					  : "check the peer's media address or firewall";
}

/* the legs of the directions considered (audio, or all without audio) */
static size_t diag_legs(diag_call *d, diag_leg *legs, double call_age)
{
	size_t i, k, n = 0;
	int audio = 0;
	diag_dir *x;
	double silent;

	for (i = 0; i < d->n; i++)
		audio |= !d->dir[i].video;
	for (i = 0; i < d->n; i++) {
		x = &d->dir[i];
		if (audio && x->video)
			continue;
		silent = x->age >= 0 ? x->age : call_age;
		for (k = 0; k < n && strcmp(legs[k].tag, x->tag); k++)
			;
		if (k == n) {
			legs[n++] = (diag_leg){x->tag, x->browser, 0, 0, silent};
		}
		legs[k].flowing |= x->flowing;
		legs[k].held |= !x->sendrecv;
		if (silent < legs[k].silent_for)
			legs[k].silent_for = silent;
	}
	return n;
}

void diag_decide(diag_call *d)
{
	diag_leg legs[DIAG_MAX_DIRS];
	const diag_leg *on = NULL, *off = NULL, *held = NULL, *untagged = NULL;
	double call_age = d->now - d->created, quietest = -1;
	size_t i, n;
	diag_dir *x;

	if (call_age < 0)
		call_age = 0;
	for (i = 0; i < d->n; i++) {
		x = &d->dir[i];
		x->age = x->packets > 0 && x->last_packet > 0
						 ? (d->now > x->last_packet ? d->now - x->last_packet
													: 0)
						 : -1;
		x->flowing = x->age >= 0 && x->age < d->quiet_s;
	}
	n = diag_legs(d, legs, call_age);
	for (i = 0; i < n; i++) {
		if (legs[i].held && !held)
			held = &legs[i];
		if (!legs[i].tag[0] && !untagged)
			untagged = &legs[i];
		if (legs[i].flowing && !on)
			on = &legs[i];
		if (!legs[i].flowing && !off)
			off = &legs[i];
		if (quietest < 0 || legs[i].silent_for < quietest)
			quietest = legs[i].silent_for;
	}
	if (n == 0) {
		d->verdict = DIAG_UNKNOWN;
		snprintf(d->message, sizeof(d->message),
				 "rtpengine holds no media stream for this call");
	} else if (n < 2 || untagged) {
		d->verdict = DIAG_STARTING;
		snprintf(d->message, sizeof(d->message),
				 "not answered yet: rtpengine has no answer from the called "
				 "side");
	} else if (held) {
		d->verdict = DIAG_OK;
		snprintf(d->message, sizeof(d->message),
				 "on hold: the SDP of %s (tag %.40s) is not sendrecv, so a "
				 "silent side is expected",
				 role(held), held->tag);
	} else if (!off) {
		d->verdict = DIAG_OK;
		snprintf(d->message, sizeof(d->message),
				 "media flowing from every side to the gateway");
	} else if (call_age < d->quiet_s) {
		d->verdict = DIAG_STARTING;
		snprintf(d->message, sizeof(d->message),
				 "the call is %d s old: media may not have started yet",
				 (int)call_age);
	} else if (!on) {
		d->verdict = DIAG_NO_MEDIA;
		snprintf(d->message, sizeof(d->message),
				 "no media reaches the gateway from any side for %d s: "
				 "check each side's media address and firewall (for a "
				 "browser, its ICE and DTLS state)",
				 (int)quietest);
	} else {
		d->verdict = DIAG_ONE_WAY;
		if (on->browser == off->browser)
			snprintf(d->message, sizeof(d->message),
					 "%s (tag %.40s) → gateway flowing, %s (tag %.40s) → "
					 "gateway nothing for %d s: %s",
					 role(on), on->tag, role(off), off->tag,
					 (int)off->silent_for, advice(off));
		else
			snprintf(d->message, sizeof(d->message),
					 "%s → gateway flowing, %s → gateway nothing for %d s: "
					 "%s",
					 role(on), role(off), (int)off->silent_for, advice(off));
	}
}
