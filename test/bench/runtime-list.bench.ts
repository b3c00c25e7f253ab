// List latency: the top 50 pooled records by score among N (default 1,000,000), through the real route.
import { buildApp } from '../../runtime-api/src/app.js';
import { table, type BenchOutcome } from './harness.js';
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

export async function runtimeListBench(): Promise<BenchOutcome> {
  const n = envInt('BENCH_LIST_N', 1_000_000);
  const rounds = envInt('BENCH_LIST_ROUNDS', 200);
  printCommand('runtime-list', { BENCH_LIST_N: n, BENCH_LIST_ROUNDS: rounds });
  const db = await benchSchema();
  try {
    const { knex, schema } = db;
    const { compiled, reps } = await setupCrmPool(knex, 10);
    const t = performance.now();
    await seedRecords(knex, compiled, n, { owners: [], pooled: true });
    console.log(
      `seeded ${n.toLocaleString('en-US')} pooled records in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const app = await buildApp({ databaseUrl, schema, clock: 'manual', secret: BENCH_SECRET });
    try {
      const token = reps[1].token;
      const get = async (
        url: string,
        etag?: string,
      ): Promise<{ ms: number; body: string; etag: string }> => {
        const started = performance.now();
        const res = await app.inject({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${token}`, ...(etag ? { 'if-none-match': etag } : {}) },
        });
        const elapsed = performance.now() - started;
        if (res.statusCode !== (etag ? 304 : 200))
          throw new Error(`${url}: ${res.statusCode} ${res.body}`);
        return { ms: elapsed, body: res.body, etag: String(res.headers['etag']) };
      };
      const first = `/api/pools/${POOL}/records?view=pool&limit=50`;
      const page = JSON.parse((await get(first)).body) as {
        items: { score: number }[];
        nextCursor: string | null;
      };
      const { rows } = await knex.raw<{ rows: { max: number }[] }>(
        'SELECT max(score) AS max FROM records WHERE pool_key = ? AND pooled',
        [POOL],
      );
      if (page.items.length !== 50 || page.items[0].score !== rows[0].max || !page.nextCursor)
        throw new Error('the first page is not the top 50 by score');
      const second = `${first}&cursor=${page.nextCursor}`;
      // A live list polls the first page with its ETag: unchanged, it is answered 304 before mapping.
      const etag = (await get(first)).etag;
      const sides: [string, string, string?][] = [
        ['GET ...?view=pool&limit=50 (first page)', first],
        ['GET ...&cursor=… (second page)', second],
        ['GET first page, If-None-Match (304, the poll)', first, etag],
      ];
      const rowsOut = [['request', 'rounds', 'p50 ms', 'p95 ms', 'p99 ms']];
      for (const [name, url, tag] of sides) {
        for (let i = 0; i < 20; i++) await get(url, tag);
        const times: number[] = [];
        for (let i = 0; i < rounds; i++) times.push((await get(url, tag)).ms);
        rowsOut.push([
          name,
          String(rounds),
          ms(percentile(times, 50)),
          ms(percentile(times, 95)),
          ms(percentile(times, 99)),
        ]);
      }
      console.log(
        `top 50 pooled records by score among ${n.toLocaleString('en-US')}, app.inject, PostgreSQL`,
      );
      console.log('');
      for (const line of table(rowsOut)) console.log(line);
    } finally {
      await app.close();
    }
    return { ok: true };
  } finally {
    await db.drop();
  }
}
