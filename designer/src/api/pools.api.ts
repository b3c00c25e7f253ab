// Pools for the workspace: the pools one works in, a pool's policy as members see it, its settings.
import { api } from './client.js';

export type Localized = { en: string; zh?: string };
export type Distribution = 'manual' | 'roundRobin' | 'leastLoaded';

export interface Pool {
  key: string;
  name: Localized;
  policyId: string;
  policyVersion: number;
  distribution: Distribution;
  /** IANA time zone: the pool's days (claim limits, analytics) and the dates the workspace shows. */
  timeZone?: string;
  members: { userId: string; role: string; capacity: number | null }[];
}

export interface PoolMember {
  userId: string;
  username: string;
  displayName: string;
  role: string;
  seniority: string | null;
}

/** GET /api/pools/:pool/policy: the parts of the policy a pool member works with. */
export interface PoolPolicy {
  pool: string;
  policyId: string;
  policyVersion: number;
  name: Localized;
  description?: Localized;
  entity: {
    schema: { type: 'object'; properties: Record<string, Record<string, unknown>> };
    titleField?: string;
    maskedInPool: string[];
  };
  events: Record<string, { label?: Localized; payload?: Record<string, unknown> }>;
  states: Record<
    string,
    {
      label?: Localized;
      pooled: boolean;
      final: boolean;
      outcome?: string;
      releaseTimers: string[];
    }
  >;
  initial: string;
  claim: { maxOwned?: number; maxPerDay?: number; previousOwnerCooldownDays?: number };
  members: PoolMember[];
}

const base = (pool: string) => `/api/pools/${encodeURIComponent(pool)}`;

export async function listPools(): Promise<Pool[]> {
  return (await api<{ items: Pool[] }>('GET', '/api/pools')).items;
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
export function distributeNow(pool: string): Promise<{ assigned: number }> {
  return api('POST', `${base(pool)}/distribute`);
}

/** The server's time: the manual clock of a demo may be days ahead of the browser's. */
export async function serverNow(): Promise<number> {
  return Date.parse((await api<{ now: string }>('GET', '/api/clock')).now);
}
