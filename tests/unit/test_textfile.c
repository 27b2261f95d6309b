/*
 * test_textfile.c - lib/textfile: a file is read whole and NUL-terminated;
 * a missing or oversized file gives "path: reason".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "textfile/textfile.h"

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void test_reads_whole_file(void **state)
{
	char path[] = "/tmp/textfile-test-XXXXXX", err[256];
	char *text;
	size_t len = 99;

	(void)state;
	close(mkstemp(path));
	write_file(path, "a\0b\n", 4);
	text = textfile_read(path, 4, &len, err, sizeof(err));
	assert_non_null(text);
	assert_int_equal(len, 4);
	assert_memory_equal(text, "a\0b\n", 5); /* with the added NUL */
	free(text);
	write_file(path, "", 0);
	text = textfile_read(path, 4, &len, err, sizeof(err));
	assert_non_null(text);
	assert_int_equal(len, 0);
	assert_string_equal(text, "");
	free(text);
	unlink(path);
}

static void test_errors_name_the_file(void **state)
{
	char path[] = "/tmp/textfile-test-XXXXXX", err[256], want[300], *big;
	size_t len;

	(void)state;
	close(mkstemp(path));
	write_file(path, "12345", 5);
	assert_null(textfile_read(path, 4, &len, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: larger than 4 bytes", path);
	assert_string_equal(err, want);
	big = calloc(1, 1024 * 1024 + 1);
	assert_non_null(big);
	write_file(path, big, 1024 * 1024 + 1);
	free(big);
	assert_null(textfile_read(path, 1024 * 1024, &len, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: larger than 1 MB", path);
	assert_string_equal(err, want);
	unlink(path);
	assert_null(textfile_read(path, 1024 * 1024, &len, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory",
			 path);
	assert_string_equal(err, want);
	assert_null(textfile_read("/", 1024 * 1024, &len, err, sizeof(err)));
	assert_string_equal(err, "/: read error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_reads_whole_file),
			cmocka_unit_test(test_errors_name_the_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
