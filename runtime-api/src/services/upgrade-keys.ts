// Unique fields (查重) through a pool's upgrade: the records it moves get the keys of the version they
// move to, in their batch's transaction; the records it leaves where they are (final ones, pinned to
// their version) get them too, in batches after it starts, so a customer won or lost under v1 is still
// one a rep cannot add again under v2. A value another record already holds is counted, not refused.
import type { CompiledPolicy, UniqueKey } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { PolicyStore } from './policy-store.js';
import { keysOf } from './record-keys.js';

/** Final records keyed a transaction when an upgrade starts (README: limits). */
export const STAYER_BATCH = 1000;

/**
 * The keys of an upgrade's batch: each record's keys under the version it moves to, written with the
 * batch. A value another record holds already is no refusal (the record moves, without that key; the
 * first holder keeps it): it is counted, and the upgrade reports the count as `duplicates`.
 */
export class UpgradeKeys {
  readonly #rows: { recordId: string; keys: UniqueKey[] }[] = [];
  /** Whether the versions moved from or to keep unique fields (else there is nothing to write). */
  #unique: boolean;

  /** `held`: the records may hold keys of a version other than their own (final ones, keyStayers). */
  constructor(
    private readonly to: CompiledPolicy,
    held = false,
  ) {
    this.#unique = held || (to.policy.entity.uniqueFields ?? []).length > 0;
  }

  add(from: CompiledPolicy, recordId: string, data: unknown): void {
    if ((from.policy.entity.uniqueFields ?? []).length > 0) this.#unique = true;
    this.#rows.push({ recordId, keys: keysOf(this.to, data) });
  }

  /** Writes the keys of the records that moved (not `stayed`); returns how many share a value. */
  async write(
    trx: Knex.Transaction,
    policyId: string,
    stayed: ReadonlySet<string>,
  ): Promise<number> {
    if (!this.#unique) return 0;
    const rows = this.#rows.filter((r) => !stayed.has(r.recordId));
    const keys = rows.flatMap((r) => r.keys.map((k) => ({ ...k, recordId: r.recordId })));
    const wanted = [
      keys.map((k) => k.recordId),
      keys.map((k) => k.field),
      keys.map((k) => k.value),
    ];
    await trx.raw(
      `DELETE FROM record_keys k WHERE k.record_id = ANY(?::uuid[]) AND NOT EXISTS (
         SELECT 1 FROM unnest(?::uuid[], ?::text[], ?::text[]) AS q(r, f, v)
         WHERE q.r = k.record_id AND q.f = k.field AND q.v = k.value)`,
      [rows.map((r) => r.recordId), ...wanted],
    );
    if (keys.length === 0) return 0;
    // A key neither written now nor the record's own before is another record's value.
    const { rows: counted } = await trx.raw<{ rows: { n: number }[] }>(
      `WITH wanted AS (SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[]) AS q(r, f, v)),
         put AS (
           INSERT INTO record_keys (policy_id, field, value, record_id)
           SELECT ?, f, v, r FROM wanted ON CONFLICT DO NOTHING RETURNING record_id, field, value)
       SELECT count(DISTINCT w.r)::int AS n FROM wanted w
       WHERE NOT EXISTS (SELECT 1 FROM put p WHERE p.record_id = w.r AND p.field = w.f AND p.value = w.v)
         AND NOT EXISTS (SELECT 1 FROM record_keys k
           WHERE k.policy_id = ? AND k.field = w.f AND k.value = w.v AND k.record_id = w.r)`,
      [...wanted, policyId, policyId],
    );
    return counted[0]?.n ?? 0;
  }
}

/**
 * Keys the records of the pool an upgrade leaves on their versions (final ones) under the version it
 * moves to, STAYER_BATCH a transaction; adds the values other records hold to the upgrade's duplicates.
 */
export async function keyStayers(
  db: Knex,
  policies: PolicyStore,
  upgrade: { id: string; pool_key: string; policy_id: string; to_version: number },
): Promise<number> {
  const to = await policies.get(upgrade.policy_id, upgrade.to_version);
  // Nothing to key nor to free: the version keeps no unique fields and no record of the policy has keys.
  if ((to.policy.entity.uniqueFields ?? []).length === 0) {
    const any = await db('record_keys').where({ policy_id: upgrade.policy_id }).first('record_id');
    if (!any) return 0;
  }
  let after = '00000000-0000-0000-0000-000000000000';
  let duplicates = 0;
  for (;;) {
    const rows: { id: string; policy_version: number; data: unknown }[] = await db('records')
      .where({ pool_key: upgrade.pool_key, done: true })
      .whereNot({ policy_version: upgrade.to_version })
      .where('id', '>', after)
      .orderBy('id')
      .limit(STAYER_BATCH)
      .select('id', 'policy_version', 'data');
    if (rows.length === 0) return duplicates;
    after = rows[rows.length - 1]!.id;
    const keyed = new UpgradeKeys(to, true);
    for (const row of rows)
      keyed.add(await policies.get(upgrade.policy_id, row.policy_version), row.id, row.data);
    duplicates += await db.transaction(async (trx) => {
      const n = await keyed.write(trx, upgrade.policy_id, new Set());
      if (n > 0) await trx('pool_upgrades').where({ id: upgrade.id }).increment({ duplicates: n });
      return n;
    });
  }
}
