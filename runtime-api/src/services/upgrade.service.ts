// Pool upgrades (DESIGN "Versions"): the pool moves to a newer published version at once, then its running
// records follow in batches, each locked with SKIP LOCKED as the sweep does, so every process may work on
// one upgrade together. A record's `policy_version` says whether it moved: after a crash the batches go on
// where they stopped, and no record moves twice. Each moved record gets one MIGRATE history row.
import { randomUUID } from 'node:crypto';
import { migrateSnapshot, type CompiledPolicy, type PoolSnapshot } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { PoolRow } from '../db/rows.js';
import type { InsertRow } from '../db/tables.js';
import { RuntimeError } from '../runtime.error.js';
import type { Clock } from './clock.js';
import type { Metrics } from './metrics.js';
import type { PolicyStore } from './policy-store.js';
import { OutcomeBatch } from './record-writer.js';
import { keyStayers, previewDuplicates, upgradeDuplicates, UpgradeKeys } from './upgrade-keys.js';
import { upgradeView, type UpgradeRow, type UpgradeView } from './upgrade-view.js';
import { errorOf } from './timer-failures.js';
import {
  moving,
  previewUpgrade,
  type UpgradePreview,
  type UpgradeRequest,
} from './upgrade-plan.js';

const FAILURES_SHOWN = 100;

// Lock the records of one batch; SKIP LOCKED passes over those another process (or a user's event) holds.
// Records that failed in this upgrade are passed over too, or they would be picked again forever.
const BATCH = `SELECT r.id, r.policy_version, r.seq, r.data, r.snapshot FROM records r
  WHERE ${moving('r')}
    AND NOT EXISTS (SELECT 1 FROM pool_upgrade_failures f WHERE f.upgrade_id = ? AND f.record_id = r.id)
  LIMIT ? FOR UPDATE OF r SKIP LOCKED`;

interface BatchRow {
  id: string;
  policy_version: number;
  seq: number;
  data: Record<string, unknown>;
  snapshot: PoolSnapshot;
}

export class UpgradeService {
  #chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Knex,
    private readonly policies: PolicyStore,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly batchSize = 1000,
    private readonly parallel = 1,
  ) {}

  /**
   * The target version, checked: a published version of the pool's policy, newer than the pool's, or the
   * pool's own while some of its running records are still on older versions (records that failed to
   * move in an earlier upgrade are moved by running it again).
   */
  async #target(
    db: Knex | Knex.Transaction,
    pool: PoolRow,
    toVersion: number,
  ): Promise<CompiledPolicy> {
    const behind =
      toVersion === pool.policy_version &&
      (await db('records')
        .where({ pool_key: pool.key, policy_id: pool.policy_id, done: false })
        .where('policy_version', '<', toVersion)
        .first('id')) !== undefined;
    if (toVersion < pool.policy_version || (toVersion === pool.policy_version && !behind)) {
      throw toVersion === pool.policy_version
        ? RuntimeError.invalid(
            '/body/toVersion',
            `pool ${pool.key} runs version ${toVersion} and no running record is on an older one`,
            'version-current',
            { version: toVersion, pool: pool.key },
          )
        : RuntimeError.invalid(
            '/body/toVersion',
            `must not be older than version ${pool.policy_version}, which pool ${pool.key} runs`,
            'version-older',
            { version: toVersion, current: pool.policy_version, pool: pool.key },
          );
    }
    const published = await db('policy_versions')
      .where({ policy_id: pool.policy_id, version: toVersion })
      .first('version');
    if (!published) {
      throw RuntimeError.invalid(
        '/body/toVersion',
        `policy ${pool.policy_id} has no published version ${toVersion}`,
        'no-version',
        { policy: pool.policy_id, version: toVersion },
      );
    }
    return this.policies.get(pool.policy_id, toVersion, db);
  }

  async #pool(db: Knex | Knex.Transaction, key: string, lock: boolean): Promise<PoolRow> {
    const query = db('pools').where({ key });
    if (lock) query.forUpdate();
    const pool = await query.first();
    if (!pool) throw RuntimeError.notFound(`pool ${key}`);
    return pool;
  }

  /** The dry run: what the upgrade would do; nothing is written. */
  async preview(poolKey: string, request: UpgradeRequest): Promise<UpgradePreview> {
    const pool = await this.#pool(this.db, poolKey, false);
    const to = await this.#target(this.db, pool, request.toVersion);
    const now = await this.clock.now(this.db);
    // Both read the pool's records, each in its own statements (on PostgreSQL, on two connections at once).
    const [preview, duplicates] = await Promise.all([
      previewUpgrade(this.db, this.policies, pool, to, request, now),
      previewDuplicates(this.db, pool, to),
    ]);
    preview.duplicates = duplicates;
    const running = await this.#running(this.db, poolKey);
    if (running) preview.problems.unshift(running);
    return preview;
  }

  async #running(db: Knex | Knex.Transaction, poolKey: string) {
    const row = await db('pool_upgrades')
      .where({ pool_key: poolKey, status: 'running' })
      .first('id', 'to_version');
    return row
      ? {
          code: 'upgrade-running',
          message: `upgrade ${row.id} to version ${row.to_version} is still running`,
        }
      : undefined;
  }

  /**
   * Starts an upgrade: refused with 422 POOL_ERR_UPGRADE_REFUSED (the problems as details) when the dry run
   * finds any; otherwise the pool runs `toVersion` from now on and the batches move the records.
   */
  async begin(poolKey: string, request: UpgradeRequest, actorId: string): Promise<UpgradeView> {
    const row = await this.db.transaction(async (trx) => {
      // The pool row locked: two upgrades of one pool cannot both start.
      const pool = await this.#pool(trx, poolKey, true);
      const to = await this.#target(trx, pool, request.toVersion);
      const stateMap = request.stateMap ?? {};
      const now = await this.clock.now(trx);
      // The dry run's own checks, timers included (a delay that fails for some record): the same problems
      // refuse the real run. A running upgrade is checked first: it alone refuses, without the work.
      const running = await this.#running(trx, poolKey);
      const plan = running
        ? { problems: [running], total: 0, fromVersions: [] }
        : await previewUpgrade(trx, this.policies, pool, to, request, now);
      if (plan.problems.length > 0) {
        throw new RuntimeError(
          'POOL_ERR_UPGRADE_REFUSED',
          `the upgrade to version ${to.policy.version} has problems: ${plan.problems.map((p) => p.message).join('; ')}`,
          plan.problems,
        );
      }
      const upgrade = {
        id: randomUUID(),
        pool_key: poolKey,
        policy_id: pool.policy_id,
        to_version: to.policy.version,
        from_versions: JSON.stringify(plan.fromVersions),
        state_map: JSON.stringify(stateMap),
        timers: request.timers ?? 'recompute',
        status: plan.total === 0 ? 'done' : 'running',
        total: plan.total,
        started_by: actorId,
        started_at: new Date(now),
        finished_at: plan.total === 0 ? new Date(now) : null,
      } satisfies InsertRow<'pool_upgrades'>;
      await trx('pool_upgrades').insert(upgrade);
      await trx('pools').where({ key: poolKey }).update({ policy_version: to.policy.version });
      // Read back for the defaults (done, failed); written just above, in this transaction.
      return (await trx('pool_upgrades').where({ id: upgrade.id }).first())!;
    });
    this.metrics.count('poolflow_upgrades_started_total');
    await keyStayers(this.db, this.policies, row);
    return upgradeView(row);
  }

  async get(poolKey: string, id: string): Promise<UpgradeView> {
    const row = await this.db('pool_upgrades').where({ id, pool_key: poolKey }).first();
    if (!row) throw RuntimeError.notFound(`upgrade ${id} of pool ${poolKey}`);
    const failures = await this.db('pool_upgrade_failures')
      .where({ upgrade_id: id })
      .orderBy('at')
      .limit(FAILURES_SHOWN);
    const duplicateRecords = row.duplicates > 0 ? await upgradeDuplicates(this.db, id) : [];
    return {
      ...upgradeView(row),
      ...(failures.length > 0
        ? { failures: failures.map((f) => ({ recordId: f.record_id, error: f.error })) }
        : {}),
      ...(duplicateRecords.length > 0 ? { duplicateRecords } : {}),
    };
  }

  /** The pool's upgrades, latest first (at most 50). */
  async list(poolKey: string): Promise<UpgradeView[]> {
    const rows = await this.db('pool_upgrades')
      .where({ pool_key: poolKey })
      .orderBy('started_at', 'desc')
      .limit(50);
    return rows.map(upgradeView);
  }

  /**
   * Moves the records of every running upgrade until none is left; returns the records moved. Runs one
   * at a time in this process (a call waits for the one in flight, then runs); other processes share the
   * work through SKIP LOCKED.
   */
  runPending(): Promise<number> {
    const run = this.#chain.then(() => this.#runAll());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Starts a run in the background (after an upgrade starts); errors go to `onError`. */
  kick(onError: (e: unknown) => void): void {
    this.runPending().catch(onError);
  }

  async #runAll(): Promise<number> {
    let moved = 0;
    const running = await this.db('pool_upgrades')
      .where({ status: 'running' })
      .orderBy('started_at');
    for (const upgrade of running) {
      const loop = async (): Promise<void> => {
        for (;;) {
          const n = await this.moveBatch(upgrade);
          if (n === 0) return;
          moved += n;
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, this.parallel) }, loop));
      await this.#finishIfDone(upgrade);
    }
    return moved;
  }

  /**
   * Moves one batch of the upgrade's records in one transaction: each record's snapshot migrated, written
   * with its MIGRATE history row by the set-based writer, and the upgrade's counts raised in the same
   * transaction (so they count each record once, crash or not). Returns the records taken (moved or failed).
   */
  async moveBatch(upgrade: UpgradeRow, limit = this.batchSize): Promise<number> {
    return this.db.transaction(async (trx) => {
      const { rows } = await trx
        .raw<{ rows: BatchRow[] }>(BATCH, [
          upgrade.pool_key,
          upgrade.policy_id,
          upgrade.to_version,
          upgrade.id,
          limit,
        ])
        .options({ name: 'poolflow_upgrade_batch_v1' });
      if (rows.length === 0) return 0;
      const now = await this.clock.now(trx);
      const to = await this.policies.get(upgrade.policy_id, upgrade.to_version, trx);
      const batch = new OutcomeBatch(this.metrics);
      const failures: { upgrade_id: string; record_id: string; error: string; at: Date }[] = [];
      const keyed = new UpgradeKeys(to);
      for (const row of rows) {
        try {
          const from = await this.policies.get(upgrade.policy_id, row.policy_version, trx);
          keyed.add(from, row.id, row.data);
          const result = migrateSnapshot(from, to, row.snapshot, {
            entity: row.data,
            now,
            recordId: row.id,
            stateMap: upgrade.state_map,
            timers: upgrade.timers,
          });
          batch.add({
            recordId: row.id,
            poolKey: upgrade.pool_key,
            prevSeq: row.seq,
            entityUnchanged: true,
            steps: [
              {
                result,
                eventType: 'MIGRATE',
                payload: {
                  fromVersion: row.policy_version,
                  toVersion: upgrade.to_version,
                  fromState: result.fromState,
                  toState: result.toState,
                },
                actorId: upgrade.started_by,
                at: now,
              },
            ],
          });
        } catch (e) {
          // A record that cannot move stays on its version, listed with its error; the others go on.
          failures.push({
            upgrade_id: upgrade.id,
            record_id: row.id,
            error: JSON.stringify(errorOf(e)),
            at: new Date(now),
          });
        }
      }
      await batch.write(trx);
      const failedIds = new Set(failures.map((f) => f.record_id));
      const duplicates = await keyed.write(trx, upgrade, failedIds);
      if (failures.length > 0) await trx('pool_upgrade_failures').insert(failures);
      await trx('pool_upgrades')
        .where({ id: upgrade.id })
        .increment({ done: batch.size, failed: failures.length, duplicates });
      this.metrics.count('poolflow_upgraded_records_total', {}, batch.size);
      return rows.length;
    });
  }

  /** Closes the upgrade once no record is left to move (none locked elsewhere either). */
  async #finishIfDone(upgrade: UpgradeRow): Promise<void> {
    const { rows } = await this.db.raw<{ rows: { left: boolean }[] }>(
      `SELECT EXISTS (SELECT 1 FROM records r WHERE ${moving('r')}
         AND NOT EXISTS (SELECT 1 FROM pool_upgrade_failures f WHERE f.upgrade_id = ? AND f.record_id = r.id)) AS left`,
      [upgrade.pool_key, upgrade.policy_id, upgrade.to_version, upgrade.id],
    );
    if (rows[0]?.left) return;
    const now = await this.clock.now(this.db);
    // `total` was counted at the start: records that reached a final state meanwhile stayed where they were.
    await this.db('pool_upgrades')
      .where({ id: upgrade.id, status: 'running' })
      .update({
        status: this.db.raw(`CASE WHEN failed > 0 THEN 'failed' ELSE 'done' END`),
        total: this.db.raw('done + failed'),
        finished_at: new Date(now),
      });
  }

  /** Waits for the run in flight (one kicked off by a route; the job runner waits for its own). */
  async stop(): Promise<void> {
    await this.#chain;
  }
}
