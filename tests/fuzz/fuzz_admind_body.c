/*
 * fuzz_admind_body.c - request body parsing and validation of iwg-admind:
 * strict JSON (jsonv) against the body schemas, then the route matcher
 * and the API key header parser on the same bytes. No crash, no leak; an
 * accepted body is an object whose members all pass their field rules.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../admin/src/auth.h"
#include "../../admin/src/jsonv.h"
#include "../../admin/src/route.h"
#include "../../admin/src/schemas.h"

static int h(admind_req *r)
{
	(void)r;
	return 0;
}

static const route_entry tab[] = {
		{"GET", "/api/v1/calls/{call_id}", h, 1, 0},
		{"DELETE", "/api/v1/registrations/{aor}", h, 4, 1},
		{"GET", "/api/v1/a/{x}/b/{y}", h, 1, 0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *o = NULL;
	jsonv_error e;
	route_params p;
	const char *k;
	size_t len;
	char *s;

	if (jsonv_parse((const char *)data, size, schemas_registration,
					schemas_registration_n, &o, &e) == 0) {
		if (!json_object_is_type(o, json_type_object) || !jsonv_str(o, "aor"))
			abort();
		json_object_put(o);
	} else if (o || !e.msg[0]) {
		abort();
	}
	if (jsonv_parse((const char *)data, size, schemas_identity_create,
					schemas_identity_create_n, &o, &e) == 0) {
		if (!jsonv_str(o, "ns") || !jsonv_str(o, "key") ||
			!jsonv_str(o, "sip_uri"))
			abort();
		json_object_put(o);
	} else if (o || !e.msg[0]) {
		abort();
	}
	if (jsonv_parse((const char *)data, size, schemas_hdrmed, schemas_hdrmed_n,
					&o, &e) == 0) {
		if (json_object_object_length(o) > 2)
			abort();
		json_object_put(o);
	} else if (o || !e.msg[0]) {
		abort();
	}
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	route_find(tab, 3, "GET", s, &p, NULL);
	route_find(tab, 3, "DELETE", s, &p, NULL);
	if (auth_extract(s, NULL, &k, &len) == 1 &&
		(len == 0 || len > AUTH_KEY_MAX))
		abort();
	free(s);
	return 0;
}
