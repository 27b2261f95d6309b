/*
 * schemas.c - request body field tables.
 */
#include "schemas.h"

#define AOR_CHARS                                                    \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" \
	"-_.!~*'()&=+$,;?/%@"

const jsonv_field schema_registration[] = {
		{"aor", JV_STRING, 1, 1, 128, AOR_CHARS, 0, 0},
		{"contact", JV_STRING, 1, 5, 255, NULL, 0, 0},
		{"expires", JV_INT, 0, 0, 0, NULL, 1, 31536000},
		{"node", JV_STRING, 0, 1, 31, NULL, 0, 0},
};

const size_t schema_registration_n =
		sizeof(schema_registration) / sizeof(schema_registration[0]);

#define NAME_CHARS                                                   \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" \
	"-_."

const jsonv_field schema_hdrmed[] = {
		{"profile", JV_STRING, 0, 1, 63, NAME_CHARS, 0, 0},
		{"node", JV_STRING, 0, 1, 31, NULL, 0, 0},
};
const size_t schema_hdrmed_n = sizeof(schema_hdrmed) / sizeof(schema_hdrmed[0]);

const jsonv_field schema_credentials[] = {
		{"user", JV_STRING, 1, 1, 64,
		 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~+-",
		 0, 0},
		{"ttl", JV_INT, 0, 0, 0, NULL, 10, 604800},
};
const size_t schema_credentials_n =
		sizeof(schema_credentials) / sizeof(schema_credentials[0]);

#include "idstore/idstore_record.h"

/* language, priority and did get loose bounds here: lib/idstore checks
 * their syntax and says what it expects */
#define ID_FIELDS                                                           \
	{"sip_uri", JV_STRING, 1, 1, IDS_URI_MAX, NULL, 0, 0},                  \
			{"display_name", JV_STRING, 0, 0, IDS_DISPLAY_MAX, NULL, 0, 0}, \
			{"impi", JV_STRING, 0, 0, IDS_IMPI_MAX, NULL, 0, 0},            \
			{"tenant", JV_STRING, 0, 0, IDS_TENANT_MAX, NULL, 0, 0},        \
			{"agent_id", JV_STRING, 0, 0, IDS_AGENT_MAX, NULL, 0, 0},       \
			{"queue", JV_STRING, 0, 0, IDS_QUEUE_MAX, NULL, 0, 0},          \
			{"language", JV_STRING, 0, 0, 64, NULL, 0, 0},                  \
			{"priority", JV_STRING, 0, 0, 64, NULL, 0, 0},                  \
			{"did", JV_STRING, 0, 0, 64, NULL, 0, 0},                       \
			{"ha1", JV_STRING, 0, 0, IDS_HA1_MAX, NULL, 0, 0},              \
			{"enabled", JV_BOOL, 0, 0, 0, NULL, 0, 0},                      \
	{                                                                       \
		"not_after", JV_INT, 0, 0, 0, NULL, 0, 253402300799LL               \
	}

const jsonv_field schema_identity_create[] = {
		{"ns", JV_STRING, 1, 1, IDS_NS_MAX, NULL, 0, 0},
		{"key", JV_STRING, 1, 1, IDS_KEY_MAX, NULL, 0, 0},
		ID_FIELDS,
};
const size_t schema_identity_create_n =
		sizeof(schema_identity_create) / sizeof(schema_identity_create[0]);

const jsonv_field schema_identity_replace[] = {ID_FIELDS};
const size_t schema_identity_replace_n =
		sizeof(schema_identity_replace) / sizeof(schema_identity_replace[0]);
