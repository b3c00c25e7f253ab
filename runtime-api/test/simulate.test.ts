// Simulation over HTTP: a document and a scenario give the engine's trace; bad input names the path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, login, template, type TestApp } from './helpers.js';

const scenario = (file: string) =>
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, '..', '..', 'templates', 'crm-customer-pool', 'scenarios', file),
      'utf8',
    ),
  ) as Record<string, unknown>;

describe.each(backends)('simulate (%s)', (backend) => {
  let t: TestApp;
  let member: string;
  const crm = template('crm-customer-pool');

  beforeAll(async () => {
    t = await build(backend);
    await t.app.auth.createUser({ username: 'rep', password: 'rep-password', roles: ['member'] });
    member = await login(t.app, 'rep', 'rep-password');
  });
  afterAll(() => t.close());

  it('runs a template scenario and returns the trace: reminder, release, claim', async () => {
    const res = await call(t.app, member, 'POST', '/api/simulate', {
      document: crm,
      scenario: scenario('01-release-after-30-days.json'),
    });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.failures).toEqual([]);
    const moves = res.body.trace.map(
      (e: { trigger: string; to: string }) => `${e.trigger}->${e.to}`,
    );
    expect(moves).toEqual([
      'start->owned',
      'timer remind->owned',
      'timer release->pool',
      'CLAIM->owned',
    ]);
    expect(res.body.trace[1].notified[0].to).toEqual(['alice']);
    expect(res.body.final).toMatchObject({ state: 'owned', ownerId: 'bob' });
  });

  it('shows a refused claim with its code, and unmet expectations as failures', async () => {
    const res = await call(t.app, member, 'POST', '/api/simulate', {
      document: crm,
      scenario: {
        users: { alice: {}, bob: {} },
        entity: { name: 'ACME' },
        owner: 'alice',
        steps: [
          { at: 'P30D', expect: { state: 'pool' } },
          { at: 'P31D', actor: 'alice', event: { type: 'CLAIM' }, expect: { state: 'owned' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.trace.at(-1).rejected.code).toBe('POOL_ERR_COOLDOWN');
    expect(res.body.failures.map((f: { field: string }) => f.field)).toEqual(['state', 'rejected']);
  });

  it('refuses an invalid policy with its problems as details', async () => {
    const broken = { ...crm, machine: { ...(crm['machine'] as object), initial: 'nowhere' } };
    const res = await call(t.app, member, 'POST', '/api/simulate', {
      document: broken,
      scenario: scenario('01-release-after-30-days.json'),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('POOL_ERR_INVALID_POLICY');
    expect(res.body.error.details).toContainEqual(
      expect.objectContaining({ path: '/document/machine/initial' }),
    );
  });

  it('refuses an invalid scenario, naming the path inside it', async () => {
    const res = await call(t.app, member, 'POST', '/api/simulate', {
      document: crm,
      scenario: { steps: [{ at: 'tomorrow' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      '/scenario/steps/0/at',
    ]);
    expect(res.body.error.message).toContain('/scenario/steps/0/at');

    const missing = await call(t.app, member, 'POST', '/api/simulate', { document: crm });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].path).toBe('/body/scenario');
  });
});
