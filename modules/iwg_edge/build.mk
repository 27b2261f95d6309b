# iwg_edge: the access edge's start-up policy (authentication method, the
# open-access warning, secret checks) and its edge.info RPC; Kamailio glue
# over lib/secret
MODULES += iwg_edge
