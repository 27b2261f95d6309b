/* Unit tests: JWT verification (lib/token): signatures, key rotation by
 * kid, claims, refusals. Tokens are made here with libjwt and OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "token/token.h"

#define NOW 1700000000L
static const char secret1[] = "0123456789abcdef0123456789abcdef-one";
static const char secret2[] = "0123456789abcdef0123456789abcdef-two";
static char ec_priv[1024], ec_pub[512];
static tok_keyset_t ks;

static void make_ec_key(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	BIO *b1 = BIO_new(BIO_s_mem()), *b2 = BIO_new(BIO_s_mem());
	int n;
	assert_non_null(k);
	PEM_write_bio_PrivateKey(b1, k, NULL, NULL, 0, NULL, NULL);
	PEM_write_bio_PUBKEY(b2, k);
	n = BIO_read(b1, ec_priv, sizeof(ec_priv) - 1);
	ec_priv[n > 0 ? n : 0] = '\0';
	n = BIO_read(b2, ec_pub, sizeof(ec_pub) - 1);
	ec_pub[n > 0 ? n : 0] = '\0';
	BIO_free(b1);
	BIO_free(b2);
	EVP_PKEY_free(k);
}

static int setup(void **state)
{
	char err[200];
	(void)state;
	make_ec_key();
	tok_keyset_init(&ks);
	if (tok_keyset_add(&ks, "k1", "HS256", (const unsigned char *)secret1,
					   strlen(secret1), err, sizeof(err)) < 0 ||
		tok_keyset_add(&ks, "k2", "HS256", (const unsigned char *)secret2,
					   strlen(secret2), err, sizeof(err)) < 0 ||
		tok_keyset_add(&ks, "ec1", "ES256", (const unsigned char *)ec_pub,
					   strlen(ec_pub), err, sizeof(err)) < 0) {
		fprintf(stderr, "keyset: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tok_keyset_free(&ks);
	return 0;
}

/* a token signed by libjwt; claims as "name=value" (numbers if digits) */
static char *mk(const char *alg, const char *kid, const char *key,
				const char *claims)
{
	jwt_t *j;
	char *out, buf[512], *tok, *save = NULL;
	assert_int_equal(jwt_new(&j), 0);
	snprintf(buf, sizeof(buf), "%s", claims);
	for (tok = strtok_r(buf, ",", &save); tok;
		 tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		*eq = '\0';
		if (eq[1] >= '0' && eq[1] <= '9')
			jwt_add_grant_int(j, tok, atol(eq + 1));
		else
			jwt_add_grant(j, tok, eq + 1);
	}
	if (kid)
		jwt_add_header(j, "kid", kid);
	assert_int_equal(jwt_set_alg(j, jwt_str_alg(alg),
								 (const unsigned char *)key, (int)strlen(key)),
					 0);
	out = jwt_encode_str(j);
	assert_non_null(out);
	jwt_free(j);
	return out;
}

static tok_status_t check(const char *t, const char *aud, const char *iss,
						  int skew, tok_claims_t *c)
{
	tok_opts_t o = {aud, iss, skew, NOW, 0};
	return tok_verify(&ks, &o, t, strlen(t), c);
}

#define GOOD "sub=user-123,exp=1700000600,iat=1699999990,aud=iwg,iss=paas"

static void test_good_hs256_and_es256(void **state)
{
	tok_claims_t c;
	char *t;
	(void)state;
	t = mk("HS256", "k1", secret1, GOOD);
	assert_int_equal(check(t, "iwg", "paas", 0, &c), TOK_OK);
	assert_string_equal(c.sub, "user-123");
	assert_int_equal(c.exp, 1700000600);
	free(t);
	t = mk("ES256", "ec1", ec_priv, GOOD);
	assert_int_equal(check(t, "iwg", "paas", 0, &c), TOK_OK);
	assert_string_equal(c.kid, "ec1");
	free(t);
}

static void test_kid_rotation(void **state)
{
	tok_claims_t c;
	char *t;
	(void)state;
	t = mk("HS256", "k2", secret2, GOOD);
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_OK);
	free(t);
	/* signed with k2's secret but naming k1 */
	t = mk("HS256", "k1", secret2, GOOD);
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_BAD_SIGNATURE);
	free(t);
	t = mk("HS256", "k9", secret1, GOOD);
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_UNKNOWN_KID);
	free(t);
	/* no kid and no kid-less key */
	t = mk("HS256", NULL, secret1, GOOD);
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_UNKNOWN_KID);
	free(t);
}

static void test_times_and_skew(void **state)
{
	tok_claims_t c;
	char *t;
	(void)state;
	t = mk("HS256", "k1", secret1, "sub=a,exp=1699999990");
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_EXPIRED);
	assert_int_equal(check(t, NULL, NULL, 30, &c), TOK_OK);
	free(t);
	t = mk("HS256", "k1", secret1, "sub=a,exp=1700000600,nbf=1700000100");
	assert_int_equal(check(t, NULL, NULL, 30, &c), TOK_NOT_YET_VALID);
	assert_int_equal(check(t, NULL, NULL, 120, &c), TOK_OK);
	free(t);
	t = mk("HS256", "k1", secret1, "sub=a,exp=1700000600,iat=1700000100");
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_NOT_YET_VALID);
	free(t);
	t = mk("HS256", "k1", secret1, "sub=a");
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_MALFORMED);
	assert_non_null(strstr(c.detail, "exp"));
	free(t);
	t = mk("HS256", "k1", secret1, "exp=1700000600");
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_MALFORMED);
	free(t);
}

static void test_audience_and_issuer(void **state)
{
	tok_claims_t c;
	char *t;
	(void)state;
	t = mk("HS256", "k1", secret1, GOOD);
	assert_int_equal(check(t, "other", NULL, 0, &c), TOK_BAD_AUDIENCE);
	assert_int_equal(check(t, NULL, "evil", 0, &c), TOK_BAD_ISSUER);
	free(t);
	{
		jwt_t *j;
		jwt_new(&j);
		jwt_add_grants_json(j, "{\"sub\":\"a\",\"exp\":1700000600,"
							   "\"aud\":[\"x\",\"iwg\"]}");
		jwt_add_header(j, "kid", "k1");
		jwt_set_alg(j, JWT_ALG_HS256, (const unsigned char *)secret1,
					(int)strlen(secret1));
		t = jwt_encode_str(j);
		jwt_free(j);
	}
	assert_int_equal(check(t, "iwg", NULL, 0, &c), TOK_OK);
	assert_int_equal(check(t, "y", NULL, 0, &c), TOK_BAD_AUDIENCE);
	free(t);
	t = mk("HS256", "k1", secret1, "sub=a,exp=1700000600");
	assert_int_equal(check(t, "iwg", NULL, 0, &c), TOK_BAD_AUDIENCE);
	free(t);
}

static void b64url(const char *in, char *out)
{
	static const char a[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			"0123456789-_";
	size_t i, n = strlen(in), o = 0;
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)in[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)in[i + 2];
		out[o++] = a[(v >> 18) & 63];
		out[o++] = a[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = a[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = a[v & 63];
	}
	out[o] = '\0';
}

/* header.payload.sig from JSON texts */
static void forge(char *out, const char *hdr, const char *payload,
				  const char *sig)
{
	char h[256], p[256];
	b64url(hdr, h);
	b64url(payload, p);
	sprintf(out, "%s.%s.%s", h, p, sig);
}

static void test_refused_algorithms(void **state)
{
	tok_claims_t c;
	char t[800], *g;
	(void)state;
	forge(t, "{\"alg\":\"none\",\"kid\":\"k1\"}",
		  "{\"sub\":\"a\",\"exp\":1700000600}", "");
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_MALFORMED);
	forge(t, "{\"alg\":\"none\",\"kid\":\"k1\"}",
		  "{\"sub\":\"a\",\"exp\":1700000600}", "x");
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_ALG_REFUSED);
	forge(t, "{\"alg\":\"HS512\",\"kid\":\"k1\"}",
		  "{\"sub\":\"a\",\"exp\":1700000600}", "abc");
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_ALG_REFUSED);
	forge(t, "{\"alg\":\"RS256\"}", "{}", "abc");
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_ALG_REFUSED);
	/* HS256 naming the ES256 key: the public key must not become a secret */
	g = mk("HS256", "ec1", ec_pub, GOOD);
	assert_int_equal(check(g, NULL, NULL, 0, &c), TOK_ALG_REFUSED);
	free(g);
	g = mk("ES256", "k1", ec_priv, GOOD);
	assert_int_equal(check(g, NULL, NULL, 0, &c), TOK_ALG_REFUSED);
	free(g);
	forge(t, "{\"alg\":\"HS256\",\"kid\":\"k1\",\"crit\":[\"b64\"]}",
		  "{\"sub\":\"a\",\"exp\":1700000600}", "abc");
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_MALFORMED);
}

static void test_bad_signature(void **state)
{
	tok_claims_t c;
	char *t, *dot;
	(void)state;
	t = mk("HS256", "k1", secret1, GOOD);
	dot = strrchr(t, '.');
	dot[3] = dot[3] == 'A' ? 'B' : 'A';
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_BAD_SIGNATURE);
	free(t);
	t = mk("ES256", "ec1", ec_priv, GOOD);
	dot = strrchr(t, '.');
	dot[5] = dot[5] == 'A' ? 'B' : 'A';
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_BAD_SIGNATURE);
	dot[1] = '\0'; /* empty signature */
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_MALFORMED);
	free(t);
	/* payload changed after signing */
	t = mk("HS256", "k1", secret1, GOOD);
	dot = strchr(t, '.');
	dot[2] = dot[2] == 'A' ? 'B' : 'A';
	assert_int_not_equal(check(t, NULL, NULL, 0, &c), TOK_OK);
	free(t);
}

static void test_malformed_and_oversized(void **state)
{
	static const char *bad[] = {
			"",
			".",
			"..",
			"a.b",
			"a.b.c.d",
			"!!!.e30.abc",
			"e30.e30.abc",
			"eyJhbGciOiJIUzI1NiJ9", /* header only */
	};
	tok_claims_t c;
	tok_opts_t o = {NULL, NULL, 0, NOW, 64};
	char *t;
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(check(bad[i], NULL, NULL, 0, &c), TOK_MALFORMED);
	t = mk("HS256", "k1", secret1, GOOD);
	assert_int_equal(tok_verify(&ks, &o, t, strlen(t), &c), TOK_TOO_LONG);
	/* a NUL inside the given length */
	assert_int_equal(check(t, NULL, NULL, 0, &c), TOK_OK);
	t[10] = '\0';
	o.max_len = 0;
	assert_int_equal(tok_verify(&ks, &o, t, strlen(t + 11) + 11, &c),
					 TOK_MALFORMED);
	free(t);
}

static void test_keyset_loading_errors(void **state)
{
	tok_keyset_t k;
	char err[200], path[] = "/tmp/iwg-tokkey-XXXXXX";
	int fd;
	(void)state;
	tok_keyset_init(&k);
	assert_int_equal(tok_keyset_add(&k, "a", "HS256",
									(const unsigned char *)"short", 5, err,
									sizeof(err)),
					 -1);
	assert_non_null(strstr(err, "shorter"));
	assert_int_equal(tok_keyset_add(&k, "a", "ES256",
									(const unsigned char *)"not pem", 7, err,
									sizeof(err)),
					 -1);
	assert_int_equal(tok_keyset_add(&k, "a", "none",
									(const unsigned char *)secret1, 32, err,
									sizeof(err)),
					 -1);
	assert_int_equal(
			tok_keyset_add_spec(&k, "kid=x;alg=HS256", err, sizeof(err)), -1);
	assert_int_equal(tok_keyset_add_spec(&k, "kid=x;alg=HS256;file=/nonexist",
										 err, sizeof(err)),
					 -1);
	assert_non_null(strstr(err, "/nonexist"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, secret1, strlen(secret1)), strlen(secret1));
	assert_int_equal(write(fd, "\n", 1), 1);
	close(fd);
	snprintf(err, sizeof(err), "kid=f1;alg=HS256;file=%s", path);
	assert_int_equal(tok_keyset_add_spec(&k, err, err, sizeof(err)), 0);
	assert_int_equal(k.keys[0].len, strlen(secret1));
	snprintf(err, sizeof(err), "kid=f1;alg=HS256;file=%s", path);
	assert_int_equal(tok_keyset_add_spec(&k, err, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "twice"));
	unlink(path);
	tok_keyset_free(&k);
	assert_string_equal(tok_status_str(TOK_EXPIRED), "expired");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_good_hs256_and_es256),
			cmocka_unit_test(test_kid_rotation),
			cmocka_unit_test(test_times_and_skew),
			cmocka_unit_test(test_audience_and_issuer),
			cmocka_unit_test(test_refused_algorithms),
			cmocka_unit_test(test_bad_signature),
			cmocka_unit_test(test_malformed_and_oversized),
			cmocka_unit_test(test_keyset_loading_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
