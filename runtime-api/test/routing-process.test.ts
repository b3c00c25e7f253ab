// The real server (`npm start`, manual clock) routes releases by itself: a record released by its timer
// for the third time is tagged hard and its sweeper moves it to the senior team's pool in that write.
import { describe, expect, it } from 'vitest';
import { backends, template, type Backend } from './helpers.js';
import { apiCall, serverPerTest, within } from './server-process.js';

describe.each(backends)('routing in the real server (%s)', (backend: Backend) => {
  const servers = serverPerTest(backend);

  it("moves a hard record released by its timer to the senior team's pool", async () => {
    const server = await servers.start(0, { POOLFLOW_CLOCK: 'manual' });
    const base = server.base;
    const admin = await server.login();
    const api = (token: string, method: string, path: string, body?: unknown) =>
      apiCall(base, token, method, path, body);
    const ids: Record<string, string> = {};
    const tokens: Record<string, string> = {};
    for (const [name, seniority] of [
      ['ann', 'junior'],
      ['ben', 'junior'],
      ['cat', 'junior'],
      ['sam', 'senior'],
    ] as const) {
      const user = await api(admin, 'POST', '/api/users', {
        username: name,
        password: `${name}-password`,
        attributes: { seniority },
      });
      expect(user.status, JSON.stringify(user.body)).toBe(201);
      ids[name] = user.body.id as string;
      tokens[name] = await server.login(name, `${name}-password`);
    }
    expect(
      (await api(admin, 'POST', '/api/policies', { document: template('crm-customer-pool') }))
        .status,
    ).toBe(201);
    const published = await api(admin, 'POST', '/api/policies/crm-customer-pool/publish', {});
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    for (const [key, members] of [
      ['crm', ['ann', 'ben', 'cat']],
      ['seniors', ['sam']],
    ] as const) {
      const pool = await api(admin, 'POST', '/api/pools', {
        key,
        name: { en: key },
        policyId: 'crm-customer-pool',
        members: members.map((m) => ({ userId: ids[m] })),
      });
      expect(pool.status, JSON.stringify(pool.body)).toBe(201);
    }
    const routing = await api(admin, 'PUT', '/api/pools/crm/routing', {
      rules: [
        {
          name: 'hard-to-seniors',
          when: { in: ['hard', { var: 'instance.tags' }] },
          pool: 'seniors',
          on: ['release'],
        },
      ],
    });
    expect(routing.status, JSON.stringify(routing.body)).toBe(200);
    // Tokens carry pool roles read at login: log in again now that the pools exist.
    for (const name of Object.keys(tokens))
      tokens[name] = await server.login(name, `${name}-password`);

    const created = await api(tokens['ann']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Wuhan Steel Parts', industry: 'manufacturing', phone: '1' },
      ownerId: ids['ann'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const advance = async (days: number) => {
      const res = await api(admin, 'POST', '/api/clock/advance', { days });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    const record = (pool: string) => api(admin, 'GET', `/api/pools/${pool}/records/${id}`);

    // Two releases by the timer in the entrance pool: not hard yet, released where it is.
    for (const claimant of ['ben', 'cat']) {
      await advance(31);
      const released = await within(
        10_000,
        () => record('crm'),
        (r) => r.body.state === 'pool',
      );
      expect(released.body).toMatchObject({ pool: 'crm', state: 'pool', ownerId: null });
      const claim = await api(tokens[claimant]!, 'POST', `/api/pools/crm/records/${id}/claim`);
      expect(claim.status, JSON.stringify(claim.body)).toBe(200);
    }
    // The third release tags it hard; the server's sweeper routes it to the seniors in the same write.
    await advance(31);
    const routed = await within(
      10_000,
      () => record('seniors'),
      (r) => r.status === 200,
    );
    expect(routed.status, JSON.stringify(routed.body)).toBe(200);
    expect(routed.body).toMatchObject({ pool: 'seniors', state: 'pool', ownerId: null });
    expect(routed.body.tags).toContain('hard');
    expect((await record('crm')).status).toBe(404);
    const history = await api(admin, 'GET', `/api/pools/seniors/records/${id}/history`);
    expect(JSON.stringify(history.body)).toContain('"routedBy":"hard-to-seniors"');
    // The senior claims it in their pool.
    const senior = await server.login('sam', 'sam-password');
    const claimed = await api(senior, 'POST', `/api/pools/seniors/records/${id}/claim`);
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
  }, 180_000);
});
