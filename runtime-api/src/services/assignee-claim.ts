// An ASSIGN counts as the assignee's own claim (one, bulk, an event, push distribution): their claimant
// row read (and locked by the write's seq check), then the policy's eligibility, cooldown and limits.
import { checkClaim, EngineError, type CompiledPolicy } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { RecordRow } from '../db/rows.js';
import { RuntimeError } from '../runtime.error.js';
import { readClaimants, type ClaimantRead } from './event-read.js';
import { readIntegrity, readsIntegrity } from './integrity.js';

/**
 * Refuses an ASSIGN of a pooled record its assignee could not claim; counts it as their claim. A refusal
 * keeps the claim's code and details; its message names the assignee, unless the actor assigns to self.
 */
export async function checkAssignee(
  db: Knex | Knex.Transaction,
  row: RecordRow,
  compiled: CompiledPolicy,
  userId: string,
  actorId: string,
  now: number,
): Promise<ClaimantRead | undefined> {
  const pooled = compiled.pooledStates.has(row.snapshot.value);
  const maxOwned = compiled.policy.claim?.maxOwned;
  // A held record handed on meets only the assignee's room (maxOwned): cooldowns, eligibility and
  // daily claims are about taking from the pool. Its owner keeping it is no change of room.
  if (!pooled && (maxOwned === undefined || userId === row.owner_id)) return undefined;
  const [claimant] = await readClaimants(db, row.pool_key, [userId], now);
  if (!claimant) throw RuntimeError.notFound(`pool ${row.pool_key}`);
  if (!pooled) {
    const { owned } = claimant.stats;
    if (maxOwned !== undefined && owned >= maxOwned)
      throw await overOwnedLimit(db, userId, actorId, owned, maxOwned);
    // The write is conditional on these counts, as a claim's is: a claim in between steps it again.
    return claimant;
  }
  const user = await db('users')
    .where({ id: userId })
    .first('roles', 'attributes', 'username', 'display_name');
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
  if (refusal && userId !== actorId) throw aboutAssignee(refusal, nameOf(user, userId));
  if (refusal) throw refusal;
  return claimant;
}

interface UserNames {
  username: string;
  display_name: string;
}

/** How a message names a user: "Amy Wong (amy)", "amy" where that is their display name too. */
function nameOf(user: UserNames | undefined, userId: string): string {
  if (!user) return `user ${userId}`;
  const display = user.display_name.trim();
  return display === '' || display === user.username
    ? user.username
    : `${display} (${user.username})`;
}

/** "Amy Wong (amy) already owns 3 records (limit 3)"; without a name, said to the user themselves. */
const ownsMessage = (name: string | null, owned: number, limit: number): string =>
  `${name === null ? 'you already own' : `${name} already owns`} ${owned} records (limit ${limit})`;

/** A claim's refusal said of the assignee, not "you": the same code and details, another message. */
function aboutAssignee(refusal: EngineError, name: string): EngineError {
  const details = (refusal.details ?? {}) as { until?: string; owned?: number; limit?: number };
  const { until = '?', owned = 0, limit = 0 } = details;
  const messages: Partial<Record<EngineError['code'], string>> = {
    POOL_ERR_NOT_ELIGIBLE: `${name} is not eligible to claim this record`,
    POOL_ERR_COOLDOWN: `${name} released this record recently and may not have it again until ${until}`,
    POOL_ERR_CLAIM_LIMIT: ownsMessage(name, owned, limit),
    POOL_ERR_DAILY_LIMIT: `${name} reached ${limit} claims today`,
  };
  const message = messages[refusal.code];
  return message === undefined ? refusal : new EngineError(refusal.code, message, refusal.details);
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
  if (owned >= limit) throw await overOwnedLimit(trx, ownerId, actorId, owned, limit);
}

/** POOL_ERR_CLAIM_LIMIT for `userId`, holding `owned` of `limit`: said to them, or naming them. */
async function overOwnedLimit(
  db: Knex | Knex.Transaction,
  userId: string,
  actorId: string,
  owned: number,
  limit: number,
): Promise<EngineError> {
  const name =
    userId === actorId
      ? null
      : nameOf(await db('users').where({ id: userId }).first('username', 'display_name'), userId);
  return new EngineError('POOL_ERR_CLAIM_LIMIT', ownsMessage(name, owned, limit), { owned, limit });
}
