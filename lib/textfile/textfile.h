/*
 * textfile.h - read a whole configuration file into memory (pure C).
 */
#ifndef IWG_TEXTFILE_H
#define IWG_TEXTFILE_H

#include <stddef.h>

/*
 * Read the file PATH, at most MAX bytes. Returns its bytes (malloc'd,
 * NUL-terminated, length in *LEN; the caller frees them), or NULL with
 * "PATH: reason" in ERR[0..ERRSZ): "cannot open: <strerror>", "larger than
 * N MB" (N = MAX / 1 MiB, or "N bytes" below 1 MiB), "read error",
 * "out of memory".
 */
char *textfile_read(const char *path, size_t max, size_t *len, char *err,
					size_t errsz);

#endif
