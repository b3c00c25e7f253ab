// @vitest-environment jsdom
// The workspace speaks each pool's own words: the service queue "Take"s a ticket where the CRM claims a
// customer, the tag filter offers the tags the pool's policy adds (no "hard" in pools that never set
// it), a candidate's name is 姓名 where a company's is 名称 (the field's own Chinese title first), and
// the pool is called by its pooled state's label: a recruiter works the talent pool (人才库), not 公海.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Pool, PoolPolicy } from '../src/api/pools.api.js';
import type { HistoryEntry, RecordList } from '../src/api/records.api.js';
import type { Lang } from '../src/i18n/messages.js';
import { MyRecordsPage } from '../src/workspace/my-records-page.js';
import { PoolView } from '../src/workspace/pool-view.js';
import { RecordPage } from '../src/workspace/record-page.js';
import { WorkspaceNav } from '../src/workspace/workspace-nav.js';
import { poolPolicyView } from '../../runtime-api/src/routes/pool-policy/index.js';
import { loadTemplate } from './fixtures.js';
import { CRM_POOL, crmPoolPolicy, ME, pooledRecord } from './workspace-fixtures.js';
import { historyPage, ownedRecord, stubFetch, TestWorkspace } from './workspace-harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const poolOf = (key: string, policyId: string, name: Pool['name']): Pool => ({
  ...CRM_POOL,
  id: key,
  key,
  policyId,
  name,
});
const policyOf = (key: string, policyId: string): PoolPolicy => ({
  ...crmPoolPolicy(),
  ...poolPolicyView(loadTemplate(policyId)),
  pool: key,
});
const POOLS = {
  crm: { pool: CRM_POOL, policy: crmPoolPolicy() },
  service: {
    pool: poolOf('svc', 'service-ticket-pool', { en: 'Service desk', zh: '客服工单' }),
    policy: policyOf('svc', 'service-ticket-pool'),
  },
  hr: {
    pool: poolOf('hr', 'hr-candidate-pool', { en: 'Recruiting', zh: '招聘' }),
    policy: policyOf('hr', 'hr-candidate-pool'),
  },
};

const UNTIL = '2026-12-08T20:30:00.000Z';

/** The pool view of a pool whose list answers `items`; claims are refused as nothing to claim. */
function renderPool(which: keyof typeof POOLS, items: RecordList['items'], lang: Lang = 'en') {
  const { pool, policy } = POOLS[which];
  const reply: RecordList = { items, nextCursor: null, claimsLeftToday: 3, ownedCapacity: 10 };
  stubFetch(({ url }) =>
    url.startsWith(`/api/pools/${pool.key}/records`)
      ? { body: reply, headers: { etag: 'W/"1"' } }
      : undefined,
  );
  render(
    <TestWorkspace lang={lang} pool={pool} policy={policy}>
      <PoolView />
    </TestWorkspace>,
  );
}

const rowOf = async (id: string) =>
  (await screen.findAllByTestId('pool-row')).find((r) => r.dataset['id'] === id)!;

describe('the pool’s own word for a claim', () => {
  const items = [
    pooledRecord('r-free', 'Printer jam', { canClaim: true }),
    pooledRecord('r-cool', 'Refund', { canClaim: { code: 'POOL_ERR_COOLDOWN', until: UNTIL } }),
  ];

  it('says Take in the service queue: buttons, the hint, the reason and the refusal', async () => {
    renderPool('service', items);
    const free = within(await rowOf('r-free'));
    expect(free.getByTestId('claim').textContent).toBe('Take');
    expect(screen.getByTestId('claim-next').textContent).toBe('★ Take next best');
    expect(screen.getByTestId('claims-left').textContent).toBe('3 left to take today');
    expect(screen.getByTestId('pool-view').textContent).toContain('Take one to make it yours.');
    const cooled = within(await rowOf('r-cool'));
    expect(cooled.getByTestId('claim-reason').textContent).toContain('you may take it again from');

    fireEvent.click(screen.getByTestId('claim-next'));
    const refusal = await screen.findByTestId('refusal');
    expect(refusal.textContent).toContain('Could not take the next record.');
    expect(refusal.textContent).toContain('Nothing in the queue you may take right now.');
    expect(screen.getByTestId('pool-view').textContent).not.toMatch(/claim/i);
  });

  it('keeps Claim in the CRM, in both languages', async () => {
    renderPool('crm', items);
    expect((await rowOf('r-free')).querySelector('[data-testid=claim]')!.textContent).toBe('Claim');
    expect(screen.getByTestId('claim-next').textContent).toBe('★ Claim next best');
    expect(within(await rowOf('r-cool')).getByTestId('claim-reason').textContent).toContain(
      'you may claim it again from',
    );
    cleanup();
    renderPool('crm', items, 'zh');
    expect((await rowOf('r-free')).querySelector('[data-testid=claim]')!.textContent).toBe('领取');
    expect(screen.getByTestId('claim-next').textContent).toBe('★ 领取下一个最优');
    expect(within(await rowOf('r-cool')).getByTestId('claim-reason').textContent).toContain(
      '之后才能再次领取。',
    );
  });

  it('uses the policy’s Chinese label in Chinese', async () => {
    const { pool, policy } = POOLS.service;
    POOLS.service = {
      pool,
      policy: {
        ...policy,
        events: { ...policy.events, CLAIM: { label: { en: 'Take', zh: '接单' } } },
      },
    };
    try {
      renderPool('service', items, 'zh');
      expect((await rowOf('r-free')).querySelector('[data-testid=claim]')!.textContent).toBe(
        '接单',
      );
      expect(screen.getByTestId('claim-next').textContent).toBe('★ 接单下一个最优');
      fireEvent.click(screen.getByTestId('claim-next'));
      expect((await screen.findByTestId('refusal')).textContent).toContain('无法接单下一条记录。');
    } finally {
      POOLS.service = { pool, policy };
    }
  });
});

describe('the tag filter offers the pool’s own tags', () => {
  const options = () =>
    [...screen.getByTestId<HTMLSelectElement>('filter-tag').options].map((o) => o.value);

  it('offers escalated in the service queue and reengage in the talent pool, never hard', async () => {
    renderPool('service', [pooledRecord('r1', 'Printer jam')]);
    await rowOf('r1');
    expect(options()).toEqual(['', 'escalated']);
    cleanup();
    renderPool('hr', [pooledRecord('r1', 'Li Lei', { tags: ['vip'] })], 'zh');
    await rowOf('r1');
    // The policy's tag and a tag a record carries.
    expect(options()).toEqual(['', 'reengage', 'vip']);
    expect(screen.getByTestId('filter-tag').textContent).not.toContain('高难度');
  });

  it('still offers hard in the CRM, whose policy tags records hard', async () => {
    renderPool('crm', [pooledRecord('r1', 'ACME')]);
    await rowOf('r1');
    expect(options()).toEqual(['', 'hard']);
  });
});

describe('a field’s own Chinese title', () => {
  const nameHeader = () => screen.getByTestId('pool-table').querySelectorAll('th')[1].textContent;

  it('calls a candidate’s name 姓名 and a customer’s 名称; English keeps the titles', async () => {
    renderPool('hr', [pooledRecord('r1', 'Li Lei')], 'zh');
    await rowOf('r1');
    expect(nameHeader()).toBe('姓名');
    cleanup();
    renderPool('crm', [pooledRecord('r1', 'ACME')], 'zh');
    await rowOf('r1');
    expect(nameHeader()).toBe('名称');
    cleanup();
    renderPool('hr', [pooledRecord('r1', 'Li Lei')], 'en');
    await rowOf('r1');
    expect(nameHeader()).toBe('Name');
  });
});

describe('the pool’s own name', () => {
  /** A pooled candidate entered twice, an owned one with its release timer, and their history. */
  const pooled = pooledRecord('r-pooled', 'Li Lei', {
    poolEntries: 2,
    enteredStateAt: '2026-01-01T00:00:00.000Z',
  });
  const owned = ownedRecord({
    id: 'r-owned',
    data: { name: 'Han Meimei', phone: '***' },
    masked: ['phone'],
    poolEntries: 1,
    timers: [{ key: 'k1', delay: 'release', dueAt: '2030-01-01T00:00:00.000Z' }],
  });
  const history: HistoryEntry[] = [
    {
      seq: 1,
      at: '2026-02-01T00:00:00.000Z',
      actorId: null,
      event: 'xstate.after.release',
      payload: { timer: 'release' },
      from: 'owned',
      to: 'pool',
      ownerFrom: ME.id,
      ownerTo: null,
      tags: [],
      reason: null,
    },
  ];

  /** The pool tab, the pool view (after a refused claim-next), my records and a record page. */
  async function renderScreens(which: keyof typeof POOLS, lang: Lang) {
    const { pool, policy } = POOLS[which];
    stubFetch(({ url }) => {
      const path = url.split('?')[0];
      if (path === `/api/pools/${pool.key}/records`) {
        const items = url.includes('view=mine') ? [] : [pooled];
        return { body: { items, nextCursor: null, claimsLeftToday: 3, ownedCapacity: 10 } };
      }
      if (path === `/api/pools/${pool.key}/records/r-owned`) return { body: owned };
      if (path === `/api/pools/${pool.key}/records/r-owned/history`)
        return { body: historyPage(history, url) };
      return undefined;
    });
    render(
      <TestWorkspace lang={lang} pool={pool} policy={policy}>
        <WorkspaceNav view="pool" />
        <PoolView />
        <MyRecordsPage />
        <RecordPage recordId="r-owned" />
      </TestWorkspace>,
    );
    await rowOf('r-pooled');
    await screen.findByTestId('record-page');
    await screen.findByTestId('timeline-entry');
    fireEvent.click(screen.getByTestId('claim-next'));
    await screen.findByTestId('refusal');
    await screen.findByText(/没有跟进中的记录|no open records/);
    return document.body.textContent ?? '';
  }

  it('says 人才库 in an HR pool wherever the CRM says 公海, and never 公海', async () => {
    const hr = await renderScreens('hr', 'zh');
    for (const text of [
      '人才库中', // the scope toggle
      '在人才库', // the time-in-pool column
      '第 2 次进入人才库',
      '人才库中暂时没有你可以领取的记录。',
      '你在这里没有跟进中的记录，去人才库领取吧。',
      '释放回人才库', // the release timer and the timer step of the timeline
      '进出人才库',
      '进入人才库次数',
      '已隐藏：仅负责人和人才库管理者可见。',
    ]) {
      expect(hr).toContain(text);
    }
    expect(screen.getByTestId('ws-tab-pool').textContent).toBe('人才库');
    expect(hr).not.toContain('公海');
    expect(hr).not.toContain('{');
    cleanup();

    const crm = await renderScreens('crm', 'zh');
    for (const text of ['公海中', '第 2 次进入公海', '公海中暂时没有你可以领取的记录。']) {
      expect(crm).toContain(text);
    }
    expect(crm).toContain('释放回公海');
    expect(screen.getByTestId('ws-tab-pool').textContent).toBe('公海');
    expect(crm).not.toContain('人才库');
  });

  it('speaks of the talent pool and the ticket queue in English', async () => {
    const hr = await renderScreens('hr', 'en');
    expect(screen.getByTestId('ws-tab-pool').textContent).toBe('Talent pool');
    expect(hr).toContain('Nothing in the talent pool you may claim right now.');
    expect(hr).toContain('Back to the talent pool');
    expect(hr).toContain('In and out of the talent pool');
    cleanup();
    const service = await renderScreens('service', 'zh');
    expect(screen.getByTestId('ws-tab-pool').textContent).toBe('工单池');
    expect(service).toContain('工单池中暂时没有你可以领取的记录。');
    expect(service).not.toContain('公海');
    cleanup();
    await renderScreens('service', 'en');
    expect(screen.getByTestId('ws-tab-pool').textContent).toBe('Queue');
    expect(screen.getByTestId('refusal').textContent).toContain(
      'Nothing in the queue you may take right now.',
    );
  });
});
