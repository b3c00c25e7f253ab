// Unique fields (查重) through a pool's upgrade: the records it moves get the keys of the version they
// move to, in their batch's transaction; the records it leaves where they are (final ones, pinned to
// their version) get them too, in batches after it starts, so a customer won or lost under v1 is still
// one a rep cannot add again under v2. A value another record already holds is counted, not refused.
import type { CompiledPolicy, UniqueKey } from '@poolflow/engine';
import type { Knex } from 'knex';
import { eachBatch, inSnapshot } from '../db/cursor.js';
import type { PolicyStore } from './policy-store.js';
import { KEY_PROBE, keyName, keysFor, keysOf } from './record-keys.js';

/** Final records keyed a transaction when an upgrade starts (README: limits). */
export const STAYER_BATCH = 1000;

/** A key a record holds, under the policy it was written for. */
interface HeldKey extends UniqueKey {
  policyId: string;
  recordId: string;
}

/**
 * The keys `recordIds` hold, each record's read through record_keys_record. OFFSET 0 keeps the lateral a
 * probe per record: as a join (`record_id = ANY(ids)`, or joined to the ids) the planner took a
 * sequential scan of every key of the table when its statistics were stale or the batch was a large part
 * of it (EXPLAIN at 100,000 records: 13.6 ms a batch of 1,000, growing with the table; probed, 2 ms).
 */
async function heldKeys(db: Knex | Knex.Transaction, recordIds: string[]): Promise<HeldKey[]> {
  const { rows } = await db.raw<{ rows: HeldKey[] }>(
    `SELECT h.policy_id AS "policyId", h.record_id AS "recordId", h.field, h.value
     FROM unnest(?::uuid[]) AS b(id)
     CROSS JOIN LATERAL (
       SELECT k.policy_id, k.record_id, k.field, k.value FROM record_keys k
       WHERE k.record_id = b.id OFFSET 0) h`,
    [recordIds],
  );
  return rows;
}

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

  /**
   * Writes the keys of the records that moved (not `stayed`) and lists those whose value another record
   * holds (pool_upgrade_duplicates, with that record); returns how many share a value. Reads the keys the
   * records hold first and writes only the difference: an upgrade that keeps the unique fields (the usual
   * one) writes no key at all.
   */
  async write(
    trx: Knex.Transaction,
    upgrade: { id: string; policy_id: string },
    stayed: ReadonlySet<string>,
  ): Promise<number> {
    const policyId = upgrade.policy_id;
    if (!this.#unique) return 0;
    const rows = this.#rows.filter((r) => !stayed.has(r.recordId));
    if (rows.length === 0) return 0;
    const held = await heldKeys(
      trx,
      rows.map((r) => r.recordId),
    );
    // Each held key is kept when the version moved to gives the record that value (under this policy),
    // else dropped (another field, another value, another policy).
    const named = (recordId: string, k: UniqueKey): string => `${recordId}\u0000${keyName(k)}`;
    const wantedKeys = new Set(rows.flatMap((r) => r.keys.map((k) => named(r.recordId, k))));
    const kept = new Set<string>();
    const dropped: HeldKey[] = [];
    for (const h of held) {
      const name = named(h.recordId, h);
      if (h.policyId === policyId && wantedKeys.has(name)) kept.add(name);
      else dropped.push(h);
    }
    if (dropped.length > 0) {
      await trx.raw(
        `DELETE FROM record_keys k USING unnest(?::text[], ?::text[], ?::text[], ?::uuid[]) AS d(p, f, v, r)
         WHERE k.policy_id = d.p AND k.field = d.f AND k.value = d.v AND k.record_id = d.r`,
        [
          dropped.map((h) => h.policyId),
          dropped.map((h) => h.field),
          dropped.map((h) => h.value),
          dropped.map((h) => h.recordId),
        ],
      );
    }
    const keys = rows.flatMap((r) =>
      r.keys
        .filter((k) => !kept.has(named(r.recordId, k)))
        .map((k) => ({ ...k, recordId: r.recordId })),
    );
    if (keys.length === 0) return 0;
    const wanted = [
      keys.map((k) => k.recordId),
      keys.map((k) => k.field),
      keys.map((k) => k.value),
    ];
    // A key neither written now nor the record's own before is another record's value: the record
    // that holds it wrote it in this statement (the same batch) or before.
    const { rows: counted } = await trx.raw<{ rows: { n: number }[] }>(
      `WITH wanted AS (SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[]) AS q(r, f, v)),
         put AS (
           INSERT INTO record_keys (policy_id, field, value, record_id)
           SELECT ?, f, v, r FROM wanted ON CONFLICT DO NOTHING RETURNING record_id, field, value),
         shared AS (
           SELECT w.r, w.f, coalesce(
             (SELECT p.record_id FROM put p WHERE p.field = w.f AND p.value = w.v LIMIT 1),
             (SELECT k.record_id FROM record_keys k
              WHERE k.policy_id = ? AND k.field = w.f AND k.value = w.v LIMIT 1)) AS held_by
           FROM wanted w
           WHERE NOT EXISTS (SELECT 1 FROM put p WHERE p.record_id = w.r AND p.field = w.f AND p.value = w.v)
             AND NOT EXISTS (SELECT 1 FROM record_keys k
               WHERE k.policy_id = ? AND k.field = w.f AND k.value = w.v AND k.record_id = w.r)),
         listed AS (
           INSERT INTO pool_upgrade_duplicates (upgrade_id, record_id, field, held_by)
           SELECT ?::uuid, r, f, held_by FROM shared WHERE held_by IS NOT NULL
           ON CONFLICT DO NOTHING)
       SELECT count(DISTINCT r)::int AS n FROM shared`,
      [...wanted, policyId, policyId, policyId, upgrade.id],
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
      const n = await keyed.write(trx, upgrade, new Set());
      if (n > 0) await trx('pool_upgrades').where({ id: upgrade.id }).increment({ duplicates: n });
      return n;
    });
  }
}

/**
 * The dry run's count of the records an upgrade would find sharing a unique value (查重), as the upgrade
 * keys them: the pool's final records, then its moving ones, each in id order, read through a cursor
 * STAYER_BATCH at a time (in a read-only transaction of its own, unless in the caller's); a record counts
 * when a value of it is another record's key already or an earlier one of them has it. Each record is
 * read with the keys it holds: a value it holds itself is no one else's (the primary key), so only the
 * others are looked up, in a second statement that a pool keyed under the same fields rarely needs
 * (profile at 100,000 records: the lookup of every value was half the dry run's database time). One
 * statement a pass, not keyset pages: without fresh statistics (a pool just imported) the planner ran
 * each page as a scan and sort of the whole pool (150,000 records: 33 s instead of 6).
 */
export async function previewDuplicates(
  db: Knex | Knex.Transaction,
  pool: { key: string; policy_id: string },
  to: CompiledPolicy,
): Promise<number> {
  const fields = to.policy.entity.uniqueFields ?? [];
  if (fields.length === 0) return 0;
  return inSnapshot(db, async (trx) => {
    const seen = new Set<string>();
    let duplicates = 0;
    const count = async (
      rows: { id: string; data: unknown; held: Omit<HeldKey, 'recordId'>[] }[],
    ): Promise<void> => {
      // Each record's values other than those it holds itself (held before the upgrade).
      const keyed = rows.map((r) => {
        const own = new Set(r.held.filter((k) => k.policyId === pool.policy_id).map(keyName));
        return keysFor(fields, r.data).filter((k) => !own.has(keyName(k)));
      });
      const others = keyed.flat();
      const holders = new Set<string>();
      if (others.length > 0) {
        const { rows: held } = await trx.raw<{ rows: UniqueKey[] }>(
          `SELECT q.field, q.value FROM unnest(?::text[], ?::text[]) AS q(field, value)
           WHERE EXISTS (${KEY_PROBE})`,
          [others.map((k) => k.field), others.map((k) => k.value), pool.policy_id],
        );
        for (const h of held) holders.add(keyName(h));
      }
      for (const keys of keyed) {
        let shared = false;
        for (const k of keys) {
          const key = keyName(k);
          if (holders.has(key) || seen.has(key)) shared = true;
          seen.add(key);
        }
        if (shared) duplicates++;
      }
    };
    for (const done of [true, false]) {
      // As the upgrade takes them: final records on another version, running ones on an older one. Each
      // with the keys it holds, read by record alone: with the policy too, the planner (without statistics
      // of fresh keys) intersected the record's index entries with every key of the policy.
      await eachBatch(
        trx,
        `SELECT r.id, r.data, COALESCE((SELECT json_agg(json_build_object('policyId', k.policy_id,
             'field', k.field, 'value', k.value)) FROM record_keys k WHERE k.record_id = r.id), '[]') AS held
         FROM records r
         WHERE r.pool_key = ? AND r.policy_id = ? AND r.done = ?
           AND ${done ? 'r.policy_version <> ?' : 'r.policy_version < ?'}
         ORDER BY r.id`,
        [pool.key, pool.policy_id, done, to.policy.version],
        STAYER_BATCH,
        count,
      );
    }
    return duplicates;
  });
}

/** Records of an upgrade listed with the value they share, at most this many in its view. */
export const DUPLICATES_SHOWN = 100;

/**
 * A record an upgrade moved whose unique value another record holds: the field, the record's value of
 * it now (null once edited away) and the record that keeps it.
 */
export interface UpgradeDuplicate {
  recordId: string;
  field: string;
  value: string | null;
  heldBy: string;
  heldByPool: string;
}

/** The records an upgrade found sharing a unique value, oldest first, at most DUPLICATES_SHOWN. */
export async function upgradeDuplicates(db: Knex, upgradeId: string): Promise<UpgradeDuplicate[]> {
  const { rows } = await db.raw<{ rows: UpgradeDuplicate[] }>(
    `SELECT d.record_id AS "recordId", d.field, r.data->>d.field AS value, d.held_by AS "heldBy",
       h.pool_key AS "heldByPool"
     FROM pool_upgrade_duplicates d
     JOIN records r ON r.id = d.record_id JOIN records h ON h.id = d.held_by
     WHERE d.upgrade_id = ? ORDER BY d.record_id, d.field LIMIT ?`,
    [upgradeId, DUPLICATES_SHOWN],
  );
  return rows;
}
