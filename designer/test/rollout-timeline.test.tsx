// @vitest-environment jsdom
// A rollout on a record's timeline, against a real runtime: after v2 of the policy is rolled out to the
// pool, the record page's timeline says so in words ("Rolled out: v1 → v2" / 升级策略版本) instead of
// the MIGRATE event's name and its payload's keys.
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecordDetail } from '../src/api/records.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { WorkspacePage } from '../src/workspace/workspace-page.js';
import type { ApiCaller, Runtime } from '../scripts/harness.js';
import { startCrmRuntime, type CrmRuntime } from './crm-runtime.js';
import { crm } from './fixtures.js';
import { fetchFrom } from './workspace-harness.js';

let runtime: Runtime;
let asAdmin: ApiCaller;
let users: CrmRuntime['users'];
let record: RecordDetail;

beforeAll(async () => {
  ({ runtime, asAdmin, users } = await startCrmRuntime({ alice: ['member'] }));
  record = await asAdmin<RecordDetail>('POST', '/api/pools/crm/records', {
    data: { name: 'Rolled Out Ltd', industry: 'trade' },
    ownerId: users['alice'].me.id,
  });
  const v2 = crm();
  v2.delays = { ...v2.delays, release: { days: 45 } };
  await asAdmin('PUT', `/api/policies/${v2.id}/draft`, { document: v2 });
  await asAdmin('POST', `/api/policies/${v2.id}/publish`, { message: 'longer protection' });
  await asAdmin('POST', '/api/pools/crm/upgrade', { toVersion: 2 });
  await asAdmin('POST', '/api/clock/advance', { days: 0.01 });
}, 120_000);

afterAll(() => runtime?.close());

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function migrateStep(lang: Lang): Promise<HTMLElement> {
  fetchFrom(runtime.url, users['alice'].token);
  render(
    <I18nProvider lang={lang}>
      <WorkspacePage me={users['alice'].me} pool="crm" view="record" recordId={record.id} />
    </I18nProvider>,
  );
  await screen.findByTestId('record-timeline', undefined, { timeout: 10_000 });
  let step: HTMLElement | undefined;
  await waitFor(() => {
    step = screen
      .getAllByTestId('timeline-entry')
      .find((e) => e.getAttribute('data-event') === 'MIGRATE');
    expect(step).toBeDefined();
  });
  return step!;
}

describe('a rollout on the timeline', () => {
  it.each([
    ['en', 'Rolled out: v1 → v2'],
    ['zh', '升级策略版本：v1 → v2'],
  ] as const)(
    'is worded (%s), without the payload’s keys',
    async (lang, words) => {
      const step = await migrateStep(lang);
      expect(step.querySelector('.timeline-what strong')?.textContent).toBe(words);
      expect(step.textContent).not.toContain('fromVersion');
      expect(step.textContent).not.toContain('MIGRATE');
    },
    30_000,
  );
});
