// Import throughput: N CSV rows through the streaming importer (checked, engine-started, written whole)
// vs one plain set-based INSERT of the same rows' data into a bare table, in the same run; and the
// schema's floor: a COPY of the very records, timers and history rows the import wrote into empty
// tables with the same indexes and constraints (what the database needs, no checks, no engine); the
// records' duplicate-check keys included (the CRM template checks names and phones).
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import type { PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { importRecords } from '../../runtime-api/src/services/import.service.js';
import { manualClock } from '../../runtime-api/src/services/clock.js';
import { formatRate, table, type BenchOutcome } from './harness.js';
import { benchSchema, envInt, POOL, printCommand, setupCrmPool } from './runtime-harness.js';

const INDUSTRIES = [
  'software',
  'manufacturing',
  'finance',
  'trade',
  'retail',
  'education',
  'other',
];

/** Times COPY FROM of the rows the import wrote (read first with COPY TO) into empty copies of the tables. */
async function copyFloor(knex: Knex): Promise<number> {
  await knex.raw(`CREATE TABLE floor_records (LIKE records INCLUDING ALL);
    CREATE TABLE floor_timers (LIKE timers INCLUDING ALL);
    CREATE TABLE floor_history (LIKE history INCLUDING ALL);
    CREATE TABLE floor_record_keys (LIKE record_keys INCLUDING ALL)`);
  const historyColumns =
    'record_id, pool_key, seq, at, actor_id, event_type, payload, from_state, to_state, owner_from, owner_to, tags, reason';
  const tables: [string, string][] = [
    ['records', '*'],
    ['timers', '*'],
    ['history', historyColumns],
    // The duplicate check's keys (the CRM template checks names and phones): two rows a record.
    ['record_keys', '*'],
  ];
  const conn = (await knex.client.acquireConnection()) as PoolClient;
  try {
    const data: Buffer[][] = [];
    for (const [table, columns] of tables) {
      const chunks: Buffer[] = [];
      await pipeline(
        conn.query(copyTo(`COPY (SELECT ${columns} FROM ${table}) TO STDOUT`)),
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            chunks.push(chunk);
            done();
          },
        }),
      );
      data.push(chunks);
    }
    const t0 = performance.now();
    await conn.query('BEGIN');
    for (const [i, [table, columns]] of tables.entries()) {
      const list = columns === '*' ? '' : ` (${columns})`;
      await pipeline(
        Readable.from(data[i] ?? []),
        conn.query(copyFrom(`COPY floor_${table}${list} FROM STDIN`)),
      );
    }
    await conn.query('COMMIT');
    return performance.now() - t0;
  } finally {
    await knex.client.releaseConnection(conn);
  }
}

export async function importBench(): Promise<BenchOutcome> {
  const n = envInt('BENCH_IMPORT_N', 100_000);
  printCommand('import', { BENCH_IMPORT_N: n });
  const db = await benchSchema();
  try {
    const { compiled, reps } = await setupCrmPool(db.knex, 20);
    const lines = ['name,industry,phone,urgency,level,ownerId'];
    for (let i = 0; i < n; i++) {
      const owner = i % 2 === 0 ? reps[i % reps.length].id : '';
      lines.push(
        `"Customer ${i}, Ltd",${INDUSTRIES[i % 7]},138${String(i).padStart(8, '0')},${i % 6},${'ABC'[i % 3]},${owner}`,
      );
    }
    const csv = `${lines.join('\n')}\n`;
    const actor = { id: reps[0].id, roles: ['manager'], attributes: {} };

    const t0 = performance.now();
    const report = await importRecords(
      db.knex,
      manualClock(),
      compiled,
      POOL,
      'csv',
      Readable.from([csv]),
      actor,
      () => undefined,
    );
    const importMs = performance.now() - t0;
    if (report.imported !== n)
      throw new Error(
        `imported ${report.imported} of ${n}: ${JSON.stringify(report.errors.slice(0, 3))}`,
      );

    // Baseline: the same entity data inserted in 5,000-row set-based statements, no checks, no engine.
    await db.knex.raw(
      'CREATE TABLE bare_import (id bigserial PRIMARY KEY, data jsonb NOT NULL, owner_id text)',
    );
    const rows = lines.slice(1).map((line, i) => ({
      data: {
        name: `Customer ${i}, Ltd`,
        industry: INDUSTRIES[i % 7],
        phone: line.split(',')[3],
        urgency: i % 6,
      },
      owner_id: i % 2 === 0 ? reps[i % reps.length].id : null,
    }));
    const t1 = performance.now();
    for (let i = 0; i < rows.length; i += 5000) {
      await db.knex.raw(
        'INSERT INTO bare_import (data, owner_id) SELECT data, owner_id FROM jsonb_to_recordset(?::jsonb) AS v(data jsonb, owner_id text)',
        [JSON.stringify(rows.slice(i, i + 5000))],
      );
    }
    const bareMs = performance.now() - t1;
    const floorMs = await copyFloor(db.knex);
    const importRate = (n / importMs) * 1000;
    const bareRate = (n / bareMs) * 1000;
    const floorRate = (n / floorMs) * 1000;
    for (const line of table([
      ['', 'rows/s', 'seconds'],
      [
        'poolflow import (CSV -> checked -> engine -> records, timers, history, keys)',
        formatRate(importRate),
        (importMs / 1000).toFixed(1),
      ],
      ['bare INSERT of the same data', formatRate(bareRate), (bareMs / 1000).toFixed(1)],
      [
        'COPY of the rows import wrote (records, timers, history, keys; same indexes)',
        formatRate(floorRate),
        (floorMs / 1000).toFixed(1),
      ],
      ['ratio (import / bare INSERT)', `${(importRate / bareRate).toFixed(2)}x`, ''],
      ['ratio (import / COPY of its rows)', `${(importRate / floorRate).toFixed(2)}x`, ''],
    ])) {
      console.log(line);
    }
    return { ok: true };
  } finally {
    await db.drop();
  }
}
