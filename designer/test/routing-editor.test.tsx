// @vitest-environment jsdom
// A pool's routing page against a stubbed runtime: reorder and what Save sends, the runtime's field
// errors next to their rule (and staying with it when it moves), and the simulator's result line.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { routingTargets, RoutingPage } from '../src/admin/routing-page.js';
import { fieldErrors, moveRow, toDocument, toDraft } from '../src/admin/routing-model.js';
import { tryInstance, TRY_TAGS_MAX } from '../src/admin/routing-simulator.js';
import type { AdminPool } from '../src/api/admin.api.js';
import type { Routing } from '../src/api/routing.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { parseRoute, routeHash } from '../src/pages/use-hash-route.js';
import { crmPoolPolicy } from './workspace-fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const poolOf = (key: string, name: AdminPool['name'], change: Partial<AdminPool> = {}) => ({
  id: key,
  key,
  name,
  policyId: 'crm',
  policyVersion: 1,
  distribution: 'manual' as const,
  timeZone: 'Asia/Shanghai',
  departmentId: 'sales',
  memberCount: 0,
  recordCount: 0,
  members: [],
  ...change,
});
const entrance = poolOf('leads', { en: 'Leads', zh: '线索池' });
const pools: AdminPool[] = [
  entrance,
  poolOf('east', { en: 'East China', zh: '华东公海' }),
  poolOf('senior', { en: 'Senior team', zh: '攻坚小组' }),
  poolOf('hr', { en: 'Talent' }, { policyId: 'hr' }),
  poolOf('other-dept', { en: 'Other' }, { departmentId: 'service' }),
];
const region = (value: string) => ({ '==': [{ var: 'entity.region' }, value] });
const saved: Routing = {
  admission: [
    {
      name: 'non-target',
      when: { '==': [{ var: 'entity.level' }, 'C'] },
      message: { en: 'Level C leads are not taken', zh: 'C 级线索不进入公海' },
    },
  ],
  rules: [
    { name: 'east', when: region('east'), pool: 'east', on: ['create'] },
    { name: 'hard', when: { in: ['hard', { var: 'instance.tags' }] }, pool: 'senior' },
  ],
};

function policyWithRegion() {
  const policy = crmPoolPolicy();
  policy.entity.schema.properties['region'] = {
    type: 'string',
    title: 'Region',
    enum: ['east', 'north'],
  };
  return policy;
}

interface Call {
  method: string;
  url: string;
  body: unknown;
}
/** fetch answering by "METHOD path": a body (200) or [status, body]; records every request. */
function stubApi(routes: Record<string, unknown>) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const body: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
      calls.push({ method, url, body });
      const route = routes[`${method} ${url.split('?')[0]}`];
      const [status, reply] = Array.isArray(route) ? (route as [number, unknown]) : [200, route];
      if (route === undefined) return Promise.resolve(new Response('{}', { status: 404 }));
      return Promise.resolve(new Response(JSON.stringify(reply), { status }));
    }),
  );
  return calls;
}

function renderPage(routes: Record<string, unknown>, lang: Lang = 'en') {
  const calls = stubApi({
    'GET /api/pools/leads/routing': saved,
    'GET /api/pools/leads/policy': policyWithRegion(),
    ...routes,
  });
  render(
    <I18nProvider lang={lang}>
      <RoutingPage pool={entrance} pools={pools} />
    </I18nProvider>,
  );
  return calls;
}
const lastWrite = (calls: Call[]) => calls.filter((c) => c.method !== 'GET').at(-1);

describe('routing model', () => {
  it('round-trips the document, leaving out `on` when a rule applies on both', () => {
    expect(toDocument(toDraft(saved))).toEqual(saved);
    const draft = toDraft({
      rules: [{ name: 'a', when: true, pool: 'east', on: ['release', 'create'] }],
    });
    expect(toDocument(draft)).toEqual({ rules: [{ name: 'a', when: true, pool: 'east' }] });
  });

  it('moves rows within the list only', () => {
    expect(moveRow(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveRow(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveRow(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });

  it('puts the runtime details on the rows they name, saved or tried', () => {
    const draft = toDraft(saved);
    const errors = fieldErrors(
      [
        { path: '/body/rules/1/pool', message: 'is not a pool of this department' },
        { path: '/body/routing/admission/0/message/en', message: 'must not be empty' },
        { path: '/body', message: 'too many rules' },
      ],
      draft,
      'refused',
    );
    expect(errors.fields).toEqual({
      [`${draft.rules[1].id}/pool`]: 'is not a pool of this department',
      [`${draft.admission[0].id}/message`]: 'must not be empty',
    });
    expect(errors.other).toEqual(['/body too many rules']);
  });

  it('offers as targets the pools of the same department and policy, not the pool itself', () => {
    expect(routingTargets(entrance, pools).map((p) => p.key)).toEqual(['east', 'senior']);
  });

  it('reads simulator tags as a bounded list', () => {
    expect(tryInstance(' hard, vip ')).toEqual({ tags: ['hard', 'vip'] });
    expect(tryInstance('')).toBeUndefined();
    const many = Array.from({ length: 30 }, (_, i) => `t${i}`).join(',');
    expect(tryInstance(many)?.['tags']).toHaveLength(TRY_TAGS_MAX);
  });

  it('routes #/admin/pools/<key>/routing to the routing tab and back', () => {
    const route = parseRoute('#/admin/pools/leads/routing');
    expect(route).toEqual({ page: 'admin', section: 'pools', pool: 'leads', tab: 'routing' });
    expect(routeHash(route)).toBe('#/admin/pools/leads/routing');
    expect(parseRoute('#/admin/pools/leads')).toEqual({
      page: 'admin',
      section: 'pools',
      pool: 'leads',
    });
  });
});

describe('routing page', () => {
  it('reorders, unticks a trigger, adds a rule and saves the rules in their new order', async () => {
    const calls = renderPage({ 'PUT /api/pools/leads/routing': saved });
    await screen.findByTestId('routing-rules-1');
    fireEvent.click(screen.getByTestId('routing-rules-1-up'));
    expect(screen.getByTestId<HTMLInputElement>('routing-rules-0-name').value).toBe('hard');
    fireEvent.click(screen.getByTestId('routing-rules-0-on-release'));
    fireEvent.click(screen.getByTestId('routing-add-rule'));
    fireEvent.change(screen.getByTestId('routing-rules-2-name'), { target: { value: 'north' } });
    // The new rule's condition typed as JSON; its target defaults to the first pool offered.
    fireEvent.click(screen.getByTestId('routing-rules-2-when-json-mode'));
    const json = screen.getByTestId('routing-rules-2-when-json');
    fireEvent.change(json, { target: { value: JSON.stringify(region('north')) } });
    fireEvent.blur(json);
    fireEvent.change(screen.getByTestId('routing-rules-2-pool'), { target: { value: 'senior' } });
    expect(screen.getByText('Unsaved changes')).toBeTruthy();
    fireEvent.click(screen.getByTestId('routing-save'));
    await screen.findByTestId('routing-saved');
    expect(lastWrite(calls)).toEqual({
      method: 'PUT',
      url: '/api/pools/leads/routing',
      body: {
        admission: saved.admission,
        rules: [
          { ...saved.rules[1], on: ['create'] },
          saved.rules[0],
          { name: 'north', when: region('north'), pool: 'senior' },
        ],
      },
    });
  });

  it('shows a refused save next to the field it names, and the error moves with its rule', async () => {
    renderPage({
      'PUT /api/pools/leads/routing': [
        400,
        {
          error: {
            code: 'POOL_ERR_INVALID_PAYLOAD',
            message: '/body/rules/1/pool is not in the department',
            details: [{ path: '/body/rules/1/pool', message: 'is not a pool of this department' }],
          },
        },
      ],
    });
    await screen.findByTestId('routing-rules-1');
    fireEvent.click(screen.getByTestId('routing-save'));
    const error = await screen.findByTestId('routing-rules-1-pool-error');
    expect(error.textContent).toBe('is not a pool of this department');
    expect(screen.queryByTestId('routing-saved')).toBeNull();
    fireEvent.click(screen.getByTestId('routing-rules-1-up'));
    expect(screen.getByTestId('routing-rules-0-pool-error').textContent).toBe(
      'is not a pool of this department',
    );
    expect(screen.queryByTestId('routing-rules-1-pool-error')).toBeNull();
  });

  it('words a refused target pool by its code in 中文, naming the pool; English as the server says', async () => {
    // The runtime's reply when a rule's pool moved to another department (runtime routing.test.ts).
    const message = 'pool "east" belongs to another department';
    const reply = {
      error: {
        code: 'POOL_ERR_INVALID_PAYLOAD',
        message: `/body/rules/0/pool ${message}`,
        details: [
          {
            path: '/body/rules/0/pool',
            code: 'other-department',
            message,
            params: { pool: 'east' },
          },
        ],
      },
    };
    for (const [lang, text] of [
      ['zh', '公海“华东公海”属于其他部门'],
      ['en', message],
    ] as const) {
      renderPage({ 'PUT /api/pools/leads/routing': [400, reply] }, lang);
      await screen.findByTestId('routing-rules-0');
      fireEvent.click(screen.getByTestId('routing-save'));
      expect((await screen.findByTestId('routing-rules-0-pool-error')).textContent).toBe(text);
      cleanup();
    }
  });

  it('removes an admission rule and saves the document without admission', async () => {
    const calls = renderPage({ 'PUT /api/pools/leads/routing': { rules: saved.rules } });
    await screen.findByTestId('routing-admission-0');
    fireEvent.click(screen.getByTestId('routing-admission-0-remove'));
    expect(screen.getByText('No admission rules: every record is admitted.')).toBeTruthy();
    fireEvent.click(screen.getByTestId('routing-save'));
    await screen.findByTestId('routing-saved');
    expect(lastWrite(calls)?.body).toEqual({ rules: saved.rules });
  });

  it('stops Add at the bound of 20 admission rules the runtime sets', async () => {
    const admission = Array.from({ length: 19 }, (_, i) => ({
      name: `a${i}`,
      when: { '==': [{ var: 'entity.level' }, 'C'] },
      message: { en: 'no' },
    }));
    renderPage({ 'GET /api/pools/leads/routing': { admission, rules: [] } });
    const add = await screen.findByTestId<HTMLButtonElement>('routing-add-admission');
    expect(add.disabled).toBe(false);
    fireEvent.click(add);
    expect(screen.getByTestId('routing-admission-19')).toBeTruthy();
    expect(add.disabled).toBe(true);
    expect(screen.getByTestId<HTMLButtonElement>('routing-add-rule').disabled).toBe(false);
  });

  it('tries a record against the rules as edited and says where it lands (zh)', async () => {
    const calls = renderPage(
      { 'POST /api/pools/leads/routing/test': { pool: 'east', rule: 'east' } },
      'zh',
    );
    const simulator = await screen.findByTestId('routing-try');
    fireEvent.click(screen.getByTestId('routing-rules-0-remove'));
    fireEvent.change(simulator.querySelector('#routing-try_name')!, {
      target: { value: 'ACME' },
    });
    fireEvent.change(simulator.querySelector('#routing-try_region')!, {
      target: { value: '0' },
    });
    fireEvent.click(within(simulator).getByTestId('routing-try-run'));
    const line = await screen.findByTestId('routing-try-result');
    expect(line.textContent).toBe('按规则 east 进入 华东公海');
    const tried = lastWrite(calls);
    expect(tried?.url).toBe('/api/pools/leads/routing/test');
    // The unsaved draft (rule east removed) is what the runtime tries.
    expect(tried?.body).toEqual({
      data: { name: 'ACME', region: 'east' },
      on: 'create',
      routing: { admission: saved.admission, rules: [saved.rules[1]] },
    });
  });

  it('shows a refusal by an admission rule, and a release with tags', async () => {
    const calls = renderPage({
      'POST /api/pools/leads/routing/test': {
        refused: { rule: 'non-target', message: saved.admission![0].message },
      },
    });
    const simulator = await screen.findByTestId('routing-try');
    fireEvent.change(simulator.querySelector('#routing-try_name')!, {
      target: { value: 'ACME' },
    });
    fireEvent.click(within(simulator).getByTestId('routing-try-on-release'));
    fireEvent.change(within(simulator).getByTestId('routing-try-tags'), {
      target: { value: 'hard' },
    });
    fireEvent.click(within(simulator).getByTestId('routing-try-run'));
    await waitFor(() =>
      expect(screen.getByTestId('routing-try-result').textContent).toBe(
        'refused by rule non-target: Level C leads are not taken',
      ),
    );
    expect(lastWrite(calls)?.body).toMatchObject({ on: 'release', instance: { tags: ['hard'] } });
  });
});
