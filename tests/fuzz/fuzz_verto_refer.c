/*
 * fuzz_verto_refer.c - libFuzzer target for the contact center's
 * transfers of Verto calls (modules/iwg_verto/verto_refer.c): the input is
 * a Refer-To value (and a Referred-By value): no crash, and what is
 * accepted is safe to put in the INVITE (a sip/sips target without
 * headers, white space or brackets; a Replaces value of token tags and a
 * word Call-ID; a Referred-By without control characters). The same bytes
 * drive the transfer's state machine as events, whose invariants (one
 * final NOTIFY, one SWITCH after ANSWER_OK, FREE once, END_CALL only when
 * the old dialog is gone) are checked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../modules/iwg_verto/verto_refer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_accepted(const verto_refer_to *r)
{
	char h[VERTO_REFER_REPLACES_MAX + 1];
	const char *p;

	if (strncasecmp(r->uri, "sip:", 4) != 0 &&
		strncasecmp(r->uri, "sips:", 5) != 0)
		abort();
	for (p = r->uri; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
			strchr("<>?\"", *p))
			abort();
	if (!r->has_replaces) {
		if (r->callid[0] || r->to_tag[0] || r->from_tag[0])
			abort();
		return;
	}
	if (!r->callid[0] || !r->to_tag[0] || !r->from_tag[0])
		abort();
	if (verto_refer_replaces_hdr(r, h, sizeof(h)))
		abort();
	for (p = h; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			abort();
	for (p = r->to_tag; *p; p++)
		if (strchr(";=@<>\"", *p))
			abort();
	for (p = r->from_tag; *p; p++)
		if (strchr(";=@<>\"", *p))
			abort();
}

/* the bytes as transfer events: the invariants of verto_refer.h */
static void drive(const uint8_t *data, size_t size)
{
	verto_xfer x;
	verto_xfer_out o;
	unsigned finals = 0, switches = 0, frees = 0;
	int answered = 0, old_gone = 0;
	size_t i;

	verto_xfer_init(&x);
	for (i = 0; i < size; i++) {
		verto_xfer_event ev = (verto_xfer_event)(data[i] % VXE_COUNT);
		int code = 100 + (data[i] * 7) % 600;
		verto_xfer_state before = x.state;
		if (verto_xfer_step(&x, ev, code, NULL, &o)) {
			if (o.acts || x.state != before)
				abort();
			continue;
		}
		if (ev == VXE_OLD_BYE)
			old_gone = 1;
		if ((o.acts & VXA_NOTIFY) && (old_gone || finals))
			abort();
		if ((o.acts & VXA_NOTIFY) && o.code >= 200)
			finals++;
		if ((o.acts & VXA_NOTIFY) && (o.code < 100 || o.code > 699))
			abort();
		if (o.acts & VXA_SWITCH) {
			if (ev != VXE_ANSWER_OK || before != VXS_ANSWER)
				abort();
			switches++;
		}
		if ((o.acts & VXA_END_CALL) && (!old_gone || (o.acts & VXA_SWITCH)))
			abort();
		if ((o.acts & VXA_BYE_OLD) && old_gone)
			abort();
		if (o.acts & VXA_FREE) {
			frees++;
			if (x.state != VXS_DONE)
				abort();
		}
		if (ev == VXE_ANSWERED)
			answered = 1;
		if ((o.acts & VXA_MEDIA_ANSWER) && !answered)
			abort();
	}
	if (finals > 1 || switches > 1 || frees > 1 ||
		(x.state == VXS_DONE) != (frees == 1))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	verto_refer_to r;
	char by[VERTO_REFER_BY_MAX + 1];
	const char *p;

	if (verto_refer_to_parse((const char *)data, size, &r) == VRE_OK)
		check_accepted(&r);
	else if (r.uri[0] || r.has_replaces)
		abort();
	if (verto_referred_by_check((const char *)data, size, by, sizeof(by)) ==
		0) {
		for (p = by; *p; p++)
			if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
				abort();
	} else if (by[0]) {
		abort();
	}
	drive(data, size);
	return 0;
}
