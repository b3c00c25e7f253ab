// @vitest-environment jsdom
// "Distribute now" says how many pooled records it will hand out and to whom before it does, and refreshes
// the list after; cancelling assigns nothing.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Pool } from '../src/api/pools.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { DistributionSetting } from '../src/workspace/manager-bar.js';
import { WorkspaceProvider } from '../src/workspace/workspace-context.js';
import { crmPoolPolicy, ME } from './workspace-fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const pool: Pool = {
  id: 'crm',
  timeZone: 'Asia/Shanghai',
  departmentId: null,
  memberCount: 0,
  recordCount: 0,
  key: 'crm',
  name: { en: 'Customers', zh: '客户公海' },
  policyId: 'crm-customer-pool',
  policyVersion: 1,
  distribution: 'roundRobin',
  members: [],
};

/** fetch answering the stats and distribute calls; returns the requests made. */
function stubApi(pooledNow: number): string[] {
  const calls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      const key = `${init.method ?? 'GET'} ${url.split('?')[0]}`;
      calls.push(key);
      const body =
        key === 'GET /api/pools/crm/stats'
          ? { pooledNow }
          : key === 'POST /api/pools/crm/distribute'
            ? { assigned: pooledNow }
            : {};
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
    }),
  );
  return calls;
}

function renderSetting(lang: Lang = 'en') {
  const notices: string[] = [];
  const onDistributed = vi.fn();
  render(
    <I18nProvider lang={lang}>
      <WorkspaceProvider
        me={ME}
        pools={[pool]}
        pool={pool}
        policy={crmPoolPolicy()}
        clockOffset={0}
        reload={() => undefined}
      >
        <DistributionSetting onNotice={(n) => notices.push(n)} onDistributed={onDistributed} />
      </WorkspaceProvider>
    </I18nProvider>,
  );
  return { notices, onDistributed };
}

describe('Distribute now', () => {
  it('asks with the count before assigning, then refreshes the list', async () => {
    const calls = stubApi(60);
    const { notices, onDistributed } = renderSetting();
    fireEvent.click(screen.getByTestId('distribute-now'));
    const confirm = await screen.findByTestId('distribute-confirm');
    expect(confirm.textContent).toContain('Assign 60 pooled records to members by round robin?');
    expect(calls).not.toContain('POST /api/pools/crm/distribute');
    fireEvent.click(screen.getByTestId('distribute-confirm-yes'));
    await waitFor(() => expect(onDistributed).toHaveBeenCalledTimes(1));
    expect(calls).toContain('POST /api/pools/crm/distribute');
    expect(notices).toEqual(['Distributed 60 record(s).']);
    expect(screen.queryByTestId('distribute-confirm')).toBeNull();
  });

  it('assigns nothing when cancelled, and says so when the pool is empty (in Chinese too)', async () => {
    const calls = stubApi(3);
    const { onDistributed } = renderSetting('zh');
    fireEvent.click(screen.getByTestId('distribute-now'));
    expect((await screen.findByTestId('distribute-confirm')).textContent).toContain(
      '将公海中的 3 条记录按轮流分配给成员？',
    );
    fireEvent.click(screen.getByTestId('distribute-confirm-cancel'));
    expect(screen.queryByTestId('distribute-confirm')).toBeNull();
    expect(calls).not.toContain('POST /api/pools/crm/distribute');
    expect(onDistributed).not.toHaveBeenCalled();

    cleanup();
    stubApi(0);
    const empty = renderSetting();
    fireEvent.click(screen.getByTestId('distribute-now'));
    await waitFor(() =>
      expect(empty.notices).toEqual(['No records are waiting in the public pool.']),
    );
    expect(screen.queryByTestId('distribute-confirm')).toBeNull();
  });
});
