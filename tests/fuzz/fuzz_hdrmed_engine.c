/*
 * fuzz_hdrmed_engine.c - libFuzzer target: a SIP message is parsed, scanned
 * by discovery and mediated by a profile using every action and condition,
 * in both directions; the result must parse again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_hdrmed/hdrmed_disc.h"
#include "../../modules/iwg_hdrmed/hdrmed_engine.h"

static const char rules[] =
		"trusted 10.0.0.0/8\n"
		"strip-untrusted\n"
		"add X-A v\n"
		"add-if-absent X-B \"a, b\"\n"
		"remove X-Remove\n"
		"rename X-Old X-New\n"
		"set X-Set $fU\n"
		"replace User-Agent x\n"
		"rewrite To \"^(.*)<sip:([^@]*)@([^>]*)>(.*)$\" \"\\1<tel:\\2>\\4\"\n"
		"rewrite Subject \"(a|b)+\" \"\"\n"
		"param-add Contact expires=60 if method=REGISTER|INVITE\n"
		"param-set Route x=\"q;r\"\n"
		"param-remove Contact reg-id\n"
		"uri-param-add Contact gr\n"
		"uri-param-set From user=phone\n"
		"uri-param-remove Route lr\n"
		"tag-add "
		"+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel\"\n"
		"tag-remove +sip.instance\n"
		"[out]\n"
		"pcv orig-ioi=o.net term-ioi=t.net if !method=ACK\n"
		"pani \"3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=001\" if request\n"
		"pvni v.net if has=Contact\n"
		"mask-ua iwg if match=User-Agent:\"^[A-Z]\"\n"
		"[in]\n"
		"mask-server iwg if reply status=2xx|1xx|486\n"
		"param-set Record-Route x=1 if untrusted\n"
		"remove P-Charging-Vector if trusted\n";

static struct hdrmed_ruleset *rs;
static struct hdrmed_disc *disc;

static int expand(void *arg, const char *in, int inlen, char *out, int size)
{
	(void)arg;
	if (inlen > size)
		return -1;
	memcpy(out, in, inlen);
	return inlen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hdrmed_ctx ctx = {.expand = expand};
	struct hdrmed_msg m, m2;
	struct hdrmed_err err;
	char e[128], *out;
	int dir, olen;

	if (!rs) {
		rs = hdrmed_rules_parse(rules, sizeof(rules) - 1, "fuzz", &err);
		disc = malloc(hdrmed_disc_size(64));
		if (!rs || !disc)
			__builtin_trap();
		hdrmed_disc_init(disc, 64);
	}
	if (size > 65536)
		return 0;
	for (dir = HDRMED_DIR_IN; dir <= HDRMED_DIR_OUT; dir++) {
		ctx.dir = dir;
		ctx.src_ip = dir == HDRMED_DIR_IN ? "10.1.1.1" : "192.0.2.1";
		if (hdrmed_msg_parse(&m, (const char *)data, (int)size, e, sizeof(e)) <
			0) {
			hdrmed_msg_free(&m);
			return 0;
		}
		hdrmed_disc_scan(disc, &m, 1, 32);
		if (hdrmed_engine_apply(rs, &m, &ctx) < 0)
			__builtin_trap();
		out = hdrmed_msg_print(&m, &olen);
		if (!out)
			__builtin_trap();
		if (hdrmed_msg_parse(&m2, out, olen, e, sizeof(e)) < 0)
			__builtin_trap(); /* mediation produced an unparsable message */
		hdrmed_msg_free(&m2);
		hdrmed_msg_free(&m);
		free(out);
	}
	return 0;
}
