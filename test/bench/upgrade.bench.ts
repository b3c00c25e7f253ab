// Pool upgrade throughput: N running CRM records moved from v1 to v2 (maxOwned 200 -> 150, as in issue 11) by
// the upgrade worker as the server runs it, next to the sweep's rate on the same records in the same run
// (SweepWorkers releasing them afterwards, on v2), and the dry run's time on the same pool beforehand.
import { Metrics } from '../../runtime-api/src/services/metrics.js';
import { manualClock } from '../../runtime-api/src/services/clock.js';
import { PolicyStore } from '../../runtime-api/src/services/policy-store.js';
import { SweepWorkers } from '../../runtime-api/src/services/sweep-workers.js';
import { UpgradeService } from '../../runtime-api/src/services/upgrade.service.js';
import { formatRate, table, type BenchOutcome } from './harness.js';
import {
  benchSchema,
  databaseUrl,
  envInt,
  POOL,
  printCommand,
  seedRecords,
  setupCrmPool,
} from './runtime-harness.js';

const TARGET_RATIO = 0.5;
const TARGET_DRY_RUN_MS = 2000;

const seconds = (since: number): number => (performance.now() - since) / 1000;

export async function upgradeBench(): Promise<BenchOutcome> {
  const n = envInt('BENCH_UPGRADE_N', 100_000);
  const batch = envInt('BENCH_UPGRADE_BATCH', 1000);
  // PostgreSQL's default in the server: two batches at once per process (services.plugin.ts).
  const parallel = envInt('BENCH_UPGRADE_PARALLEL', 2);
  printCommand('upgrade', {
    BENCH_UPGRADE_N: n,
    BENCH_UPGRADE_BATCH: batch,
    BENCH_UPGRADE_PARALLEL: parallel,
  });
  const db = await benchSchema(4);
  try {
    const { knex } = db;
    const { compiled, reps } = await setupCrmPool(knex, 100);
    let t = performance.now();
    await seedRecords(knex, compiled, n, { owners: reps.map((r) => r.id), pooled: false });
    // Seeding copies 1,000 shapes: give every record its own entry time (up to a second later), so the dry
    // run compares N distinct timer sets, as in a live pool, not 1,000.
    await knex.raw(
      `UPDATE records SET snapshot = jsonb_set(snapshot::jsonb, '{instance,enteredStateAt}',
         to_jsonb((snapshot->'instance'->>'enteredStateAt')::bigint + (random() * 1000)::int))::json`,
    );
    await knex.raw('VACUUM ANALYZE records');
    const v2 = {
      ...compiled.policy,
      version: 2,
      claim: { ...compiled.policy.claim, maxOwned: 150 },
    };
    await knex('policy_versions').insert({
      policy_id: v2.id,
      version: 2,
      document: JSON.stringify(v2),
      published_by: 'bench',
    });
    await knex('policies').where({ id: v2.id }).update({ latest_version: 2 });
    console.log(
      `seed: ${n.toLocaleString('en-US')} CRM records on v1 owned by 100 reps, release timer due, in ${seconds(t).toFixed(1)} s`,
    );

    const upgrades = new UpgradeService(
      knex,
      new PolicyStore(knex),
      manualClock(),
      new Metrics(),
      batch,
      parallel,
    );
    // The dry run, three times (the first compiles v1 and v2 in this process).
    const dryRuns: number[] = [];
    let preview: Awaited<ReturnType<UpgradeService['preview']>> | undefined;
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      preview = await upgrades.preview(POOL, { toVersion: 2, dryRun: true });
      dryRuns.push(seconds(t) * 1000);
    }
    console.log(
      `dry run: ${preview?.total} records, timers ${JSON.stringify(preview?.timers)}, ${preview?.dueAtOnce} due at once, ` +
        `${preview?.problems.length} problems; ${dryRuns.map((ms) => ms.toFixed(0)).join(' / ')} ms`,
    );

    await knex.raw('CHECKPOINT');
    t = performance.now();
    const started = await upgrades.begin(POOL, { toVersion: 2 }, 'bench');
    const moved = await upgrades.runPending();
    const upgradeSeconds = seconds(t);
    const done = await upgrades.get(POOL, started.id);
    const { rows } = await knex.raw<{ rows: { v2: number; migrates: number }[] }>(
      `SELECT (SELECT count(*) FROM records WHERE policy_version = 2)::int AS v2,
         (SELECT count(*) FROM history WHERE event_type = 'MIGRATE')::int AS migrates`,
    );
    if (done.status !== 'done' || rows[0].v2 !== n || rows[0].migrates !== n || moved !== n)
      throw new Error(`the upgrade left work undone: ${JSON.stringify({ ...done, ...rows[0] })}`);

    await knex.raw('CHECKPOINT');
    const threads = new SweepWorkers(
      { databaseUrl, schema: db.schema, clock: 'manual', workers: 2, batchSize: 1000, parallel: 1 },
      new Metrics(),
    );
    let swept: Awaited<ReturnType<SweepWorkers['sweepAll']>>;
    let sweepSeconds: number;
    try {
      await threads.ready();
      t = performance.now();
      swept = await threads.sweepAll();
      sweepSeconds = seconds(t);
    } finally {
      await threads.close();
    }
    if (swept.records !== n) throw new Error(`the sweep released ${swept.records} of ${n}`);

    const upgradeRate = n / upgradeSeconds;
    const sweepRate = swept.records / sweepSeconds;
    console.log('');
    for (const line of table([
      ['side', 'records', 'seconds', 'records/s'],
      [
        `upgrade v1 -> v2 (${parallel} batches of ${batch} at once)`,
        String(n),
        upgradeSeconds.toFixed(1),
        formatRate(upgradeRate),
      ],
      [
        'sweep releasing the same records (2 threads x 1 batch of 1000)',
        String(swept.records),
        sweepSeconds.toFixed(1),
        formatRate(sweepRate),
      ],
    ]))
      console.log(line);
    console.log('');
    const ratio = upgradeRate / sweepRate;
    const best = Math.min(...dryRuns.slice(1));
    const ok = ratio >= TARGET_RATIO && best < TARGET_DRY_RUN_MS;
    console.log(
      `upgrade/sweep = ${ratio.toFixed(2)}x (target >= ${TARGET_RATIO.toFixed(2)}x); dry run ${best.toFixed(0)} ms ` +
        `once warm (target < ${TARGET_DRY_RUN_MS} ms): ${ok ? 'met' : 'NOT met'}`,
    );
    return { ok };
  } finally {
    await db.drop();
  }
}
