/*
 * hdrmed_rpc.h - RPC commands of iwg_hdrmed: hdrmed.reload, hdrmed.check,
 * hdrmed.stats, hdrmed.discovered, hdrmed.discovered_reset.
 */
#ifndef IWG_HDRMED_RPC_H
#define IWG_HDRMED_RPC_H

#include "core/rpc.h"

extern rpc_export_t hdrmed_rpc_cmds[];

#endif
