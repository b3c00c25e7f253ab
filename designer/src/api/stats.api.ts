// Pool analytics: GET /api/pools/:pool/stats (JSON for the charts, CSV for download).
import { api } from './client.js';

export interface PoolStats {
  from: string;
  to: string;
  pooledNow: number;
  days: {
    day: string;
    inflow: Record<string, number>;
    outflow: Record<string, number>;
    poolSize: number;
  }[];
  conversion: { claimed: number; converted: number; rate: number | null };
  medianHoursInPool: number | null;
  claimsByUser: { userId: string; claims: number }[];
  breakdown: {
    field: string;
    items: { value: string | null; total: number; pooled: number; converted: number }[];
  };
}

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
