/*
 * Unit tests of iwg-probe's digest authentication
 * (tools/probe/probe_auth.c) and of the challenge headers the SIP
 * parser keeps for it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/probe/probe_auth.h"

/* RFC 2617 section 3.5 */
static const char rfc2617[] =
		"Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
		"nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
		"opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

static void parse_ok(const char *v, probe_auth_challenge *ch)
{
	char err[160];

	if (probe_auth_parse(v, strlen(v), ch, err, sizeof(err)) != 0)
		fail_msg("challenge '%s' refused: %s", v, err);
}

static long build(const probe_auth_challenge *ch, const char *method,
				  const char *uri, const char *user, const char *pw, char *out,
				  size_t outsz, char *err, size_t errsz)
{
	probe_auth_req r = {method, uri, user, pw, "0a4f113b"};

	return probe_auth_build(ch, &r, out, outsz, err, errsz);
}

/* the RFC 2617 section 3.5 request answering ch */
static long build_mufasa(const probe_auth_challenge *ch, char *out,
						 size_t outsz, char *err, size_t errsz)
{
	return build(ch, "GET", "/dir/index.html", "Mufasa", "Circle Of Life", out,
				 outsz, err, errsz);
}

static void expect_in(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

static void test_rfc2617_example_response(void **state)
{
	probe_auth_challenge ch;
	char out[1024], err[160];
	long n;

	(void)state;
	parse_ok(rfc2617, &ch);
	assert_string_equal(ch.realm, "testrealm@host.com");
	assert_string_equal(ch.nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
	assert_string_equal(ch.opaque, "5ccc069c403ebaf9f0171e9517f40e41");
	assert_true(ch.has_qop && ch.qop_auth);
	n = build_mufasa(&ch, out, sizeof(out), err, sizeof(err));
	assert_int_equal(n, (long)strlen(out));
	expect_in(out, "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
				   "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
				   "uri=\"/dir/index.html\", "
				   "response=\"6629fae49393a05397450978507c4ef1\", "
				   "algorithm=MD5, "
				   "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", qop=auth, "
				   "nc=00000001, cnonce=\"0a4f113b\"");
	/* too small a buffer is an error, not a cut header */
	assert_int_equal(build_mufasa(&ch, out, 64, err, sizeof(err)), -1);
	expect_in(err, "longer than");
}

static void test_no_qop_uses_rfc2069_response(void **state)
{
	probe_auth_challenge ch;
	char out[1024], err[160];

	(void)state;
	/* unquoted tokens, other order, lower-case scheme, no opaque; MD5 of
	 * "Mufasa:testrealm@host.com:Circle Of Life" and "GET:/dir/index.html"
	 * joined with the nonce: RFC 2069 */
	parse_ok("digest nonce=dcd98b7102dd2f0e8b11d0f600bfb0c093 ,realm="
			 "\"testrealm@host.com\",algorithm=md5",
			 &ch);
	assert_false(ch.has_qop);
	assert_false(ch.has_opaque);
	assert_true(build_mufasa(&ch, out, sizeof(out), err, sizeof(err)) > 0);
	expect_in(out, "response=\"670fd8c2df070c60b045671b8b24ff02\", "
				   "algorithm=MD5");
	assert_null(strstr(out, "qop"));
	assert_null(strstr(out, "cnonce"));
	assert_null(strstr(out, "opaque"));
}

static void test_quoted_escapes_and_unknown_params(void **state)
{
	probe_auth_challenge ch;
	char out[1024], err[160];

	(void)state;
	parse_ok("Digest domain=\"sip:a sip:b\", realm=\"r\\\"q\\\\x\", "
			 "stale=TRUE, x-foo=\"a,b=c\", nonce=\"n,1\", qop=auth",
			 &ch);
	assert_string_equal(ch.realm, "r\"q\\x");
	assert_string_equal(ch.nonce, "n,1");
	assert_true(ch.stale);
	assert_true(ch.qop_auth);
	/* written back escaped; a time-limited user name keeps its ':' */
	assert_true(build(&ch, "REGISTER", "sip:iwg.test", "1767225600:alice",
					  "secret", out, sizeof(out), err, sizeof(err)) > 0);
	expect_in(out, "username=\"1767225600:alice\"");
	expect_in(out, "realm=\"r\\\"q\\\\x\"");
}

static void expect_parse_err(const char *v, const char *why)
{
	probe_auth_challenge ch;
	char err[160];

	if (probe_auth_parse(v, strlen(v), &ch, err, sizeof(err)) != -1)
		fail_msg("malformed challenge '%s' accepted", v);
	if (!strstr(err, why))
		fail_msg("challenge '%s': error '%s' does not contain '%s'", v, err,
				 why);
}

static void test_malformed_challenges_refused(void **state)
{
	char big[600];

	(void)state;
	expect_parse_err("", "expected the scheme Digest");
	expect_parse_err("Basic realm=\"x\"", "scheme 'Basic' is not Digest");
	expect_parse_err("Bearer", "scheme 'Bearer' is not Digest");
	expect_parse_err("Digest,realm=\"x\"", "expected a space after Digest");
	expect_parse_err("Digest realm=\"x\"", "no nonce");
	expect_parse_err("Digest nonce=\"x\"", "no realm");
	expect_parse_err("Digest realm=\"x\", nonce=\"\"", "no nonce");
	expect_parse_err("Digest realm=\"x\", nonce=\"y", "unterminated");
	expect_parse_err("Digest realm=\"x\", nonce=\"y\\", "unterminated");
	expect_parse_err("Digest realm \"x\"", "expected '='");
	expect_parse_err("Digest realm=", "expected a value");
	expect_parse_err("Digest =\"x\"", "expected a parameter name");
	expect_parse_err("Digest realm=\"x\" nonce=\"y\"", "expected ','");
	expect_parse_err("Digest realm=\"x\", realm=\"y\", nonce=\"z\"",
					 "realm given twice");
	expect_parse_err("Digest realm=\"a\r\nVia: x\", nonce=\"y\"",
					 "control character");
	expect_parse_err("Digest realm=\"x\", nonce=\"y\", algorithm="
					 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
					 "algorithm longer than 31");
	memset(big, 'n', sizeof(big));
	memcpy(big, "Digest realm=x, nonce=", 22);
	big[sizeof(big) - 1] = 0;
	expect_parse_err(big, "nonce longer than 255");
}

static void test_unsupported_challenges_refused(void **state)
{
	probe_auth_challenge ch;
	char out[512], err[160];

	(void)state;
	parse_ok("Digest realm=\"x\", nonce=\"y\", algorithm=SHA-256", &ch);
	assert_int_equal(build(&ch, "INVITE", "sip:a@b", "u", "p", out, sizeof(out),
						   err, sizeof(err)),
					 -1);
	expect_in(err, "algorithm SHA-256 not supported (MD5 only)");
	parse_ok("Digest realm=\"x\", nonce=\"y\", algorithm=MD5-sess", &ch);
	assert_false(probe_auth_usable(&ch, err, sizeof(err)));
	expect_in(err, "MD5-sess");
	parse_ok("Digest realm=\"x\", nonce=\"y\", qop=\"auth-int\"", &ch);
	assert_false(probe_auth_usable(&ch, err, sizeof(err)));
	expect_in(err, "qop");
	/* a header injected through the user name */
	parse_ok("Digest realm=\"x\", nonce=\"y\"", &ch);
	assert_int_equal(build(&ch, "INVITE", "sip:a@b", "u\r\nX: y", "p", out,
						   sizeof(out), err, sizeof(err)),
					 -1);
	expect_in(err, "control character");
}

static void test_pick_takes_first_usable_from_a_401(void **state)
{
	static const char resp[] =
			"SIP/2.0 401 Unauthorized\r\n"
			"Via: SIP/2.0/WS abc.invalid;branch=z9hG4bKx1\r\n"
			"From: <sip:alice@iwg.test>;tag=F1\r\n"
			"To: <sip:alice@iwg.test>;tag=T1\r\n"
			"Call-ID: c1\r\n"
			"CSeq: 1 REGISTER\r\n"
			"WWW-Authenticate: Digest realm=\"iwg.test\", nonce=\"n1\", "
			"algorithm=SHA-256, qop=\"auth\"\r\n"
			"WWW-Authenticate: Digest realm=\"iwg.test\", nonce=\"n2\", "
			"algorithm=MD5, qop=\"auth\"\r\n"
			"Proxy-Authenticate: Digest realm=\"p\", nonce=\"n3\"\r\n"
			"Content-Length: 0\r\n\r\n";
	probe_sip_msg m;
	probe_auth_challenge ch;
	char err[160];

	(void)state;
	assert_int_equal(probe_sip_parse(resp, strlen(resp), &m, err, sizeof(err)),
					 0);
	assert_int_equal(m.nwww_auth, 2);
	assert_int_equal(m.nproxy_auth, 1);
	assert_int_equal(
			probe_auth_pick(m.www_auth, m.nwww_auth, &ch, err, sizeof(err)), 0);
	assert_string_equal(ch.nonce, "n2");
	/* none usable: the first one's reason */
	assert_int_equal(probe_auth_pick(m.www_auth, 1, &ch, err, sizeof(err)), -1);
	expect_in(err, "SHA-256");
	assert_int_equal(probe_auth_pick(m.www_auth, 0, &ch, err, sizeof(err)), -1);
	expect_in(err, "no challenge");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_rfc2617_example_response),
			cmocka_unit_test(test_no_qop_uses_rfc2069_response),
			cmocka_unit_test(test_quoted_escapes_and_unknown_params),
			cmocka_unit_test(test_malformed_challenges_refused),
			cmocka_unit_test(test_unsupported_challenges_refused),
			cmocka_unit_test(test_pick_takes_first_usable_from_a_401),
	};
	return cmocka_run_group_tests_name("probe_auth", tests, NULL, NULL);
}
