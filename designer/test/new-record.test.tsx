// @vitest-environment jsdom
// A new record from My records, against a real runtime: a rep's own customer appears in their list; the
// pool's limit on owned records holds (refused in words, nothing created); a manager may put a new
// customer straight into the pool; a name already in the pool is shown first, to claim rather than add twice.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecordList } from '../src/api/records.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { WorkspacePage } from '../src/workspace/workspace-page.js';
import { apiCall, type Runtime } from '../scripts/harness.js';
import { startCrmRuntime, type CrmRuntime } from './crm-runtime.js';
import { crm } from './fixtures.js';
import { fetchFrom } from './workspace-harness.js';

/** Records a rep may own in the test pool. */
const MAX_OWNED = 2;

let runtime: Runtime;
let users: CrmRuntime['users'];

beforeAll(async () => {
  const policy = crm();
  policy.claim = { ...policy.claim, maxOwned: MAX_OWNED };
  // Without the template's duplicate check: a same name is then shown, and may be created anyway (a
  // policy that checks names refuses it instead: duplicate-refusal.test.tsx).
  delete policy.entity.uniqueFields;
  ({ runtime, users } = await startCrmRuntime({ rep: ['member'], boss: ['manager'] }, policy));
}, 120_000);

afterAll(() => runtime?.close());

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function openMine(who: string) {
  fetchFrom(runtime.url, users[who].token);
  render(
    <I18nProvider lang="en">
      <WorkspacePage me={users[who].me} pool="crm" view="mine" />
    </I18nProvider>,
  );
}

async function newCustomer(name: string, owner?: 'pool'): Promise<void> {
  fireEvent.click(await screen.findByTestId('new-record', undefined, { timeout: 10_000 }));
  const form = screen.getByTestId('new-record-form');
  fireEvent.change(form.querySelector('#new-record_name')!, { target: { value: name } });
  if (owner) fireEvent.change(screen.getByTestId('new-record-owner'), { target: { value: owner } });
  fireEvent.click(screen.getByTestId('new-record-submit'));
}

const listed = async (who: string, view: string) =>
  (
    await apiCall<RecordList>(
      runtime.url,
      users[who].token,
      'GET',
      `/api/pools/crm/records?view=${view}`,
    )
  ).items.map((r) => r.data['name']);

describe('a new record', () => {
  it("is the rep's own, shown in My records, up to the pool's limit", async () => {
    openMine('rep');
    // A rep is not offered an owner: a new customer is theirs.
    fireEvent.click(await screen.findByTestId('new-record', undefined, { timeout: 10_000 }));
    expect(screen.queryByTestId('new-record-owner')).toBeNull();
    fireEvent.click(screen.getByText('Cancel'));

    await newCustomer('ACME Trading');
    const notice = await screen.findByTestId('notice', undefined, { timeout: 10_000 });
    expect(notice.textContent).toBe('“ACME Trading” created: Owned');
    await waitFor(() =>
      expect(screen.getByTestId('mine-table').textContent).toContain('ACME Trading'),
    );
    await newCustomer('Globex');
    await waitFor(() => expect(screen.getByTestId('mine-table').textContent).toContain('Globex'));

    await newCustomer('Initech');
    const refused = await screen.findByTestId('new-record-error', undefined, { timeout: 10_000 });
    expect(refused.dataset['code']).toBe('POOL_ERR_CLAIM_LIMIT');
    expect(refused.textContent).toContain(
      `you already hold ${MAX_OWNED} records and may hold ${MAX_OWNED}`,
    );
    expect(await listed('rep', 'mine')).not.toContain('Initech');
    expect(await listed('boss', 'all')).not.toContain('Initech');
  }, 30_000);

  it('may go straight into the pool when a manager says so', async () => {
    openMine('boss');
    await newCustomer('Umbrella', 'pool');
    const notice = await screen.findByTestId('notice', undefined, { timeout: 10_000 });
    expect(notice.textContent).toBe('“Umbrella” created: Public pool');
    expect(await listed('rep', 'pool')).toContain('Umbrella');
    expect(await listed('boss', 'mine')).not.toContain('Umbrella');
  }, 30_000);

  it('shows a record of the same name first, and creates another only when asked again', async () => {
    // The manager's "Umbrella" is in the pool; typed again in capitals, it is found.
    const pooledBefore = (await listed('boss', 'all')).filter((n) => n === 'Umbrella').length;
    expect(pooledBefore).toBe(1);
    openMine('boss');
    await newCustomer('UMBRELLA');
    const same = await screen.findByTestId('new-record-same', undefined, { timeout: 10_000 });
    expect(same.textContent).toContain('Already here under this name');
    expect(same.textContent).toContain('Umbrella · Public pool');
    expect(same.querySelector('a')?.getAttribute('href')).toMatch(/records\//);
    // Nothing was created by the first try.
    expect((await listed('boss', 'all')).filter((n) => /umbrella/i.test(n as string))).toEqual([
      'Umbrella',
    ]);
    const submit = screen.getByTestId('new-record-submit');
    expect(submit.textContent).toBe('Create anyway');
    fireEvent.click(submit);
    const notice = await screen.findByTestId('notice', undefined, { timeout: 10_000 });
    expect(notice.textContent).toBe('“UMBRELLA” created: Owned');
    expect((await listed('boss', 'all')).filter((n) => /umbrella/i.test(n as string)).length).toBe(
      2,
    );
  }, 30_000);
});
