// Events over HTTP: FOLLOW_UP at concurrency 50 against the real server (app.listen), against a bare
// Fastify + pg route doing the same row update (the record's jsonb) in the same run.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../runtime-api/src/app.js';
import { formatRate, table, type BenchOutcome } from './harness.js';
import {
  BENCH_SECRET,
  benchSchema,
  databaseUrl,
  envInt,
  ms,
  percentile,
  POOL,
  printCommand,
  seedRecords,
  setupCrmPool,
} from './runtime-harness.js';

interface LoadResult {
  seconds: number;
  latencies: number[];
  statuses: Record<string, number>;
}

/** Runs the load generator in its own process and returns what it measured. */
function load(job: object): Promise<LoadResult> {
  const file = join(import.meta.dirname, 'http-load.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    child.stdin.end(JSON.stringify(job));
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as LoadResult)
        : reject(new Error(`load exited ${code}`)),
    );
  });
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

export async function runtimeEventsBench(): Promise<BenchOutcome> {
  const concurrency = envInt('BENCH_HTTP_CONCURRENCY', 50);
  const seconds = envInt('BENCH_HTTP_SECONDS', 10);
  const perRep = 20;
  printCommand('runtime-events', {
    BENCH_HTTP_CONCURRENCY: concurrency,
    BENCH_HTTP_SECONDS: seconds,
  });
  const db = await benchSchema();
  const servers: FastifyInstance[] = [];
  try {
    const { knex, schema } = db;
    const { compiled, reps } = await setupCrmPool(knex, concurrency);
    await seedRecords(knex, compiled, concurrency * perRep, {
      owners: reps.map((r) => r.id),
      pooled: false,
    });
    const owned = (await knex('records').select('id', 'owner_id').orderBy('id')) as {
      id: string;
      owner_id: string;
    }[];
    const byRep = reps.map((r) => owned.filter((o) => o.owner_id === r.id).map((o) => o.id));
    // Request i goes to rep i % concurrency: each connection works one rep's records in turn. The
    // template allows one call per customer in 48 hours and counts a follow-up only with a note
    // other than the last: visits, each record's notes alternating, so each one re-enters owned.
    const notes = ['asked for a quote', 'sent the price list'];
    const order = notes.flatMap((note) =>
      Array.from({ length: perRep }, (_, k) =>
        reps.map((rep, i) => ({ rep, id: byRep[i][k], payload: { channel: 'visit', note } })),
      ).flat(),
    );

    const app = await buildApp({ databaseUrl, schema, clock: 'manual', secret: BENCH_SECRET });
    servers.push(app);
    const appUrl = await listen(app);

    const bare = Fastify();
    servers.push(bare);
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: 10,
      options: `-c search_path=${schema}`,
    });
    bare.addHook('onClose', () => pool.end());
    bare.post<{ Params: { id: string }; Body: { type: string; payload: { note: string } } }>(
      '/bare/records/:id/events',
      async (request) => {
        const { rows } = await pool.query<{ id: string; seq: number }>(
          `UPDATE records SET data = jsonb_set(data, '{lastNote}', to_jsonb($2::text)), seq = seq + 1,
             updated_at = now() WHERE id = $1 RETURNING id, seq`,
          [request.params.id, request.body.payload.note],
        );
        return rows[0];
      },
    );
    const bareUrl = await listen(bare);

    const job = (url: string, path: (id: string) => string) => ({
      url,
      concurrency,
      seconds,
      warmupSeconds: 2,
      requests: order.map(({ rep, id, payload }) => ({
        path: path(id),
        token: rep.token,
        body: { type: 'FOLLOW_UP', payload },
      })),
    });
    const poolflow = await load(job(appUrl, (id) => `/api/pools/${POOL}/records/${id}/events`));
    const bareResult = await load(job(bareUrl, (id) => `/bare/records/${id}/events`));

    console.log(
      `FOLLOW_UP over HTTP, ${concurrency} connections (one rep each, ${perRep} records per rep), ` +
        `${seconds} s after 2 s warm-up; load generator in its own process; PostgreSQL`,
    );
    console.log('');
    const rows = [['server', 'requests', 'non-200', 'req/s', 'p50 ms', 'p99 ms']];
    const line = (name: string, r: LoadResult) => {
      const non200 = Object.entries(r.statuses)
        .filter(([s]) => s !== '200')
        .reduce((n, [, c]) => n + c, 0);
      rows.push([
        name,
        String(r.latencies.length),
        String(non200),
        formatRate(r.latencies.length / r.seconds),
        ms(percentile(r.latencies, 50)),
        ms(percentile(r.latencies, 99)),
      ]);
      return non200;
    };
    const failed =
      line('poolflow POST /api/pools/crm/records/:id/events', poolflow) +
      line('bare Fastify + pg UPDATE of data jsonb', bareResult);
    for (const l of table(rows)) console.log(l);
    console.log('');
    const rate = (r: LoadResult) => r.latencies.length / r.seconds;
    console.log(
      `poolflow/bare = ${(rate(poolflow) / rate(bareResult)).toFixed(2)}x req/s, ` +
        `p99 ${ms(percentile(poolflow.latencies, 99))} vs ${ms(percentile(bareResult.latencies, 99))} ms`,
    );
    return { ok: failed === 0 };
  } finally {
    for (const server of servers) await server.close();
    await db.drop();
  }
}
