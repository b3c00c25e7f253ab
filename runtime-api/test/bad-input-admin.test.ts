// Bad policies, pools and users (bad rule, taken name, unknown member) get a 400 naming the field.
import { describe, expect, it } from 'vitest';
import { badInputApp, paths } from './bad-input-helpers.js';
import { backends, call, template } from './helpers.js';

describe.each(backends)('bad input (%s)', (backend) => {
  const setup = badInputApp(backend);

  /**
   * Creating `document` is a 400 POOL_ERR_INVALID_POLICY whose details hold `problem` (with what it
   * names, for a client to word it in its own language), and no policy is written.
   */
  const refusedPolicy = async (document: unknown, problem: Record<string, unknown>) => {
    const { t, count } = setup;
    const policies = await count('policies');
    const res = await call(t.app, t.adminToken, 'POST', '/api/policies', { document });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('POOL_ERR_INVALID_POLICY');
    expect(res.body.error.details).toContainEqual(expect.objectContaining(problem));
    expect(await count('policies')).toBe(policies);
  };

  it('refuses a policy using an operator outside the allow-list, naming where', async () => {
    const { t, count } = setup;
    const crm = template('crm-customer-pool');
    const bad = {
      ...crm,
      id: 'sneaky-policy',
      rules: {
        ...(crm['rules'] as object),
        isHard: { method: [{ var: 'entity.name' }, 'constructor'] },
      },
    };
    await refusedPolicy(bad, {
      path: '/document/rules/isHard/method',
      code: 'unknown-operator',
      params: { operator: 'method' },
    });

    // A draft may hold it while being edited, but it can never be published.
    const draft = await call(t.app, t.adminToken, 'PUT', '/api/policies/crm-customer-pool/draft', {
      document: { ...bad, id: 'crm-customer-pool' },
    });
    expect(draft.body.validation.valid).toBe(false);
    const versions = await count('policy_versions');
    const publish = await call(
      t.app,
      t.adminToken,
      'POST',
      '/api/policies/crm-customer-pool/publish',
      {},
    );
    expect(publish.status).toBe(400);
    expect(publish.body.error.code).toBe('POOL_ERR_INVALID_POLICY');
    expect(await count('policy_versions')).toBe(versions);
  });

  it('refuses a business calendar whose time zone is a typo: no version, so no ticket step fails on it', async () => {
    const service = structuredClone(template('service-ticket-pool')) as {
      id: string;
      calendars: { cn: { timeZone: string } };
    };
    service.id = 'typo-zone';
    service.calendars.cn.timeZone = 'Asia/Shangai';
    await refusedPolicy(service, {
      path: '/document/calendars/cn/timeZone',
      code: 'unknown-time-zone',
      params: { calendar: 'cn', timeZone: 'Asia/Shangai' },
    });
  });

  it('names /body/<field> when a key, username or policy id is taken, or a pool member or version is unknown', async () => {
    const { t, ids, count } = setup;
    const pools = await count('pools');
    const taken = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'crm',
      name: { en: 'Again' },
      policyId: 'crm-customer-pool',
    });
    expect(taken.status).toBe(400);
    expect(paths(taken.body)).toEqual(['/body/key']);
    // Each carries a code and its values, so a client can say it in its language.
    const detail = (body: { error: { details: unknown[] } }) => body.error.details[0];
    expect(detail(taken.body)).toMatchObject({ code: 'key-taken', params: { value: 'crm' } });
    const ghost = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'ghosts',
      name: { en: 'Ghosts' },
      policyId: 'crm-customer-pool',
      members: [{ userId: ids['alice'] }, { userId: 'ghost' }],
    });
    expect(ghost.status).toBe(400);
    expect(paths(ghost.body)).toEqual(['/body/members/1/userId']);
    expect(detail(ghost.body)).toMatchObject({ code: 'unknown-user', params: { user: 'ghost' } });
    const unpublished = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'ghosts',
      name: { en: 'Ghosts' },
      policyId: 'no-such-policy',
    });
    expect(unpublished.status).toBe(400);
    expect(paths(unpublished.body)).toEqual(['/body/policyId']);
    expect(detail(unpublished.body)).toMatchObject({
      code: 'no-version',
      params: { policy: 'no-such-policy' },
    });
    const version = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'ghosts',
      name: { en: 'Ghosts' },
      policyId: 'crm-customer-pool',
      policyVersion: 9,
    });
    expect(version.status).toBe(400);
    expect(paths(version.body)).toEqual(['/body/policyVersion']);
    expect(await count('pools')).toBe(pools);
    const patched = await call(t.app, t.adminToken, 'PATCH', '/api/pools/crm', {
      policyVersion: 9,
    });
    expect(patched.status).toBe(400);
    expect(paths(patched.body)).toEqual(['/body/policyVersion']);
    expect(detail(patched.body)).toMatchObject({ code: 'no-version', params: { version: 9 } });

    const users = await count('users');
    const user = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'alice',
      password: 'another-alice-password',
      roles: ['member'],
    });
    expect(user.status).toBe(400);
    expect(paths(user.body)).toEqual(['/body/username']);
    expect(detail(user.body)).toMatchObject({ code: 'key-taken', params: { value: 'alice' } });
    expect(await count('users')).toBe(users);

    const policy = await call(t.app, t.adminToken, 'POST', '/api/policies', {
      document: template('crm-customer-pool'),
    });
    expect(policy.status).toBe(400);
    expect(paths(policy.body)).toEqual(['/body/document/id']);
    expect(detail(policy.body)).toEqual({
      path: '/body/document/id',
      message: 'policy crm-customer-pool exists',
      code: 'key-taken',
      params: { value: 'crm-customer-pool' },
    });
    const draft = await call(t.app, t.adminToken, 'PUT', '/api/policies/crm-customer-pool/draft', {
      document: template('hr-candidate-pool'),
    });
    expect(draft.status).toBe(400);
    expect(paths(draft.body)).toEqual(['/body/document/id']);
  });

  it('refuses a new policy whose name is only blanks, naming /body/document/name/en', async () => {
    const { t, count } = setup;
    const policies = await count('policies');
    const document = { ...template('crm-customer-pool'), id: 'blank-name', name: { en: '   ' } };
    const res = await call(t.app, t.adminToken, 'POST', '/api/policies', { document });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('POOL_ERR_INVALID_POLICY');
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ path: '/document/name/en', code: 'blank-name' }),
    ]);
    expect(await count('policies')).toBe(policies);
  });
});
