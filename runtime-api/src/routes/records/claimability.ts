// Whether the caller may claim each pooled record of a list page, and their limits left, with the
// caller's counts read once per list; plus the page's ETag, so an unchanged page answers 304.
import { createHash } from 'node:crypto';
import { checkClaim, type CompiledPolicy } from '@poolflow/engine';
import { readIntegrity, readsIntegrity } from '../../services/integrity.js';
import type { FastifyInstance } from 'fastify';
import type { PoolRecord, RecordList } from '../../api.types.js';
import type { RecordRow } from '../../db/rows.js';
import { readClaimants } from '../../services/event-read.js';
import type { Actor } from '../../services/record.service.js';

type CanClaim = NonNullable<PoolRecord['canClaim']>;
type Refusable = Exclude<CanClaim, true>['code'];

/** The refusals a list shows before the click; a race (TAKEN) is not known until the click. */
const SHOWN: ReadonlySet<string> = new Set<Refusable>([
  'POOL_ERR_NOT_ELIGIBLE',
  'POOL_ERR_COOLDOWN',
  'POOL_ERR_CLAIM_LIMIT',
  'POOL_ERR_DAILY_LIMIT',
]);

export interface Claimability {
  /** By record id, for the pooled rows of the page. */
  canClaim: Map<string, CanClaim>;
  claimsLeftToday: RecordList['claimsLeftToday'];
  ownedCapacity: RecordList['ownedCapacity'];
}

/** What the caller may claim on a page: one clock read and one claimant read, whatever the page size. */
export async function claimability(
  app: FastifyInstance,
  poolKey: string,
  actor: Actor,
  rows: RecordRow[],
  policyOf: (row: Pick<RecordRow, 'policy_id' | 'policy_version'>) => Promise<CompiledPolicy>,
): Promise<Claimability> {
  const now = await app.clock.now(app.db);
  const [claimant] = await readClaimants(app.db, poolKey, [actor.id], now);
  const stats = claimant?.stats ?? { owned: 0, claimsToday: 0 };
  const current = await policyOf(await app.records.pool(poolKey));
  const rules = current.policy.claim ?? {};
  // A claim rule may read the caller's integrity record (user.integrity): read once for the page.
  const user = readsIntegrity(current)
    ? { ...actor, integrity: await readIntegrity(app.db, actor.id, now) }
    : actor;
  const canClaim = new Map<string, CanClaim>();
  for (const row of rows) {
    if (!row.pooled) continue;
    const refusal = checkClaim(await policyOf(row), {
      state: row.snapshot.value,
      instance: row.snapshot.instance,
      entity: row.data,
      user,
      now,
      claimant: stats,
    });
    if (!refusal || !SHOWN.has(refusal.code)) {
      canClaim.set(row.id, true);
      continue;
    }
    const until = (refusal.details as { until?: unknown } | undefined)?.until;
    canClaim.set(row.id, {
      code: refusal.code as Refusable,
      ...(typeof until === 'string' ? { until } : {}),
    });
  }
  const left = (limit: number | undefined, used: number) =>
    limit === undefined ? null : Math.max(0, limit - used);
  return {
    canClaim,
    claimsLeftToday: left(rules.maxPerDay, stats.claimsToday),
    ownedCapacity: left(rules.maxOwned, stats.owned),
  };
}

/**
 * A weak ETag of a list reply, from what the reply is made of: the caller (masking), the query, each
 * row's id and seq (every write bumps seq; a record taken or moved away leaves the page) and the
 * claimability (a cooldown ending or the day turning changes it). Computed before any row is mapped.
 */
export function listEtag(
  actor: Actor,
  poolKey: string,
  query: unknown,
  rows: RecordRow[],
  claims: Claimability,
): string {
  const hash = createHash('sha1');
  hash.update(JSON.stringify([actor.id, actor.poolRoles?.[poolKey] ?? null, query]));
  for (const row of rows) hash.update(`${row.id}:${row.seq}:${row.policy_version};`);
  hash.update(JSON.stringify([[...claims.canClaim], claims.claimsLeftToday, claims.ownedCapacity]));
  return `W/"${hash.digest('base64url')}"`;
}

/** Whether an If-None-Match header names this ETag (a list of tags, or `*`). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const weak = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || weak(t) === weak(etag));
}
