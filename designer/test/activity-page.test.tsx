// @vitest-environment jsdom
// The activity log's details read as an admin reads them: `field: value`, a user by their name, a long
// list of record ids as its count. Before, each row was the request's JSON: a bulk assignment showed
// the assignee's id and 160 characters of record ids.
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActivityPage } from '../src/admin/activity-page.js';
import type { ActivityEntry } from '../src/api/activity.api.js';
import type { AdminUser } from '../src/api/admin.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const bob: AdminUser = {
  id: 'u-bob',
  username: 'bob',
  displayName: 'Bob Li',
  roles: ['member'],
  attributes: {},
  disabled: false,
  departmentId: null,
};

const entry = (id: string, action: string, details: ActivityEntry['details']): ActivityEntry => ({
  id,
  at: '2026-12-05T08:00:00.000Z',
  actorId: 'u-admin',
  actor: 'Administrator',
  action,
  target: 'crm',
  details,
});

const entries: ActivityEntry[] = [
  entry('3', 'records.assignBulk', {
    params: { pool: 'crm' },
    body: { userId: 'u-bob', override: false, recordIds: ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'] },
  }),
  entry('2', 'records.import', { params: { pool: 'crm' }, body: { bytes: 167 } }),
  entry('1', 'user.update', {
    params: { id: 'u-bob' },
    body: { roles: ['manager'], password: '***', attributes: { seniority: 'senior' } },
  }),
];

async function detailsShown(lang: Lang): Promise<string[]> {
  vi.stubGlobal(
    'fetch',
    vi.fn(() =>
      Promise.resolve(
        new Response(JSON.stringify({ items: entries, nextCursor: null }), { status: 200 }),
      ),
    ),
  );
  render(
    <I18nProvider lang={lang}>
      <ActivityPage users={[bob]} />
    </I18nProvider>,
  );
  await waitFor(() => expect(screen.getByTestId('activity-table')).toBeTruthy());
  return entries.map(
    (e) => screen.getByTestId(`activity-${e.id}`).lastElementChild?.textContent ?? '',
  );
}

describe('activity log details', () => {
  it('names the assignee and counts the records, field by field', async () => {
    expect(await detailsShown('en')).toEqual([
      'userId: Bob Li · override: false · recordIds: 6 items',
      'bytes: 167',
      'roles: [manager] · password: *** · attributes: {"seniority":"senior"}',
    ]);
  });

  it('counts in Chinese', async () => {
    expect((await detailsShown('zh'))[0]).toBe(
      'userId: Bob Li · override: false · recordIds: 6 项',
    );
  });
});
