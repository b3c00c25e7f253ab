// @vitest-environment jsdom
// A follow-up the pool's rules do not count (the CRM's: a note of 10+ characters, not the last one again)
// is recorded but restarts nothing. Against a real runtime, the rep is told so, with the date the customer
// still goes back to the pool; a real follow-up restarts the countdown and says "updated". The note's
// field says the rule before anything is sent, in English and in Chinese.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { User } from '../src/api/auth.api.js';
import type { RecordDetail } from '../src/api/records.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { WorkspacePage } from '../src/workspace/workspace-page.js';
import type { ApiCaller, Runtime } from '../scripts/harness.js';
import { startCrmRuntime } from './crm-runtime.js';
import { fetchFrom } from './workspace-harness.js';

let runtime: Runtime;
let asAdmin: ApiCaller;
let rep: { token: string; me: User };

beforeAll(async () => {
  const crm = await startCrmRuntime({ rep: ['member'] });
  ({ runtime, asAdmin } = crm);
  rep = crm.users['rep']!;
}, 120_000);

afterAll(() => runtime?.close());

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

let phones = 0;

/** A customer the rep owns, an hour old (the manual clock moved on, as time does); its own phone. */
async function ownedCustomer(name: string): Promise<RecordDetail> {
  const created = await asAdmin<RecordDetail>('POST', '/api/pools/crm/records', {
    data: { name, phone: `1380000000${phones++}` },
    ownerId: rep.me.id,
  });
  await asAdmin('POST', '/api/clock/advance', { hours: 1 });
  return created;
}

const releaseDueOf = async (id: string): Promise<string | undefined> =>
  (await asAdmin<RecordDetail>('GET', `/api/pools/crm/records/${id}`)).timers.find(
    (t) => t.delay === 'release',
  )?.dueAt;

function openRecord(id: string, lang: Lang) {
  fetchFrom(runtime.url, rep.token);
  localStorage.setItem('poolflow.lang', lang);
  render(
    <I18nProvider>
      <WorkspacePage me={rep.me} pool="crm" view="record" recordId={id} />
    </I18nProvider>,
  );
}

/** What the follow-up form says before anything is sent (the dialog is closed again). */
async function followUpForm(): Promise<string> {
  fireEvent.click(await screen.findByTestId('event-FOLLOW_UP', undefined, { timeout: 10_000 }));
  const text = screen.getByTestId('event-form-FOLLOW_UP').textContent ?? '';
  fireEvent.click(screen.getByTestId('event-submit').previousElementSibling!);
  await waitFor(() => expect(screen.queryByTestId('event-form-FOLLOW_UP')).toBeNull());
  return text;
}

async function followUp(channel: string, note: string): Promise<HTMLElement> {
  fireEvent.click(await screen.findByTestId('event-FOLLOW_UP', undefined, { timeout: 10_000 }));
  const form = screen.getByTestId('event-form-FOLLOW_UP');
  const select = form.querySelector<HTMLSelectElement>('#event-FOLLOW_UP_channel')!;
  const option = [...select.options].find((o) => o.textContent?.startsWith(channel))!;
  fireEvent.change(select, { target: { value: option.value } });
  fireEvent.change(form.querySelector('#event-FOLLOW_UP_note')!, { target: { value: note } });
  fireEvent.click(screen.getByTestId('event-submit'));
  return screen.findByTestId('notice', undefined, { timeout: 10_000 });
}

describe('a follow-up the pool’s rules do not count', () => {
  it('is recorded, and the rep reads that the countdown did not restart; a real one restarts it', async () => {
    const record = await ownedCustomer('ACME Trading');
    const due = await releaseDueOf(record.id);
    openRecord(record.id, 'en');
    // The rule is said under the note before anything is sent.
    expect(await followUpForm()).toContain(
      'Counts as a follow-up, and restarts the countdown, with 10 or more characters',
    );

    const warning = await followUp('email', 'ok');
    expect(warning.dataset['tone']).toBe('warn');
    // 30 days from its creation an hour ago (the page's clock runs on by milliseconds: 22 h 59 min …).
    expect(warning.textContent).toMatch(
      /^“ACME Trading”: Follow up recorded, but the pool’s rules did not count it, so the countdown did not restart: back to the public pool in 29d 2[23]h\.$/,
    );
    expect(await releaseDueOf(record.id)).toBe(due);
    // It stays until read (not the 5-second confirmation): clicked, it goes.
    fireEvent.click(warning);
    await waitFor(() => expect(screen.queryByTestId('notice')).toBeNull());

    await asAdmin('POST', '/api/clock/advance', { hours: 1 });
    const confirmation = await followUp('email', 'talked about the quote and the delivery date');
    expect(confirmation.dataset['tone']).toBe('info');
    expect(confirmation.textContent).toBe('“ACME Trading” updated: Owned');
    expect(await releaseDueOf(record.id)).not.toBe(due);
  }, 30_000);

  it('says it in Chinese, the rule under the note too', async () => {
    const record = await ownedCustomer('华星制造');
    openRecord(record.id, 'zh');
    expect(await followUpForm()).toContain(
      '至少 10 个字、且与上一条不同，才算有效跟进并重新开始倒计时。',
    );
    const warning = await followUp('邮件', '好的');
    expect(warning.textContent).toMatch(
      /^“华星制造”：跟进已记录，但不符合公海的规则，倒计时没有重新开始：29天2[23]小时后回到公海。$/,
    );
  }, 30_000);
});
