// One process per embedded database folder. A second `npm start` (or `npm run demo`) on the folder of a
// running server used to open it too: each saw only its own writes, and after a restart the users the
// first server had created were gone. Now the second stops with a message naming the first; a server
// killed with -9 leaves a lock the next start takes over by itself.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_MS, LOCK_FILE, placeOf } from '../src/db/data-dir-lock.js';
import {
  ADMIN_PASSWORD,
  apiCall,
  freePort,
  ServerProcess,
  serverStorage,
  within,
} from './server-process.js';

const demoFile = join(import.meta.dirname, '..', 'dist', 'demo.js');

async function usernames(server: ServerProcess): Promise<string[]> {
  const reply = await apiCall(server.base, await server.login(), 'GET', '/api/users');
  expect(reply.status).toBe(200);
  return (reply.body.items as { username: string }[]).map((u) => u.username).sort();
}

describe('the embedded database folder', () => {
  // Four processes on one folder on disk: minutes when the machine is busy.
  it(
    'refuses a second server and the demo while a server runs, and is taken over after kill -9',
    { timeout: 240_000 },
    async () => {
      const storage = await serverStorage('pglite');
      const dataDir = storage.env['POOLFLOW_DATA_DIR'] as string;
      const servers: ServerProcess[] = [];
      const start = async (): Promise<ServerProcess> => {
        const server = new ServerProcess(await freePort(), storage.env);
        servers.push(server);
        return server;
      };
      try {
        const first = await start();
        await first.started();
        const token = await first.login();
        const created = await apiCall(first.base, token, 'POST', '/api/users', {
          username: 'kept',
          password: 'kept-password-123',
          roles: ['member'],
        });
        expect(created.status).toBe(201);

        // The lock names where the server runs and its time moves (the heartbeat another container
        // sharing the folder judges it by: a pid means nothing there).
        const lock = join(dataDir, LOCK_FILE);
        expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({
          pid: first.child.pid,
          place: placeOf(),
        });
        const beat = statSync(lock).mtimeMs;
        expect(
          await within(
            3 * HEARTBEAT_MS,
            () => Promise.resolve(statSync(lock).mtimeMs),
            (m) => m > beat,
          ),
        ).toBeGreaterThan(beat);

        const second = await start();
        expect(await second.exited).toBe(1);
        expect(second.lines.join('\n')).toContain(
          `The embedded database in ${dataDir} is in use by process ${first.child.pid}`,
        );

        const env: NodeJS.ProcessEnv = {
          ...process.env,
          POOLFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD,
          POOLFLOW_DATA_DIR: dataDir,
        };
        delete env['DATABASE_URL'];
        const demo = promisify(execFile)(process.execPath, [demoFile], { env, timeout: 60_000 });
        await expect(demo).rejects.toMatchObject({
          code: 1,
          stderr: expect.stringContaining(`is in use by process ${first.child.pid}`) as unknown,
        });

        // The first server goes on with its data (the demo's users were not written).
        expect(await usernames(first)).toEqual(['admin', 'kept']);

        first.child.kill('SIGKILL');
        await first.exited;
        const third = await start();
        await third.started();
        expect(await usernames(third)).toEqual(['admin', 'kept']);
        await third.stop();
        expect(existsSync(join(dataDir, LOCK_FILE)), 'a clean stop removes the lock').toBe(false);
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
        await storage.cleanup();
      }
    },
  );
});
