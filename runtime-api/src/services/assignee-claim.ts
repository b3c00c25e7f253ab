// Push distribution counts an ASSIGN as the assignee's own claim: their claimant row read (and locked by
// the write's seq check), then the policy's eligibility, cooldown and limits as a claim would meet them.
import { checkClaim, EngineError, type CompiledPolicy } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { RecordRow } from '../db/rows.js';
import { RuntimeError } from '../runtime.error.js';
import { readClaimants, type ClaimantRead } from './event-read.js';
import { readIntegrity, readsIntegrity } from './integrity.js';

/** Refuses an ASSIGN its assignee could not claim (SendOptions.assigneeClaims); counts it as their claim. */
export async function checkAssignee(
  db: Knex | Knex.Transaction,
  row: RecordRow,
  compiled: CompiledPolicy,
  userId: string,
  now: number,
): Promise<ClaimantRead | undefined> {
  if (!compiled.pooledStates.has(row.snapshot.value)) return undefined; // the step refuses it anyway
  const [claimant] = await readClaimants(db, row.pool_key, [userId], now);
  if (!claimant) throw RuntimeError.notFound(`pool ${row.pool_key}`);
  const user = await db('users').where({ id: userId }).first('roles', 'attributes');
  const refusal = checkClaim(compiled, {
    state: row.snapshot.value,
    instance: row.snapshot.instance,
    entity: row.data,
    user: {
      id: userId,
      roles: user?.roles ?? [],
      attributes: user?.attributes ?? {},
      ...(readsIntegrity(compiled) ? { integrity: await readIntegrity(db, userId, now) } : {}),
    },
    now,
    claimant: claimant.stats,
  });
  if (refusal) throw refusal;
  return claimant;
}

/**
 * A record created with an owner counts against the owner's private-pool cap (`claim.maxOwned`) in its
 * pool, as a claim does: a rep cannot get past it by creating records instead of claiming them. The
 * owner's claimant row is bumped first: that locks it against another create until this one commits, and
 * fails the write of any claim that read the owner's counts before (it is stepped again on new counts).
 * Only then are the owned records counted. Eligibility, cooldown and the daily claim limit are a claim's
 * own; a new record meets none of them. Imports are not held to it (README: Import).
 */
export async function requireOwnedRoom(
  trx: Knex.Transaction,
  poolKey: string,
  compiled: CompiledPolicy,
  ownerId: string,
  actorId: string,
): Promise<void> {
  const limit = compiled.policy.claim?.maxOwned;
  if (limit === undefined) return;
  await trx.raw(
    `INSERT INTO claimants (pool_key, user_id, seq) VALUES (?, ?, 1)
     ON CONFLICT (pool_key, user_id) DO UPDATE SET seq = claimants.seq + 1`,
    [poolKey, ownerId],
  );
  const [{ n }] = await trx('records')
    .where({ pool_key: poolKey, owner_id: ownerId, done: false, limit_free: false })
    .count<{ n: number | string }[]>({ n: '*' });
  const owned = Number(n);
  if (owned >= limit) {
    const who = ownerId === actorId ? 'you already own' : `user ${ownerId} already owns`;
    throw new EngineError('POOL_ERR_CLAIM_LIMIT', `${who} ${owned} records (limit ${limit})`, {
      owned,
      limit,
    });
  }
}
