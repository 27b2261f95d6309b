/*
 * lib/media: the rtpengine NG flag vocabulary. See media_flags.h.
 *
 * Sources (read, not copied):
 *  - Kamailio 5.6.3 src/modules/rtpengine/rtpengine.c, parse_flags(): the
 *    sub-list prefixes (replace, SDES, T38/T.38, rtcp-mux, transcode and the
 *    codec-* lists, each as "name-x" or "name=x"), the transport words, and
 *    the keys it handles itself (call-id, from-tag, to-tag, via-branch,
 *    direction, internal/external, directional, force-answer, repacketize,
 *    delete-delay, TOS). Everything else it forwards: bare words into the NG
 *    "flags" list, key=value pairs as dictionary entries.
 *  - rtpengine mr10.5.3.5 daemon/call_interfaces.c: call_ng_flags_flags()
 *    (the "flags" list, with the prefixes from-tags-, SDES-, OSRTP-,
 *    codec-accept-, codec-consume-, endpoint-learning-), call_ng_main_flags()
 *    (dictionary keys and their values) and the option parsers
 *    (ng_sdes_option, ng_osrtp_option, ng_el_option, ng_t38_option,
 *    call_ng_flags_rtcp_mux, call_ng_flags_replace); crypto.c for SRTP suite
 *    names, dtls.c for fingerprint hashes, media_socket.c for transports.
 *  - rtpengine README (mr10.5) and Kamailio's rtpengine docs for the legacy
 *    words "symmetric" and "force" (accepted and ignored by rtpengine).
 */
#include <string.h>

#include "media_flags.h"

/* spellings a token may take */
#define F_B 1 /* bare:   name          */
#define F_V 2 /* value:  name=value    */
#define F_P 4 /* prefix: name-suffix   */

/* what the value (or suffix) may be */
enum mflags_vtype {
	V_NONE = 0,
	V_ANY,	/* any non-empty text */
	V_UINT, /* decimal digits */
	V_INT,	/* optional '-' then decimal digits */
	V_ENUM, /* one of the entry's list */
	V_SDES	/* one of the entry's list, or "no-" + an SRTP suite */
};

typedef struct mflag_def {
	const char *name;
	unsigned char forms;
	unsigned char vtype;
	const char *const *values; /* NULL-terminated, for V_ENUM and V_SDES */
} mflag_def_t;

static const char *const ev_dtls[] = {"passive",  "active",	 "no", "off",
									  "disabled", "disable", NULL};
static const char *const ev_dtlsrev[] = {"passive", "active", NULL};
static const char *const ev_via[] = {
		"1",		 "2",		  "auto",		"extra",	  "next",
		"auto-next", "next-auto", "auto-extra", "extra-auto", NULL};
static const char *const ev_replace[] = {
		"origin",	   "session-connection", "session-name", "sdp-version",
		"SDP-version", "username",			 "zero-address", NULL};
static const char *const ev_sdes[] = {"no",
									  "off",
									  "disabled",
									  "disable",
									  "unencrypted_srtp",
									  "UNENCRYPTED_SRTP",
									  "unencrypted_srtcp",
									  "UNENCRYPTED_SRTCP",
									  "unauthenticated_srtp",
									  "UNAUTHENTICATED_SRTP",
									  "encrypted_srtp",
									  "ENCRYPTED_SRTP",
									  "encrypted_srtcp",
									  "ENCRYPTED_SRTCP",
									  "authenticated_srtp",
									  "AUTHENTICATED_SRTP",
									  "lifetime",
									  "pad",
									  "static",
									  NULL};
static const char *const ev_srtp_suites[] = {"AEAD_AES_256_GCM",
											 "AEAD_AES_128_GCM",
											 "AES_256_CM_HMAC_SHA1_80",
											 "AES_256_CM_HMAC_SHA1_32",
											 "AES_192_CM_HMAC_SHA1_80",
											 "AES_192_CM_HMAC_SHA1_32",
											 "AES_CM_128_HMAC_SHA1_80",
											 "AES_CM_128_HMAC_SHA1_32",
											 "F8_128_HMAC_SHA1_80",
											 "F8_128_HMAC_SHA1_32",
											 "NULL_HMAC_SHA1_80",
											 "NULL_HMAC_SHA1_32",
											 NULL};
static const char *const ev_t38[] = {
		"decode",	 "force",	   "stop",		"no-ecm",  "no-ECM",
		"no-V17",	 "no-V.17",	   "no-v17",	"no-v.17", "no-V.27ter",
		"no-V27ter", "no-v.27ter", "no-v27ter", "no-V29",  "no-V.29",
		"no-v29",	 "no-v.29",	   "no-V34",	"no-V.34", "no-v34",
		"no-v.34",	 "no-IAF",	   "no-iaf",	"FEC",	   "fec",
		NULL};
static const char *const ev_rtcp_mux[] = {"offer",	"require", "demux",
										  "accept", "reject",  NULL};
static const char *const ev_osrtp[] = {"accept", "offer", NULL};
static const char *const ev_el[] = {"off", "immediate", "delayed", "heuristic",
									NULL};
static const char *const ev_onoff[] = {"on", "off", NULL};
static const char *const ev_passthrough[] = {"on",		"yes",		"enable",
											 "enabled", "no",		"off",
											 "disable", "disabled", NULL};
static const char *const ev_drop[] = {"start", "stop", NULL};
static const char *const ev_ice[] = {"remove",	 "force",		"default",
									 "optional", "force_relay", "force-relay",
									 NULL};
static const char *const ev_icelite[] = {
		"off", "none",	   "no",		"forward", "offer",	 "fwd",
		"fw",  "backward", "backwards", "reverse", "answer", "back",
		"bkw", "bk",	   "both",		NULL};
static const char *const ev_proto[] = {
		"accept",	 "RTP/AVP",			 "RTP/SAVP",		  "RTP/AVPF",
		"RTP/SAVPF", "UDP/TLS/RTP/SAVP", "UDP/TLS/RTP/SAVPF", "udptl",
		NULL};
static const char *const ev_family[] = {"IP4", "IP6", NULL};
static const char *const ev_hash[] = {"sha-256", "sha-1",	"sha-224",
									  "sha-384", "sha-512", NULL};
static const char *const ev_echo[] = {
		"blackhole", "sinkhole",  "forward", "fwd",	 "fw",
		"backward",	 "backwards", "reverse", "back", "bkw",
		"bk",		 "both",	  NULL};
static const char *const ev_block[] = {"off",  "drop",	 "silence",
									   "tone", "random", "zero",
									   "DTMF", "dtmf",	 NULL};

/* sorted by strcmp() on name (the unit test checks it) */
static const mflag_def_t mflags_table[] = {
		{"AVP", F_B, V_NONE, NULL},
		{"AVPF", F_B, V_NONE, NULL},
		{"DTLS", F_B | F_V, V_ENUM, ev_dtls},
		{"DTLS-fingerprint", F_V, V_ENUM, ev_hash},
		{"DTLS-reverse", F_V, V_ENUM, ev_dtlsrev},
		{"DTMF-delay", F_V, V_UINT, NULL},
		{"DTMF-security", F_V, V_ENUM, ev_block},
		{"DTMF-security-trigger", F_V, V_ENUM, ev_block},
		{"DTMF-security-trigger-end", F_V, V_ENUM, ev_block},
		{"ICE", F_V, V_ENUM, ev_ice},
		{"ICE-lite", F_V, V_ENUM, ev_icelite},
		{"ICE-reject", F_B, V_NONE, NULL},
		{"NAT-wait", F_B, V_NONE, NULL},
		{"OSRTP", F_P, V_ENUM, ev_osrtp},
		{"RTCP-mirror", F_B, V_NONE, NULL},
		{"RTP", F_B, V_NONE, NULL},
		{"RTP/AVP", F_B, V_NONE, NULL},
		{"RTP/AVPF", F_B, V_NONE, NULL},
		{"RTP/SAVP", F_B, V_NONE, NULL},
		{"RTP/SAVPF", F_B, V_NONE, NULL},
		{"SDES", F_P | F_V, V_SDES, ev_sdes},
		{"SIP-source-address", F_B, V_NONE, NULL},
		{"SIPREC", F_B, V_NONE, NULL},
		{"SRTP", F_B, V_NONE, NULL},
		{"T.38", F_P | F_V, V_ENUM, ev_t38},
		{"T38", F_P | F_V, V_ENUM, ev_t38},
		{"TOS", F_V, V_UINT, NULL},
		{"UDP/TLS/RTP/SAVP", F_B, V_NONE, NULL},
		{"UDP/TLS/RTP/SAVPF", F_B, V_NONE, NULL},
		{"XMLRPC-callback", F_V, V_ANY, NULL},
		{"address", F_V, V_ANY, NULL},
		{"address-family", F_V, V_ENUM, ev_family},
		{"all", F_B, V_NONE, NULL},
		{"allow-transcoding", F_B, V_NONE, NULL},
		{"always-transcode", F_B, V_NONE, NULL},
		{"asymmetric", F_B, V_NONE, NULL},
		{"asymmetric-codecs", F_B, V_NONE, NULL},
		{"blob", F_V, V_ANY, NULL},
		{"call-id", F_V, V_ANY, NULL},
		{"code", F_V, V_ANY, NULL},
		{"codec-accept", F_P, V_ANY, NULL},
		{"codec-consume", F_P, V_ANY, NULL},
		{"codec-except", F_P | F_V, V_ANY, NULL},
		{"codec-mask", F_P | F_V, V_ANY, NULL},
		{"codec-offer", F_P | F_V, V_ANY, NULL},
		{"codec-set", F_P | F_V, V_ANY, NULL},
		{"codec-strip", F_P | F_V, V_ANY, NULL},
		{"codec-transcode", F_P | F_V, V_ANY, NULL},
		{"db-id", F_V, V_UINT, NULL},
		{"debug", F_B, V_NONE, NULL},
		{"debugging", F_B, V_NONE, NULL},
		{"delay-buffer", F_V, V_UINT, NULL},
		{"delete-delay", F_V, V_UINT, NULL},
		{"detect-DTMF", F_B, V_NONE, NULL},
		{"detect-dtmf", F_B, V_NONE, NULL},
		{"digit", F_V, V_ANY, NULL},
		{"direction", F_V, V_ANY, NULL},
		{"directional", F_B, V_NONE, NULL},
		{"drop-traffic", F_V, V_ENUM, ev_drop},
		{"dtls", F_V, V_ENUM, ev_dtls},
		{"dtls-fingerprint", F_V, V_ENUM, ev_hash},
		{"dtls-reverse", F_V, V_ENUM, ev_dtlsrev},
		{"dtmf-delay", F_V, V_UINT, NULL},
		{"dtmf-security", F_V, V_ENUM, ev_block},
		{"dtmf-security-trigger", F_V, V_ENUM, ev_block},
		{"dtmf-security-trigger-end", F_V, V_ENUM, ev_block},
		{"duration", F_V, V_UINT, NULL},
		{"egress", F_B, V_NONE, NULL},
		{"end-trigger", F_V, V_ANY, NULL},
		{"end-trigger-digits", F_V, V_UINT, NULL},
		{"end-trigger-time", F_V, V_UINT, NULL},
		{"endpoint-learning", F_P, V_ENUM, ev_el},
		{"external", F_B, V_NONE, NULL},
		{"file", F_V, V_ANY, NULL},
		{"force", F_B, V_NONE, NULL},
		{"force-answer", F_B, V_NONE, NULL},
		{"fragment", F_B, V_NONE, NULL},
		{"frequency", F_V, V_UINT, NULL},
		{"from-label", F_V, V_ANY, NULL},
		{"from-tag", F_V, V_ANY, NULL},
		{"from-tags", F_P, V_ANY, NULL},
		{"full-RTCP-attribute", F_B, V_NONE, NULL},
		{"full-rtcp-attribute", F_B, V_NONE, NULL},
		{"generate-RTCP", F_B | F_V, V_ENUM, ev_onoff},
		{"generate-mid", F_B, V_NONE, NULL},
		{"generate-rtcp", F_B | F_V, V_ENUM, ev_onoff},
		{"ice", F_V, V_ENUM, ev_ice},
		{"ice-lite", F_V, V_ENUM, ev_icelite},
		{"ice-reject", F_B, V_NONE, NULL},
		{"inject-DTMF", F_B, V_NONE, NULL},
		{"inject-dtmf", F_B, V_NONE, NULL},
		{"interface", F_V, V_ANY, NULL},
		{"internal", F_B, V_NONE, NULL},
		{"label", F_V, V_ANY, NULL},
		{"loop-protect", F_B, V_NONE, NULL},
		{"media-address", F_V, V_ANY, NULL},
		{"media-echo", F_V, V_ENUM, ev_echo},
		{"media-handover", F_B, V_NONE, NULL},
		{"metadata", F_V, V_ANY, NULL},
		{"mirror-RTCP", F_B, V_NONE, NULL},
		{"mirror-rtcp", F_B, V_NONE, NULL},
		{"nat-wait", F_B, V_NONE, NULL},
		{"no-RTCP-attribute", F_B, V_NONE, NULL},
		{"no-codec-renegotiation", F_B, V_NONE, NULL},
		{"no-jitter-buffer", F_B, V_NONE, NULL},
		{"no-passthrough", F_B, V_NONE, NULL},
		{"no-port-latching", F_B, V_NONE, NULL},
		{"no-redis-update", F_B, V_NONE, NULL},
		{"no-rtcp-attribute", F_B, V_NONE, NULL},
		{"original-sendrecv", F_B, V_NONE, NULL},
		{"pad-crypto", F_B, V_NONE, NULL},
		{"passthrough", F_B | F_V, V_ENUM, ev_passthrough},
		{"passthru", F_V, V_ENUM, ev_passthrough},
		{"pause", F_V, V_UINT, NULL},
		{"pierce-NAT", F_B, V_NONE, NULL},
		{"pierce-nat", F_B, V_NONE, NULL},
		{"port-latching", F_B, V_NONE, NULL},
		{"ptime", F_V, V_UINT, NULL},
		{"ptime-reverse", F_V, V_UINT, NULL},
		{"record-call", F_B | F_V, V_ANY, NULL},
		{"reject-ICE", F_B, V_NONE, NULL},
		{"reject-ice", F_B, V_NONE, NULL},
		{"reorder-codecs", F_B, V_NONE, NULL},
		{"repacketize", F_V, V_UINT, NULL},
		{"repeat-times", F_V, V_UINT, NULL},
		{"replace", F_P | F_V, V_ENUM, ev_replace},
		{"reset", F_B, V_NONE, NULL},
		{"reuse-codecs", F_B, V_NONE, NULL},
		{"reverse-ptime", F_V, V_UINT, NULL},
		{"rtcp-mirror", F_B, V_NONE, NULL},
		{"rtcp-mux", F_P | F_V, V_ENUM, ev_rtcp_mux},
		{"set-label", F_V, V_ANY, NULL},
		{"single-codec", F_B, V_NONE, NULL},
		{"sip-source-address", F_B, V_NONE, NULL},
		{"siprec", F_B, V_NONE, NULL},
		{"strict-source", F_B, V_NONE, NULL},
		{"strip-extmap", F_B, V_NONE, NULL},
		{"symmetric", F_B, V_NONE, NULL},
		{"symmetric-codecs", F_B, V_NONE, NULL},
		{"to-label", F_V, V_ANY, NULL},
		{"to-tag", F_B | F_V, V_ANY, NULL},
		{"tos", F_V, V_UINT, NULL},
		{"transcode", F_P | F_V, V_ANY, NULL},
		{"transport-protocol", F_V, V_ENUM, ev_proto},
		{"trickle-ICE", F_B, V_NONE, NULL},
		{"trickle-ice", F_B, V_NONE, NULL},
		{"trigger", F_V, V_ANY, NULL},
		{"trigger-end", F_V, V_ANY, NULL},
		{"trigger-end-digits", F_V, V_UINT, NULL},
		{"trigger-end-time", F_V, V_UINT, NULL},
		{"trust-address", F_B, V_NONE, NULL},
		{"unidirectional", F_B, V_NONE, NULL},
		{"via-branch", F_V, V_ENUM, ev_via},
		{"volume", F_V, V_INT, NULL},
		{"xmlrpc-callback", F_V, V_ANY, NULL},
};

#define MFLAGS_N (sizeof(mflags_table) / sizeof(mflags_table[0]))

size_t mflags_count(void)
{
	return MFLAGS_N;
}

const char *mflags_name(size_t i)
{
	return i < MFLAGS_N ? mflags_table[i].name : NULL;
}

static const char *const mflags_status_names[MFLAGS_STATUS_COUNT] = {
		[MFLAGS_OK] = "ok",
		[MFLAGS_DYNAMIC] = "dynamic",
		[MFLAGS_UNKNOWN] = "unknown rtpengine flag",
		[MFLAGS_NEED_VALUE] = "flag needs a value (name=value)",
		[MFLAGS_NO_VALUE] = "flag takes no value",
		[MFLAGS_BAD_VALUE] = "invalid value for flag",
		[MFLAGS_NEED_SUFFIX] = "flag prefix needs a suffix",
};
_Static_assert(sizeof(mflags_status_names) / sizeof(mflags_status_names[0]) ==
					   MFLAGS_STATUS_COUNT,
			   "status names drift from enum");

const char *mflags_status_str(mflags_status_t st)
{
	if ((unsigned)st >= MFLAGS_STATUS_COUNT)
		return "?";
	return mflags_status_names[st];
}

/* compare a counted string (may hold NULs) with a NUL-terminated one, like
 * strcmp() */
static int cmp_n(const char *s, size_t len, const char *z)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char a = (unsigned char)s[i], b = (unsigned char)z[i];
		if (!b)
			return 1;
		if (a != b)
			return a < b ? -1 : 1;
	}
	return z[len] ? -1 : 0;
}

static int eq_n(const char *s, size_t len, const char *z)
{
	return cmp_n(s, len, z) == 0;
}

static const mflag_def_t *find_exact(const char *key, size_t len)
{
	size_t lo = 0, hi = MFLAGS_N;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = cmp_n(key, len, mflags_table[mid].name);
		if (r == 0)
			return &mflags_table[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* longest prefix entry p such that key starts with "p-" */
static const mflag_def_t *find_prefix(const char *key, size_t len)
{
	const mflag_def_t *best = NULL;
	size_t bestlen = 0;

	for (size_t i = 0; i < MFLAGS_N; i++) {
		const mflag_def_t *d = &mflags_table[i];
		size_t n;
		if (!(d->forms & F_P))
			continue;
		n = strlen(d->name);
		if (n + 1 > len || n < bestlen)
			continue;
		if (memcmp(key, d->name, n) || key[n] != '-')
			continue;
		best = d;
		bestlen = n;
	}
	return best;
}

static int in_list(const char *s, size_t len, const char *const *list)
{
	for (; list && *list; list++)
		if (eq_n(s, len, *list))
			return 1;
	return 0;
}

static int all_digits(const char *s, size_t len)
{
	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* 1 if val (len bytes, non-empty) is acceptable for d */
static int value_ok(const mflag_def_t *d, const char *val, size_t len)
{
	switch (d->vtype) {
	case V_ANY:
		return len > 0;
	case V_UINT:
		return all_digits(val, len);
	case V_INT:
		if (len && val[0] == '-')
			return all_digits(val + 1, len - 1);
		return all_digits(val, len);
	case V_ENUM:
		return in_list(val, len, d->values);
	case V_SDES:
		if (len > 3 && memcmp(val, "no-", 3) == 0)
			return in_list(val + 3, len - 3, ev_srtp_suites);
		return in_list(val, len, d->values);
	default:
		return 0;
	}
}

/* a '$' that starts a pseudo-variable: $name, $(...), ${...} */
static const char *find_pv(const char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		char c = s[i + 1];
		if (s[i] != '$')
			continue;
		if (c == '(' || c == '{' || c == '_' || (c >= 'a' && c <= 'z') ||
			(c >= 'A' && c <= 'Z'))
			return s + i;
	}
	return NULL;
}

static mflags_status_t set_res(mflags_res_t *res, mflags_status_t st,
							   size_t off, const mflag_def_t *d)
{
	if (res) {
		res->status = st;
		res->err_off = off;
		res->entry = d ? d->name : NULL;
	}
	return st;
}

mflags_status_t mflags_check(const char *tok, size_t len, mflags_res_t *res)
{
	const char *eq = tok ? memchr(tok, '=', len) : NULL;
	size_t klen = eq ? (size_t)(eq - tok) : len;
	const char *pv;
	const mflag_def_t *d;

	if (!tok || !len)
		return set_res(res, MFLAGS_UNKNOWN, 0, NULL);

	pv = find_pv(tok, klen);
	if (pv) {
		/* the name itself is computed at run time: check what is static */
		size_t slen = (size_t)(pv - tok);
		if (slen == 0)
			return set_res(res, MFLAGS_DYNAMIC, 0, NULL);
		d = find_prefix(tok, slen);
		if (d)
			return set_res(res, MFLAGS_DYNAMIC, 0, d);
		/* "name$var(x)": nothing we can say about it */
		return set_res(res, MFLAGS_DYNAMIC, 0, NULL);
	}

	if (eq) {
		const char *val = eq + 1;
		size_t vlen = len - klen - 1;
		d = find_exact(tok, klen);
		if (!d) {
			if (find_prefix(tok, klen) || find_exact(tok, klen))
				return set_res(res, MFLAGS_NO_VALUE, klen, NULL);
			return set_res(res, MFLAGS_UNKNOWN, 0, NULL);
		}
		if (!(d->forms & F_V))
			return set_res(res, MFLAGS_NO_VALUE, klen, d);
		if (find_pv(val, vlen))
			return set_res(res, MFLAGS_DYNAMIC, 0, d);
		if (!value_ok(d, val, vlen))
			return set_res(res, MFLAGS_BAD_VALUE, klen + 1, d);
		return set_res(res, MFLAGS_OK, 0, d);
	}

	d = find_exact(tok, len);
	if (d) {
		if (d->forms & F_B)
			return set_res(res, MFLAGS_OK, 0, d);
		if (d->forms & F_P)
			return set_res(res, MFLAGS_NEED_SUFFIX, len, d);
		return set_res(res, MFLAGS_NEED_VALUE, len, d);
	}
	d = find_prefix(tok, len);
	if (d) {
		size_t n = strlen(d->name) + 1;
		if (n == len)
			return set_res(res, MFLAGS_NEED_SUFFIX, n, d);
		if (!value_ok(d, tok + n, len - n))
			return set_res(res, MFLAGS_BAD_VALUE, n, d);
		return set_res(res, MFLAGS_OK, 0, d);
	}
	return set_res(res, MFLAGS_UNKNOWN, 0, NULL);
}

/* ---------------------------------------------------------------- hints */

#define SUGGEST_MAX 128

/* edit distance with adjacent transpositions (optimal string alignment) */
static unsigned lev(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned rows[3][SUGGEST_MAX + 1];
	unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (la > SUGGEST_MAX)
		la = SUGGEST_MAX;
	if (lb > SUGGEST_MAX)
		lb = SUGGEST_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned *t;
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
			unsigned best = prev[j - 1] + cost;
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
				a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

typedef struct suggest_ctx {
	const char *tok;
	size_t len;
	unsigned best;
	size_t best_ldiff; /* ties go to the candidate closest in length */
	char *out;
	size_t outsz;
} suggest_ctx_t;

/* candidate = a + sep + b (b may be NULL); tail appended to the suggestion
 * but not compared */
static void consider(suggest_ctx_t *c, const char *a, char sep, const char *b,
					 const char *tail, size_t tail_len, size_t cmp_len)
{
	char cand[SUGGEST_MAX * 2 + 2];
	size_t n = 0, la = strlen(a), lb = b ? strlen(b) : 0, ldiff;
	unsigned d;

	if (la + 1 + lb >= SUGGEST_MAX)
		return;
	/* the length difference is a lower bound of the distance */
	n = la + (sep ? 1 : 0) + lb;
	if ((n > cmp_len ? n - cmp_len : cmp_len - n) > c->best)
		return;
	memcpy(cand, a, la);
	n = la;
	if (sep)
		cand[n++] = sep;
	if (b) {
		memcpy(cand + n, b, lb);
		n += lb;
	}
	d = lev(c->tok, cmp_len, cand, n);
	ldiff = n > cmp_len ? n - cmp_len : cmp_len - n;
	if (d > c->best || (d == c->best && ldiff >= c->best_ldiff))
		return;
	if (tail_len > SUGGEST_MAX)
		tail_len = SUGGEST_MAX;
	if (tail && tail_len)
		memcpy(cand + n, tail, tail_len);
	n += tail_len;
	if (n + 1 > c->outsz)
		return;
	memcpy(c->out, cand, n);
	c->out[n] = '\0';
	c->best = d;
	c->best_ldiff = ldiff;
}

int mflags_suggest(const char *tok, size_t len, char *out, size_t outsz)
{
	suggest_ctx_t c;
	const char *eq;
	size_t klen, cut;

	if (!out || !outsz)
		return 0;
	out[0] = '\0';
	if (!tok || !len)
		return 0;
	if (len > SUGGEST_MAX)
		len = SUGGEST_MAX;
	eq = memchr(tok, '=', len);
	klen = eq ? (size_t)(eq - tok) : len;

	c.tok = tok;
	c.len = len;
	/* allow about one edit in four characters, at least two */
	c.best = (unsigned)(len / 4 > 2 ? len / 4 : 2);
	c.best_ldiff = (size_t)-1;
	c.out = out;
	c.outsz = outsz;

	for (size_t i = 0; i < MFLAGS_N; i++) {
		const mflag_def_t *d = &mflags_table[i];
		const char *const *v;

		if (d->forms & F_B)
			consider(&c, d->name, 0, NULL, NULL, 0, len);
		if ((d->forms & F_V) && d->vtype != V_ENUM && d->vtype != V_SDES && eq)
			consider(&c, d->name, '=', NULL, eq + 1, len - klen - 1, klen + 1);
		if (d->vtype == V_ENUM || d->vtype == V_SDES) {
			for (v = d->values; *v; v++) {
				if (d->forms & F_V)
					consider(&c, d->name, '=', *v, NULL, 0, len);
				if (d->forms & F_P)
					consider(&c, d->name, '-', *v, NULL, 0, len);
			}
		} else if (d->forms & F_P) {
			/* free suffix (codec names): compare the part before it,
			 * cutting the token at each '-' near the prefix length */
			size_t n = strlen(d->name);
			for (cut = n > 2 ? n - 2 : 1; cut <= n + 2 && cut < len; cut++)
				if (tok[cut] == '-')
					consider(&c, d->name, '-', NULL, tok + cut + 1,
							 len - cut - 1, cut + 1);
		}
	}
	return out[0] != '\0';
}
