/*
 * secret.c - see secret.h.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "secret/secret.h"

/* placeholders of shipped configurations, lower case */
static const char *const secret_placeholders[] = {
		"change-me", "changeme", "change_me", "placeholder", "example",
};

/* 1 when needle (lower case, NUL-terminated) is in s[0..len), ignoring the
 * case of s */
static int secret_contains(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i, j;

	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n; j++)
			if (tolower((unsigned char)s[i + j]) != needle[j])
				break;
		if (j == n)
			return 1;
	}
	return 0;
}

/* 1 when every character of s[0..len) (len > 0) is s[0], ignoring case */
static int secret_repeated(const char *s, size_t len)
{
	int c = tolower((unsigned char)s[0]);
	size_t i;

	for (i = 1; i < len; i++)
		if (tolower((unsigned char)s[i]) != c)
			return 0;
	return 1;
}

/* writes the reason to why and returns -1 */
static int secret_refuse(char *why, size_t whysz, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

static int secret_refuse(char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	if (why && whysz > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whysz, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int secret_check(const char *val, size_t len, char *why, size_t whysz)
{
	size_t i;

	if (val == NULL)
		return secret_refuse(why, whysz, "is not set");
	if (len == 0)
		return secret_refuse(why, whysz, "is empty");
	/* a placeholder first: padding it to the length would not help */
	for (i = 0; i < sizeof(secret_placeholders) / sizeof(*secret_placeholders);
		 i++)
		if (secret_contains(val, len, secret_placeholders[i]))
			return secret_refuse(why, whysz,
								 "is a placeholder (contains \"%s\")",
								 secret_placeholders[i]);
	if (len > 1 && secret_repeated(val, len))
		return secret_refuse(why, whysz,
							 "is a placeholder (one character repeated)");
	if (len < SECRET_MIN_LEN)
		return secret_refuse(why, whysz,
							 "is %zu characters long, shorter than %d", len,
							 SECRET_MIN_LEN);
	return 0;
}
