/*
 * dialogs.h - SIP dialogs of the Kamailio nodes that run the dialog module
 * (JSON-RPC dlg.list / dlg.dlg_list), for joining with rtpengine's
 * per-call media data in /api/v1/calls. A node without the module
 * (jsonrpcs "Method Not Found") or unreachable contributes nothing: the
 * calls view falls back to what rtpengine knows.
 */
#ifndef IWG_ADMIND_DIALOGS_H
#define IWG_ADMIND_DIALOGS_H

#include "conf.h"

struct json_object;

typedef struct dialogs_set {
	/* call-id -> dialog JSON (the first dialog of a call-id) */
	struct json_object *by_callid;
	/* call-ids in dlg.list order, nodes in configuration order */
	struct json_object *order;
	/* per node {"node", "status": ok | no_dialog_module | unavailable |
	 * error [, "message"]} */
	struct json_object *sources;
} dialogs_set;

/* Fill s with the dialogs of every Kamailio node; free with dialogs_free(). */
void dialogs_collect(const conf_settings *c, dialogs_set *s);

/*
 * The dialog of call_id on the first node that has it (dlg.dlg_list), as a
 * new JSON object, or NULL.
 */
struct json_object *dialogs_find(const conf_settings *c, const char *call_id);

/* Dialog of call_id in s (borrowed), or NULL. */
struct json_object *dialogs_get(const dialogs_set *s, const char *call_id);

void dialogs_free(dialogs_set *s);

#endif
