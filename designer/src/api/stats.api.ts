// Pool analytics: GET /api/pools/:pool/stats and /stats/reps (JSON for the page, CSV for download).
import type { PoolStats, RepStats } from './api.types.js';
import { api } from './client.js';

// Generated from schemas/ (api.types.ts).
export type { PoolStats, RepStats };

/** `by`: an entity field with fixed values; undefined: the server's default (industry, else the first). */
export function statsPath(
  pool: string,
  range: { from: string; to: string },
  by: string | undefined,
  format: 'json' | 'csv' = 'json',
  convertDays = 30,
): string {
  const params = new URLSearchParams({ from: range.from, to: range.to });
  if (by !== undefined) params.set('by', by);
  if (convertDays !== 30) params.set('convertDays', String(convertDays));
  if (format === 'csv') params.set('format', 'csv');
  return `/api/pools/${encodeURIComponent(pool)}/stats?${params.toString()}`;
}

export function getStats(
  pool: string,
  range: { from: string; to: string },
  by: string | undefined,
  convertDays = 30,
): Promise<PoolStats> {
  return api('GET', statsPath(pool, range, by, 'json', convertDays));
}

export function repStatsPath(
  pool: string,
  range: { from: string; to: string },
  format: 'json' | 'csv' = 'json',
): string {
  const params = new URLSearchParams({ from: range.from, to: range.to });
  if (format === 'csv') params.set('format', 'csv');
  return `/api/pools/${encodeURIComponent(pool)}/stats/reps?${params.toString()}`;
}

export function getRepStats(pool: string, range: { from: string; to: string }): Promise<RepStats> {
  return api('GET', repStatsPath(pool, range));
}
