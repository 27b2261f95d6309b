/*
 * ccroute_rpc.h - RPC commands of iwg_ccroute: ccroute.list, ccroute.test,
 * ccroute.reload.
 */
#ifndef IWG_CCROUTE_RPC_H
#define IWG_CCROUTE_RPC_H

#include "core/rpc.h"

extern rpc_export_t ccroute_rpc_cmds[];

#endif
