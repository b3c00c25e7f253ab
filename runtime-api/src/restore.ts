// `npm run restore -- FILE`: makes the embedded database folder (POOLFLOW_DATA_DIR, default ./data) from a
// backup that `GET /api/backup` gave. It writes only into an empty or missing folder, so it never
// overwrites a database (a running server's folder is never empty): move the old folder aside first.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase } from './db/connect.js';
import { exitIfDataDirInUse, LOCK_FILE } from './db/data-dir-lock.js';

const env = process.env;
const stop = (message: string): never => {
  console.error(message);
  process.exit(1);
};

const file = process.argv[2];
if (!file || process.argv.length > 3)
  stop('Usage: npm run restore -- FILE (a poolflow-backup-….tar.gz)');
if (env['DATABASE_URL']) {
  stop(
    'DATABASE_URL is set: restore is for the embedded database. Restore PostgreSQL with its own tools (pg_restore or psql).',
  );
}
const dir = env['POOLFLOW_DATA_DIR'] ?? './data';
const found = statSync(dir, { throwIfNoEntry: false });
if (found && !found.isDirectory()) stop(`POOLFLOW_DATA_DIR (${dir}) is a file, not a folder.`);
if (found && readdirSync(dir).length > 0) {
  stop(
    `POOLFLOW_DATA_DIR (${dir}) is not empty: restore writes only into an empty or new folder. Stop the server, move ${dir} aside, then restore.`,
  );
}
let backup: Buffer;
try {
  backup = readFileSync(file as string);
} catch (e) {
  stop(`Cannot read ${file}: ${(e as Error).message}`);
}

// PGlite unpacks the tar into the folder; a file that is not a backup leaves it as it was (empty).
let unpacked: PGlite | undefined;
try {
  unpacked = await PGlite.create({ dataDir: dir, loadDataDir: new Blob([backup!]) });
  await unpacked.query('SELECT 1');
} catch (e) {
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
  stop(`${file} is not a Poolflow backup (${(e as Error).message}); nothing was written.`);
} finally {
  await unpacked?.close();
}
// The backup holds the lock of the server it was taken from: this folder's lock is taken afresh.
rmSync(join(dir, LOCK_FILE), { force: true });
// Opening runs the migrations: a backup of an older Poolflow is brought up to this one.
const db = await openDatabase({ dataDir: dir }).catch(exitIfDataDirInUse);
const count = async (table: string): Promise<number> =>
  Number(((await db.knex(table).count({ n: '*' })) as { n: number | string }[])[0]?.n ?? 0);
const [users, pools, records] = [
  await count('users'),
  await count('pools'),
  await count('records'),
];
await db.close();
console.log(`Restored ${dir} from ${file}: ${users} users, ${pools} pools, ${records} records.`);
