// Opens the database: PostgreSQL through pg when a URL is given, else embedded PGlite on disk or in memory.
import { mkdirSync } from 'node:fs';
import knexModule, { type Knex } from 'knex';
import { PGlite } from '@electric-sql/pglite';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { migrationSource } from './migrations.js';
// The tables' column types (knex's `Tables`), for every query built on this connection.
import type {} from './tables.js';

// Return bigint counts and ids as numbers and timestamps as Date (pg's defaults would give strings).
pg.types.setTypeParser(20, (v) => Number(v));

export interface DatabaseOptions {
  /** postgres://… : PostgreSQL. Unset: PGlite in `dataDir` (":memory:" keeps it in memory). */
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** PostgreSQL schema to use (created if missing): lets tests share one database. */
  schema?: string | undefined;
  poolSize?: number | undefined;
  /**
   * An in-memory PGlite starts from this data directory image (PGlite's `dumpDataDir`) instead of an
   * empty cluster: the tests start each app from one migrated image (initdb costs seconds), see
   * pgliteImage. The migrations still run on it.
   */
  image?: Blob | undefined;
  /** Run the migrations (default). A sweep worker opens a database its process has migrated. */
  migrate?: boolean | undefined;
}

export interface Database {
  knex: Knex;
  kind: 'postgres' | 'pglite';
  /**
   * PGlite: the whole database as a gzip'd tar of its data directory, taken while it runs (a checkpoint,
   * then the files, with no statement in between). PostgreSQL has its own tools (pg_dump): undefined.
   */
  backup: (() => Promise<Blob>) | undefined;
  close(): Promise<void>;
}

/** How long an idle PostgreSQL connection stays in the pool (README: Runtime, Connections). */
export const POOL_IDLE_MS = 10 * 60_000;

const knexFactory = knexModule as unknown as (config: Knex.Config) => Knex;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let knex: Knex;
  let kind: Database['kind'];
  // Held while an on-disk PGlite is open: a second process on the folder is refused (data-dir-lock.ts).
  let unlock = (): void => undefined;
  let backup: Database['backup'];
  if (options.databaseUrl) {
    kind = 'postgres';
    const schema = options.schema;
    knex = knexFactory({
      client: 'pg',
      // JIT compilation off for the runtime's own sessions: its statements run in milliseconds, and
      // once a table is large enough for the planner's cost to pass jit_above_cost a compile adds
      // 40-90 ms to one (the 90-day per-rep table: 87 ms of its 407 ms on the stats bench). The rollup
      // job, whose statements read weeks of history, turns it on (PostgreSQL's default) in its own
      // transactions.
      connection: { connectionString: options.databaseUrl, options: '-c jit=off' },
      // Idle connections are kept 10 minutes, not tarn's 30 s: a PostgreSQL backend reads the catalog
      // entries of each table, index and function the first time it uses them: on the stats bench a
      // request on fresh connections took 230-340 ms against about 20 ms on warm ones (the bench's
      // 7-day p95 was that, a request now and then meeting a new connection).
      pool: { min: 0, max: options.poolSize ?? 10, idleTimeoutMillis: POOL_IDLE_MS },
      ...(schema ? { searchPath: [schema] } : {}),
    });
    if (schema) {
      if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
      await knex.raw(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    }
  } else {
    kind = 'pglite';
    const dir = options.dataDir ?? './data';
    if (dir !== ':memory:') {
      mkdirSync(dir, { recursive: true });
      unlock = await lockDataDir(dir);
    }
    const image = dir === ':memory:' ? options.image : undefined;
    const pglite = image
      ? await PGlite.create({ loadDataDir: image })
      : new PGlite(dir === ':memory:' ? undefined : dir);
    knex = pgliteKnex({ pglite });
    const db = knex;
    backup = async () => {
      // The checkpoint writes what is only in PGlite's buffers, so the copy needs no recovery; the copy
      // itself runs with no statement in between (dumpDataDir holds PGlite's query lock).
      await db.raw('CHECKPOINT');
      return pglite.dumpDataDir('gzip');
    };
  }
  try {
    if (options.migrate !== false) await knex.migrate.latest({ migrationSource });
  } catch (e) {
    await knex.destroy();
    unlock();
    throw e;
  }
  return {
    knex,
    kind,
    backup,
    async close() {
      await knex.destroy();
      unlock();
    },
  };
}

/** knex on PGlite (knex-pglite's `connection.pglite`: a PGlite of ours, which it closes on destroy). */
function pgliteKnex(connection: { pglite: PGlite }): Knex {
  return knexFactory({ client: ClientPgLite, dialect: 'postgres', connection } as Knex.Config);
}

/** A migrated, empty in-memory database as a data directory image, for `image` (tests make one per run). */
export async function pgliteImage(): Promise<Blob> {
  const pglite = await PGlite.create();
  const knex = pgliteKnex({ pglite });
  try {
    await knex.migrate.latest({ migrationSource });
    return await pglite.dumpDataDir('none');
  } finally {
    await knex.destroy();
  }
}
