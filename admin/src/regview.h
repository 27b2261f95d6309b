/*
 * regview.h - the registrations of several Kamailio nodes as one set:
 * each contact once, with the node that holds its connection.
 *
 * Nodes that share their registrations (WITH_CLUSTER: DMQ copies every
 * contact to every node; edge.info reports cluster_nodes) each list every
 * contact of the cluster, and a contact's Path names the node holding the
 * browser's connection (<sip:NODE_IP:PORT;...;lr;iwg-flow=...>). Their
 * contacts are one set, de-duplicated by AoR and ruid (usrloc's unique id,
 * which DMQ copies), held by the node whose SIP listener the Path's first
 * URI names. A node that does not share (a single node, the IMS preset)
 * holds every contact it lists; its contacts are never merged with another
 * node's (two independent nodes may make the same ruid).
 *
 * Pure C (json-c, pthreads for the identity cache): the glue that asks
 * the nodes is in res_registrations.c.
 */
#ifndef IWG_ADMIND_REGVIEW_H
#define IWG_ADMIND_REGVIEW_H

#include <stddef.h>

struct json_object;

#define REGVIEW_MAX_ADDRS 16
#define REGVIEW_MAX_NODES 32

/* a SIP address: host (IPv6 without brackets, lower case) and port */
typedef struct regview_addr {
	char host[64];
	unsigned port;
} regview_addr;

/* what a node is, as far as its registrations go */
typedef struct regview_ident {
	int known;	/* 0: never learnt (the node never answered) */
	int shared; /* 1: shares its registrations (edge.info cluster_nodes) */
	int n_addrs;
	regview_addr addrs[REGVIEW_MAX_ADDRS]; /* its SIP listeners */
} regview_ident;

/*
 * The address of the first URI of a Path header value ("<sip:HOST:PORT;
 * lr;...>, ..."; the angle brackets may be missing; a port-less sip: URI
 * is port 5060, sips: 5061) into *a. Returns 0, or -1 when the value does
 * not start with a sip: or sips: URI with a host (a too long host
 * included).
 */
int regview_path_addr(const char *path, regview_addr *a);

/*
 * From Kamailio's edge.info result (a struct with cluster_nodes): id->shared
 * is 1 when cluster_nodes is a non-empty string, else 0; id->known is set.
 */
void regview_ident_edge(struct json_object *info, regview_ident *id);

/*
 * Add the listeners of Kamailio's core.sockets_list result (an array of
 * {"socket": {"address", "port", ...}}) to id, up to REGVIEW_MAX_ADDRS
 * (entries without an address and port are skipped). Returns how many
 * were added.
 */
int regview_ident_sockets(struct json_object *res, regview_ident *id);

typedef struct regview regview;

/*
 * An empty view of n nodes (1..REGVIEW_MAX_NODES) named names[0..n) (the
 * names are copied, truncated to 31 bytes), every identity unknown. NULL
 * when n is out of range or out of memory. Free with regview_free().
 */
regview *regview_new(int n, const char *const *names);

/* Free it (and the references it holds on added dumps); NULL is allowed. */
void regview_free(regview *v);

/* The identity of node i (copied). Ignored when i is out of range. */
void regview_set_ident(regview *v, int i, const regview_ident *id);

/*
 * The contacts of node i's ul.dump result ({"Domains": [{"Domain":
 * {"AoRs": [{"Info": {"AoR", "Contacts": [{"Contact": {...}}]}}]}}]}),
 * of the AoRs that user matches (NULL or "": every AoR; else the AoR
 * itself or its user part before '@'). The view takes a reference on dump
 * (the caller keeps its own). Parts of another shape are skipped. Returns
 * how many contacts were taken, or -1 when dump is NULL, i is out of
 * range, a dump of i was added already, or out of memory (the view is then
 * unchanged).
 */
int regview_add_dump(regview *v, int i, struct json_object *dump,
					 const char *user);

/*
 * Contacts whose connection node i holds, each counted once (a node that
 * does not share: every contact of its dump). NAN when no dump of node i
 * was added.
 */
double regview_held(regview *v, int i);

/* Contacts in node i's dump, duplicates included; NAN without its dump. */
double regview_listed(const regview *v, int i);

/* Distinct contacts over every dump added. */
size_t regview_total(regview *v);

/*
 * The listing: a new array (caller releases it) of {"node": name of the
 * holding node or null (no Path naming a known node: a static contact,
 * a node this view does not know), "aor", "contacts": [each contact once,
 * its keys in snake_case ("Call-ID" -> "call_id")], "listed_by": [names
 * of the nodes whose dump has one of them]}, one per AoR and holding
 * node, sorted by AoR then node (in the order given to regview_new(),
 * null last). With only >= 0 the items held by node only. NULL when out
 * of memory.
 */
struct json_object *regview_items(regview *v, int only);

/*
 * The last identity learnt of each of n nodes, shared by threads (its own
 * mutex). NULL when out of memory; free with regview_cache_free() (NULL
 * allowed).
 */
typedef struct regview_cache regview_cache;
regview_cache *regview_cache_new(int n);
void regview_cache_free(regview_cache *c);

/* Keep id (id->known set) as node i's. Ignored when i is out of range. */
void regview_cache_put(regview_cache *c, int i, const regview_ident *id);

/* Node i's last identity into *id (known 0 when none, c NULL allowed). */
void regview_cache_get(regview_cache *c, int i, regview_ident *id);

#endif
