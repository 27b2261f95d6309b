/*
 * cred_load.c - the key material of the credentials, read once at start
 * (see cred.h): errors name the configuration line that names the file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cred.h"

static int load_fail(char *err, size_t errsz, const char *conf_path, long line,
					 const char *key, const char *file, const char *fmt, ...)
		__attribute__((format(printf, 7, 8)));

static int load_fail(char *err, size_t errsz, const char *conf_path, long line,
					 const char *key, const char *file, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(err, errsz, "%s:%ld: %s: '%.160s': %s", conf_path, line, key, file,
			 why);
	return -1;
}

/* no passphrase prompt: an encrypted key is refused */
static int no_passphrase(char *buf, int size, int rw, void *u)
{
	(void)buf;
	(void)size;
	(void)rw;
	(void)u;
	return -1;
}

/* the P-256 private key of a PEM file; NULL with why set */
static EVP_PKEY *read_p256(const char *path, char *why, size_t whysz)
{
	char group[64] = "";
	EVP_PKEY *k;
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(why, whysz, "%s", strerror(errno));
		return NULL;
	}
	k = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
	fclose(f);
	if (!k) {
		snprintf(why, whysz, "not a PEM private key (unencrypted)");
		return NULL;
	}
	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC ||
		!EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group,
										sizeof(group), NULL) ||
		strcmp(group, "prime256v1")) {
		snprintf(why, whysz,
				 "not a P-256 (prime256v1) EC key: ES256 needs one");
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

/* a secret from path: the whole file less one trailing LF (HS256, as
 * lib/token reads it) or its first line (first_line); NULL with why set */
static unsigned char *read_secret(const char *path, int first_line, size_t *len,
								  char *why, size_t whysz)
{
	unsigned char *buf = malloc(CRED_SECRET_MAX + 1);
	unsigned char *nl;
	size_t n;
	FILE *f;

	if (!buf) {
		snprintf(why, whysz, "out of memory");
		return NULL;
	}
	f = fopen(path, "rb");
	if (!f) {
		snprintf(why, whysz, "%s", strerror(errno));
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, CRED_SECRET_MAX + 1, f);
	fclose(f);
	if (first_line && (nl = memchr(buf, '\n', n))) {
		n = (size_t)(nl - buf);
		if (n && buf[n - 1] == '\r')
			n--;
	} else if (!first_line && n && buf[n - 1] == '\n') {
		n--;
	}
	if (n > CRED_SECRET_MAX || n < CRED_SECRET_MIN) {
		snprintf(why, whysz, "the secret is %s than %d bytes",
				 n < CRED_SECRET_MIN ? "shorter" : "longer",
				 n < CRED_SECRET_MIN ? CRED_SECRET_MIN : CRED_SECRET_MAX);
		OPENSSL_cleanse(buf, CRED_SECRET_MAX + 1);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

int cred_load(cred_signer *s, const conf_settings *c, const char *conf_path,
			  char *err, size_t errsz)
{
	char why[160];

	memset(s, 0, sizeof(*s));
	s->kind = c->credential_kind;
	s->alg = c->credential_token_alg;
	s->kid = c->credential_token_kid;
	s->iss = c->credential_token_issuer;
	s->aud = c->credential_token_audience;
	if (s->kind == CONF_CRED_EPHEMERAL) {
		s->secret = read_secret(c->credential_secret_file, 1, &s->secret_len,
								why, sizeof(why));
		if (!s->secret)
			return load_fail(err, errsz, conf_path, c->credential_secret_line,
							 "credential_secret_file",
							 c->credential_secret_file, "%s", why);
	} else if (s->kind == CONF_CRED_TOKEN && s->alg == CONF_CRED_ES256) {
		s->key = read_p256(c->credential_token_key_file, why, sizeof(why));
		if (!s->key)
			return load_fail(err, errsz, conf_path,
							 c->credential_token_key_line,
							 "credential_token_key_file",
							 c->credential_token_key_file, "%s", why);
	} else if (s->kind == CONF_CRED_TOKEN) {
		s->secret = read_secret(c->credential_token_key_file, 0, &s->secret_len,
								why, sizeof(why));
		if (!s->secret)
			return load_fail(err, errsz, conf_path,
							 c->credential_token_key_line,
							 "credential_token_key_file",
							 c->credential_token_key_file, "%s", why);
	}
	return 0;
}

void cred_load_free(cred_signer *s)
{
	if (s->secret) {
		OPENSSL_cleanse(s->secret, s->secret_len);
		free(s->secret);
	}
	EVP_PKEY_free(s->key);
	memset(s, 0, sizeof(*s));
}
