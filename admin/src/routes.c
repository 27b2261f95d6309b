/*
 * routes.c - every route iwg-admind serves. docs/api/openapi.yaml documents
 * exactly these (tests/unit/test_admind_openapi.c checks both directions).
 */
#include "conf.h"
#include "handlers.h"

#define READ	 (CONF_ROLE_NOC | CONF_ROLE_ADMIN)
#define ID_READ	 CONF_ROLE_ANY
#define ID_WRITE (CONF_ROLE_IDADMIN | CONF_ROLE_ADMIN)

const route_entry routes_table[] = {
		{"GET", "/healthz", res_health_healthz, 0, 0},
		{"GET", "/readyz", res_health_readyz, 0, 0},
		{"GET", "/metrics", res_metrics, READ, 0},
		{"GET", "/api/v1/nodes", res_nodes, READ, 0},
		{"GET", "/api/v1/cluster", res_cluster, READ, 0},
		{"GET", "/api/v1/registrations", res_registrations_list, READ, 0},
		{"POST", "/api/v1/registrations", res_registrations_add,
		 CONF_ROLE_ADMIN, 1},
		{"DELETE", "/api/v1/registrations/{aor}", res_registrations_delete,
		 CONF_ROLE_ADMIN, 1},
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
		{"GET", "/api/v1/audit", res_audit_list,
		 CONF_ROLE_ADMIN | CONF_ROLE_IDADMIN, 0},
		{"GET", "/api/v1/hdrmed/discovered", res_hdrmed_discovered, READ, 0},
		{"POST", "/api/v1/hdrmed/discovered/reset", res_hdrmed_reset,
		 CONF_ROLE_ADMIN, 1},
		{"POST", "/api/v1/hdrmed/reload", res_hdrmed_reload, CONF_ROLE_ADMIN,
		 1},
		{"GET", "/api/v1/hdrmed/stats", res_hdrmed_stats, READ, 0},
		{"GET", "/api/v1/whoami", res_whoami, CONF_ROLE_ANY | CONF_ROLE_APP, 0},
		{"POST", "/api/v1/credentials", res_credentials,
		 CONF_ROLE_APP | CONF_ROLE_ADMIN, 1},
		{"GET", "/api/v1/series", res_series, READ, 0},
		{"GET", "/api/v1/calls/{call_id}/diagnosis", res_diagnosis_get, READ,
		 0},
		{"GET", "/api/v1/peers", res_peers, READ, 0},
		{"GET", "/api/v1/routing", res_peers_routing, READ, 0},
		{"POST", "/api/v1/routing/test", res_peers_routing_test, READ, 0},
};

const size_t routes_count = sizeof(routes_table) / sizeof(routes_table[0]);
