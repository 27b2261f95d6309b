/*
 * routes.c - every route iwg-admind serves. docs/api/openapi.yaml documents
 * exactly these (tests/unit/test_admind_openapi.c checks both directions).
 */
#include "conf.h"
#include "handlers.h"

#define READ	 (ROLE_NOC | ROLE_ADMIN)
#define ID_READ	 ROLE_ANY
#define ID_WRITE (ROLE_IDADMIN | ROLE_ADMIN)

const admind_route admind_routes[] = {
		{"GET", "/healthz", res_healthz, 0, 0},
		{"GET", "/readyz", res_readyz, 0, 0},
		{"GET", "/metrics", res_metrics, READ, 0},
		{"GET", "/api/v1/nodes", res_nodes, READ, 0},
		{"GET", "/api/v1/cluster", res_cluster, READ, 0},
		{"GET", "/api/v1/registrations", res_registrations_list, READ, 0},
		{"POST", "/api/v1/registrations", res_registrations_add, ROLE_ADMIN, 1},
		{"DELETE", "/api/v1/registrations/{aor}", res_registrations_delete,
		 ROLE_ADMIN, 1},
		{"GET", "/api/v1/calls", res_calls_list, READ, 0},
		{"GET", "/api/v1/calls/{call_id}", res_calls_get, READ, 0},
		{"GET", "/api/v1/identities", res_identities_list, ID_READ, 0},
		{"POST", "/api/v1/identities", res_identities_create, ID_WRITE, 1},
		{"GET", "/api/v1/identities/{ns}/{key}", res_identities_get, ID_READ,
		 0},
		{"PUT", "/api/v1/identities/{ns}/{key}", res_identities_replace,
		 ID_WRITE, 1},
		{"DELETE", "/api/v1/identities/{ns}/{key}", res_identities_delete,
		 ID_WRITE, 1},
		{"GET", "/api/v1/audit", res_audit_list, ROLE_ADMIN | ROLE_IDADMIN, 0},
		{"GET", "/api/v1/hdrmed/discovered", res_hdrmed_discovered, READ, 0},
		{"POST", "/api/v1/hdrmed/discovered/reset", res_hdrmed_reset,
		 ROLE_ADMIN, 1},
		{"POST", "/api/v1/hdrmed/reload", res_hdrmed_reload, ROLE_ADMIN, 1},
		{"GET", "/api/v1/hdrmed/stats", res_hdrmed_stats, READ, 0},
		{"GET", "/api/v1/whoami", res_whoami, ROLE_ANY | ROLE_APP, 0},
		{"POST", "/api/v1/credentials", res_credentials, ROLE_APP | ROLE_ADMIN,
		 1},
		{"GET", "/api/v1/series", res_series, READ, 0},
		{"GET", "/api/v1/calls/{call_id}/diagnosis", res_calls_diagnosis, READ,
		 0},
		{"GET", "/api/v1/peers", res_peers, READ, 0},
		{"GET", "/api/v1/routing", res_routing, READ, 0},
		{"POST", "/api/v1/routing/test", res_routing_test, READ, 0},
};

const size_t admind_n_routes = sizeof(admind_routes) / sizeof(admind_routes[0]);
