/*
 * ngq.c - NG query answer accessors (see ngq.h).
 */
#include "ngq.h"

const char *ngq_str(const bencode_node *d, const char *key)
{
	return bencode_dict_get_str(d, key, NULL);
}

int64_t ngq_int(const bencode_node *d, const char *key, int64_t def)
{
	const bencode_node *n = bencode_dict_get(d, key);

	return n && n->type == BENCODE_INT ? n->num : def;
}

int ngq_flag(const bencode_node *d, const char *flag)
{
	const bencode_node *l = bencode_dict_get(d, "flags"), *n;

	if (!l || l->type != BENCODE_LIST)
		return 0;
	for (n = l->child; n; n = n->next)
		if (bencode_str_eq(n, flag))
			return 1;
	return 0;
}

const bencode_node *ngq_stream(const bencode_node *m, const char *flag)
{
	const bencode_node *l = bencode_dict_get(m, "streams"), *s;

	for (s = l && l->type == BENCODE_LIST ? l->child : NULL; s; s = s->next)
		if (ngq_flag(s, flag))
			return s;
	return NULL;
}
