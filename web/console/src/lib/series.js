// GET /api/v1/series points -> the column arrays uPlot draws (pure).
// SPDX-License-Identifier: GPL-2.0-or-later

const val = (v) => (v === null || v === undefined || Number.isNaN(Number(v)) ? null : Number(v));

// columns(points, ['calls_per_second', ...]) -> [[t...], [a...], ...]
export function columns(points, fields) {
  const pts = Array.isArray(points) ? points : [];
  return [pts.map((p) => Number(p.t)), ...fields.map((f) => pts.map((p) => val(p[f])))];
}

// the newest point (or null)
export function latest(points) {
  return Array.isArray(points) && points.length ? points[points.length - 1] : null;
}

// how many values of a column are numbers (a chart with none is empty)
export function filled(column) {
  return column.filter((v) => v !== null).length;
}
