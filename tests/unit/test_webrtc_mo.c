/*
 * test_webrtc_mo.c - iwg_webrtc: the asserted identity and the preloaded
 * Service-Route of a browser's initial request (modules/iwg_webrtc/webrtc_mo.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_webrtc/webrtc_mo.h"

#define S(x) x, strlen(x)

static const char pau[] = "<sip:ann@ims.test>, \"Ann\" <tel:+1-555-0100>";
static const char aor[] = "sip:ann@ims.test";

static void assert_span(webrtc_span_t s, const char *want)
{
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.s, want, s.len);
}

/* without P-Preferred-Identity: the default (first) associated URI */
static void test_identity_default(void **state)
{
	webrtc_span_t id;

	(void)state;
	assert_int_equal(webrtc_mo_identity(S(pau), S(aor), NULL, 0, 0, &id),
					 WEBRTC_MO_OK);
	assert_span(id, "sip:ann@ims.test");
	assert_true(id.s >= pau && id.s < pau + sizeof(pau));
}

/* no usable P-Associated-URI in the 2xx: the registered AOR */
static void test_identity_falls_back_to_aor(void **state)
{
	webrtc_span_t id;

	(void)state;
	assert_int_equal(webrtc_mo_identity(NULL, 0, S(aor), NULL, 0, 0, &id),
					 WEBRTC_MO_OK);
	assert_ptr_equal(id.s, aor);
	assert_int_equal(
			webrtc_mo_identity(S("<sip:unbalanced"), S(aor), NULL, 0, 0, &id),
			WEBRTC_MO_OK);
	assert_ptr_equal(id.s, aor);
	/* the AOR is also what a P-Preferred-Identity is checked against */
	assert_int_equal(webrtc_mo_identity(NULL, 0, S(aor),
										S("<sip:ann@IMS.test>"), 0, &id),
					 WEBRTC_MO_OK);
	assert_ptr_equal(id.s, aor);
}

/* RFC 3325: the preferred identity when it is one of the set */
static void test_identity_preferred_in_set(void **state)
{
	webrtc_span_t id;

	(void)state;
	assert_int_equal(webrtc_mo_identity(S(pau), S(aor),
										S("\"A\" <tel:+15550100>"), 0, &id),
					 WEBRTC_MO_OK);
	assert_span(id, "tel:+1-555-0100");
}

/* TS 24.229 5.2.6.3.3: an identity outside the set is refused, or with
 * ppi_fallback replaced by the default one */
static void test_identity_foreign(void **state)
{
	webrtc_span_t id = {NULL, 0};

	(void)state;
	assert_int_equal(webrtc_mo_identity(S(pau), S(aor),
										S("<sip:mallory@ims.test>"), 0, &id),
					 WEBRTC_MO_FOREIGN_PPI);
	assert_null(id.s);
	assert_int_equal(webrtc_mo_identity(S(pau), S(aor),
										S("<sip:mallory@ims.test>"), 1, &id),
					 WEBRTC_MO_OK);
	assert_span(id, "sip:ann@ims.test");
}

/* a P-Preferred-Identity must be exactly one parsable URI */
static void test_identity_bad_ppi(void **state)
{
	webrtc_span_t id;

	(void)state;
	assert_int_equal(webrtc_mo_identity(S(pau), S(aor),
										S("<sip:ann@ims.test>, <tel:+1555>"), 1,
										&id),
					 WEBRTC_MO_BAD_PPI);
	assert_int_equal(
			webrtc_mo_identity(S(pau), S(aor), S("<sip:ann@ims.test"), 1, &id),
			WEBRTC_MO_BAD_PPI);
	assert_int_equal(webrtc_mo_identity(S(pau), S(aor), S(""), 1, &id),
					 WEBRTC_MO_BAD_PPI);
}

static void test_pai_line(void **state)
{
	webrtc_span_t id = {"tel:+15550100;x", 13};
	char out[64];

	(void)state;
	assert_int_equal(webrtc_mo_pai(id, out, sizeof(out)),
					 (int)strlen("P-Asserted-Identity: <tel:+15550100>\r\n"));
	assert_string_equal(out, "P-Asserted-Identity: <tel:+15550100>\r\n");
	assert_true(WEBRTC_MO_PAI_SIZE(id.len) > strlen(out));
	assert_int_equal(webrtc_mo_pai(id, out, 20), WEBRTC_MO_NO_ROOM);
	/* a stored identity with a bare CR never becomes a header line */
	id.s = "sip:a@x\rX: 1";
	id.len = strlen(id.s);
	assert_int_equal(webrtc_mo_pai(id, out, sizeof(out)), WEBRTC_MO_BAD_VALUE);
	/* nor one that would close the brackets and add a second identity */
	id.s = "sip:a@x>, <sip:boss@ims.test";
	id.len = strlen(id.s);
	assert_int_equal(webrtc_mo_pai(id, out, sizeof(out)), WEBRTC_MO_BAD_VALUE);
	assert_string_equal(webrtc_mo_rc_str(WEBRTC_MO_BAD_VALUE),
						"the identity cannot stand between < and > (empty, or "
						"a CR, LF, NUL, space, control or non-ASCII byte, <, > "
						"or \")");
	/* or one that is empty */
	id.len = 0;
	assert_int_equal(webrtc_mo_pai(id, out, sizeof(out)), WEBRTC_MO_BAD_VALUE);
}

/* RFC 3608: the Service-Route becomes the Route, its first URI the next
 * hop; each element keeps its parameters */
static void test_route_preloads_service_route(void **state)
{
	const char *sr = "<sip:orig@scscf.test;lr>,\"S2\" <sip:s2.test;lr>;x=1";
	char out[WEBRTC_MO_ROUTE_SIZE(64)];
	webrtc_span_t hop;
	int n;

	(void)state;
	n = webrtc_mo_route(S(sr), out, sizeof(out), &hop);
	assert_string_equal(
			out,
			"Route: <sip:orig@scscf.test;lr>, \"S2\" <sip:s2.test;lr>;x=1\r\n");
	assert_int_equal(n, (int)strlen(out));
	assert_span(hop, "sip:orig@scscf.test;lr");
	assert_int_equal(webrtc_mo_route(S(sr), out, (size_t)n, &hop),
					 WEBRTC_MO_NO_ROOM);
}

/* an empty Service-Route: nothing to add, no next hop */
static void test_route_empty(void **state)
{
	char out[32];
	webrtc_span_t hop = {"x", 1};

	(void)state;
	assert_int_equal(webrtc_mo_route(NULL, 0, out, sizeof(out), &hop), 0);
	assert_int_equal(hop.len, 0);
	assert_string_equal(out, "");
}

/* the most elements, each without a space after its comma, fit the
 * documented room; one more is refused */
static void test_route_limits(void **state)
{
	char sr[WEBRTC_PAU_MAX * 16 + 16], out[WEBRTC_MO_ROUTE_SIZE(sizeof(sr))];
	webrtc_span_t hop;
	size_t len = 0;
	int i;

	(void)state;
	for (i = 0; i < WEBRTC_PAU_MAX; i++)
		len += (size_t)snprintf(sr + len, sizeof(sr) - len, "%s<sip:s%d.t>",
								i ? "," : "", i);
	assert_true(webrtc_mo_route(sr, len, out, WEBRTC_MO_ROUTE_SIZE(len), &hop) >
				0);
	assert_span(hop, "sip:s0.t");
	len += (size_t)snprintf(sr + len, sizeof(sr) - len, ",<sip:x.t>");
	assert_int_equal(webrtc_mo_route(sr, len, out, sizeof(out), &hop),
					 WEBRTC_MO_BAD_SROUTE);
	assert_int_equal(
			webrtc_mo_route(S("<sip:s.test;lr"), out, sizeof(out), &hop),
			WEBRTC_MO_BAD_SROUTE);
	assert_int_equal(hop.len, 0);
}

static void test_rc_str(void **state)
{
	(void)state;
	assert_string_equal(webrtc_mo_rc_str(WEBRTC_MO_FOREIGN_PPI),
						"P-Preferred-Identity not in the P-Associated-URI set");
	assert_string_equal(webrtc_mo_rc_str(99), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_identity_default),
			cmocka_unit_test(test_identity_falls_back_to_aor),
			cmocka_unit_test(test_identity_preferred_in_set),
			cmocka_unit_test(test_identity_foreign),
			cmocka_unit_test(test_identity_bad_ppi),
			cmocka_unit_test(test_pai_line),
			cmocka_unit_test(test_route_preloads_service_route),
			cmocka_unit_test(test_route_empty),
			cmocka_unit_test(test_route_limits),
			cmocka_unit_test(test_rc_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
