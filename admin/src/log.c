/*
 * log.c - iwg-admind's log lines (log.h).
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

/* clang-format off */
static const char *const log_level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARNING] = "warning",
	[LOG_LEVEL_INFO] = "info",
};
/* clang-format on */
_Static_assert(sizeof(log_level_names) / sizeof(*log_level_names) ==
					   LOG_LEVEL_COUNT,
			   "log_level_names does not name every log_level");

static atomic_int log_started;

void log_start(void)
{
	atomic_store(&log_started, 1);
}

/*
 * text (len bytes) into out (LOG_LINE_MAX + 1), each control character as
 * \xNN so that one entry stays one line; cut at LOG_LINE_MAX bytes, never
 * inside an escape. Returns the length written.
 */
static size_t escape_text(char *out, const char *text, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch >= 0x20 && ch != 0x7f) {
			if (n + 1 > LOG_LINE_MAX)
				break;
			out[n++] = (char)ch;
			continue;
		}
		if (n + 4 > LOG_LINE_MAX)
			break;
		out[n++] = '\\';
		out[n++] = 'x';
		out[n++] = hex[ch >> 4];
		out[n++] = hex[ch & 15];
	}
	out[n] = '\0';
	return n;
}

size_t log_format(char *out, size_t sz, const struct timespec *at,
				  log_level level, const char *text)
{
	char esc[LOG_LINE_MAX + 1];
	size_t len = strlen(text), n;
	struct tm tm;
	int w;

	if (sz == 0)
		return 0;
	while (len > 0 && text[len - 1] == '\n')
		len--;
	len = escape_text(esc, text, len);
	if ((unsigned)level >= LOG_LEVEL_COUNT)
		level = LOG_LEVEL_ERROR;
	if (at != NULL) {
		gmtime_r(&at->tv_sec, &tm);
		w = snprintf(out, sz,
					 "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s iwg-admind: "
					 "%.*s\n",
					 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
					 tm.tm_min, tm.tm_sec, at->tv_nsec / 1000000,
					 log_level_names[level], (int)len, esc);
	} else {
		w = snprintf(out, sz, "iwg-admind: %s%.*s\n",
					 level == LOG_LEVEL_WARNING ? "warning: " : "", (int)len,
					 esc);
	}
	if (w < 0) {
		out[0] = '\0';
		return 0;
	}
	n = (size_t)w;
	return n < sz ? n : sz - 1;
}

/* log_write with a va_list */
static void log_vwrite(log_level level, const char *fmt, va_list ap)
{
	char text[LOG_LINE_MAX + 1], line[LOG_LINE_MAX + 128];
	struct timespec now;
	int started = atomic_load(&log_started);

	vsnprintf(text, sizeof(text), fmt, ap);
	if (started)
		clock_gettime(CLOCK_REALTIME, &now);
	log_format(line, sizeof(line), started ? &now : NULL, level, text);
	fputs(line, stderr);
}

void log_write(log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(level, fmt, ap);
	va_end(ap);
}
