/*
 * iwg_webrtc: the RPC commands (README.md section 6), registered by
 * mod_init.
 */
#ifndef IWG_WEBRTC_RPC_H
#define IWG_WEBRTC_RPC_H

#include "core/rpc.h"

/* webrtc.list: the stored registrations, one structure each */
extern rpc_export_t webrtc_rpc_cmds[];

#endif
