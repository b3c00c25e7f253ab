// The publish gate: a policy's saved scenarios run before a version is written; failing ones refuse it unless forced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, type TestApp } from './helpers.js';

const ID = 'my-crm';
const url = `/api/policies/${ID}`;
/**
 * A half-built "who may claim" rule that blocks every claim of the saved scenarios (their users have no
 * seniority). The issue's own `entity.name == ""` is constant against the entity schema (a required,
 * non-empty name), so validation refuses it before the gate (last test).
 */
const halfBuiltRule = { '==': [{ var: 'user.attributes.seniority' }, ''] };

describe.each(backends)('publish gate (%s)', (backend) => {
  let t: TestApp;
  let clone: Record<string, unknown> & { claim: Record<string, unknown>; scenarios: unknown[] };

  const publish = (body?: unknown) => call(t.app, t.adminToken, 'POST', `${url}/publish`, body);
  const saveDraft = async (document: unknown) =>
    expect((await call(t.app, t.adminToken, 'PUT', `${url}/draft`, { document })).status).toBe(200);
  const latestVersion = async () =>
    ((await call(t.app, t.adminToken, 'GET', url)).body as { latestVersion: number }).latestVersion;

  beforeAll(async () => {
    t = await build(backend);
    // Cloned as the designer's clone dialog does: the template's scenarios saved with the policy.
    const tpl = (await call(t.app, t.adminToken, 'GET', '/api/templates/crm-customer-pool'))
      .body as {
      document: Record<string, unknown>;
      scenarios: { name: string; scenario: Record<string, unknown> }[];
    };
    clone = {
      ...tpl.document,
      id: ID,
      version: 1,
      name: { en: 'My customers' },
      scenarios: tpl.scenarios.map((s) => ({ ...s.scenario, name: s.scenario['name'] ?? s.name })),
    } as unknown as typeof clone;
    expect(clone.scenarios.length).toBeGreaterThan(5);
    expect(
      (await call(t.app, t.adminToken, 'POST', '/api/policies', { document: clone })).status,
    ).toBe(201);
  });
  afterAll(() => t.close());

  it('publishes a policy whose saved scenarios pass, as before', async () => {
    const res = await publish({ message: 'first' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: ID,
      version: 1,
      forced: false,
      failedScenarios: [],
      warnings: [],
    });
  });

  it('refuses a draft whose saved scenarios fail, naming scenario, step and expectation', async () => {
    await saveDraft({ ...clone, claim: { ...clone.claim, eligible: halfBuiltRule } });
    const res = await publish({ message: 'tighter claims' });
    expect(res.status).toBe(422);
    const error = res.body.error as {
      code: string;
      message: string;
      details: {
        scenario: { index: number; name: string };
        step: {
          index: number;
          at: string;
          actor: string;
          event: string;
          rejected?: { code: string };
        };
        expectation: { field: string; expected: unknown; actual: unknown };
        failedExpectations: number;
      }[];
    };
    expect(error.code).toBe('POOL_ERR_SCENARIO_FAILED');
    const total = clone.scenarios.length;
    expect(error.message).toContain(`${error.details.length} of ${total} saved scenarios fail`);
    expect(error.message).toContain('publish anyway with force and a message');
    // The release scenario: bob's claim on day 31 is refused, so the record stays in the pool.
    const release = error.details.find((d) => d.scenario.name.startsWith('Released after 30 days'));
    expect(release).toMatchObject({
      scenario: { index: 0 },
      step: {
        at: 'P31D',
        actor: 'bob',
        event: 'CLAIM',
        rejected: { code: 'POOL_ERR_NOT_ELIGIBLE' },
      },
      expectation: { field: 'state', expected: 'owned', actual: 'pool' },
    });
    expect(release!.failedExpectations).toBeGreaterThan(1);
    expect(error.message).toContain(`scenario "${release!.scenario.name}", step`);
    // One entry per failing scenario; the one that claims nothing passes and is not listed.
    expect(new Set(error.details.map((d) => d.scenario.index)).size).toBe(error.details.length);
    expect(error.details.some((d) => d.scenario.name.startsWith('A won deal'))).toBe(false);

    expect(await latestVersion()).toBe(1);
    expect((await call(t.app, t.adminToken, 'GET', `${url}/versions`)).body.items).toHaveLength(1);
  });

  it('needs a message to publish anyway, and writes nothing without one', async () => {
    for (const body of [{ force: true }, { force: true, message: '  ' }]) {
      const res = await publish(body);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        {
          path: '/body/message',
          message: 'is required when publishing with force',
          code: 'force-message',
          params: {},
        },
      ]);
    }
    expect(await latestVersion()).toBe(1);
  });

  it('publishes anyway with force and a message; the version says it was forced and what failed', async () => {
    const res = await publish({ force: true, message: 'claims frozen during the audit' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ID, version: 2, forced: true });
    const failed = res.body.failedScenarios as { scenario: { name: string } }[];
    expect(failed.length).toBeGreaterThan(0);
    expect(await latestVersion()).toBe(2);

    const list = (await call(t.app, t.adminToken, 'GET', `${url}/versions`)).body.items as {
      version: number;
      forced: boolean;
      message: string;
      failedScenarios: unknown[];
    }[];
    expect(list.map((v) => [v.version, v.forced, v.failedScenarios.length])).toEqual([
      [2, true, failed.length],
      [1, false, 0],
    ]);
    const v2 = (await call(t.app, t.adminToken, 'GET', `${url}/versions/2`)).body;
    expect(v2).toMatchObject({
      version: 2,
      forced: true,
      message: 'claims frozen during the audit',
    });
    expect(v2.failedScenarios).toEqual(res.body.failedScenarios);
    expect(v2.document.claim.eligible).toEqual(halfBuiltRule);
  });

  it('does not mark a forced publish whose scenarios all pass', async () => {
    await saveDraft(clone);
    const res = await publish({ force: true, message: 'rule fixed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 3, forced: false, failedScenarios: [] });
  });

  it('fails a saved scenario that is not a valid scenario, naming where', async () => {
    await saveDraft({ ...clone, scenarios: [...clone.scenarios, { name: 'Broken', steps: [{}] }] });
    const res = await publish({});
    expect(res.status).toBe(422);
    const broken = (res.body.error.details as { scenario: { name: string } }[]).find(
      (d) => d.scenario.name === 'Broken',
    );
    expect(broken).toMatchObject({
      step: null,
      expectation: null,
      error: { code: 'POOL_ERR_INVALID_PAYLOAD' },
    });
    expect(JSON.stringify(broken)).toContain(
      `/document/scenarios/${clone.scenarios.length}/steps/0`,
    );
  });

  it('refuses more scenarios or steps than one publish runs, before running any', async () => {
    const one = clone.scenarios[0] as { steps: unknown[] };
    await saveDraft({ ...clone, scenarios: Array.from({ length: 51 }, () => one) });
    const many = await publish({ force: true, message: 'x' });
    expect(many.status).toBe(400);
    expect(many.body.error.details[0].path).toBe('/document/scenarios');
    expect(many.body.error.message).toContain('at most 50');

    const long = { ...one, steps: Array.from({ length: 401 }, () => ({ at: 'P1D' })) };
    await saveDraft({ ...clone, scenarios: [long, long, long, long, long] });
    const steps = await publish({ force: true, message: 'x' });
    expect(steps.status).toBe(400);
    expect(steps.body.error.message).toContain('2005 steps in all; publishing runs at most 2000');
    expect(await latestVersion()).toBe(3);
  });

  it('refuses the issue\'s half-built rule, entity.name == "", and writes nothing', async () => {
    await saveDraft({
      ...clone,
      claim: { ...clone.claim, eligible: { '==': [{ var: 'entity.name' }, ''] } },
    });
    const res = await publish({ message: 'half-built' });
    // Validation folds it against the schema (a required, non-empty name) before the gate runs.
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(
      expect.objectContaining({ path: '/document/claim/eligible', code: 'rule-constant' }),
    );
    expect(await latestVersion()).toBe(3);
  });
});
