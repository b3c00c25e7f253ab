// @vitest-environment jsdom
// The rollout dialog against a stubbed API: only pools on an older version are offered, with their
// running records (counted one pool at a time); the dry run reads in plain words (en and zh); a
// removed state is a problem in red until it is mapped; Start posts the upgrade and shows its
// progress until done.
import type { Policy } from '@poolflow/engine';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Pool } from '../src/api/pools.api.js';
import type { Upgrade, UpgradePreview } from '../src/api/upgrades.api.js';
import { I18nProvider, makeI18n } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { RolloutDialog } from '../src/pages/rollout-dialog.js';
import { PoolProgress } from '../src/pages/rollout-preview.js';
import { previewSentences, progressText } from '../src/pages/rollout-text.js';
import { crm } from './fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const pool = (key: string, policyId: string, policyVersion: number): Pool => ({
  id: key,
  key,
  name: { en: `Pool ${key}`, zh: `公海 ${key}` },
  policyId,
  policyVersion,
  distribution: 'manual',
  timeZone: 'Asia/Shanghai',
  departmentId: null,
  memberCount: 0,
  recordCount: 0,
  members: [],
});
const POOLS = [
  { ...pool('crm', 'crm-customer-pool', 1), name: { en: 'Customers', zh: '客户公海' } },
  pool('crm-new', 'crm-customer-pool', 2), // already on v2: nothing to roll out
  pool('hr', 'hr-candidate-pool', 1), // another policy
];

/** v2 of the CRM policy without its review state: records in review need a mapping. */
function v2(): Policy {
  const doc = crm();
  const states = { ...doc.machine.states };
  delete states['review'];
  return { ...doc, version: 2, machine: { ...doc.machine, states } };
}

const DRY_RUN: UpgradePreview = {
  toVersion: 2,
  moves: [
    { fromVersion: 1, fromState: 'owned', toState: 'owned', records: 1100 },
    { fromVersion: 1, fromState: 'pool', toState: 'pool', records: 137 },
  ],
  timers: { earlier: 0, later: 1100, unchanged: 140, added: 0, removed: 0 },
  dueAtOnce: 60,
  dueAtOnceByDelay: { release: 60 },
  // The records in review count too, though they cannot move until mapped.
  total: 1240,
  problems: [
    {
      code: 'state-removed',
      message: 'version 2 has no state "review": map it to one of owned, pool, nurture, won, lost',
      state: 'review',
      records: 3,
    },
  ],
};
const MAPPED: UpgradePreview = {
  ...DRY_RUN,
  moves: [...DRY_RUN.moves, { fromVersion: 1, fromState: 'review', toState: 'owned', records: 3 }],
  problems: [],
};

interface Call {
  method: string;
  url: string;
  body: Record<string, unknown> | undefined;
}

/** The API as the dialog uses it; the upgrade answers `progress` in turn, one per poll (500 for null). */
/** `leftBehind`: records of the pool on v2 still on v1 (null: the runtime refuses v2 -> v2 with 400). */
function stubApi(progress: (Upgrade | null)[] = [], leftBehind: number | null = 0) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const body =
        typeof init.body === 'string'
          ? (JSON.parse(init.body) as Record<string, unknown>)
          : undefined;
      calls.push({ method, url, body });
      const json = (value: unknown, status = 200) =>
        Promise.resolve(new Response(JSON.stringify(value), { status }));
      if (url === '/api/pools') return json({ items: POOLS });
      if (url === '/api/policies/crm-customer-pool/versions/1') {
        return json({ version: 1, message: '', document: crm() });
      }
      if (url === '/api/policies/crm-customer-pool/versions/2') {
        return json({ version: 2, message: '', document: v2() });
      }
      if (method === 'POST' && url === '/api/pools/crm-new/upgrade') {
        // Already on v2: records an earlier rollout could not move are still on v1.
        if (leftBehind === null) {
          return json(
            { error: { code: 'POOL_ERR_INVALID_PAYLOAD', message: 'must be newer' } },
            400,
          );
        }
        const moves = [
          { fromVersion: 1, fromState: 'owned', toState: 'owned', records: leftBehind },
        ];
        return json({
          ...MAPPED,
          moves: leftBehind > 0 ? moves : [],
          total: leftBehind,
          fromVersions: leftBehind > 0 ? [1] : [],
          dueAtOnce: 0,
        });
      }
      if (method === 'POST' && url === '/api/pools/crm/upgrade') {
        if (!body?.['dryRun']) return json({ id: 'up-1' }, 202);
        return json(body['stateMap'] ? MAPPED : DRY_RUN);
      }
      if (url === '/api/pools/crm/upgrades/up-1') {
        const next = progress.length > 1 ? progress.shift() : progress[0];
        return next ? json(next) : json({ error: { code: 'POOL_ERR_HTTP', message: 'busy' } }, 500);
      }
      return json({ error: { code: 'POOL_ERR_NOT_FOUND', message: `no ${url}` } }, 404);
    }),
  );
  return calls;
}

function renderDialog(lang: Lang = 'en') {
  return render(
    <I18nProvider lang={lang}>
      <RolloutDialog
        policyId="crm-customer-pool"
        version={2}
        onClose={() => undefined}
        pollMs={5}
      />
    </I18nProvider>,
  );
}

const upgrade = (status: Upgrade['status'], done: number, failed = 0): Upgrade => ({
  id: 'up-1',
  status,
  startedAt: '2026-03-02T10:00:00.000Z',
  total: 1240,
  done,
  failed,
  toVersion: 2,
});

describe('rollout dialog', () => {
  it('offers the pools on an older version with their running records', async () => {
    const calls = stubApi();
    renderDialog();
    const box = await screen.findByTestId('rollout-pool-crm');
    expect((box as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByTestId('rollout-pool-crm-new')).toBeNull();
    expect(screen.queryByTestId('rollout-pool-hr')).toBeNull();
    await waitFor(() =>
      expect(screen.getByTestId('rollout-pool-count').textContent).toBe('1,240 running records'),
    );
    // Counting is a dry run with the defaults: nothing is started. The pool on v2 has no record
    // left on v1, so it is not offered.
    expect(calls.filter((c) => c.method === 'POST').map((c) => [c.url, c.body])).toEqual([
      ['/api/pools/crm/upgrade', { toVersion: 2, dryRun: true }],
      ['/api/pools/crm-new/upgrade', { toVersion: 2, dryRun: true }],
    ]);
    expect(screen.queryByTestId('rollout-pool-crm-new')).toBeNull();
    expect(screen.queryByTestId('rollout-error')).toBeNull();
    // The removed state is reported before any preview: its select lists v2's states.
    const select = screen.getByTestId<HTMLSelectElement>('rollout-map-review');
    const options = [...select.options].map((o) => o.textContent);
    // Review is an owned state: its records may go to another owned state, not the pool, not Won.
    expect(options).toEqual(['Choose a state…', 'Owned', 'Long-term nurture']);
    expect(screen.getByTestId('rollout-mapping').textContent).toContain(
      'Records in “Manager review” move to',
    );
  });

  it('counts one pool at a time, and asks no more once closed', async () => {
    stubApi([], 4);
    const stubbed = globalThis.fetch;
    // The first pool's dry run is held until released; every dry run asked for is noted.
    const asked: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
      if (init?.method !== 'POST') return stubbed(url, init);
      asked.push(url);
      return url === '/api/pools/crm/upgrade'
        ? held.then(() => stubbed(url, init))
        : stubbed(url, init);
    });
    const view = renderDialog();
    await screen.findByTestId('rollout-pool-crm');
    await waitFor(() => expect(asked).toEqual(['/api/pools/crm/upgrade']));
    expect(screen.getByTestId('rollout-pool-count').textContent).toBe('counting…');
    release();
    // Then the pool already on v2, whose four records an earlier rollout left on v1.
    await waitFor(() =>
      expect(asked).toEqual(['/api/pools/crm/upgrade', '/api/pools/crm-new/upgrade']),
    );
    await screen.findByTestId('rollout-pool-crm-new');
    view.unmount();

    // Closed while the first count runs: the second pool is not asked.
    asked.length = 0;
    let releaseAgain!: () => void;
    const heldAgain = new Promise<void>((resolve) => (releaseAgain = resolve));
    vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
      if (init?.method !== 'POST') return stubbed(url, init);
      asked.push(url);
      return heldAgain.then(() => stubbed(url, init));
    });
    const again = renderDialog();
    await waitFor(() => expect(asked).toEqual(['/api/pools/crm/upgrade']));
    again.unmount();
    releaseAgain();
    await heldAgain;
    // Let the answer reach the closed dialog's loop (macrotasks, not time).
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toEqual(['/api/pools/crm/upgrade']);
  });

  it('previews in plain words, shows problems in red, and needs a fresh clean preview to start', async () => {
    const calls = stubApi();
    renderDialog();
    await screen.findByText('1,240 running records');
    const start = screen.getByTestId<HTMLButtonElement>('rollout-start');
    expect(start.disabled).toBe(true);
    fireEvent.click(screen.getByTestId('rollout-preview-button'));
    const preview = await screen.findByTestId('rollout-preview');
    expect(within(preview).getByTestId('rollout-summary').textContent).toBe(
      '1,240 running records move from v1 to v2.' +
        'Their timers: 140 keep their due time, 1,100 fall due later.' +
        '60 records fall due at once (Back to the pool): they move on in the next sweep.',
    );
    const moves = within(preview).getByTestId('rollout-moves');
    expect(moves.textContent).toContain('Owned → Owned (same state): 1,100');
    const problems = within(preview).getByTestId('rollout-problems');
    expect(problems.className).toContain('error');
    expect(problems.textContent).toContain(
      '3 running records are in “Manager review”, which v2 no longer has: choose where they go.',
    );
    expect(start.disabled).toBe(true);

    // Mapping the removed state makes the preview stale; previewing again clears the problem.
    fireEvent.change(screen.getByTestId('rollout-map-review'), { target: { value: 'owned' } });
    expect(screen.getByTestId('rollout-stale')).toBeTruthy();
    expect(start.disabled).toBe(true);
    fireEvent.click(screen.getByTestId('rollout-preview-button'));
    await waitFor(() => expect(screen.queryByTestId('rollout-problems')).toBeNull());
    expect(screen.getByTestId('rollout-moves').textContent).toContain('Manager review → Owned: 3');
    expect(start.disabled).toBe(false);
    const last = calls.filter((c) => c.method === 'POST').at(-1);
    expect(last?.body).toEqual({
      toVersion: 2,
      timers: 'recompute',
      stateMap: { review: 'owned' },
      dryRun: true,
    });

    // Switching to "keep" is a new choice: preview again before starting.
    fireEvent.click(screen.getByTestId('rollout-timers-keep'));
    expect(start.disabled).toBe(true);
  });

  it('starts the upgrade and shows its progress until it ends', async () => {
    const failures = [
      {
        recordId: '0193a1b2-0000-7000-8000-0000abcdef12',
        error: { code: 'POOL_ERR_INVALID_DELAY', message: 'no date' },
      },
    ];
    // One poll fails on the way: it is tried again.
    const calls = stubApi([
      upgrade('running', 500, 2),
      null,
      { ...upgrade('failed', 1238, 2), failures },
    ]);
    renderDialog();
    await screen.findByText('1,240 running records');
    fireEvent.change(screen.getByTestId('rollout-map-review'), { target: { value: 'owned' } });
    fireEvent.click(screen.getByTestId('rollout-timers-keep'));
    fireEvent.click(screen.getByTestId('rollout-preview-button'));
    await screen.findByTestId('rollout-preview');
    await waitFor(() =>
      expect(screen.getByTestId<HTMLButtonElement>('rollout-start').disabled).toBe(false),
    );
    fireEvent.click(screen.getByTestId('rollout-start'));
    const progress = await screen.findByTestId('rollout-progress');
    await waitFor(() => expect(progress.getAttribute('data-status')).toBe('failed'));
    // "failed" is a finished upgrade with records that could not move: they are listed.
    expect(progress.textContent).toContain('Done: the pool runs v2.');
    expect(progress.textContent).toContain('1,238 of 1,240 records moved, 2 failed');
    expect(within(progress).getByTestId('rollout-failures').textContent).toBe(
      'These records could not move and stay on their version:abcdef12 no date',
    );
    const bar = progress.querySelector<HTMLElement>('.progress-bar');
    expect(bar?.style.width).toBe('100%');
    const real = calls.filter((c) => c.method === 'POST' && !c.body?.['dryRun']);
    expect(real.map((c) => c.body)).toEqual([
      { toVersion: 2, timers: 'keep', stateMap: { review: 'owned' } },
    ]);
    // It was polled while running, past the failed poll, whose error is gone.
    expect(calls.filter((c) => c.url === '/api/pools/crm/upgrades/up-1').length).toBe(3);
    expect(screen.queryByTestId('rollout-error')).toBeNull();
    expect(screen.getByTestId('rollout-close').textContent).toBe('Close');
  });

  it('says nothing of a pool on v2 when the runtime refuses its dry run', async () => {
    const calls = stubApi([], null);
    renderDialog();
    await screen.findByText('1,240 running records');
    await waitFor(() =>
      expect(calls.some((c) => c.url === '/api/pools/crm-new/upgrade')).toBe(true),
    );
    expect(screen.queryByTestId('rollout-pool-crm-new')).toBeNull();
    expect(screen.queryByTestId('rollout-error')).toBeNull();
  });

  it('offers a pool already on v2 while records of it are left on v1', async () => {
    stubApi([], 2);
    renderDialog();
    const box = await screen.findByTestId<HTMLInputElement>('rollout-pool-crm-new');
    expect(box.checked).toBe(true);
    const row = box.closest('li') as HTMLElement;
    expect(row.textContent).toContain('runs v2');
    expect(row.textContent).toContain('2 running records still on older versions');
    fireEvent.click(screen.getByTestId('rollout-pool-crm'));
    fireEvent.click(screen.getByTestId('rollout-preview-button'));
    const preview = await screen.findByTestId('rollout-preview');
    expect(preview.getAttribute('data-pool')).toBe('crm-new');
    expect(preview.querySelector('h3')?.textContent).toBe('Pool crm-new v1 → v2');
    expect(within(preview).getByTestId('rollout-summary').textContent).toContain(
      '2 running records move from v1 to v2.',
    );
  });

  it('reads in Chinese', async () => {
    stubApi();
    renderDialog('zh');
    await screen.findByText('1,240 条运行中的记录');
    fireEvent.click(screen.getByTestId('rollout-preview-button'));
    const summary = await screen.findByTestId('rollout-summary');
    expect(summary.textContent).toBe(
      '1,240 条运行中的记录从 v1 升级到 v2。' +
        '它们的定时器：140 个到期时间不变，1,100 个推迟到期。' +
        '60 条记录立即到期（释放回公海）：将在下一轮扫描时继续流转。',
    );
    expect(screen.getByTestId('rollout-mapping').textContent).toContain('处于“主管审核”的记录改为');
  });
});

describe('rollout preview sentences', () => {
  it('says the per-timer counts are timers, so they need not add up to the records due', () => {
    const preview: UpgradePreview = {
      toVersion: 2,
      moves: [{ fromVersion: 1, fromState: 'owned', toState: 'owned', records: 233 }],
      total: 233,
      problems: [],
      timers: { earlier: 482, later: 0, unchanged: 26, added: 0, removed: 0 },
      dueAtOnce: 76,
      dueAtOnceByDelay: { release: 41, escalate: 37, remind: 44 },
    };
    const en = previewSentences(preview, { from: 1, to: 2 }, makeI18n('en'));
    expect(en[2]).toBe(
      '76 records fall due at once (timers due, a record may have several: Back to the pool: 41, ' +
        'Escalation reminder: 37, Reminder: 44): they move on in the next sweep.',
    );
    const zh = previewSentences(preview, { from: 1, to: 2 }, makeI18n('zh'));
    expect(zh[2]).toContain('76 条记录立即到期（到期的定时器，一条记录可能有多个：');
  });

  it('tells timers that start again (a reminder fired already) from new ones, not "new in this version"', () => {
    const timers = { ...DRY_RUN.timers, added: 29 };
    const [, en] = previewSentences({ ...DRY_RUN, timers }, { from: 1, to: 2 }, makeI18n('en'));
    expect(en).toContain(
      '29 start (not pending before: new in this version, or fired already and due again)',
    );
    const [, zh] = previewSentences({ ...DRY_RUN, timers }, { from: 1, to: 2 }, makeI18n('zh'));
    expect(zh).toContain('29 个开始计时（此前未在计时：新版本新增的，或已触发过、将再次到期的）');
  });

  it('says ahead how many records would share a unique value (查重), and nothing when none', () => {
    const last = (duplicates: number | undefined, lang: Lang) =>
      previewSentences(
        duplicates === undefined ? DRY_RUN : { ...DRY_RUN, duplicates },
        { from: 1, to: 2 },
        makeI18n(lang),
      ).at(-1);
    expect(last(3, 'en')).toBe(
      '3 records share a unique value (查重) with another record: they move, and the first record keeps the value.',
    );
    expect(last(1, 'zh')).toBe(
      '1 条记录的查重字段与其他记录重复：照常升级，由先有的记录保留该值。',
    );
    expect(last(0, 'en')).not.toContain('查重');
    expect(last(undefined, 'en')).not.toContain('查重');
  });
});

describe('rollout progress in words', () => {
  it('counts the records that moved sharing a unique value (查重), in English and Chinese', () => {
    const done = { ...upgrade('done', 1240), duplicates: 3 };
    expect(progressText(done, makeI18n('en'))).toBe(
      '1,240 of 1,240 records moved, 3 share a unique value with another record (查重: the first keeps it)',
    );
    expect(progressText({ ...upgrade('failed', 1238, 2), duplicates: 1 }, makeI18n('zh'))).toBe(
      '已升级 1,238 / 1,240 条记录，2 条失败，1 条与其他记录的查重字段重复（先有的记录保留该值）',
    );
    expect(progressText(upgrade('done', 1240), makeI18n('en'))).toBe(
      '1,240 of 1,240 records moved',
    );
  });
});

describe('rollout progress lists the records sharing a unique value', () => {
  const done: Upgrade = {
    ...upgrade('done', 1240),
    duplicates: 2,
    duplicateRecords: [
      {
        recordId: '0193a1b2-0000-7000-8000-00000000aa01',
        field: 'name',
        value: 'ACME  Ltd',
        heldBy: '0193a1b2-0000-7000-8000-00000000bb02',
        heldByPool: 'crm',
      },
      {
        recordId: '0193a1b2-0000-7000-8000-00000000cc03',
        field: 'name',
        value: null, // edited away since
        heldBy: '0193a1b2-0000-7000-8000-00000000dd04',
        heldByPool: 'crm-new',
      },
    ],
  };
  const renderProgress = (lang: Lang, shown: Upgrade) =>
    render(
      <I18nProvider lang={lang}>
        <PoolProgress pool={POOLS[0]} upgrade={shown} toVersion={2} doc={v2()} pools={POOLS} />
      </I18nProvider>,
    );

  it('names each record by its value and links it and the record that keeps the value', () => {
    renderProgress('en', done);
    const list = screen.getByTestId('rollout-duplicates');
    expect(list.textContent).toContain(
      'These records moved sharing a unique value (查重) with another record, which keeps it:',
    );
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      'ACME  Ltd (Name) — kept by a record in Customers',
      '0000cc03 (Name) — kept by a record in Pool crm-new',
    ]);
    const href = (id: string) =>
      within(list)
        .getAllByTestId(id)
        .map((a) => a.getAttribute('href'));
    expect(href('duplicate-moved')).toEqual([
      '#/pools/crm/records/0193a1b2-0000-7000-8000-00000000aa01',
      '#/pools/crm/records/0193a1b2-0000-7000-8000-00000000cc03',
    ]);
    expect(href('duplicate-holder')).toEqual([
      '#/pools/crm/records/0193a1b2-0000-7000-8000-00000000bb02',
      '#/pools/crm-new/records/0193a1b2-0000-7000-8000-00000000dd04',
    ]);
  });

  it('reads in Chinese', () => {
    renderProgress('zh', done);
    const items = within(screen.getByTestId('rollout-duplicates')).getAllByRole('listitem');
    expect(items[0]?.textContent).toBe('ACME  Ltd（名称）— 保留该值的记录在客户公海');
  });

  it('shows no list when no record shares a value', () => {
    renderProgress('en', upgrade('done', 1240));
    expect(screen.queryByTestId('rollout-duplicates')).toBeNull();
  });
});
