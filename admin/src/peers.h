/*
 * peers.h - trunk and contact-center health from the JSON-RPC answers of
 * one Kamailio node: dispatcher targets (dispatcher.list), their failures
 * as the routing script records them (htable.dump peerfail), trunk
 * registrations (uac.reg_dump) and the contact-center routing rules
 * (ccroute.list, ccroute.test of iwg_ccroute); the Prometheus families
 * made of them; the routing test's request body. Pure C (json-c).
 *
 * Every function takes the "result" member of an answer as Kamailio 5.6
 * sends it (shapes in admin/README.md); a member that is missing or of
 * another type is read as absent, an element that is not an object is
 * skipped. Nothing secret is copied (uac.reg_dump's auth_password and
 * auth_ha1 are never read).
 */
#ifndef IWG_ADMIND_PEERS_H
#define IWG_ADMIND_PEERS_H

#include <stddef.h>

#include "jsonv.h"
#include "metrics.h"

struct json_object;

/* the RPC commands behind /api/v1/peers and /api/v1/routing */
typedef enum peers_rpc {
	PEERS_DISPATCHER = 0, /* dispatcher.list */
	PEERS_HTABLE,		  /* htable.dump ["peerfail"] */
	PEERS_UAC,			  /* uac.reg_dump */
	PEERS_CCROUTE,		  /* ccroute.list, ccroute.test */
	PEERS_RPC_COUNT
} peers_rpc;

/* The RPC method name of rpc ("dispatcher.list", ...). */
const char *peers_rpc_method(peers_rpc rpc);

/*
 * 1 when the JSON-RPC fault (code, msg) of rpc means there is nothing to
 * show rather than an error: the module is not loaded (jsonrpcs "Method
 * Not Found", or -32601), dispatcher has "No Destination Sets", the
 * htable peerfail is not defined ("No such htable"), uac registrations are
 * not enabled ("Not enabled": no reg_db_url). 0 otherwise.
 */
int peers_fault_absent(peers_rpc rpc, int code, const char *msg);

/*
 * State of a dispatcher target from the two letters dispatcher.list shows
 * (FLAGS): "disabled" (D), "probing" (I with P: inactive, probed until it
 * answers), "down" (I without P), "trying" (T: failing, still used),
 * "up" (A), "unknown" for anything else (also NULL).
 */
const char *peers_state(const char *flags);

/* 1 when the dispatcher routes calls to a target in state (up, trying). */
int peers_state_up(const char *state);

/*
 * The targets of a dispatcher.list result as a new array, in Kamailio's
 * order (sets by id, targets as listed): {"set", "uri", "name" (attrs
 * name=, or null), "state", "flags", "priority", "weight" (null without
 * attrs), "attrs" (the attrs text, or null), "latency" ({"avg_ms",
 * "std_ms", "est_ms", "max_ms", "timeouts"}, null unless
 * ds_ping_latency_stats)}. NULL only when out of memory.
 */
struct json_object *peers_from_dispatcher(struct json_object *res);

/*
 * Failures per target from an htable.dump result, keys "<uri>::last"
 * ("<SIP code> <unix time>") and "<uri>::count" (an integer, or a string
 * holding one): a new object uri -> {"last_failure": {"code", "at" (ISO
 * 8601 UTC)} or null, "failures": n}. A "::last" value that is not a code
 * 100..699 and a time > 0 counts as none; other keys are ignored. NULL only
 * when out of memory.
 */
struct json_object *peers_failures(struct json_object *res);

/*
 * Give each peer of peers (from peers_from_dispatcher) its "last_failure"
 * and "failures" from fails (from peers_failures; may be NULL: null / 0).
 */
void peers_add_failures(struct json_object *peers, struct json_object *fails);

/*
 * The registrations of a uac.reg_dump result as a new array: {"id"
 * (l_uuid), "username" (r_username), "domain" (r_domain), "registrar"
 * (auth_proxy, else sip:<domain>), "state", "flags", "expires" (seconds
 * asked), "expires_in" (seconds left, null unless registered),
 * "last_register_at" (ISO 8601 of the REGISTER that succeeded, null unless
 * registered)}. state from uac's flags: "disabled" (1), "registered" (4),
 * "registering" (2 or 8: a REGISTER in progress), "failed" (16 alone:
 * tried, not registered, waiting for its retry), "pending" (not tried
 * yet). NULL only when out of memory.
 */
struct json_object *peers_trunks(struct json_object *res);

/* The state name of uac flags (as above). */
const char *peers_trunk_state(int flags);

/*
 * The routing of a ccroute.list result as a new object: {"file",
 * "loaded" (ISO 8601, null when 0), "unmatched", "rules": [{"name",
 * "when", "set", "headers": [strings], "hits", "last_hit" (ISO 8601, null
 * when never)}]}. NULL when res is not an object (or out of memory).
 */
struct json_object *peers_routing(struct json_object *res);

/*
 * The answer of ccroute.test as a new object {"rule" (null when no rule
 * matched), "set" (null likewise), "headers": [strings]}. NULL when res is
 * not an object (or out of memory).
 */
struct json_object *peers_route_test(struct json_object *res);

/* Body of POST /api/v1/routing/test: "context" (object), "node". */
extern const jsonv_field peers_schema_routing_test[];
extern const size_t peers_schema_routing_test_n;

#define PEERS_CTX_MAX		32	/* pairs (iwg_ccroute evaluates 32) */
#define PEERS_CTX_VALUE_MAX 256 /* bytes of one value */
/* the largest "k=v;k=v" text: 32 pairs of key 32, '=', value, ';' */
#define PEERS_CTX_BUF (PEERS_CTX_MAX * (32 + 1 + PEERS_CTX_VALUE_MAX + 1) + 1)

/*
 * The context object of a routing test as ccroute.test's parameter
 * "k=v;k=v" in out[0..size) (size >= PEERS_CTX_BUF). Keys match
 * [a-z][a-z0-9_]{0,31}; a value is a string of at most PEERS_CTX_VALUE_MAX
 * bytes without ';', '=' or control characters, or an integer (written in
 * decimal); at most PEERS_CTX_MAX keys. Returns 0, or -1 with e naming the
 * field ("context.<key>" or "context").
 */
int peers_context_param(struct json_object *ctx, char *out, size_t size,
						jsonv_error *e);

/*
 * Add the families of one node's view {"peers", "trunks", "routing"} to
 * set, each sample labelled with labels (escaped text, e.g. node="kam1")
 * then its own: iwg_peer_up{set,uri} (1 up or trying, else 0),
 * iwg_peer_failures_total{set,uri}, iwg_trunk_registered{trunk},
 * iwg_ccroute_rule_hits_total{rule} and iwg_ccroute_unmatched_total
 * (routing not null). Label values are escaped.
 */
void peers_metrics(metrics_set *set, const char *labels,
				   struct json_object *view);

#endif
