/*
 * schemas.h - the field tables of every JSON request body (jsonv.h), kept
 * apart from the handlers so the body fuzzer checks exactly these.
 */
#ifndef IWG_ADMIND_SCHEMAS_H
#define IWG_ADMIND_SCHEMAS_H

#include <stddef.h>

#include "jsonv.h"

/* POST /api/v1/registrations */
extern const jsonv_field schemas_registration[];
extern const size_t schemas_registration_n;

/*
 * POST /api/v1/identities (ns and key required) and
 * PUT /api/v1/identities/{ns}/{key} (ns and key come from the path).
 * Member names are the lib/idstore field names; enabled is a boolean and
 * not_after an integer (unix seconds, 0 = no end); the rest are strings.
 */
extern const jsonv_field schemas_identity_create[];
extern const size_t schemas_identity_create_n;
extern const jsonv_field schemas_identity_replace[];
extern const size_t schemas_identity_replace_n;

/*
 * POST /api/v1/hdrmed/reload and /api/v1/hdrmed/discovered/reset:
 * optional "profile" (one iwg_hdrmed profile, default all) and "node" (one
 * Kamailio node, default all); an empty body means {}.
 */
extern const jsonv_field schemas_hdrmed[];
extern const size_t schemas_hdrmed_n;

/*
 * POST /api/v1/credentials: "user" (1-64 of [A-Za-z0-9._~+-]) and an
 * optional "ttl" in seconds (10..604800; the configured maximum is checked
 * by the handler).
 */
extern const jsonv_field schemas_credentials[];
extern const size_t schemas_credentials_n;

#endif
