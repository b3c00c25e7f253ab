// POOLFLOW_MODULES in the real server: a module named by a path relative to the working directory (as the
// README's Environment table says) is loaded at start, and its custom action is offered to policies.
import { describe, expect, it } from 'vitest';
import { apiCall, serverPerTest } from './server-process.js';

describe('POOLFLOW_MODULES (real server)', () => {
  const servers = serverPerTest('pglite');

  it('loads a module named by a path relative to the working directory, without ./', async () => {
    // The server runs in the test's working directory, the repository root.
    const server = await servers.start(0, {
      POOLFLOW_MODULES: 'runtime-api/test/fixtures/stamp-action.js',
    });
    const token = await server.login();
    const res = await apiCall(server.base, token, 'GET', '/api/actions');
    expect(res.status).toBe(200);
    // It stopped at start: "Cannot find package 'runtime-api/test/fixtures/stamp-action.js'".
    expect((res.body.items as { type: string }[]).map((a) => a.type)).toContain('stamp');
  });
});
