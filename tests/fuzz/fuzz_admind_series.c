/*
 * fuzz_admind_series.c - the Kamailio statistics line parser on arbitrary
 * lines (no crash; a parsed value is finite and the name is within the
 * line), and the series fed with the parsed values as counters (rates are
 * never negative).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../admin/src/series.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static series *s;
	char *line = malloc(size + 1), name[96];
	series_sample x;
	series_point p[4];
	double v;
	size_t n, i;

	if (!line)
		return 0;
	if (!s)
		s = series_new(4);
	memcpy(line, data, size);
	line[size] = '\0';
	if (series_kstat_parse(line, name, sizeof(name), &v) == 0) {
		if (!isfinite(v) || !strstr(line, name) || !strchr(name, ':'))
			abort();
		/* a usrloc contacts count is named usrloc:<table>{_,-}contacts */
		if (series_kstat_is_contacts(name) &&
			(strncmp(name, "usrloc:", 7) || !strstr(name, "contacts")))
			abort();
		memset(&x, 0, sizeof(x));
		x.t = (int64_t)size;
		x.mono = (double)size;
		x.n_nodes = 1;
		x.calls_total[0] = v;
		x.failures_total[0] = -v;
		series_add(s, &x);
		n = series_copy(s, p, 4);
		for (i = 0; i < n; i++)
			if (p[i].calls_per_second < 0 || p[i].failures_per_second < 0)
				abort();
	}
	free(line);
	return 0;
}
