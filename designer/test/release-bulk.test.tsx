// @vitest-environment jsdom
// A rep leaves (disabled: marked so in the owner filter, not offered to assign to): the manager shows all
// records, filters by that rep, checks them and releases them to the pool with a reason, against a real
// runtime. The won deal stays; the notice says how many went and why
// the rest did not. The release is offered only among all records (pooled ones have no owner to leave).
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecordDetail, RecordList } from '../src/api/records.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { WorkspacePage } from '../src/workspace/workspace-page.js';
import { apiCall, type ApiCaller, type Runtime } from '../scripts/harness.js';
import { startCrmRuntime, type CrmRuntime } from './crm-runtime.js';
import { fetchFrom } from './workspace-harness.js';

let runtime: Runtime;
let asAdmin: ApiCaller;
let users: CrmRuntime['users'];

beforeAll(async () => {
  ({ runtime, asAdmin, users } = await startCrmRuntime({
    boss: ['manager'],
    alice: ['member'],
    bob: ['member'],
  }));
}, 120_000);

afterAll(() => runtime?.close());

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const customerOf = (who: string, name: string) =>
  asAdmin<RecordDetail>('POST', '/api/pools/crm/records', {
    data: { name },
    ownerId: users[who].me.id,
  });

describe('releasing records in bulk', () => {
  it("puts a departed rep's customers back in the pool, with the reason, and keeps a won deal", async () => {
    await customerOf('alice', 'ACME Trading');
    await customerOf('alice', 'Globex');
    const won = await customerOf('alice', 'Umbrella');
    await apiCall(
      runtime.url,
      users['alice'].token,
      'POST',
      `/api/pools/crm/records/${won.id}/events`,
      {
        type: 'WIN',
      },
    );
    await customerOf('bob', 'Initech');
    // Alice leaves the company.
    await asAdmin('PATCH', `/api/users/${users['alice'].me.id}`, { disabled: true });

    fetchFrom(runtime.url, users['boss'].token);
    render(
      <I18nProvider lang="en">
        <WorkspacePage me={users['boss'].me} pool="crm" view="pool" />
      </I18nProvider>,
    );
    fireEvent.click(await screen.findByTestId('scope-all', undefined, { timeout: 10_000 }));
    const aliceOption = screen
      .getByTestId('filter-owner')
      .querySelector(`option[value="${users['alice'].me.id}"]`);
    expect(aliceOption?.textContent).toBe('alice (disabled)');
    fireEvent.change(screen.getByTestId('filter-owner'), {
      target: { value: users['alice'].me.id },
    });
    await waitFor(() => expect(screen.getAllByTestId('pool-row')).toHaveLength(3));
    fireEvent.click(screen.getByLabelText('Select all'));
    // No one gets records from a disabled user's hands back into them.
    const assignees = [...screen.getByTestId('bulk-user').querySelectorAll('option')].map(
      (o) => o.textContent,
    );
    expect(assignees).toEqual(['Pick a person…', 'bob', 'boss']);
    // Nothing to release without a reason.
    expect(screen.getByTestId<HTMLButtonElement>('bulk-release').disabled).toBe(true);
    fireEvent.change(screen.getByTestId('bulk-release-reason'), {
      target: { value: 'left the company' },
    });
    expect(screen.getByTestId('bulk-release').textContent).toBe('Release to the public pool');
    fireEvent.click(screen.getByTestId('bulk-release'));

    const notice = await screen.findByTestId('notice', undefined, { timeout: 10_000 });
    expect(notice.textContent).toBe('Released 2 of 3; refused: their state keeps them (1 Won)');
    const pooled = await apiCall<RecordList>(
      runtime.url,
      users['bob'].token,
      'GET',
      '/api/pools/crm/records?view=pool',
    );
    expect(pooled.items.map((r) => r.data['name']).sort()).toEqual(['ACME Trading', 'Globex']);
    const stillAlices = await asAdmin<RecordList>(
      'GET',
      `/api/pools/crm/records?view=all&owner=${users['alice'].me.id}`,
    );
    expect(stillAlices.items.map((r) => [r.data['name'], r.state])).toEqual([['Umbrella', 'won']]);
    // Among pooled records only assigning is offered.
    fireEvent.click(screen.getByTestId('scope-pool'));
    await waitFor(() => expect(screen.getAllByTestId('pool-row')).toHaveLength(2));
    fireEvent.click(screen.getByLabelText('Select all'));
    expect(screen.getByTestId('bulk-bar')).toBeTruthy();
    expect(screen.queryByTestId('bulk-release')).toBeNull();
  }, 30_000);
});
