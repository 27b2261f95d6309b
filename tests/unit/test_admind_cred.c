/*
 * test_admind_cred.c - iwg-admind credentials: user names, base64url,
 * ephemeral credentials (known answer), web tokens signed here and verified
 * by lib/token (the verifier iwg_idmap runs), and the start-up errors of
 * the key and secret files (file:line, never the secret).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "../../admin/src/conf.h"
#include "../../admin/src/cred.h"
#include "token/token.h"

#define SECRET	"0123456789abcdef0123456789abcdef"
#define HASH	"0d70f4d47d471ae03bfb70505424c9c02beba78ea16e565a0b32b6bb16728d85"
#define APP_KEY "api_key = w app " HASH "\n"

static void user_names(void **state)
{
	(void)state;
	assert_true(cred_user_ok("ann"));
	assert_true(cred_user_ok("A.b_c~d+e-9"));
	assert_true(cred_user_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
							 "aaaaaaaaaaaaaaa"));
	assert_false(cred_user_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
							  "aaaaaaaaaaaaaaaaa"));
	assert_false(cred_user_ok(""));
	assert_false(cred_user_ok("ann@example"));
	assert_false(cred_user_ok("ann:1"));
	assert_false(cred_user_ok("a b"));
	assert_false(cred_user_ok("a/b"));
	assert_false(cred_user_ok("\xc3\xa9"));
}

static void base64url(void **state)
{
	const unsigned char ff[] = {0xfb, 0xff};
	char out[16];

	(void)state;
	assert_int_equal(cred_b64url((const unsigned char *)"", 0, out, 16), 0);
	assert_string_equal(out, "");
	assert_int_equal(cred_b64url((const unsigned char *)"f", 1, out, 16), 2);
	assert_string_equal(out, "Zg");
	cred_b64url((const unsigned char *)"fo", 2, out, 16);
	assert_string_equal(out, "Zm8");
	cred_b64url((const unsigned char *)"foobar", 6, out, 16);
	assert_string_equal(out, "Zm9vYmFy");
	cred_b64url(ff, 2, out, 16);
	assert_string_equal(out, "-_8");
	assert_int_equal(cred_b64url((const unsigned char *)"foobar", 6, out, 8),
					 -1);
}

/* the same as `printf %s 1767225600:ann | openssl dgst -sha1 -hmac SECRET
 * -binary | base64` */
static void ephemeral_known_answer(void **state)
{
	char u[CRED_USERNAME_MAX], p[CRED_PASSWORD_MAX];

	(void)state;
	assert_int_equal(cred_ephemeral((const unsigned char *)SECRET, 32, "ann",
									1767225600, u, sizeof(u), p, sizeof(p)),
					 0);
	assert_string_equal(u, "1767225600:ann");
	assert_string_equal(p, "O+olmbyYkPecw0zJom8cjuaMrsE=");
	assert_int_equal(cred_ephemeral((const unsigned char *)SECRET, 32, "ann",
									1767225600, u, 8, p, sizeof(p)),
					 -1);
}

static void jti_is_random(void **state)
{
	char a[23], b[23];

	(void)state;
	assert_int_equal(cred_jti(a), 0);
	assert_int_equal(cred_jti(b), 0);
	assert_int_equal(strlen(a), 22);
	assert_string_not_equal(a, b);
}

/* verify tok with lib/token: key (alg, material) under kid iwg-1 */
static tok_status_t verify(const char *alg, const unsigned char *material,
						   size_t len, const char *tok, const char *aud,
						   const char *iss, int64_t now, tok_claims_t *cl)
{
	tok_keyset_t ks;
	tok_opts_t o = {aud, iss, 0, now, 0};
	char err[160];
	tok_status_t st;

	tok_keyset_init(&ks);
	if (tok_keyset_add(&ks, "iwg-1", alg, material, len, err, sizeof(err)))
		fail_msg("keyset: %s", err);
	st = tok_verify(&ks, &o, tok, strlen(tok), cl);
	tok_keyset_free(&ks);
	return st;
}

static void es256_token_verifies(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	cred_signer s = {CONF_CRED_TOKEN,
					 CONF_CRED_ES256,
					 "iwg-1",
					 "paas",
					 "iwg",
					 k,
					 NULL,
					 0};
	unsigned char *pem;
	tok_claims_t cl;
	BIO *b = BIO_new(BIO_s_mem());
	long n;
	char *tok;

	(void)state;
	assert_non_null(k);
	PEM_write_bio_PUBKEY(b, k);
	n = BIO_get_mem_data(b, (char **)&pem);
	tok = cred_jwt(&s, "ann", 1767225600, 1767225900, "jti-1");
	assert_non_null(tok);
	assert_int_equal(verify("ES256", pem, (size_t)n, tok, "iwg", "paas",
							1767225700, &cl),
					 TOK_OK);
	assert_string_equal(cl.sub, "ann");
	assert_string_equal(cl.kid, "iwg-1");
	assert_int_equal(cl.exp, 1767225900);
	assert_int_equal(cl.nbf, 1767225600);
	/* expired, wrong audience, a flipped signature byte */
	assert_int_equal(verify("ES256", pem, (size_t)n, tok, "iwg", "paas",
							1767226000, &cl),
					 TOK_EXPIRED);
	assert_int_equal(verify("ES256", pem, (size_t)n, tok, "other", "paas",
							1767225700, &cl),
					 TOK_BAD_AUDIENCE);
	tok[strlen(tok) - 3] ^= 1;
	assert_int_equal(verify("ES256", pem, (size_t)n, tok, "iwg", "paas",
							1767225700, &cl),
					 TOK_BAD_SIGNATURE);
	free(tok);
	BIO_free(b);
	EVP_PKEY_free(k);
}

static void hs256_token_verifies(void **state)
{
	cred_signer s = {CONF_CRED_TOKEN,
					 CONF_CRED_HS256,
					 "iwg-1",
					 "",
					 "",
					 NULL,
					 (unsigned char *)SECRET,
					 32};
	tok_claims_t cl;
	char *tok = cred_jwt(&s, "bob.x", 100, 400, "j");

	(void)state;
	assert_non_null(tok);
	assert_int_equal(verify("HS256", (const unsigned char *)SECRET, 32, tok,
							NULL, NULL, 200, &cl),
					 TOK_OK);
	assert_string_equal(cl.sub, "bob.x");
	/* no iss/aud claims when not configured */
	assert_int_equal(verify("HS256", (const unsigned char *)SECRET, 32, tok,
							"iwg", NULL, 200, &cl),
					 TOK_BAD_AUDIENCE);
	free(tok);
}

/* ------------------------------------------------------------ cred_load */

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_admind_cred.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *write_file(const char *name, const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const char *write_key(const char *name, EVP_PKEY *k)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	EVP_PKEY_free(k);
	return path;
}

/* cred_load on a configuration whose last line names the file: -1 and
 * err holding "admind.conf:LINE: KEY: 'FILE': reason", or 0 */
static int load(const char *kind_lines, const char *file_key, const char *file,
				char *err, size_t errsz, cred_signer *s)
{
	char text[1024];
	conf_settings c;
	conf_error e;

	snprintf(text, sizeof(text), "# test\n%s\n%s = %s\n", kind_lines, file_key,
			 file);
	conf_defaults(&c);
	if (conf_parse(&c, text, strlen(text), &e) < 0)
		fail_msg("conf: %ld: %s", e.line, e.msg);
	static conf_settings keep;
	keep = c;
	return cred_load(s, &keep, "admind.conf", err, errsz);
}

static void expect_error(const char *kind, const char *key, const char *file,
						 const char *needle)
{
	char err[512], want[256];
	cred_signer s;
	long line = 3;
	const char *p;

	for (p = kind; *p; p++)
		line += *p == '\n';
	assert_int_equal(load(kind, key, file, err, sizeof(err), &s), -1);
	snprintf(want, sizeof(want), "admind.conf:%ld: %s: '%s': ", line, key,
			 file);
	if (strncmp(err, want, strlen(want)) || !strstr(err, needle))
		fail_msg("got '%s', want '%s...%s'", err, want, needle);
	if (strstr(err, SECRET))
		fail_msg("the secret is in the error: %s", err);
}

static void load_errors_name_the_line(void **state)
{
	char missing[128];

	(void)state;
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	expect_error("credential_kind = token", "credential_token_key_file",
				 missing, "No such file");
	expect_error("credential_kind = token", "credential_token_key_file",
				 write_file("junk.pem", "hello\n"), "not a PEM private key");
	expect_error("credential_kind = token", "credential_token_key_file",
				 write_key("p384.pem", EVP_EC_gen("P-384")), "not a P-256");
	expect_error("credential_kind = token", "credential_token_key_file",
				 write_key("ed.pem", EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")),
				 "not a P-256");
	expect_error("credential_kind = token\ncredential_token_alg = HS256",
				 "credential_token_key_file",
				 write_file("short.key", "0123456789abcdef0123456789abcde\n"),
				 "shorter than 32 bytes");
	expect_error("credential_kind = ephemeral", "credential_secret_file",
				 write_file("short2", "0123456789\n" SECRET "\n"),
				 "shorter than 32 bytes");
	expect_error("credential_kind = ephemeral", "credential_secret_file",
				 missing, "No such file");
}

static void load_reads_the_material(void **state)
{
	char err[512];
	cred_signer s;

	(void)state;
	assert_int_equal(load("credential_kind = ephemeral",
						  "credential_secret_file",
						  write_file("secret", SECRET "\r\nsecond line\n"), err,
						  sizeof(err), &s),
					 0);
	assert_int_equal(s.secret_len, 32);
	assert_memory_equal(s.secret, SECRET, 32);
	cred_load_free(&s);
	/* HS256: the whole file less one LF, as lib/token reads it */
	assert_int_equal(load("credential_kind = token\ncredential_token_alg = "
						  "HS256",
						  "credential_token_key_file",
						  write_file("hs.key", SECRET "xy\n"), err, sizeof(err),
						  &s),
					 0);
	assert_int_equal(s.secret_len, 34);
	cred_load_free(&s);
	assert_int_equal(load("credential_kind = token",
						  "credential_token_key_file",
						  write_key("es.pem", EVP_EC_gen("P-256")), err,
						  sizeof(err), &s),
					 0);
	assert_non_null(s.key);
	assert_string_equal(s.kid, "iwg-1");
	cred_load_free(&s);
	/* off reads nothing, even a file that is not there */
	assert_int_equal(load("credential_kind = off", "credential_secret_file",
						  "/nonexistent/x", err, sizeof(err), &s),
					 0);
}

/* the configuration's own checks of the credential keys */
static void conf_checks(void **state)
{
	static const struct {
		const char *text;
		long line;
		const char *needle;
	} cases[] = {
			{"credential_kind = jwt\n", 1, "not off, token or ephemeral"},
			{"\ncredential_kind = token\n", 2,
			 "needs credential_token_key_file"},
			{"credential_kind = ephemeral\n", 1,
			 "needs credential_secret_file"},
			{"credential_token_alg = RS256\n", 1, "not ES256 or HS256"},
			{"credential_token_kid = a b\n", 1, "A-Z a-z"},
			{"credential_secret_file = rel\n", 1, "absolute"},
			{"credential_ttl = 5\n", 1, "10..86400"},
			{"credential_ttl = 4000\n", 0, "exceeds credential_ttl_max"},
			{"series_interval = 0\n", 1, "1..3600"},
			{"series_points = 1\n", 1, "2..8640"},
			{"diagnosis_quiet_seconds = 0\n", 1, "1..3600"},
			{"web_connect_src = 'unsafe-inline'\n", 1, "not allowed"},
			{"web_connect_src = a;b\n", 1, "not allowed"},
			{"sip_domain = a b\n", 1, "not a host name"},
			{"web_root = web\n", 0, "absolute"},
			{"api_key = a superuser " HASH "\n", 1, "app"},
	};
	conf_settings c;
	conf_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		conf_defaults(&c);
		assert_int_equal(
				conf_parse(&c, cases[i].text, strlen(cases[i].text), &e), -1);
		if (e.line != cases[i].line || !strstr(e.msg, cases[i].needle))
			fail_msg("case %zu: got line %ld '%s'", i, e.line, e.msg);
	}
	conf_defaults(&c);
	assert_int_equal(conf_parse(&c, APP_KEY, strlen(APP_KEY), &e), 0);
	assert_int_equal(c.keys[0].role, CONF_ROLE_APP);
	assert_string_equal(conf_role_name(CONF_ROLE_APP), "app");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(user_names),
			cmocka_unit_test(base64url),
			cmocka_unit_test(ephemeral_known_answer),
			cmocka_unit_test(jti_is_random),
			cmocka_unit_test(es256_token_verifies),
			cmocka_unit_test(hs256_token_verifies),
			cmocka_unit_test(load_errors_name_the_line),
			cmocka_unit_test(load_reads_the_material),
			cmocka_unit_test(conf_checks),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
