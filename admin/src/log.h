/*
 * log.h - iwg-admind's log lines, on stderr (the journal under systemd).
 *
 * Until log_start() the daemon is a command checking its command line and
 * configuration: a line is "iwg-admind: TEXT" ("iwg-admind: warning: TEXT"
 * for a warning), what scripts and `iwg-admind -t` callers read. From
 * log_start() on, while it serves, every line carries the UTC time and the
 * level: "2026-01-31T12:00:00.000Z error iwg-admind: TEXT".
 *
 * Thread-safe: each line is written with one stdio call. A newline at the
 * end of TEXT is dropped (one is added); every other control character
 * (CR, LF, tab, ...) becomes \xNN, so one entry is always one line (a Redis
 * error text cannot forge entries). TEXT is then cut at LOG_LINE_MAX bytes,
 * never inside an escape.
 */
#ifndef IWG_ADMIND_LOG_H
#define IWG_ADMIND_LOG_H

#include <stddef.h>
#include <time.h>

#define LOG_LINE_MAX 1024

typedef enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_COUNT
} log_level;

/* log_start: from now on lines carry the time and the level */
void log_start(void);

/* log_write: one line of level with the printf-style fmt */
void log_write(log_level level, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));

#define log_err(...)  log_write(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_write(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_write(LOG_LEVEL_INFO, __VA_ARGS__)

/* log_format: the line for level and text into out (size sz, NUL-ended,
 * newline-ended when it fits): with the time at (when non-NULL) and the
 * level, else the start-up form. Returns the line's length (cut to sz - 1). */
size_t log_format(char *out, size_t sz, const struct timespec *at,
				  log_level level, const char *text);

#endif
