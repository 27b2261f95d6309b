/*
 * probe_dtls.c - DTLS-SRTP over memory BIOs (see probe_dtls.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "probe_dtls.h"

#define SRTP_PROFILE "SRTP_AES128_CM_SHA1_80"

struct probe_dtls_ctx {
	SSL_CTX *ctx;
	char fingerprint[8 + 3 * EVP_MAX_MD_SIZE];
};

struct probe_dtls {
	SSL *ssl;
	BIO *rbio, *wbio;
	int done;
	uint8_t expect_fp[EVP_MAX_MD_SIZE];
	size_t fp_len;
	char err[160];
};

static int verify_any(int ok, X509_STORE_CTX *x)
{
	(void)ok;
	(void)x;
	return 1; /* self-signed: the SDP fingerprint is checked instead */
}

static X509 *self_signed(EVP_PKEY *key)
{
	X509 *x = X509_new();
	X509_NAME *n;

	if (!x)
		return NULL;
	if (!X509_set_version(x, 2) ||
		!ASN1_INTEGER_set(X509_get_serialNumber(x), (long)random()) ||
		!X509_gmtime_adj(X509_getm_notBefore(x), -86400) ||
		!X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400) ||
		!X509_set_pubkey(x, key))
		goto err;
	n = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
									(const unsigned char *)"iwg-probe", -1, -1,
									0) ||
		!X509_set_issuer_name(x, n) || !X509_sign(x, key, EVP_sha256()))
		goto err;
	return x;
err:
	X509_free(x);
	return NULL;
}

probe_dtls_ctx *probe_dtls_ctx_new(char *err, size_t errsz)
{
	probe_dtls_ctx *c = calloc(1, sizeof(*c));
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	char *p;

	if (!c) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	key = EVP_EC_gen("P-256");
	if (!key || !(cert = self_signed(key))) {
		snprintf(err, errsz, "cannot make an ECDSA P-256 certificate");
		goto err;
	}
	c->ctx = SSL_CTX_new(DTLS_method());
	if (!c->ctx || !SSL_CTX_use_certificate(c->ctx, cert) ||
		!SSL_CTX_use_PrivateKey(c->ctx, key) ||
		!SSL_CTX_check_private_key(c->ctx)) {
		snprintf(err, errsz, "cannot set up the DTLS context");
		goto err;
	}
	/* use_srtp returns 0 on success */
	if (SSL_CTX_set_tlsext_use_srtp(c->ctx, SRTP_PROFILE)) {
		snprintf(err, errsz, "OpenSSL refuses the use_srtp extension");
		goto err;
	}
	SSL_CTX_set_verify(c->ctx,
					   SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
					   verify_any);
	SSL_CTX_set_options(c->ctx, SSL_OP_NO_QUERY_MTU);
	SSL_CTX_set_read_ahead(c->ctx, 1);
	if (!X509_digest(cert, EVP_sha256(), md, &mdlen)) {
		snprintf(err, errsz, "cannot digest the certificate");
		goto err;
	}
	p = c->fingerprint + sprintf(c->fingerprint, "sha-256 ");
	for (i = 0; i < mdlen; i++)
		p += sprintf(p, i ? ":%02X" : "%02X", md[i]);
	X509_free(cert);
	EVP_PKEY_free(key);
	return c;
err:
	X509_free(cert);
	EVP_PKEY_free(key);
	probe_dtls_ctx_free(c);
	return NULL;
}

void probe_dtls_ctx_free(probe_dtls_ctx *c)
{
	if (!c)
		return;
	SSL_CTX_free(c->ctx);
	free(c);
}

const char *probe_dtls_fingerprint(const probe_dtls_ctx *c)
{
	return c->fingerprint;
}

probe_dtls *probe_dtls_new(probe_dtls_ctx *c, int active,
						   const uint8_t *expect_fp, size_t fp_len)
{
	probe_dtls *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	if (fp_len > sizeof(d->expect_fp))
		goto err;
	memcpy(d->expect_fp, expect_fp, fp_len);
	d->fp_len = fp_len;
	d->ssl = SSL_new(c->ctx);
	d->rbio = BIO_new(BIO_s_mem());
	d->wbio = BIO_new(BIO_s_mem());
	if (!d->ssl || !d->rbio || !d->wbio)
		goto err;
	BIO_set_mem_eof_return(d->rbio, -1);
	SSL_set_bio(d->ssl, d->rbio, d->wbio); /* the SSL owns both now */
	d->rbio = d->wbio = NULL;
	SSL_set_mtu(d->ssl, 1200);
	DTLS_set_link_mtu(d->ssl, 1200);
	if (active)
		SSL_set_connect_state(d->ssl);
	else
		SSL_set_accept_state(d->ssl);
	return d;
err:
	BIO_free(d->rbio);
	BIO_free(d->wbio);
	probe_dtls_free(d);
	return NULL;
}

void probe_dtls_free(probe_dtls *d)
{
	if (!d)
		return;
	SSL_free(d->ssl);
	free(d);
}

int probe_dtls_input(probe_dtls *d, const uint8_t *buf, size_t len)
{
	return BIO_write(SSL_get_rbio(d->ssl), buf, (int)len) == (int)len ? 0 : -1;
}

static int check_peer(probe_dtls *d)
{
	X509 *peer = SSL_get1_peer_certificate(d->ssl);
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int ok;

	if (!peer) {
		snprintf(d->err, sizeof(d->err), "peer sent no certificate");
		return -1;
	}
	ok = X509_digest(peer, EVP_sha256(), md, &mdlen) && mdlen == d->fp_len &&
		 !memcmp(md, d->expect_fp, mdlen);
	X509_free(peer);
	if (!ok) {
		snprintf(d->err, sizeof(d->err),
				 "peer certificate does not match the SDP fingerprint");
		return -1;
	}
	return 0;
}

int probe_dtls_step(probe_dtls *d)
{
	int r, e;
	uint8_t sink[2048];

	if (d->err[0])
		return -1;
	if (d->done) {
		/* drain application data or alerts after the handshake */
		while (SSL_read(d->ssl, sink, sizeof(sink)) > 0)
			;
		return 1;
	}
	r = SSL_do_handshake(d->ssl);
	if (r == 1) {
		if (check_peer(d) < 0)
			return -1;
		d->done = 1;
		return 1;
	}
	e = SSL_get_error(d->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return 0;
	snprintf(d->err, sizeof(d->err), "DTLS handshake failed: %s",
			 ERR_reason_error_string(ERR_peek_last_error())
					 ? ERR_reason_error_string(ERR_peek_last_error())
					 : "unknown");
	ERR_clear_error();
	return -1;
}

size_t probe_dtls_output(probe_dtls *d, uint8_t *out, size_t cap)
{
	BIO *w = SSL_get_wbio(d->ssl);
	size_t pend = BIO_ctrl_pending(w);
	int n;

	if (!pend || pend > cap)
		return 0;
	n = BIO_read(w, out, (int)pend);
	return n > 0 ? (size_t)n : 0;
}

void probe_dtls_tick(probe_dtls *d)
{
	if (!d->done && !d->err[0])
		DTLSv1_handle_timeout(d->ssl);
}

int probe_dtls_export(probe_dtls *d, uint8_t out[PROBE_SRTP_MATERIAL])
{
	SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(d->ssl);
	static const char label[] = "EXTRACTOR-dtls_srtp";

	if (!d->done || !p || strcmp(p->name, SRTP_PROFILE)) {
		snprintf(d->err, sizeof(d->err), "no %s negotiated", SRTP_PROFILE);
		return -1;
	}
	if (SSL_export_keying_material(d->ssl, out, PROBE_SRTP_MATERIAL, label,
								   sizeof(label) - 1, NULL, 0, 0) != 1) {
		snprintf(d->err, sizeof(d->err), "keying material export failed");
		return -1;
	}
	return 0;
}

const char *probe_dtls_error(const probe_dtls *d)
{
	return d->err;
}
