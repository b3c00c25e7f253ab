// Claims racing: 100 reps over 1,000 pooled records through RecordService (random claims, and claim-next)
// against bare conditional UPDATEs racing the same way on an identical copy of the rows.
import { EngineError } from '@poolflow/engine';
import type { Knex } from 'knex';
import { manualClock } from '../../runtime-api/src/services/clock.js';
import { Metrics } from '../../runtime-api/src/services/metrics.js';
import { PolicyStore } from '../../runtime-api/src/services/policy-store.js';
import { RecordService, type Actor } from '../../runtime-api/src/services/record.service.js';
import { formatRate, table, type BenchOutcome } from './harness.js';
import {
  benchSchema,
  envInt,
  ms,
  percentile,
  POOL,
  printCommand,
  seedRecords,
  setupCrmPool,
} from './runtime-harness.js';

interface RaceResult {
  claims: number;
  attempts: number;
  seconds: number;
  latencies: number[];
}

/** Every rep claims until `attempt` says the pool is empty; each attempt's latency is kept. */
async function race(
  reps: number,
  attempt: (rep: number) => Promise<'won' | 'lost' | 'empty'>,
): Promise<RaceResult> {
  const latencies: number[] = [];
  let claims = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: reps }, async (_, rep) => {
      for (;;) {
        const t = performance.now();
        const outcome = await attempt(rep);
        latencies.push(performance.now() - t);
        if (outcome === 'empty') return;
        if (outcome === 'won') claims++;
      }
    }),
  );
  return {
    claims,
    attempts: latencies.length,
    seconds: (performance.now() - started) / 1000,
    latencies,
  };
}

/** Random claims: each rep picks a random record it has not seen taken, until none is left. */
function randomPicker(ids: string[]): { pick(): string | undefined; gone(id: string): void } {
  const open = new Set(ids);
  return {
    pick() {
      if (open.size === 0) return undefined;
      const list = [...open];
      return list[Math.floor(Math.random() * list.length)];
    },
    gone: (id) => void open.delete(id),
  };
}

async function resetRows(knex: Knex, table: 'records' | 'records_bare'): Promise<string[]> {
  // Timers too: records are never deleted, so nothing cascades (migration 016).
  if (table === 'records')
    await knex.raw('TRUNCATE history, claims, notifications, outbox, timers');
  await knex.raw(`DELETE FROM ${table}`);
  await knex.raw(`INSERT INTO ${table} SELECT * FROM records_seed`);
  await knex.raw(`VACUUM ANALYZE ${table}`);
  return (await knex('records_seed').pluck('id')) as string[];
}

export async function runtimeClaimsBench(): Promise<BenchOutcome> {
  const repsCount = envInt('BENCH_CLAIM_REPS', 100);
  const records = envInt('BENCH_CLAIM_RECORDS', 1000);
  const connections = envInt('BENCH_CLAIM_CONNECTIONS', 20);
  printCommand('runtime-claims', {
    BENCH_CLAIM_REPS: repsCount,
    BENCH_CLAIM_RECORDS: records,
    BENCH_CLAIM_CONNECTIONS: connections,
  });
  const db = await benchSchema(connections);
  try {
    const { knex } = db;
    // Limits stay on (checked with the claimant locked) but high enough not to end the race early.
    const { reps } = await setupCrmPool(knex, repsCount, (p) => ({
      ...p,
      claim: { ...p.claim, maxPerDay: records, maxOwned: records },
    }));
    const policies = new PolicyStore(knex);
    const compiled = await policies.get('crm-customer-pool', 1);
    await seedRecords(knex, compiled, records, { owners: [], pooled: true });
    await knex.raw('CREATE TABLE records_seed AS SELECT * FROM records');
    await knex.raw('CREATE TABLE records_bare (LIKE records INCLUDING ALL)');
    const service = new RecordService(knex, policies, manualClock(), new Metrics());
    const actors: Actor[] = reps.map((r, i) => ({
      id: r.id,
      roles: ['member'],
      attributes: { seniority: i % 4 === 0 ? 'senior' : 'junior' },
    }));

    const results: [string, RaceResult][] = [];
    const check = async (name: string, tableName: string, result: RaceResult) => {
      const { rows } = await knex.raw<{ rows: { owned: number }[] }>(
        `SELECT count(*)::int AS owned FROM ${tableName} WHERE owner_id IS NOT NULL`,
      );
      if (result.claims !== records || rows[0].owned !== records)
        throw new Error(`${name}: ${result.claims} claims, ${rows[0].owned} owned of ${records}`);
      results.push([name, result]);
    };

    // Poolflow, random records.
    let ids = await resetRows(knex, 'records');
    let picker = randomPicker(ids);
    await check(
      'RecordService.send CLAIM (random record)',
      'records',
      await race(repsCount, async (rep) => {
        const id = picker.pick();
        if (!id) return 'empty';
        try {
          await service.send(POOL, id, { type: 'CLAIM' }, actors[rep]);
          picker.gone(id);
          return 'won';
        } catch (e) {
          if (e instanceof EngineError && e.code === 'POOL_ERR_TAKEN') {
            picker.gone(id);
            return 'lost';
          }
          throw e;
        }
      }),
    );
    // Bare, random records.
    ids = await resetRows(knex, 'records_bare');
    picker = randomPicker(ids);
    await check(
      'bare UPDATE ... AND owner_id IS NULL (random)',
      'records_bare',
      await race(repsCount, async (rep) => {
        const id = picker.pick();
        if (!id) return 'empty';
        const result = await knex.raw<{ rowCount: number }>(
          'UPDATE records_bare SET owner_id = ? WHERE id = ? AND owner_id IS NULL',
          [reps[rep].id, id],
        );
        picker.gone(id);
        return result.rowCount === 1 ? 'won' : 'lost';
      }),
    );
    // Poolflow, claim-next.
    await resetRows(knex, 'records');
    await check(
      'RecordService.claimNext',
      'records',
      await race(repsCount, async (rep) => {
        try {
          await service.claimNext(POOL, actors[rep]);
          return 'won';
        } catch (e) {
          if (e instanceof EngineError && e.code === 'POOL_ERR_NOT_FOUND') return 'empty';
          throw e;
        }
      }),
    );
    // Bare, claim-next: the best unowned row, SKIP LOCKED.
    await resetRows(knex, 'records_bare');
    await check(
      'bare UPDATE ... (SELECT ... SKIP LOCKED) (next)',
      'records_bare',
      await race(repsCount, async (rep) => {
        const result = await knex.raw<{ rowCount: number }>(
          `UPDATE records_bare SET owner_id = ? WHERE id = (
             SELECT id FROM records_bare WHERE pool_key = ? AND owner_id IS NULL
             ORDER BY score DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)`,
          [reps[rep].id, POOL],
        );
        return result.rowCount === 1 ? 'won' : 'empty';
      }),
    );

    console.log(
      `${repsCount} reps race in one process (${connections} connections) until ${records} pooled ` +
        'records are all taken: random claims retry another record after a 409, claim-next until none ' +
        'is left; the CRM policy with maxPerDay and maxOwned raised so the race, not a limit, ends it',
    );
    console.log('');
    const rows = [['side', 'claims', 'attempts', 'claims/s', 'p50 ms', 'p99 ms']];
    for (const [name, r] of results) {
      rows.push([
        name,
        String(r.claims),
        String(r.attempts),
        formatRate(r.claims / r.seconds),
        ms(percentile(r.latencies, 50)),
        ms(percentile(r.latencies, 99)),
      ]);
    }
    for (const line of table(rows)) console.log(line);
    console.log('');
    const ratio = (a: RaceResult, b: RaceResult) =>
      `${(a.claims / a.seconds / (b.claims / b.seconds)).toFixed(2)}x claims/s, ` +
      `p99 ${ms(percentile(a.latencies, 99))} vs ${ms(percentile(b.latencies, 99))} ms`;
    console.log(`random:     poolflow/bare = ${ratio(results[0][1], results[1][1])}`);
    console.log(`claim-next: poolflow/bare = ${ratio(results[2][1], results[3][1])}`);
    return { ok: true };
  } finally {
    await db.drop();
  }
}
