// Push distribution counts an ASSIGN as the assignee's own claim: their claimant row read (and locked by
// the write's seq check), then the policy's eligibility, cooldown and limits as a claim would meet them.
import { checkClaim, type CompiledPolicy } from '@poolflow/engine';
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
