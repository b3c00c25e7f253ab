// Shared setup for the runtime benches: a fresh PostgreSQL schema, the CRM pool, reps with tokens, fast seeding.
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compile,
  start,
  step,
  type CompiledPolicy,
  type Policy,
  type PoolSnapshot,
  type StepResult,
} from '@poolflow/engine';
import type { Knex } from 'knex';
import { openDatabase } from '../../runtime-api/src/db/connect.js';
import { searchText } from '../../runtime-api/src/services/record-row.js';
import { AuthService } from '../../runtime-api/src/services/auth.service.js';

export const DAY = 86_400_000;
export const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const BENCH_SECRET = 'bench-secret';
export const POOL = 'crm';
/** "Now" on the manual clock of every bench schema. */
export const NOW = Date.parse('2026-03-02T09:00:00Z');

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

export interface BenchSchema {
  knex: Knex;
  schema: string;
  drop(): Promise<void>;
}

/** A fresh schema with the runtime's migrations; `drop()` removes it and closes the pool. */
export async function benchSchema(poolSize = 10): Promise<BenchSchema> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const { knex } = await openDatabase({ databaseUrl, schema, poolSize });
  return {
    knex,
    schema,
    async drop() {
      await knex.raw(`DROP SCHEMA ${schema} CASCADE`);
      await knex.destroy();
    },
  };
}

export function crmTemplate(): Policy {
  const file = join(
    import.meta.dirname,
    '..',
    '..',
    'templates',
    'crm-customer-pool',
    'policy.json',
  );
  return JSON.parse(readFileSync(file, 'utf8')) as Policy;
}

export interface Rep {
  id: string;
  token: string;
}

/**
 * Publishes the CRM template (optionally changed), opens pool `crm` with `reps` members, each with a
 * bearer token, and sets the manual clock to NOW. Written in SQL: the benches measure other things.
 */
export async function setupCrmPool(
  knex: Knex,
  reps: number,
  change: (policy: Policy) => Policy = (p) => p,
): Promise<{ compiled: CompiledPolicy; reps: Rep[] }> {
  const document = { ...change(crmTemplate()), version: 1 };
  const compiled = compile(document);
  const auth = new AuthService(knex, BENCH_SECRET);
  const list: Rep[] = Array.from({ length: reps }, () => ({
    id: randomUUID(),
    token: randomBytes(24).toString('base64url'),
  }));
  await knex('settings').insert([
    { key: 'clock', value: JSON.stringify({ now: NOW }) },
    { key: 'secret', value: JSON.stringify(BENCH_SECRET) },
  ]);
  await knex('users').insert(
    list.map((rep, i) => ({
      id: rep.id,
      username: `rep${i}`,
      display_name: `Rep ${i}`,
      password_hash: 'scrypt$0$0$0$AAAA$AAAA',
      roles: JSON.stringify(['member']),
      attributes: JSON.stringify({ seniority: i % 4 === 0 ? 'senior' : 'junior' }),
    })),
  );
  await knex('sessions').insert(
    list.map((rep) => ({
      token_hash: auth.tokenHash(rep.token),
      user_id: rep.id,
      expires_at: new Date(Date.now() + DAY),
    })),
  );
  await knex('policies').insert({
    id: document.id,
    name: JSON.stringify(document.name),
    draft: JSON.stringify(document),
    latest_version: 1,
  });
  await knex('policy_versions').insert({
    policy_id: document.id,
    version: 1,
    document: JSON.stringify(document),
    published_by: 'bench',
  });
  await knex('pools').insert({
    key: POOL,
    name: JSON.stringify({ en: 'Customers' }),
    policy_id: document.id,
    policy_version: 1,
  });
  for (let i = 0; i < list.length; i += 1000) {
    await knex('pool_members').insert(
      list.slice(i, i + 1000).map((rep) => ({ pool_key: POOL, user_id: rep.id })),
    );
  }
  return { compiled, reps: list };
}

const INDUSTRIES = [
  'software',
  'manufacturing',
  'finance',
  'trade',
  'retail',
  'education',
  'other',
];
const LEVELS = ['A', 'B', 'C', undefined];

/**
 * Record shapes made by the real engine, one per mix of industry, urgency, level and follow-ups:
 * created 31 to 55 days before NOW, followed up at creation, reminder fired; so each is `owned`
 * with only its release timer pending, and due. With `pooled`, the release has fired too.
 */
function engineShapes(compiled: CompiledPolicy, pooled: boolean): Record<string, unknown>[] {
  const shapes: Record<string, unknown>[] = [];
  for (let k = 0; k < 1000; k++) {
    const level = LEVELS[k % LEVELS.length];
    const entity = {
      name: `Customer ${k}`,
      industry: INDUSTRIES[k % INDUSTRIES.length],
      urgency: Math.floor(k / 7) % 6,
      ...(level ? { level } : {}),
    };
    // Shape k was created k * 34.56 minutes after the first: 1,000 shapes span 24 days.
    const createdAt = NOW - 55 * DAY + k * 2_073_600;
    const user = { id: 'seed-owner' };
    let result: StepResult = start(compiled, { entity, now: createdAt, ownerId: user.id, user });
    const followUps = Math.floor(k / 42) % 12;
    for (let f = 0; f < followUps; f++) {
      // One call (the template allows one in 48 hours), then other channels; a new real note each
      // time, so every follow-up counts as the template's quality rules want.
      const channel = f === 0 ? 'call' : (['visit', 'email', 'wechat'] as const)[f % 3];
      const payload = { channel, note: `seeded follow-up ${f + 1}` };
      const next = step(
        compiled,
        result.snapshot,
        { type: 'FOLLOW_UP', payload },
        { entity, now: createdAt, user },
      );
      result = next;
    }
    const fire = (delay: string): void => {
      const [key, timer] =
        Object.entries(result.snapshot.timers).find(([, t]) => t.delay === delay) ?? [];
      if (!key || !timer) throw new Error(`no ${delay} timer`);
      result = step(
        compiled,
        result.snapshot,
        { type: key, timerKey: key, dueAt: timer.dueAt },
        { entity, now: timer.dueAt },
      );
    };
    fire('remind');
    fire('escalate');
    if (pooled) fire('release');
    const snapshot: PoolSnapshot = result.snapshot;
    shapes.push({
      k,
      state: snapshot.value,
      pooled: result.record.pooled,
      tags: result.record.tags,
      score: result.record.score,
      data: entity,
      snapshot,
      seq: snapshot.seq,
      search: searchText(entity),
      created_at: new Date(createdAt).toISOString(),
      updated_at: new Date(createdAt + 23 * DAY).toISOString(),
    });
  }
  return shapes;
}

/**
 * Seeds `n` CRM records owned round-robin by `owners` (or pooled), with their timers, in set-based SQL:
 * 1,000 engine-made shapes replicated with fresh ids; indexes are dropped meanwhile and rebuilt. Rows are
 * inserted in creation order, as a live pool fills, so due order follows the table's physical order.
 */
export async function seedRecords(
  knex: Knex,
  compiled: CompiledPolicy,
  n: number,
  options: { owners: string[]; pooled: boolean },
): Promise<void> {
  const shapes = engineShapes(compiled, options.pooled);
  await knex.raw(
    `CREATE UNLOGGED TABLE seed_shapes AS SELECT * FROM jsonb_to_recordset(?::jsonb) AS s(k int,
       state text, pooled boolean, tags jsonb, score float8, data jsonb, snapshot jsonb, seq int,
       search text, created_at timestamptz, updated_at timestamptz)`,
    [JSON.stringify(shapes)],
  );
  const owners = options.pooled ? [] : options.owners;
  const indexes = await dropIndexes(knex, ['records', 'timers']);
  const chunk = 250_000;
  for (let from = 0; from < n; from += chunk) {
    const count = Math.min(chunk, n - from);
    await knex.raw(
      `INSERT INTO records (id, pool_key, policy_id, policy_version, state, owner_id, pooled, done, tags,
         score, data, snapshot, seq, search, created_at, updated_at)
       SELECT gen_random_uuid(), ?, ?, ?, s.state, o.owner, s.pooled, false, s.tags, s.score,
         jsonb_set(s.data, '{name}', to_jsonb((s.data->>'name') || ' #' || g.i)),
         (CASE WHEN o.owner IS NULL THEN s.snapshot
              ELSE jsonb_set(s.snapshot, '{instance,ownerId}', to_jsonb(o.owner)) END)::json,
         s.seq, s.search, s.created_at, s.updated_at
       FROM generate_series(?::int, ?::int) AS g(i)
       JOIN seed_shapes s ON s.k = g.i * 1000::bigint / ?::bigint
       LEFT JOIN LATERAL (SELECT (?::text[])[1 + g.i % greatest(cardinality(?::text[]), 1)] AS owner) o ON true`,
      [
        POOL,
        compiled.policy.id,
        compiled.policy.version,
        from,
        from + count - 1,
        n,
        owners,
        owners,
      ],
    );
  }
  await knex.raw(
    `INSERT INTO timers (record_id, timer_key, due_at, event)
     SELECT r.id, t.key, to_timestamp((t.value->>'dueAt')::bigint / 1000.0),
       jsonb_build_object('type', t.key, 'timerKey', t.key, 'dueAt', (t.value->>'dueAt')::bigint)
     FROM records r, json_each(r.snapshot->'timers') AS t(key, value)`,
  );
  // Each record its own name (shape name and number) and, where the policy checks duplicates (the CRM
  // template checks names and phones), its keys, as a create writes them: the data holds the invariant
  // an upgrade or an edit relies on. Values are ASCII without blanks to fold: lower() is uniqueValue.
  const unique = compiled.policy.entity.uniqueFields ?? [];
  if (unique.length > 0)
    await knex.raw(
      `INSERT INTO record_keys (policy_id, field, value, record_id)
       SELECT r.policy_id, f.field, lower(regexp_replace(r.data->>f.field, '\\s+', '', 'g')), r.id
       FROM records r, unnest(?::text[]) AS f(field)
       WHERE r.policy_id = ? AND coalesce(r.data->>f.field, '') <> ''`,
      [unique, compiled.policy.id],
    );
  for (const sql of indexes) await knex.raw(sql);
  await knex.raw('DROP TABLE seed_shapes');
  await knex.raw('VACUUM ANALYZE records');
  await knex.raw('VACUUM ANALYZE timers');
}

/** Drops the tables' secondary indexes and returns the statements that rebuild them. */
async function dropIndexes(knex: Knex, tables: string[]): Promise<string[]> {
  const { rows } = await knex.raw<{ rows: { name: string; sql: string }[] }>(
    `SELECT i.indexname AS name, i.indexdef AS sql FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = ANY(?)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [tables],
  );
  for (const { name } of rows) await knex.raw(`DROP INDEX ${name}`);
  return rows.map((r) => r.sql);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const ms = (value: number): string => value.toFixed(value < 10 ? 2 : 1);

/** Prints the command that reproduces a bench, with the knobs it read from the environment. */
export function printCommand(bench: string, knobs: Record<string, number>): void {
  const env = Object.entries(knobs)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  const url = process.env['DATABASE_URL'] ? 'DATABASE_URL=… ' : '';
  console.log(`command: ${url}${env} npm run bench -- ${bench}`);
  console.log(
    `database: ${databaseUrl.replace(/\/\/[^@]*@/, '//…@')} (a fresh schema, dropped afterwards)`,
  );
  console.log('');
}

/** What a piece of work cost: this process's CPU, the database server's CPU, and the WAL it wrote. */
export interface Cost {
  nodeCpuMs: number;
  /** Null when the server's processes cannot be read (not on this machine, or no /proc). */
  serverCpuMs: number | null;
  walBytes: number;
}

/** CPU milliseconds of every `postgres` process on this machine, by pid (null without /proc). */
function postgresCpu(): Map<string, number> | null {
  try {
    const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
    const cpu = new Map<string, number>();
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
        // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        cpu.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerMs);
      } catch {
        // The process ended meanwhile.
      }
    }
    return cpu.size > 0 ? cpu : null;
  } catch {
    return null;
  }
}

/**
 * Measures `work`'s cost. Server CPU counts every postgres process (backends, WAL writer, checkpointer),
 * so it is only meaningful on a machine where nothing else uses that server at the time.
 */
export async function measureCost<T>(
  knex: Knex,
  work: () => Promise<T>,
): Promise<{ result: T; cost: Cost }> {
  const lsn = async (): Promise<string> =>
    (await knex.raw<{ rows: { lsn: string }[] }>('SELECT pg_current_wal_lsn()::text AS lsn'))
      .rows[0].lsn;
  const walBefore = await lsn();
  const serverBefore = postgresCpu();
  const nodeBefore = process.cpuUsage();
  const result = await work();
  const node = process.cpuUsage(nodeBefore);
  const serverAfter = postgresCpu();
  const walAfter = await lsn();
  let serverCpuMs: number | null = null;
  if (serverBefore && serverAfter) {
    serverCpuMs = 0;
    for (const [pid, ms] of serverAfter) serverCpuMs += ms - (serverBefore.get(pid) ?? 0);
  }
  const { rows } = await knex.raw<{ rows: { bytes: string }[] }>(
    'SELECT pg_wal_lsn_diff(?::pg_lsn, ?::pg_lsn)::text AS bytes',
    [walAfter, walBefore],
  );
  return {
    result,
    cost: {
      nodeCpuMs: (node.user + node.system) / 1000,
      serverCpuMs,
      walBytes: Number(rows[0].bytes),
    },
  };
}
