// `npm run demo && npm start`, as the README tells a new user: the demo seeds the embedded database, the
// real server starts on it, and a manager's analytics look like a pool that has been worked for weeks.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, freePort, ServerProcess } from './server-process.js';

const demoFile = join(import.meta.dirname, '..', 'dist', 'demo.js');

interface PoolStats {
  exits: number;
  medianHoursInPool: number | null;
  conversion: { claimed: number; converted: number };
}

describe('the demo in the real server (embedded database)', () => {
  let server: ServerProcess | undefined;
  let dir = '';
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'seeds a pool whose analytics show time in the pool and conversions',
    { timeout: 180_000 },
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'poolflow-demo-test-'));
      // The demo seeds the embedded database: the test's DATABASE_URL is not passed on.
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        POOLFLOW_DATA_DIR: dir,
        POOLFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD,
      };
      delete env['DATABASE_URL'];
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--max-semi-space-size=64', demoFile],
        { env, timeout: 150_000 },
      );
      expect(stdout).toMatch(/Seeded \d+ customers in pool "crm"/);

      server = new ServerProcess(await freePort(), { POOLFLOW_DATA_DIR: dir });
      await server.started();
      const token = await server.login('manager', 'poolflow-demo');
      const res = await fetch(`${server.base}/api/pools/crm/stats`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      const stats = (await res.json()) as PoolStats;
      // Customers leave the pool every day, after hours in it (reps claim in the afternoon what was
      // released or timed out in the morning), and some of the claimed ones are won.
      expect(stats.exits).toBeGreaterThan(20);
      expect(stats.medianHoursInPool).toBeGreaterThanOrEqual(5);
      expect(stats.conversion.claimed).toBeGreaterThan(20);
      expect(stats.conversion.converted).toBeGreaterThan(0);
    },
  );
});
