// Unique fields (查重): the keys a record holds in `record_keys` under its policy version's
// `entity.uniqueFields`. A key is written in the transaction that creates or edits the record; its
// primary key refuses a value another record of the policy holds, so two creates of one customer at
// once cannot both land. A refusal names the record that holds the value (POOL_ERR_DUPLICATE, 409).
import { createHash } from 'node:crypto';
import { uniqueKeys, type CompiledPolicy, type UniqueKey } from '@poolflow/engine';
import type { Knex } from 'knex';
import { RuntimeError } from '../runtime.error.js';

/** A compared value longer than this is kept as its SHA-256 (an index entry's size is bounded). */
export const KEY_VALUE_CHARS = 200;

const stored = (value: string): string =>
  value.length <= KEY_VALUE_CHARS
    ? value
    : `sha256:${createHash('sha256').update(value).digest('hex')}`;

/** The keys of a record's fields under its policy version, with their values as stored. */
export function keysOf(compiled: CompiledPolicy, data: unknown): UniqueKey[] {
  return keysFor(compiled.policy.entity.uniqueFields ?? [], data);
}

/** The keys of a record's `fields`, with their values as stored. */
export function keysFor(fields: readonly string[], data: unknown): UniqueKey[] {
  return uniqueKeys(fields, data).map((k) => ({ field: k.field, value: stored(k.value) }));
}

/** A key as one string (a map's or a set's entry). */
export const keyName = (k: UniqueKey): string => `${k.field}\u0000${k.value}`;

/** The fields a record holds keys for now (its version's, or a later version's set by an upgrade). */
async function heldFields(db: Knex | Knex.Transaction, recordId: string): Promise<string[]> {
  return db('record_keys').where({ record_id: recordId }).distinct().pluck('field');
}

/** A record that holds a value asked for: the field, and where the record is. */
export interface KeyHolder {
  field: string;
  value: string;
  recordId: string;
  poolKey: string;
  ownerId: string | null;
}

/**
 * One key's holder, looked up by the primary key: LIMIT 1 keeps the planner from flattening the lateral
 * into a join, which it ran as a hash join over every key of the policy (and every record) for each
 * batch of an import or a dry run (EXPLAIN: a sequential scan of 100,000 keys, 25 ms a batch of 1,000).
 * Binds the policy id; reads `q.field` and `q.value` of the row it is joined to.
 */
export const KEY_PROBE = `SELECT k.record_id FROM record_keys k
  WHERE k.policy_id = ? AND k.field = q.field AND k.value = q.value LIMIT 1`;

/** The records of a policy that hold any of `keys` (one per key held), other than `except`. */
export async function keyHolders(
  db: Knex | Knex.Transaction,
  policyId: string,
  keys: readonly UniqueKey[],
  except?: string,
): Promise<KeyHolder[]> {
  if (keys.length === 0) return [];
  const { rows } = await db.raw<{ rows: KeyHolder[] }>(
    `SELECT q.field, q.value, k.record_id AS "recordId", r.pool_key AS "poolKey", r.owner_id AS "ownerId"
     FROM unnest(?::text[], ?::text[]) AS q(field, value)
     CROSS JOIN LATERAL (${KEY_PROBE}) k
     CROSS JOIN LATERAL (SELECT r.pool_key, r.owner_id FROM records r WHERE r.id = k.record_id LIMIT 1) r
     WHERE k.record_id <> ?::uuid`,
    [
      keys.map((k) => k.field),
      keys.map((k) => k.value),
      policyId,
      except ?? '00000000-0000-0000-0000-000000000000',
    ],
  );
  return rows;
}

/**
 * The refusal of a value other records hold: one detail per field, naming `<dataPath>/<field>` and the
 * record that holds it (its id, pool and owner: null while it is in the pool), so a rep can open it.
 */
export function duplicateError(holders: readonly KeyHolder[], dataPath: string): RuntimeError {
  const details = holders.map((h) => ({
    path: `${dataPath}/${h.field}`,
    message: `is the same as record ${h.recordId}'s in pool ${h.poolKey}`,
    code: 'duplicate',
    params: { field: h.field, recordId: h.recordId, pool: h.poolKey, ownerId: h.ownerId },
  }));
  const fields = holders.map((h) => h.field).join(', ');
  return new RuntimeError(
    'POOL_ERR_DUPLICATE',
    `another record already has this ${fields}: ${holders[0]?.recordId ?? ''}`,
    details,
  );
}

/**
 * Writes the keys a record holds from now on (`keys`) and lets go of its others; a key another record
 * holds throws duplicateError, and the caller's transaction then writes nothing. Keys the record already
 * holds are kept as they are.
 */
export async function holdKeys(
  trx: Knex.Transaction,
  policyId: string,
  recordId: string,
  keys: readonly UniqueKey[],
  dataPath: string,
): Promise<void> {
  await trx.raw(
    `DELETE FROM record_keys WHERE record_id = ?::uuid
       AND (policy_id, field, value) NOT IN (SELECT ?, f, v FROM unnest(?::text[], ?::text[]) AS q(f, v))`,
    [recordId, policyId, keys.map((k) => k.field), keys.map((k) => k.value)],
  );
  if (keys.length === 0) return;
  await insertKeys(
    trx,
    policyId,
    keys.map((k) => ({ ...k, recordId })),
    'skip-taken',
  );
  await refuseHeld(trx, policyId, keys, dataPath, recordId);
}

/** Throws duplicateError (at `dataPath`) when a record other than `except` holds any of `keys`. */
export async function refuseHeld(
  db: Knex | Knex.Transaction,
  policyId: string,
  keys: readonly UniqueKey[],
  dataPath: string,
  except?: string,
): Promise<void> {
  const taken = await keyHolders(db, policyId, keys, except);
  if (taken.length > 0) throw duplicateError(taken, dataPath);
}

/**
 * An edit's keys, in the transaction of its step: when it changes a unique field of the record's
 * version (`unique`) or one a later version's upgrade keyed it by (a final record), the record holds
 * the values of all those fields as edited (`data`).
 */
export async function holdEditedKeys(
  trx: Knex.Transaction,
  edited: { policyId: string; recordId: string; unique: readonly string[]; data: unknown },
  changed: readonly string[],
): Promise<void> {
  const fields = [...new Set([...edited.unique, ...(await heldFields(trx, edited.recordId))])];
  if (!changed.some((field) => fields.includes(field))) return;
  const keys = keysFor(fields, edited.data);
  await holdKeys(trx, edited.policyId, edited.recordId, keys, '/body/data');
}

/**
 * Inserts records' keys under the policy. A key another record holds fails the statement (and so the
 * transaction), or with `skip-taken` is left out for the caller to check (holdKeys, which names it).
 */
export async function insertKeys(
  trx: Knex.Transaction,
  policyId: string,
  keyed: readonly (UniqueKey & { recordId: string })[],
  taken: 'fail' | 'skip-taken' = 'fail',
): Promise<void> {
  if (keyed.length === 0) return;
  await trx.raw(
    `INSERT INTO record_keys (policy_id, field, value, record_id)
     SELECT ?, f, v, r FROM unnest(?::text[], ?::text[], ?::uuid[]) AS q(f, v, r)
     ${taken === 'skip-taken' ? 'ON CONFLICT DO NOTHING' : ''}`,
    [policyId, keyed.map((k) => k.field), keyed.map((k) => k.value), keyed.map((k) => k.recordId)],
  );
}
