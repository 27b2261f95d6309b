/*
 * schemas.c - request body field tables.
 */
#include "schemas.h"

#define AOR_CHARS                                                    \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" \
	"-_.!~*'()&=+$,;?/%@"

const jsonv_field schemas_registration[] = {
		{"aor", JSONV_STRING, 1, 1, 128, AOR_CHARS, 0, 0},
		{"contact", JSONV_STRING, 1, 5, 255, NULL, 0, 0},
		{"expires", JSONV_INT, 0, 0, 0, NULL, 1, 31536000},
		{"node", JSONV_STRING, 0, 1, 31, NULL, 0, 0},
};

const size_t schemas_registration_n =
		sizeof(schemas_registration) / sizeof(schemas_registration[0]);

#define NAME_CHARS                                                   \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" \
	"-_."

const jsonv_field schemas_hdrmed[] = {
		{"profile", JSONV_STRING, 0, 1, 63, NAME_CHARS, 0, 0},
		{"node", JSONV_STRING, 0, 1, 31, NULL, 0, 0},
};
const size_t schemas_hdrmed_n =
		sizeof(schemas_hdrmed) / sizeof(schemas_hdrmed[0]);

const jsonv_field schemas_credentials[] = {
		{"user", JSONV_STRING, 1, 1, 64,
		 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~+-",
		 0, 0},
		{"ttl", JSONV_INT, 0, 0, 0, NULL, 10, 604800},
};
const size_t schemas_credentials_n =
		sizeof(schemas_credentials) / sizeof(schemas_credentials[0]);

#include "idstore/idstore_record.h"

/* language, priority and did get loose bounds here: lib/idstore checks
 * their syntax and says what it expects */
#define ID_FIELDS                                                              \
	{"sip_uri", JSONV_STRING, 1, 1, IDS_URI_MAX, NULL, 0, 0},                  \
			{"display_name", JSONV_STRING, 0, 0, IDS_DISPLAY_MAX, NULL, 0, 0}, \
			{"impi", JSONV_STRING, 0, 0, IDS_IMPI_MAX, NULL, 0, 0},            \
			{"tenant", JSONV_STRING, 0, 0, IDS_TENANT_MAX, NULL, 0, 0},        \
			{"agent_id", JSONV_STRING, 0, 0, IDS_AGENT_MAX, NULL, 0, 0},       \
			{"queue", JSONV_STRING, 0, 0, IDS_QUEUE_MAX, NULL, 0, 0},          \
			{"language", JSONV_STRING, 0, 0, 64, NULL, 0, 0},                  \
			{"priority", JSONV_STRING, 0, 0, 64, NULL, 0, 0},                  \
			{"did", JSONV_STRING, 0, 0, 64, NULL, 0, 0},                       \
			{"ha1", JSONV_STRING, 0, 0, IDS_HA1_MAX, NULL, 0, 0},              \
			{"enabled", JSONV_BOOL, 0, 0, 0, NULL, 0, 0},                      \
	{                                                                          \
		"not_after", JSONV_INT, 0, 0, 0, NULL, 0, 253402300799LL               \
	}

const jsonv_field schemas_identity_create[] = {
		{"ns", JSONV_STRING, 1, 1, IDS_NS_MAX, NULL, 0, 0},
		{"key", JSONV_STRING, 1, 1, IDS_KEY_MAX, NULL, 0, 0},
		ID_FIELDS,
};
const size_t schemas_identity_create_n =
		sizeof(schemas_identity_create) / sizeof(schemas_identity_create[0]);

const jsonv_field schemas_identity_replace[] = {ID_FIELDS};
const size_t schemas_identity_replace_n =
		sizeof(schemas_identity_replace) / sizeof(schemas_identity_replace[0]);
