/*
 * test_idmap_pai.c - the P-Asserted-Identity line of idmap_assert(), and
 * its refusal of stored values that would inject a header or a second
 * identity (modules/iwg_idmap/idmap_pai.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_idmap/idmap_pai.h"
#include "idstore/idstore_record.h"

/* idmap_pai_build of NUL-terminated display and uri into out[outsz] */
static int build(const char *display, const char *uri, char *out, size_t outsz,
				 char *err, size_t errsz)
{
	return idmap_pai_build(display, strlen(display), uri, strlen(uri), out,
						   outsz, err, errsz);
}

/* the build of (display, uri) is refused with rc, err naming what */
static void assert_refused(const char *display, const char *uri, int rc,
						   const char *what)
{
	char out[512] = "untouched", err[128] = "";
	int n = build(display, uri, out, sizeof(out), err, sizeof(err));

	if (n != rc)
		fail_msg("(\"%s\", \"%s\") gave %d, expected %d", display, uri, n, rc);
	if (strcmp(out, "") != 0)
		fail_msg("a refused build left \"%s\" in out", out);
	if (!strstr(err, what))
		fail_msg("error \"%s\" lacks \"%s\"", err, what);
}

static void test_line_with_and_without_display_name(void **state)
{
	char out[128], err[64] = "untouched";

	(void)state;
	assert_int_equal(build("Ann Example", "sip:ann@ims.test", out, sizeof(out),
						   err, sizeof(err)),
					 (int)strlen("P-Asserted-Identity: \"Ann Example\" "
								 "<sip:ann@ims.test>\r\n"));
	assert_string_equal(out, "P-Asserted-Identity: \"Ann Example\" "
							 "<sip:ann@ims.test>\r\n");
	assert_int_equal(
			build("", "tel:+33612345678", out, sizeof(out), err, sizeof(err)),
			(int)strlen("P-Asserted-Identity: <tel:+33612345678>\r\n"));
	assert_string_equal(out, "P-Asserted-Identity: <tel:+33612345678>\r\n");
	assert_string_equal(err, "untouched");
}

static void test_display_name_quotes_and_backslashes_are_escaped(void **state)
{
	char out[128];

	(void)state;
	assert_true(build("Ann \"The Boss\" \\o/", "sip:ann@x", out, sizeof(out),
					  NULL, 0) > 0);
	assert_string_equal(out, "P-Asserted-Identity: \"Ann \\\"The Boss\\\" "
							 "\\\\o/\" <sip:ann@x>\r\n");
	/* closing the quotes to add a second identity stays inside them */
	assert_true(build("x\" <sip:boss@x>, \"y", "sip:ann@x", out, sizeof(out),
					  NULL, 0) > 0);
	assert_string_equal(out, "P-Asserted-Identity: \"x\\\" <sip:boss@x>, "
							 "\\\"y\" <sip:ann@x>\r\n");
}

static void test_header_injection_is_refused_naming_the_field(void **state)
{
	(void)state;
	assert_refused("Ann\r\nVia: SIP/2.0/UDP evil", "sip:ann@x",
				   IDMAP_PAI_BAD_DISPLAY, "display_name contains a CR, LF");
	assert_refused("Ann\n", "sip:ann@x", IDMAP_PAI_BAD_DISPLAY, "display_name");
	assert_refused("Ann\r", "sip:ann@x", IDMAP_PAI_BAD_DISPLAY, "display_name");
	assert_refused("Ann", "sip:ann@x\r\nContact: <sip:evil>", IDMAP_PAI_BAD_URI,
				   "sip_uri contains a CR, LF");
	assert_refused("Ann", "sip:ann@x\n", IDMAP_PAI_BAD_URI, "sip_uri");
}

static void test_nul_inside_a_value_is_refused(void **state)
{
	char out[128], err[128];

	(void)state;
	assert_int_equal(idmap_pai_build("A\0B", 3, "sip:a@x", 7, out, sizeof(out),
									 err, sizeof(err)),
					 IDMAP_PAI_BAD_DISPLAY);
	assert_string_equal(err, "display_name contains a CR, LF or NUL");
	assert_int_equal(idmap_pai_build("A", 1, "sip:a@x\0>", 9, out, sizeof(out),
									 err, sizeof(err)),
					 IDMAP_PAI_BAD_URI);
	assert_string_equal(err, "sip_uri contains a CR, LF or NUL");
}

static void test_uri_that_breaks_the_name_addr_is_refused(void **state)
{
	(void)state;
	/* a second asserted identity */
	assert_refused("", "sip:ann@x>, <tel:+112", IDMAP_PAI_BAD_URI, "sip_uri");
	assert_refused("", "sip:ann@x>;tag=1", IDMAP_PAI_BAD_URI, "'>'");
	assert_refused("", "<sip:ann@x", IDMAP_PAI_BAD_URI, "sip_uri");
	assert_refused("", "sip:\"ann\"@x", IDMAP_PAI_BAD_URI, "sip_uri");
	assert_refused("", "sip:ann @x", IDMAP_PAI_BAD_URI, "a space");
	assert_refused("", "sip:ann\t@x", IDMAP_PAI_BAD_URI, "control");
	assert_refused("", "sip:\xc3\xa9@x", IDMAP_PAI_BAD_URI, "non-ASCII");
	assert_refused("Ann", "", IDMAP_PAI_BAD_URI, "sip_uri is empty");
}

static void test_errors_never_quote_the_value(void **state)
{
	char out[128], err[128];

	(void)state;
	build("secret-name\n", "sip:ann@x", out, sizeof(out), err, sizeof(err));
	assert_null(strstr(err, "secret"));
	build("", "sip:secret-user@x>", out, sizeof(out), err, sizeof(err));
	assert_null(strstr(err, "secret"));
	/* a short errstr is cut, NUL-terminated */
	build("", "", out, sizeof(out), err, 5);
	assert_string_equal(err, "sip_");
}

/* a byte no build writes: what lies past the size given must stay it */
#define SENTINEL '\xa5'

/* the build of (display, uri) into out[sz] of a larger buffer filled with
 * SENTINEL, which must be left as it was past sz */
static int build_in(const char *display, const char *uri, char *out,
					size_t outlen, size_t sz, char *err, size_t errsz)
{
	int n;
	size_t i;

	memset(out, SENTINEL, outlen);
	n = build(display, uri, out, sz, err, errsz);
	for (i = sz; i < outlen; i++)
		if (out[i] != SENTINEL)
			fail_msg("room %zu: byte %zu past it was written", sz, i);
	return n;
}

static void test_room(void **state)
{
	const char *line = "P-Asserted-Identity: \"A\\\"\" <sip:a@x>\r\n";
	char out[128], err[64];
	size_t len = strlen(line), sz;

	(void)state;
	assert_int_equal(build_in("A\"", "sip:a@x", out, sizeof(out), len + 1, err,
							  sizeof(err)),
					 (int)len);
	assert_memory_equal(out, line, len + 1);
	/* one byte short, wherever the line is cut: refused, nothing written
	 * past the room given */
	for (sz = 0; sz <= len; sz++) {
		assert_int_equal(build_in("A\"", "sip:a@x", out, sizeof(out), sz, err,
								  sizeof(err)),
						 IDMAP_PAI_NO_ROOM);
		if (sz > 0)
			assert_int_equal(out[0], '\0');
	}
	assert_string_equal(err, "the line does not fit");
	/* the documented room is enough for the worst display name */
	assert_true(build_in("\"\"\"\"", "sip:a@x", out, sizeof(out),
						 IDMAP_PAI_SIZE(4, 7), NULL, 0) > 0);
	assert_true(build_in("", "sip:a@x", out, sizeof(out), IDMAP_PAI_SIZE(0, 7),
						 NULL, 0) > 0);
}

/* the longest values a stored mapping may hold, the display name all '"'
 * (each needs a backslash): the line fits IDMAP_PAI_SIZE to the byte */
static void test_room_at_the_record_limits(void **state)
{
	char display[IDS_DISPLAY_MAX + 1], uri[IDS_URI_MAX + 1];
	char out[IDMAP_PAI_SIZE(IDS_DISPLAY_MAX, IDS_URI_MAX) + 8];
	size_t room = IDMAP_PAI_SIZE(IDS_DISPLAY_MAX, IDS_URI_MAX);
	int n;

	(void)state;
	memset(display, '"', IDS_DISPLAY_MAX);
	display[IDS_DISPLAY_MAX] = '\0';
	memcpy(uri, "sip:", 4);
	memset(uri + 4, 'a', IDS_URI_MAX - 4);
	uri[IDS_URI_MAX] = '\0';
	n = build_in(display, uri, out, sizeof(out), room, NULL, 0);
	assert_int_equal(n, (int)strlen("P-Asserted-Identity: ") +
								2 * IDS_DISPLAY_MAX + 2 + strlen(" <") +
								IDS_URI_MAX + strlen(">\r\n"));
	assert_int_equal((size_t)n + 1, room);
	assert_int_equal(
			build_in(display, uri, out, sizeof(out), room - 1, NULL, 0),
			IDMAP_PAI_NO_ROOM);
	/* without a display name, exact too */
	n = build_in("", uri, out, sizeof(out), IDMAP_PAI_SIZE(0, IDS_URI_MAX),
				 NULL, 0);
	assert_int_equal((size_t)n + 1, IDMAP_PAI_SIZE(0, IDS_URI_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_line_with_and_without_display_name),
			cmocka_unit_test(
					test_display_name_quotes_and_backslashes_are_escaped),
			cmocka_unit_test(test_header_injection_is_refused_naming_the_field),
			cmocka_unit_test(test_nul_inside_a_value_is_refused),
			cmocka_unit_test(test_uri_that_breaks_the_name_addr_is_refused),
			cmocka_unit_test(test_errors_never_quote_the_value),
			cmocka_unit_test(test_room),
			cmocka_unit_test(test_room_at_the_record_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
