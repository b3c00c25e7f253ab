// POOLFLOW_TRUST_PROXY in the real server (README, Environment): `true` or the proxy's addresses make login
// limits count per client (X-Forwarded-For); `false` trusts nobody; a value that is neither stops the start
// with a message naming the variable.
import { describe, expect, it } from 'vitest';
import { freePort, serverPerTest, serverStorage, ServerProcess } from './server-process.js';

/** A failed login that says it comes from `client` (through a proxy). */
async function failedLogin(base: string, client: string): Promise<number> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify({ username: `nobody-${client}`, password: 'wrong-password' }),
  });
  return res.status;
}

describe('POOLFLOW_TRUST_PROXY (real server)', () => {
  const servers = serverPerTest('pglite');
  // Two failed logins per address; each attempt uses another username, so only the address limit counts.
  const limits = { POOLFLOW_LOGIN_MAX_PER_ADDRESS: '2' };

  it('with the proxy address, counts failed logins per forwarded client', async () => {
    const server = await servers.start(0, { ...limits, POOLFLOW_TRUST_PROXY: '127.0.0.1' });
    expect(await failedLogin(server.base, '203.0.113.1')).toBe(401);
    expect(await failedLogin(server.base, '203.0.113.1')).toBe(401);
    expect(await failedLogin(server.base, '203.0.113.1')).toBe(429);
    // Another client behind the same proxy is not held back by the first one's failures.
    expect(await failedLogin(server.base, '203.0.113.2')).toBe(401);
  });

  it('with false, trusts no X-Forwarded-For (the server stopped at start: "invalid IP address: false")', async () => {
    const server = await servers.start(0, { ...limits, POOLFLOW_TRUST_PROXY: 'false' });
    expect(await failedLogin(server.base, '203.0.113.1')).toBe(401);
    expect(await failedLogin(server.base, '203.0.113.2')).toBe(401);
    // Both came from 127.0.0.1, whatever the header says.
    expect(await failedLogin(server.base, '203.0.113.3')).toBe(429);
  });

  it('refuses a value that is neither true, false nor addresses, naming the variable', async () => {
    const storage = await serverStorage('pglite');
    try {
      const server = new ServerProcess(await freePort(), {
        ...storage.env,
        POOLFLOW_TRUST_PROXY: 'proxy.internal',
      });
      expect(await server.exited).toBe(1);
      expect(server.lines.join('\n')).toContain(
        "POOLFLOW_TRUST_PROXY must be true, false or the proxy's addresses",
      );
    } finally {
      await storage.cleanup();
    }
  });
});
