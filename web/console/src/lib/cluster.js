// The cluster view's reading (pure): GET /api/v1/cluster into table rows
// and a one-line summary that never shows an unknown figure as 0.
// SPDX-License-Identifier: GPL-2.0-or-later

const BADGE = { up: 'badge-ok', degraded: 'badge-warn', down: 'badge-bad' };

// one row per node: state with its badge class, the figure of its kind
// (registrations and calls for Kamailio, media sessions for rtpengine),
// null when unknown (a node down or degraded, or a module not loaded)
export function clusterRows(view) {
  return ((view && view.nodes) || []).map((n) => ({
    name: n.name,
    kind: n.kind,
    state: n.state,
    badge: BADGE[n.state] || 'badge-bad',
    reason: n.reason || null,
    lastSeen: n.last_seen || null,
    registrations: n.kind === 'kamailio' ? n.registrations ?? null : null,
    calls: n.kind === 'kamailio' ? n.calls_active ?? null : null,
    sessions: n.kind === 'rtpengine' ? n.sessions ?? null : null,
    counted: n.state === 'up',
  }));
}

// "2 of 3 nodes up; not counted: kam2 (down)": the totals' coverage
export function clusterCoverage(view) {
  const t = view && view.totals;
  if (!t) return '';
  const up = `${t.nodes_up} of ${t.nodes_total} node${t.nodes_total === 1 ? '' : 's'} up`;
  if (t.complete) return `${up}; every node counted`;
  const state = Object.fromEntries(((view && view.nodes) || []).map((n) => [n.name, n.state]));
  return `${up}; not counted: ${t.not_counted.map((n) => `${n} (${state[n] || 'down'})`).join(', ')}`;
}
