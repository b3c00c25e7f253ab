// `npm run demo && npm start`, as the README tells a new user: the demo seeds the embedded database, the
// real server starts on it, and a manager's analytics look like a pool that has been worked for weeks.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, apiCall, serverPerTest } from './server-process.js';

const demoFile = join(import.meta.dirname, '..', 'dist', 'demo.js');

/** `npm run demo` on the server's embedded database (the test's DATABASE_URL is not passed on). */
async function runDemo(serverEnv: Record<string, string>): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...serverEnv,
    POOLFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD,
  };
  delete env['DATABASE_URL'];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--max-semi-space-size=64', demoFile],
    { env, timeout: 150_000 },
  );
  expect(stdout).toMatch(/Seeded \d+ customers in pool "crm"/);
}

describe('the demo in the real server (embedded database)', () => {
  const servers = serverPerTest('pglite');

  it(
    'seeds a pool whose analytics show time in the pool and conversions',
    { timeout: 180_000 },
    async () => {
      const server = await servers.start(0, {}, runDemo);
      const token = await server.login('manager', 'poolflow-demo');
      const stats = await apiCall(server.base, token, 'GET', '/api/pools/crm/stats');
      expect(stats.status).toBe(200);
      // Customers leave the pool every day, after hours in it (reps claim in the afternoon what was
      // released or timed out in the morning), and some of the claimed ones are won.
      expect(stats.body.exits).toBeGreaterThan(20);
      expect(stats.body.medianHoursInPool).toBeGreaterThanOrEqual(5);
      expect(stats.body.conversion.claimed).toBeGreaterThan(20);
      expect(stats.body.conversion.converted).toBeGreaterThan(0);
    },
  );
});

describe('the demo refuses a short password', () => {
  it('stops with a message naming POOLFLOW_DEMO_PASSWORD (or the admin one) and writes nothing', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'poolflow-demo-password-'));
    try {
      for (const [name, extra] of [
        ['POOLFLOW_DEMO_PASSWORD', { POOLFLOW_DEMO_PASSWORD: 'short' }],
        ['POOLFLOW_ADMIN_PASSWORD', { POOLFLOW_ADMIN_PASSWORD: 'admin-short' }],
      ] as const) {
        const dataDir = join(folder, name);
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          POOLFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD,
          POOLFLOW_DATA_DIR: dataDir,
          ...extra,
        };
        delete env['DATABASE_URL'];
        const run = promisify(execFile)(process.execPath, [demoFile], { env, timeout: 60_000 });
        // Demo users were created with the 5-character password (README: passwords have 12 or more).
        await expect(run).rejects.toMatchObject({
          code: 1,
          stderr: expect.stringContaining(`${name} must have at least 12 characters`) as unknown,
        });
        expect(existsSync(dataDir), `${name}: no database was made`).toBe(false);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
