// @vitest-environment jsdom
// The pool view disables Claim, with the reason and date in the pool's zone, for a record the list says
// the rep may not claim, and shows the claims left today (jsdom, fetch stubbed with the list reply).
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RecordList } from '../src/api/records.api.js';
import type { Lang } from '../src/i18n/messages.js';
import { exportPath, PoolView } from '../src/workspace/pool-view.js';
import { crmPoolPolicy, ME, pooledRecord } from './workspace-fixtures.js';
import { stubFetch, TestWorkspace } from './workspace-harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const pooled = pooledRecord;

// 20:30 UTC on 8 Dec is 04:30 on 9 Dec in Shanghai: the pool's date, not the browser's or UTC's.
const UNTIL = '2026-12-08T20:30:00.000Z';

/** The pool view over a list that answers `reply` (anything else is a 404); the requests it makes. */
function renderPool(reply: RecordList, lang: Lang = 'en', me = ME, policy = crmPoolPolicy()) {
  const calls = stubFetch((request) =>
    request.url.startsWith('/api/pools/crm/records')
      ? { body: reply, headers: { etag: 'W/"1"' } }
      : undefined,
  );
  render(
    <TestWorkspace lang={lang} me={me} policy={policy}>
      <PoolView />
    </TestWorkspace>,
  );
  return calls;
}

const rowOf = async (id: string) =>
  (await screen.findAllByTestId('pool-row')).find((r) => r.dataset['id'] === id)!;

describe('claimability in the pool view', () => {
  const reply: RecordList = {
    items: [
      pooled('r-free', 'Free Co', { canClaim: true }),
      pooled('r-cool', 'Cooled Co', { canClaim: { code: 'POOL_ERR_COOLDOWN', until: UNTIL } }),
      pooled('r-hard', 'Hard Co', {
        tags: ['hard'],
        canClaim: { code: 'POOL_ERR_NOT_ELIGIBLE' },
      }),
    ],
    nextCursor: null,
    claimsLeftToday: 3,
    ownedCapacity: 150,
  };

  it('disables Claim with the reason and the local date, and shows the claims left today', async () => {
    renderPool(reply);
    const free = within(await rowOf('r-free'));
    expect(free.getByTestId<HTMLButtonElement>('claim').disabled).toBe(false);
    expect(free.queryByTestId('claim-reason')).toBeNull();

    const cooled = within(await rowOf('r-cool'));
    expect(cooled.getByTestId<HTMLButtonElement>('claim').disabled).toBe(true);
    const reason = cooled.getByTestId('claim-reason');
    expect(reason.textContent).toContain('you may claim it again from 9 Dec 2026');
    expect(reason.textContent).toContain('04:30');
    expect(cooled.getByTestId('claim').getAttribute('title')).toBe(reason.textContent);

    const hard = within(await rowOf('r-hard'));
    expect(hard.getByTestId<HTMLButtonElement>('claim').disabled).toBe(true);
    expect(hard.getByTestId('claim-reason').textContent).toContain('only a senior rep may claim');

    expect(screen.getByTestId('claims-left').textContent).toBe('3 claims left today');
    expect(screen.getByTestId<HTMLButtonElement>('claim-next').disabled).toBe(false);
  });

  it('says it in Chinese, and disables claim-next at the daily limit', async () => {
    renderPool(
      {
        ...reply,
        items: [pooled('r-free', 'Free Co', { canClaim: { code: 'POOL_ERR_DAILY_LIMIT' } })],
        claimsLeftToday: 0,
      },
      'zh',
    );
    const row = within(await rowOf('r-free'));
    expect(row.getByTestId<HTMLButtonElement>('claim').disabled).toBe(true);
    expect(row.getByTestId('claim-reason').textContent).toBe(
      '已达上限：今天已领取 20 条，明天再来。',
    );
    expect(screen.getByTestId('claims-left').textContent).toBe('今天还可领取 0 条');
    expect(screen.getByTestId<HTMLButtonElement>('claim-next').disabled).toBe(true);
  });

  it('names a refused claim-next as the next record, not as “Claim next best”', async () => {
    renderPool(reply);
    await rowOf('r-free');
    fireEvent.click(screen.getByTestId('claim-next'));
    const refusal = await screen.findByTestId('refusal');
    expect(refusal.textContent).toContain('Could not claim the next record.');
    expect(refusal.textContent).toContain('Nothing in the public pool you may claim right now.');
    expect(refusal.textContent).not.toContain('Claim next best');
  });
});

describe('the all-records view of a manager', () => {
  it('shows each owner and asks the list API for the owner and field filters', async () => {
    const boss = { ...ME, roles: ['manager'] };
    const asked = renderPool(
      {
        items: [
          { ...pooled('r-own', 'Owned Co', {}), state: 'owned', pooled: false, ownerId: 'u-bob' },
        ],
        nextCursor: null,
        claimsLeftToday: null,
        ownedCapacity: null,
      },
      'en',
      boss,
    );
    fireEvent.click(await screen.findByTestId('scope-all'));
    expect((await screen.findByTestId('owner-cell')).textContent).toBe('Bob Li');
    fireEvent.change(screen.getByTestId('filter-owner'), { target: { value: 'u-bob' } });
    fireEvent.change(screen.getByTestId('filter-industry'), { target: { value: 'trade' } });
    // The export is of this view: its scope, owner and field filters, labels in the page's language.
    expect(
      exportPath('crm', { view: 'all', owner: 'u-bob' }, { industry: 'trade', level: '' }, 'zh'),
    ).toBe('/api/pools/crm/export?format=csv&lang=zh&view=all&owner=u-bob&fields=industry%3Atrade');
    expect(screen.getByTestId('export-view').textContent).toContain('Export this view');
    await vi.waitFor(() =>
      expect(
        asked.some(
          ({ url }) => url.includes('owner=u-bob') && url.includes('fields=industry%3Atrade'),
        ),
      ).toBe(true),
    );
  });
});

describe('field filters and masked fields', () => {
  const empty: RecordList = {
    items: [],
    nextCursor: null,
    claimsLeftToday: null,
    ownedCapacity: null,
  };
  const maskingLevel = () => {
    const policy = crmPoolPolicy();
    return { ...policy, entity: { ...policy.entity, maskedInPool: ['phone', 'level'] } };
  };

  it('offers a rep no filter by a masked field (the list refuses it), and a manager one', async () => {
    renderPool(empty, 'en', ME, maskingLevel());
    expect(await screen.findByTestId('filter-industry')).toBeTruthy();
    expect(screen.queryByTestId('filter-level')).toBeNull();
    cleanup();
    renderPool(empty, 'en', { ...ME, roles: ['manager'] }, maskingLevel());
    expect(await screen.findByTestId('filter-level')).toBeTruthy();
  });
});
