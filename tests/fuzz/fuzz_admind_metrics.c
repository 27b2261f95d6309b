/*
 * fuzz_admind_metrics.c - the tables that type Kamailio and rtpengine
 * statistics, on arbitrary statistic names: no crash, every mapped name is
 * a valid Prometheus metric name (counters end in _total), and a set fed
 * with the mapped samples renders text whose every line is a comment or
 * starts with a valid name.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../admin/src/metrics.h"

static const char *const sections[] = {
		"currentstatistics", "totalstatistics", "mos",
		"controlstatistics", "interfaces",		"transcoders",
};

static int valid_name(const char *s)
{
	size_t i;

	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			  (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == ':'))
			return 0;
	return 1;
}

static void check_map(const metrics_map *m)
{
	size_t n = strlen(m->name);

	if (!valid_name(m->name))
		abort();
	if (m->type == METRICS_COUNTER &&
		(n < 6 || strcmp(m->name + n - 6, "_total") != 0))
		abort();
}

static void check_text(const char *t, size_t len)
{
	const char *line = t, *end = t + len, *nl;
	char name[256];
	size_t n;

	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			abort(); /* every line ends with a newline */
		if (*line != '#') {
			n = strcspn(line, "{ ");
			if (n == 0 || n >= sizeof(name))
				abort();
			memcpy(name, line, n);
			name[n] = '\0';
			if (!valid_name(name))
				abort();
		}
		line = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *key;
	metrics_set *set = metrics_set_new();
	metrics_map m;
	sbuf name, out;
	size_t i;

	if (!in || !set) {
		free(in);
		if (set)
			metrics_set_render_free(set, NULL);
		return 0;
	}
	memcpy(in, data, size);
	in[size] = '\0';
	sbuf_init(&name);
	sbuf_init(&out);
	if (metrics_map_kamailio(in, &m) == 0) {
		check_map(&m);
		metrics_set_add_map(set, &m, "node=\"k1\"", 1);
	}
	/* first byte picks an rtpengine section, the rest is the member key */
	key = size ? in + 1 : in;
	i = size ? (size_t)data[0] % (sizeof(sections) / sizeof(*sections)) : 0;
	if (metrics_map_rtpengine(sections[i], key, &m) == 0) {
		check_map(&m);
		metrics_set_add_map(set, &m, "node=\"r1\"", 2);
	}
	metrics_name(&name, "iwg_fuzz_", in);
	if (name.s && !valid_name(name.s))
		abort();
	metrics_set_render_free(set, &out);
	check_text(out.s ? out.s : "", out.len);
	sbuf_free(&name);
	sbuf_free(&out);
	free(in);
	return 0;
}
