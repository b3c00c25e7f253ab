// Pool analytics: GET /api/pools/:pool/stats (JSON for the charts, CSV for download).
import type { PoolStats } from './api.types.js';
import { api } from './client.js';

// Generated from schemas/ (api.types.ts).
export type { PoolStats };

export function statsPath(
  pool: string,
  range: { from: string; to: string },
  by: string,
  format: 'json' | 'csv' = 'json',
): string {
  const params = new URLSearchParams({ from: range.from, to: range.to, by });
  if (format === 'csv') params.set('format', 'csv');
  return `/api/pools/${encodeURIComponent(pool)}/stats?${params.toString()}`;
}

export function getStats(
  pool: string,
  range: { from: string; to: string },
  by: string,
): Promise<PoolStats> {
  return api('GET', statsPath(pool, range, by));
}
