// @vitest-environment jsdom
// A rep corrects a customer's fields on the record page, against a real runtime: the form is the pool's
// fields, only what changed is sent, the page and the timeline show the new values (before → after, in
// Chinese with the choices' Chinese names), and the countdown to the pool does not restart (a key
// account's is longer: it moves, still counted from the claim). A member who does not own the record is
// not offered the form.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecordDetail } from '../src/api/records.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { formatDateTime } from '../src/workspace/format.js';
import { WorkspacePage } from '../src/workspace/workspace-page.js';
import { apiCall, type ApiCaller, type Runtime } from '../scripts/harness.js';
import { startCrmRuntime, type CrmRuntime } from './crm-runtime.js';
import { crm } from './fixtures.js';
import { fetchFrom } from './workspace-harness.js';

const DAY = 86_400_000;
/** A time as the page shows it: the pool's zone is the default, Asia/Shanghai. */
const dateTime = (iso: string) => formatDateTime(iso, 'en', 'Asia/Shanghai');

let runtime: Runtime;
let asAdmin: ApiCaller;
let reps: CrmRuntime['users'];

beforeAll(async () => {
  ({
    runtime,
    asAdmin,
    users: reps,
  } = await startCrmRuntime({ rep: ['member'], other: ['member'] }, keyAccounts()));
}, 120_000);

afterAll(() => runtime?.close());

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

/** The CRM with a key account (level A) kept 60 days without a follow-up, others 30. */
function keyAccounts() {
  const policy = crm();
  policy.delays = {
    ...policy.delays,
    release: { days: { if: [{ '==': [{ var: 'entity.level' }, 'A'] }, 60, 30] } },
  };
  return policy;
}

/** A customer of the rep's, three days old; the first has phone 13800000000, the others their own. */
let phones = 0;
async function repsCustomer(name: string): Promise<RecordDetail> {
  const created = await asAdmin<RecordDetail>('POST', '/api/pools/crm/records', {
    data: { name, industry: 'trade', phone: `1380000000${phones++}`, level: 'C' },
    ownerId: reps['rep'].me.id,
  });
  await asAdmin('POST', '/api/clock/advance', { days: 3 });
  return created;
}

function openRecord(who: string, id: string, lang: Lang) {
  fetchFrom(runtime.url, reps[who].token);
  localStorage.setItem('poolflow.lang', lang);
  render(
    <I18nProvider>
      <WorkspacePage me={reps[who].me} pool="crm" view="record" recordId={id} />
    </I18nProvider>,
  );
}

const field = (name: string) =>
  screen.getByTestId('record-fields').querySelector(`[data-field="${name}"]`)?.textContent;

describe('editing a record on its page', () => {
  it('saves what changed, shows it in the fields and the timeline, and keeps the countdown', async () => {
    const record = await repsCustomer('ACME Trading');
    const releaseDue = record.timers.find((t) => t.delay === 'release')!.dueAt;
    // Level C: back to the pool 30 days after the claim; as a key account (A), 60 days after it.
    expect(Date.parse(releaseDue)).toBe(Date.parse(record.createdAt!) + 30 * DAY);
    const keyRelease = new Date(Date.parse(record.createdAt!) + 60 * DAY).toISOString();
    openRecord('rep', record.id, 'en');
    fireEvent.click(await screen.findByTestId('edit-record', undefined, { timeout: 10_000 }));
    const form = screen.getByTestId('edit-record-form');
    expect(form.textContent).toContain(
      'An edit is not a follow-up: the countdown to the public pool does not restart.',
    );
    fireEvent.change(form.querySelector('#edit-record_phone')!, {
      target: { value: '13911112222' },
    });
    fireEvent.change(form.querySelector('#edit-record_level')!, { target: { value: '0' } });
    fireEvent.click(screen.getByTestId('edit-record-submit'));

    const notice = await screen.findByTestId('notice', undefined, { timeout: 10_000 });
    expect(notice.textContent).toBe('“ACME Trading”: fields saved');
    await waitFor(() => expect(field('phone')).toBe('13911112222'));
    expect(field('level')).toBe('A');
    const edit = screen
      .getAllByTestId('timeline-entry')
      .find((e) => e.dataset['event'] === 'EDIT')!;
    expect(edit.textContent).toContain('Fields edited');
    expect(edit.textContent).toContain('Phone: 13800000000 → 13911112222');
    expect(edit.textContent).toContain('Level: C → A');
    const moved = edit.querySelector('[data-timer="release"]')!;
    expect(moved.textContent).toBe(
      `Back to the public pool: ${dateTime(releaseDue)} → ${dateTime(keyRelease)}`,
    );

    const saved = await asAdmin<RecordDetail>('GET', `/api/pools/crm/records/${record.id}`);
    expect(saved.data).toEqual({
      name: 'ACME Trading',
      industry: 'trade',
      phone: '13911112222',
      level: 'A',
    });
    // Counted from the claim, not from the edit (3 days later): an edit is no follow-up.
    expect(saved.timers.find((t) => t.delay === 'release')?.dueAt).toBe(keyRelease);
  }, 30_000);

  it('reads in Chinese, choices by their Chinese names', async () => {
    const record = await repsCustomer('华星贸易');
    await apiCall(runtime.url, reps['rep'].token, 'PATCH', `/api/pools/crm/records/${record.id}`, {
      data: { industry: 'manufacturing' },
    });
    openRecord('rep', record.id, 'zh');
    const edit = await screen.findByText('修改资料', undefined, { timeout: 10_000 });
    expect(edit.closest('[data-testid="timeline-entry"]')?.textContent).toContain(
      '行业: 贸易 → 制造',
    );
    expect(screen.getByTestId('edit-record').textContent).toBe('编辑');
  }, 30_000);

  it('says when someone else changed a field meanwhile, and saves over it only when asked again', async () => {
    const record = await repsCustomer('Soylent');
    openRecord('rep', record.id, 'en');
    fireEvent.click(await screen.findByTestId('edit-record', undefined, { timeout: 10_000 }));
    // While the rep types, the manager corrects the phone.
    await asAdmin('PATCH', `/api/pools/crm/records/${record.id}`, {
      data: { phone: '13811111111' },
    });
    const form = screen.getByTestId('edit-record-form');
    fireEvent.change(form.querySelector('#edit-record_phone')!, {
      target: { value: '13922223333' },
    });
    fireEvent.click(screen.getByTestId('edit-record-submit'));
    const conflict = await screen.findByTestId('edit-record-error', undefined, { timeout: 10_000 });
    expect(conflict.textContent).toBe(
      'Someone else changed this while you edited: now Phone: 13811111111. Save again to keep your values.',
    );
    const now = await asAdmin<RecordDetail>('GET', `/api/pools/crm/records/${record.id}`);
    expect(now.data['phone']).toBe('13811111111');

    fireEvent.click(screen.getByTestId('edit-record-submit'));
    const notice = await screen.findByTestId('notice', undefined, { timeout: 10_000 });
    expect(notice.textContent).toBe('“Soylent”: fields saved');
    const saved = await asAdmin<RecordDetail>('GET', `/api/pools/crm/records/${record.id}`);
    expect(saved.data['phone']).toBe('13922223333');
  }, 30_000);

  it('offers no form to a member who does not own the record', async () => {
    const record = await repsCustomer('Globex');
    openRecord('other', record.id, 'en');
    await screen.findByTestId('record-fields', undefined, { timeout: 10_000 });
    expect(screen.queryByTestId('edit-record')).toBeNull();
  }, 30_000);
});
