/*
 * res_whoami.c - GET /api/v1/whoami: the id and role of the key presented,
 * so that a page can adapt to it (the server still enforces every role).
 */
#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"

int res_whoami(admind_req *r)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "id", json_object_new_string(r->key->id));
	json_object_object_add(
			j, "role", json_object_new_string(conf_role_name(r->key->role)));
	return reply_json(r, MHD_HTTP_OK, j);
}
