// Small display helpers (pure).
// SPDX-License-Identifier: GPL-2.0-or-later

export const dash = '—';

export function num(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(Number(v))) return dash;
  return Number(v).toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

// unix seconds -> "2026-01-01 12:00:00" (UTC)
export function time(unix) {
  if (!unix && unix !== 0) return dash;
  const d = new Date(Number(unix) * 1000);
  if (Number.isNaN(d.getTime())) return dash;
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

// seconds -> "1 h 02 min", "3 min 05 s", "42 s"
export function duration(s) {
  if (s === null || s === undefined || s < 0) return dash;
  s = Math.floor(s);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function yesNo(v) {
  if (v === null || v === undefined) return dash;
  return v ? 'yes' : 'no';
}

export function text(v) {
  return v === null || v === undefined || v === '' ? dash : String(v);
}
