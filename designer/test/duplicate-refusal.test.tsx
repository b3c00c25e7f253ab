// @vitest-environment jsdom
// Unique fields (查重) in the workspace, against a real runtime: a policy keeps its customers' names
// unique. A new record or an edit with a name another record has (in other capitals and spacing) is
// refused in words naming the field, whose record it is (an owner by name, yours, or in the pool to
// claim) and where, with a link to open it; "Create anyway" is not offered again, and nothing is written.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecordDetail, RecordList } from '../src/api/records.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { nameKey } from '../src/workspace/new-record-dialog.js';
import { WorkspacePage } from '../src/workspace/workspace-page.js';
import type { ApiCaller, Runtime } from '../scripts/harness.js';
import { startCrmRuntime, type CrmRuntime } from './crm-runtime.js';
import { crm } from './fixtures.js';
import { fetchFrom } from './workspace-harness.js';

let runtime: Runtime;
let asAdmin: ApiCaller;
let users: CrmRuntime['users'];

beforeAll(async () => {
  const policy = { ...crm(), id: 'crm-unique' };
  policy.entity = { ...policy.entity, uniqueFields: ['name'] };
  ({ runtime, asAdmin, users } = await startCrmRuntime(
    { alice: ['member'], bob: ['member'], boss: ['manager'] },
    policy,
  ));
  // A second pool of the policy: its records' names are kept apart from no one's in "crm".
  await asAdmin('POST', '/api/pools', {
    key: 'west',
    name: { en: 'West', zh: '西区' },
    policyId: 'crm-unique',
    members: Object.values(users).map(({ me }) => ({ userId: me.id })),
  });
}, 120_000);

afterAll(() => runtime?.close());

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** A record `who` owns (null: in the pool), created as the admin. */
const customer = (name: string, who: string | null, pool = 'crm') =>
  asAdmin<RecordDetail>('POST', `/api/pools/${pool}/records`, {
    data: { name, industry: 'trade' },
    ownerId: who === null ? null : users[who].me.id,
  });

/** The records of every pool of the policy whose name has `text` in it. */
async function named(text: string): Promise<string[]> {
  const names: string[] = [];
  for (const pool of ['crm', 'west']) {
    const q = encodeURIComponent(text);
    const list = await asAdmin<RecordList>('GET', `/api/pools/${pool}/records?view=all&q=${q}`);
    names.push(...list.items.map((r) => String(r.data['name'])));
  }
  return names;
}

function openMine(who: string, lang: Lang) {
  fetchFrom(runtime.url, users[who].token);
  render(
    <I18nProvider lang={lang}>
      <WorkspacePage me={users[who].me} pool="crm" view="mine" />
    </I18nProvider>,
  );
}

async function newCustomer(name: string): Promise<void> {
  fireEvent.click(await screen.findByTestId('new-record', undefined, { timeout: 10_000 }));
  const form = screen.getByTestId('new-record-form');
  fireEvent.change(form.querySelector('#new-record_name')!, { target: { value: name } });
  fireEvent.click(screen.getByTestId('new-record-submit'));
}

const linkOf = (refusal: HTMLElement) =>
  refusal.querySelector('[data-testid="duplicate-record"]')?.getAttribute('href');

describe('a new record with a name another record has', () => {
  it('is refused naming the field, the owner and a link to the record, and creates nothing', async () => {
    const held = await customer('Harbour Freight Ltd', 'alice');
    openMine('bob', 'en');
    await newCustomer('  HARBOUR   freight LTD ');
    const refusal = await screen.findByTestId('new-record-duplicate', undefined, {
      timeout: 10_000,
    });
    expect(refusal.textContent).toBe('Name is already another record’s, owned by alice. Open it');
    expect(linkOf(refusal)).toBe(`#/pools/crm/records/${held.id}`);
    // Not the generic refusal, and no "Create anyway": the server would refuse it again.
    expect(screen.queryByTestId('new-record-error')).toBeNull();
    expect(screen.getByTestId('new-record-submit').textContent).toBe('Create');
    expect(await named('freight')).toEqual(['Harbour Freight Ltd']);
  }, 30_000);

  it('says in Chinese that a pooled one is to be claimed, with no same-name hint first', async () => {
    const held = await customer('Pooled Customer Co', null);
    openMine('bob', 'zh');
    await newCustomer('POOLED  customer co');
    // The name is unique: the server's refusal, not the browser's hint with "Create anyway", names the
    // record in the pool to claim.
    const refusal = await screen.findByTestId('new-record-duplicate', undefined, {
      timeout: 10_000,
    });
    expect(refusal.textContent).toBe(
      '名称与公海中的一条记录重复：请领取该记录，不要重复添加。打开该记录',
    );
    expect(linkOf(refusal)).toBe(`#/pools/crm/records/${held.id}`);
    expect(screen.queryByTestId('new-record-same')).toBeNull();
    expect(screen.getByTestId('new-record-submit').textContent).toBe('创建');
    expect(await named('pooled customer')).toEqual(['Pooled Customer Co']);
  }, 30_000);

  it('names another pool of the policy, and links to the record there', async () => {
    const held = await customer('Western Traders', 'alice', 'west');
    openMine('bob', 'en');
    await newCustomer('western traders');
    const refusal = await screen.findByTestId('new-record-duplicate', undefined, {
      timeout: 10_000,
    });
    expect(refusal.textContent).toBe(
      'Name is already another record’s, owned by alice (West). Open it',
    );
    expect(linkOf(refusal)).toBe(`#/pools/west/records/${held.id}`);
    expect(await named('western')).toEqual(['Western Traders']);
  }, 30_000);
});

describe('the check as a name is typed', () => {
  it('names the record when the field is left, before anything is sent, and clears for a free name', async () => {
    const held = await customer('Checked Early Co', 'alice');
    openMine('bob', 'en');
    fireEvent.click(await screen.findByTestId('new-record', undefined, { timeout: 10_000 }));
    const input = screen.getByTestId('new-record-form').querySelector('#new-record_name')!;
    fireEvent.change(input, { target: { value: 'checked  EARLY co' } });
    fireEvent.blur(input);
    const early = await screen.findByTestId('new-record-duplicate', undefined, {
      timeout: 10_000,
    });
    expect(early.textContent).toBe('Name is already another record’s, owned by alice. Open it');
    expect(linkOf(early)).toBe(`#/pools/crm/records/${held.id}`);
    fireEvent.change(input, { target: { value: 'Checked Later Co' } });
    fireEvent.blur(input);
    await waitFor(() => expect(screen.queryByTestId('new-record-duplicate')).toBeNull());
    expect(await named('checked')).toEqual(['Checked Early Co']);
  }, 30_000);
});

describe('an edit to a name another record has', () => {
  it('is refused in words with a link to that record, and saves nothing', async () => {
    const north = await customer('Northwind Foods', 'alice');
    const south = await customer('Southwind Foods', 'alice');
    fetchFrom(runtime.url, users['alice'].token);
    render(
      <I18nProvider lang="en">
        <WorkspacePage me={users['alice'].me} pool="crm" view="record" recordId={south.id} />
      </I18nProvider>,
    );
    fireEvent.click(await screen.findByTestId('edit-record', undefined, { timeout: 10_000 }));
    const form = screen.getByTestId('edit-record-form');
    fireEvent.change(form.querySelector('#edit-record_name')!, {
      target: { value: ' northwind  FOODS' },
    });
    fireEvent.click(screen.getByTestId('edit-record-submit'));
    const refusal = await screen.findByTestId('edit-record-duplicate', undefined, {
      timeout: 10_000,
    });
    expect(refusal.textContent).toBe('Name is already one of your records. Open it');
    expect(linkOf(refusal)).toBe(`#/pools/crm/records/${north.id}`);
    expect(screen.queryByTestId('edit-record-error')).toBeNull();
    const now = await asAdmin<RecordDetail>('GET', `/api/pools/crm/records/${south.id}`);
    expect(now).toMatchObject({ seq: south.seq, data: { name: 'Southwind Foods' } });
  }, 30_000);
});

describe('the new record dialog’s own name check', () => {
  it('compares names as the server compares a unique field: width, case and spaces aside', () => {
    expect(nameKey('ＡＣＭＥ  Trading ')).toBe(nameKey('acme trading'));
    expect(nameKey('acme trading')).toBe('acmetrading');
    expect(nameKey('   ')).toBe('');
  });
});
