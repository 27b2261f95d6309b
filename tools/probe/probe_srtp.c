/*
 * probe_srtp.c - libsrtp2 sessions keyed by DTLS-SRTP (see probe_srtp.h).
 */
#include <string.h>

#include <srtp2/srtp.h>

#include "probe_srtp.h"

int probe_srtp_global_init(void)
{
	static int done;

	if (done)
		return 0;
	if (srtp_init() != srtp_err_status_ok)
		return -1;
	done = 1;
	return 0;
}

static int make_ctx(void **out, const uint8_t *key_salt, int outbound)
{
	srtp_policy_t p;
	uint8_t ks[PROBE_SRTP_KEY + PROBE_SRTP_SALT];
	srtp_t ctx = NULL;

	memset(&p, 0, sizeof(p));
	memcpy(ks, key_salt, sizeof(ks));
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
	p.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	p.key = ks;
	p.window_size = 1024;
	p.allow_repeat_tx = 1;
	p.next = NULL;
	if (srtp_create(&ctx, &p) != srtp_err_status_ok)
		return -1;
	*out = ctx;
	return 0;
}

int probe_srtp_init_keys(
		probe_srtp *s,
		const uint8_t tx_key_salt[PROBE_SRTP_KEY + PROBE_SRTP_SALT],
		const uint8_t rx_key_salt[PROBE_SRTP_KEY + PROBE_SRTP_SALT])
{
	memset(s, 0, sizeof(*s));
	if (probe_srtp_global_init() < 0)
		return -1;
	if (make_ctx(&s->tx_, tx_key_salt, 1) < 0)
		return -1;
	if (make_ctx(&s->rx_, rx_key_salt, 0) < 0) {
		probe_srtp_free(s);
		return -1;
	}
	return 0;
}

int probe_srtp_init(probe_srtp *s, const uint8_t material[PROBE_SRTP_MATERIAL],
					int is_client)
{
	uint8_t cli[PROBE_SRTP_KEY + PROBE_SRTP_SALT];
	uint8_t srv[PROBE_SRTP_KEY + PROBE_SRTP_SALT];
	const uint8_t *m = material;

	memcpy(cli, m, PROBE_SRTP_KEY);
	memcpy(srv, m + PROBE_SRTP_KEY, PROBE_SRTP_KEY);
	memcpy(cli + PROBE_SRTP_KEY, m + 2 * PROBE_SRTP_KEY, PROBE_SRTP_SALT);
	memcpy(srv + PROBE_SRTP_KEY, m + 2 * PROBE_SRTP_KEY + PROBE_SRTP_SALT,
		   PROBE_SRTP_SALT);
	return is_client ? probe_srtp_init_keys(s, cli, srv)
					 : probe_srtp_init_keys(s, srv, cli);
}

void probe_srtp_free(probe_srtp *s)
{
	if (s->tx_)
		srtp_dealloc((srtp_t)s->tx_);
	if (s->rx_)
		srtp_dealloc((srtp_t)s->rx_);
	s->tx_ = s->rx_ = NULL;
}

/* libsrtp2 takes an int length */
static int run(srtp_err_status_t (*fn)(srtp_t, void *, int *), void *ctx,
			   uint8_t *buf, size_t *len)
{
	int l = (int)*len;

	if (!ctx || *len > 65535)
		return -1;
	if (fn((srtp_t)ctx, buf, &l) != srtp_err_status_ok)
		return -1;
	*len = (size_t)l;
	return 0;
}

int probe_srtp_protect(probe_srtp *s, uint8_t *buf, size_t *len)
{
	return run(srtp_protect, s->tx_, buf, len);
}

int probe_srtp_protect_rtcp(probe_srtp *s, uint8_t *buf, size_t *len)
{
	return run(srtp_protect_rtcp, s->tx_, buf, len);
}

int probe_srtp_unprotect(probe_srtp *s, uint8_t *buf, size_t *len)
{
	return run(srtp_unprotect, s->rx_, buf, len);
}

int probe_srtp_unprotect_rtcp(probe_srtp *s, uint8_t *buf, size_t *len)
{
	return run(srtp_unprotect_rtcp, s->rx_, buf, len);
}
