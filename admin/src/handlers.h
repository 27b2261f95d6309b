/*
 * handlers.h - the request handlers named in the route table (routes.c),
 * one file per resource (res_*.c), what several of them share (each
 * function says its file), and the audit log writer (audit.c).
 */
#ifndef IWG_ADMIND_HANDLERS_H
#define IWG_ADMIND_HANDLERS_H

#include "admind.h"
#include "backend.h"

int res_health_healthz(admind_req *r);
int res_health_readyz(admind_req *r);
int res_metrics(admind_req *r);
int res_nodes(admind_req *r);
int res_cluster(admind_req *r);
int res_registrations_list(admind_req *r);
int res_registrations_add(admind_req *r);
int res_registrations_delete(admind_req *r);
int res_calls_list(admind_req *r);
int res_calls_get(admind_req *r);
int res_audit_list(admind_req *r);
int res_hdrmed_discovered(admind_req *r);
int res_hdrmed_reset(admind_req *r);
int res_hdrmed_reload(admind_req *r);
int res_hdrmed_stats(admind_req *r);
int res_identities_list(admind_req *r);
int res_identities_get(admind_req *r);
int res_identities_create(admind_req *r);
int res_identities_replace(admind_req *r);
int res_identities_delete(admind_req *r);
int res_whoami(admind_req *r);
int res_credentials(admind_req *r);
int res_series(admind_req *r);
int res_diagnosis_get(admind_req *r);
int res_peers(admind_req *r);
int res_peers_routing(admind_req *r);
int res_peers_routing_test(admind_req *r);

/*
 * Append a write to the audit stream: time, key id and role of r, action,
 * target, client address and the HTTP status the write ends with. Returns
 * 0, or -1 with e set (the caller decides what the client sees).
 */
int audit_write(admind_req *r, const char *action, const char *target,
				unsigned status, backend_err *e);

/* The same into credential_audit_stream (credentials issued or refused). */
int audit_write_credential(admind_req *r, const char *action,
						   const char *target, unsigned status, backend_err *e);

struct ids_ctx;

/*
 * NG query of call_id on each rtpengine node in turn (res_calls.c): 1 with
 * *reply (free with bencode_doc_free()) and *node (its index), 0 when no
 * node knows the call, -1 with e set and *node the node at fault.
 */
int res_calls_query_any(const conf_settings *c, const char *call_id,
						bencode_doc **reply, int *node, backend_err *e);

/*
 * This thread's identity store (lib/idstore) context (res_identities.c).
 * A kept connection is checked with a PING first (it may predate a Redis
 * restart) and replaced when broken. NULL with e set when Redis cannot be
 * reached.
 */
struct ids_ctx *res_identities_ctx(const conf_settings *c, backend_err *e);

/*
 * After a failed idstore call returning rc: drop a broken connection and
 * answer (503 unavailable, 404 not_found, 409 conflict, 409
 * stored_invalid for a stored mapping that fails validation (field: the
 * stored field, when one is at fault; the connection kept), else 502),
 * the message starting with what.
 */
int res_identities_fail(admind_req *r, struct ids_ctx *ctx, int rc,
						const char *what);

/*
 * The contact-center view of Kamailio node n (res_peers.c): a new object
 * {"peers", "trunks", "routing"} in *view from dispatcher.list,
 * htable.dump peerfail, uac.reg_dump and ccroute.list (peers.h), a module
 * not loaded showing as [] / null. Returns 0, or -1 with e set (and *view
 * NULL) when the node is unreachable or one of them answers another fault.
 */
int res_peers_node_view(const conf_settings *c, const conf_kamailio *n,
						struct json_object **view, backend_err *e);

struct regview_ident;

/*
 * Kamailio node i as far as registrations go (res_registrations.c): whether
 * it shares them (edge.info's cluster_nodes; a node without iwg_edge does
 * not) and, when it does, its SIP listeners (core.sockets_list), into *id
 * and kept in app->regcache. Returns 0, or -1 with e set and *id the last
 * identity kept (known 0 when none).
 */
int res_registrations_ident(const admind_app *app, int i,
							struct regview_ident *id, backend_err *e);

#endif
