// Pools for the workspace: the pools one works in, a pool's policy as members see it, its settings.
import type {
  Clock,
  DistributeReply,
  LocalizedText,
  Pool,
  PoolList,
  PoolMember,
  PoolPolicy,
} from './api.types.js';
import { allPages, api } from './client.js';

// Types generated from schemas/ (api.types.ts).
export type { Pool, PoolMember, PoolPolicy };
export type Localized = LocalizedText;
export type Distribution = Pool['distribution'];

const base = (pool: string) => `/api/pools/${encodeURIComponent(pool)}`;

export function listPools(): Promise<Pool[]> {
  return allPages<PoolList['items'][number]>('/api/pools');
}

export function getPool(pool: string): Promise<Pool> {
  return api('GET', base(pool));
}

export function getPoolPolicy(pool: string, version?: number): Promise<PoolPolicy> {
  return api('GET', `${base(pool)}/policy${version ? `?version=${version}` : ''}`);
}

/** Admins only: how records entering the pool get an owner. */
export function setDistribution(pool: string, distribution: Distribution): Promise<Pool> {
  return api('PATCH', base(pool), { distribution });
}

/** Runs push distribution now over the pooled records; returns how many got an owner. */
export function distributeNow(pool: string): Promise<DistributeReply> {
  return api('POST', `${base(pool)}/distribute`);
}

/** The server's time: the manual clock of a demo may be days ahead of the browser's. */
export async function serverNow(): Promise<number> {
  return Date.parse((await api<Clock>('GET', '/api/clock')).now);
}
