/*
 * fuzz_admind_regview.c - iwg-admind's reading of Kamailio's registrations
 * (regview.c) on arbitrary input, seeded with answers captured from real
 * Kamailio nodes: the input's first line is read as a Path header value;
 * the whole input, as JSON (its "result" member when it is a JSON-RPC
 * answer), is read as edge.info and core.sockets_list, then as the
 * ul.dump of two nodes that share registrations and one that does not.
 * No crash, no leak; a Path's host is non-empty lower case and its port
 * 1..65535; each shared contact is counted once (total = the shared node's
 * listed contacts de-duplicated plus the other node's), no node holds
 * more than the total, and the listing has every distinct contact once.
 */
#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../admin/src/regview.h"

static const char *const names[] = {"kam1", "kamA", "kamB"};

static void check_path(const uint8_t *data, size_t size)
{
	char line[512];
	size_t n = 0, i;
	regview_addr a;

	while (n < size && n < sizeof(line) - 1 && data[n] != '\n')
		n++;
	memcpy(line, data, n);
	line[n] = '\0';
	if (regview_path_addr(line, &a) < 0)
		return;
	if (!a.host[0] || a.port < 1 || a.port > 65535)
		abort();
	for (i = 0; a.host[i]; i++)
		if (isupper((unsigned char)a.host[i]))
			abort();
}

static void check_view(struct json_object *res)
{
	regview *v = regview_new(3, names);
	regview_ident id;
	struct json_object *items, *cts;
	size_t total, listed = 0, i;
	double held;
	int k;

	if (!v)
		return;
	memset(&id, 0, sizeof(id));
	regview_ident_edge(res, &id);
	id.shared = 1;
	regview_ident_sockets(res, &id);
	if (id.n_addrs < 0 || id.n_addrs > REGVIEW_MAX_ADDRS)
		abort();
	regview_set_ident(v, 1, &id);
	regview_set_ident(v, 2, &id);
	id.shared = 0;
	regview_set_ident(v, 0, &id);
	for (k = 0; k < 3; k++)
		if (regview_add_dump(v, k, res, k == 2 ? "a" : NULL) < 0)
			abort();
	total = regview_total(v);
	for (k = 0; k < 3; k++)
		listed += (size_t)regview_listed(v, k);
	/* at most every contact listed, at least one when one is (a dump may
	 * list the same AoR and ruid twice: counted once) */
	if (total > listed || (listed > 0 && total == 0) ||
		regview_held(v, 0) > regview_listed(v, 0))
		abort();
	for (k = 0, held = 0; k < 3; k++) {
		if (regview_held(v, k) > (double)total)
			abort();
		held += regview_held(v, k);
	}
	if (held > (double)total)
		abort();
	items = regview_items(v, -1);
	if (items) {
		for (i = 0, listed = 0; i < json_object_array_length(items); i++)
			if (json_object_object_get_ex(json_object_array_get_idx(items, i),
										  "contacts", &cts))
				listed += json_object_array_length(cts);
		if (listed != total)
			abort();
		json_object_put(items);
	}
	regview_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok;
	struct json_object *doc, *res, *r;

	check_path(data, size);
	tok = json_tokener_new_ex(32);
	if (!tok)
		return 0;
	doc = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	if (!doc)
		return 0;
	res = doc;
	if (json_object_is_type(doc, json_type_object) &&
		json_object_object_get_ex(doc, "result", &r) && r)
		res = r;
	check_view(res);
	json_object_put(doc);
	return 0;
}
