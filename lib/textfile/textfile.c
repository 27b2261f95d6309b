/*
 * textfile.c - read a whole configuration file into memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfile.h"

#define MIB (1024 * 1024)

char *textfile_read(const char *path, size_t max, size_t *len, char *err,
					size_t errsz)
{
	FILE *f = fopen(path, "rb");
	char *text;
	size_t n = 0;

	if (!f) {
		snprintf(err, errsz, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	text = malloc(max + 1);
	if (text)
		n = fread(text, 1, max + 1, f);
	if (!text || ferror(f) || n > max) {
		if (!text)
			snprintf(err, errsz, "%s: out of memory", path);
		else if (n <= max)
			snprintf(err, errsz, "%s: read error", path);
		else if (max % MIB == 0)
			snprintf(err, errsz, "%s: larger than %zu MB", path, max / MIB);
		else
			snprintf(err, errsz, "%s: larger than %zu bytes", path, max);
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	text[n] = '\0';
	*len = n;
	return text;
}
