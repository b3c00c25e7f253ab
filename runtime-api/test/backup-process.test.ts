// Backups of the embedded database (README, Backups): an admin downloads one from the running server, and
// `npm run restore` makes a database folder of it that a server starts on with the data of that moment.
// There was no way to back up a running embedded database: copying ./data under a running server copies
// files PGlite is writing.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  apiCall,
  freePort,
  poolWithRep,
  REP_PASSWORD,
  ServerProcess,
  serverStorage,
  twoStatePolicy,
} from './server-process.js';

const restoreFile = join(import.meta.dirname, '..', 'dist', 'restore.js');

const policy = twoStatePolicy('backup-pool', 'pool');

/** Runs `npm run restore -- file` into `dataDir`; its exit code and output. */
async function restore(
  dataDir: string,
  file: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, POOLFLOW_DATA_DIR: dataDir };
  delete env['DATABASE_URL'];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [restoreFile, file], {
      env,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function download(
  base: string,
  token: string,
): Promise<{ status: number; type: string | null; name: string | null; body: Buffer }> {
  const res = await fetch(`${base}/api/backup`, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    name: res.headers.get('content-disposition'),
    body: Buffer.from(await res.arrayBuffer()),
  };
}

describe('backup and restore of the embedded database', () => {
  // Two servers and two restores on disk: minutes when the machine is busy.
  it(
    'an admin downloads a backup from the running server; restore brings back that moment',
    { timeout: 240_000 },
    async () => {
      const storage = await serverStorage('pglite');
      const folder = mkdtempSync(join(tmpdir(), 'poolflow-restore-'));
      const servers: ServerProcess[] = [];
      try {
        const first = new ServerProcess(await freePort(), storage.env);
        servers.push(first);
        await first.started();
        const token = await first.login();
        const api = (method: string, path: string, body?: unknown) =>
          apiCall(first.base, token, method, path, body);
        expect((await api('POST', '/api/policies', { document: policy })).status).toBe(201);
        expect((await api('POST', '/api/policies/backup-pool/publish', {})).status).toBe(200);
        await poolWithRep(first.base, token, 'kept', 'backup-pool');
        const create = (name: string) =>
          api('POST', '/api/pools/kept/records', { data: { name } }).then((r) => {
            expect(r.status).toBe(201);
            return r.body.id as string;
          });
        const before = await create('Before the backup');

        const repToken = await first.login('rep', REP_PASSWORD);
        expect((await download(first.base, repToken)).status).toBe(403);
        const backup = await download(first.base, token);
        expect(backup.status).toBe(200);
        expect(backup.type).toBe('application/gzip');
        expect(backup.name).toMatch(
          /^attachment; filename="poolflow-backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.tar\.gz"$/,
        );
        expect(gunzipSync(backup.body).length).toBeGreaterThan(backup.body.length);
        await create('After the backup');
        const file = join(folder, 'backup.tar.gz');
        writeFileSync(file, backup.body);

        // Never over a database: the running server's folder is refused, and left as it was.
        const over = await restore(storage.env['POOLFLOW_DATA_DIR'] as string, file);
        expect(over.code).toBe(1);
        expect(over.stderr).toContain(
          'is not empty: restore writes only into an empty or new folder',
        );
        // A file that is not a backup writes nothing.
        const junk = join(folder, 'junk.tar.gz');
        writeFileSync(junk, 'not a backup');
        const refused = await restore(join(folder, 'junk'), junk);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('is not a Poolflow backup');
        expect(readdirSync(join(folder, 'junk'))).toEqual([]);

        const restoredDir = join(folder, 'restored');
        const restored = await restore(restoredDir, file);
        expect(restored.stderr).toBe('');
        expect(restored.stdout).toContain(
          `Restored ${restoredDir} from ${file}: 2 users, 1 pools, 1 records.`,
        );

        // A server on the restored folder while the first still runs on its own.
        const second = new ServerProcess(await freePort(), { POOLFLOW_DATA_DIR: restoredDir });
        servers.push(second);
        await second.started();
        const again = await second.login('admin', ADMIN_PASSWORD);
        const records = await apiCall(
          second.base,
          again,
          'GET',
          '/api/pools/kept/records?view=all',
        );
        expect(records.status).toBe(200);
        expect(records.body.items.map((r: { id: string }) => r.id)).toEqual([before]);
        expect((await second.login('rep', REP_PASSWORD)).length).toBeGreaterThan(0);
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
        await storage.cleanup();
        rmSync(folder, { recursive: true, force: true });
      }
    },
  );

  it.runIf(process.env['DATABASE_URL'])(
    'on PostgreSQL the server names pg_dump instead',
    async () => {
      const storage = await serverStorage('postgres');
      const server = new ServerProcess(await freePort(), storage.env);
      try {
        await server.started();
        const reply = await download(server.base, await server.login());
        expect(reply.status).toBe(403);
        expect(JSON.parse(reply.body.toString()).error.message).toContain('pg_dump');
      } finally {
        await server.stop();
        await storage.cleanup();
      }
    },
  );
});
