// @vitest-environment jsdom
// The audit queue against a stubbed API: an open audit with its record, rep, channel, note, why it was
// picked and the record's latest steps; Confirmed and Fake (with a note) post the verdict and reload;
// another manager's verdict first (409) is said in plain words; decided audits show what was revoked.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Audit } from '../src/api/audits.api.js';
import type { HistoryEntry } from '../src/api/records.api.js';
import type { Lang } from '../src/i18n/messages.js';
import { parseRoute, routeHash } from '../src/pages/use-hash-route.js';
import { AuditQueuePage } from '../src/workspace/audit-queue-page.js';
import { auditsBadge } from '../src/workspace/manager-badges.js';
import { RecordTimeline } from '../src/workspace/record-timeline.js';
import { ME } from './workspace-fixtures.js';
import { historyPage, stubFetch, TestWorkspace } from './workspace-harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const boss = { ...ME, id: 'u-boss', username: 'boss', displayName: 'Wang Min', roles: ['manager'] };
const RECORD = '11111111-1111-4111-8111-111111111111';

const open: Audit = {
  id: 'a1',
  recordId: RECORD,
  recordTitle: 'ACME Trading',
  eventType: 'FOLLOW_UP',
  actorId: 'u-bob',
  actorName: null,
  payload: { channel: 'wechat', note: 'ok' },
  at: '2026-03-02T02:00:00.000Z',
  reason: 'force',
  status: 'open',
};

const step = (seq: number, event: string, payload: unknown = null): HistoryEntry => ({
  seq,
  at: new Date(Date.parse('2026-02-01T00:00:00Z') + seq * 86_400_000).toISOString(),
  actorId: 'u-bob',
  event,
  payload,
  from: 'owned',
  to: 'owned',
  ownerFrom: 'u-bob',
  ownerTo: 'u-bob',
  tags: [],
  reason: null,
});
// Seven steps: the card shows the latest five and says there is more.
const history = [
  step(1, 'CLAIM'),
  ...[2, 3, 4, 5, 6].map((n) => step(n, 'FOLLOW_UP', { channel: 'call', note: `call ${n}` })),
  step(7, 'FOLLOW_UP', { channel: 'wechat', note: 'ok' }),
];

function Workspace({ children, lang = 'en' }: { children: ReactNode; lang?: Lang }) {
  return (
    <TestWorkspace me={boss} lang={lang}>
      {children}
    </TestWorkspace>
  );
}

/** The audit routes; `audits` is what each status lists now, `verdict` answers the POST. */
function stubApi(state: {
  audits: Record<string, Audit[]>;
  verdict?: (body: { verdict: string; note?: string }) => { status: number; body: unknown };
}) {
  return stubFetch(({ method, url, body }) => {
    if (method === 'GET' && url.startsWith('/api/pools/crm/audits?')) {
      const status = new URLSearchParams(url.split('?')[1]).get('status') ?? 'open';
      return { body: { items: state.audits[status] ?? [] } };
    }
    if (method === 'POST' && url === `/api/pools/crm/audits/${open.id}` && state.verdict) {
      return state.verdict(body as { verdict: string; note?: string });
    }
    if (url.startsWith(`/api/pools/crm/records/${RECORD}/history?`))
      return { body: historyPage(history, url) };
    return undefined;
  });
}

const closed = (verdict: 'confirmed' | 'fake', extra: Partial<Audit> = {}): Audit => ({
  ...open,
  status: 'closed',
  verdict,
  decidedBy: 'u-alice',
  decidedAt: '2026-03-03T02:00:00.000Z',
  note: null,
  ...extra,
});

describe('audit queue', () => {
  it('counts open audits on the tab: none, a page, more than a page', () => {
    expect(auditsBadge({ items: [] })).toBeNull();
    expect(auditsBadge({ items: [open, open] })).toBe('2');
    expect(auditsBadge({ items: [open, open], nextCursor: 'c' })).toBe('2+');
  });

  it('has its own route, a manager-only screen', () => {
    expect(parseRoute('#/pools/crm/audits')).toEqual({
      page: 'workspace',
      pool: 'crm',
      view: 'audits',
    });
    expect(routeHash({ page: 'workspace', pool: 'crm', view: 'audits' })).toBe(
      '#/pools/crm/audits',
    );
  });

  it('shows an open audit with what a manager needs to judge it, and confirms it', async () => {
    const state = {
      audits: { open: [open], closed: [] as Audit[] },
      verdict: (body: { verdict: string }) => {
        state.audits = { open: [], closed: [closed('confirmed')] };
        return { status: 200, body: closed(body.verdict as 'confirmed') };
      },
    };
    const calls = stubApi(state);
    render(
      <Workspace>
        <AuditQueuePage />
      </Workspace>,
    );
    const card = await screen.findByTestId('audit-card');
    expect(within(card).getByTestId('audit-record').textContent).toBe('ACME Trading');
    expect(within(card).getByTestId('audit-record').getAttribute('href')).toBe(
      `#/pools/crm/records/${RECORD}`,
    );
    expect(within(card).getByTestId('audit-rep').textContent).toBe('Bob Li');
    expect(within(card).getByTestId('audit-channel').textContent).toBe('wechat');
    expect(within(card).getByTestId('audit-note').textContent).toBe('ok');
    expect(within(card).getByTestId('audit-reason').textContent).toBe('Picked by a policy rule');
    // The latest five steps of the record, latest first, and a word that there is more.
    await waitFor(() => expect(within(card).getAllByTestId('timeline-entry')).toHaveLength(5));
    expect(within(card).getAllByTestId('timeline-entry')[0].textContent).toContain('ok');
    expect(within(card).getAllByTestId('timeline-entry')[4].textContent).toContain('call 3');
    expect(card.textContent).toContain('Only the latest 5 steps');

    fireEvent.click(within(card).getByTestId('audit-confirm'));
    await screen.findByTestId('audits-empty');
    expect(screen.getByTestId('notice').textContent).toBe(
      'Confirmed the follow-up on “ACME Trading”.',
    );
    expect(calls.filter((c) => c.method === 'POST')).toEqual([
      { method: 'POST', url: `/api/pools/crm/audits/${open.id}`, body: { verdict: 'confirmed' } },
    ]);
  });

  it("offers no verdict on the manager's own follow-up, and says who decides it", async () => {
    const calls = stubApi({ audits: { open: [{ ...open, actorId: boss.id, actorName: null }] } });
    render(
      <Workspace>
        <AuditQueuePage />
      </Workspace>,
    );
    const card = await screen.findByTestId('audit-card');
    expect(within(card).getByTestId('audit-own').textContent).toBe(
      'Your own follow-up: another manager or an admin decides it.',
    );
    expect(within(card).queryByTestId('audit-confirm')).toBeNull();
    expect(within(card).queryByTestId('audit-fake')).toBeNull();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('marks a follow-up fake with a note, after saying what that does', async () => {
    const state = {
      audits: { open: [open] } as Record<string, Audit[]>,
      verdict: (body: { verdict: string; note?: string }) => {
        state.audits = { open: [] };
        return { status: 200, body: closed('fake', { note: body.note ?? null, revoked: true }) };
      },
    };
    const calls = stubApi(state);
    render(
      <Workspace>
        <AuditQueuePage />
      </Workspace>,
    );
    fireEvent.click(await screen.findByTestId('audit-fake'));
    const dialog = screen.getByRole('dialog');
    expect(dialog.getAttribute('aria-label')).toBe('Mark the follow-up of Bob Li as fake');
    expect(dialog.textContent).toContain('A violation goes into Bob Li’s integrity record');
    fireEvent.change(within(dialog).getByTestId('audit-fake-note'), {
      target: { value: '  no call in the phone log  ' },
    });
    fireEvent.click(within(dialog).getByTestId('audit-fake-submit'));
    await screen.findByTestId('audits-empty');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByTestId('notice').textContent).toBe(
      'Marked the follow-up on “ACME Trading” fake.',
    );
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
      { verdict: 'fake', note: 'no call in the phone log' },
    ]);
  });

  it('says so when another manager decided first, and shows the queue as it is now', async () => {
    const state = {
      audits: { open: [open] } as Record<string, Audit[]>,
      verdict: () => {
        state.audits = { open: [] };
        return {
          status: 409,
          body: { error: { code: 'POOL_ERR_AUDIT_CLOSED', message: 'audit a1 is closed' } },
        };
      },
    };
    stubApi(state);
    render(
      <Workspace>
        <AuditQueuePage />
      </Workspace>,
    );
    fireEvent.click(await screen.findByTestId('audit-confirm'));
    await screen.findByTestId('audits-empty');
    expect(screen.getByTestId('notice').textContent).toBe(
      'Another manager decided this audit first. The list is up to date again.',
    );
    expect(screen.queryByText(/POOL_ERR/)).toBeNull();
  });

  it('lists decided audits with the verdict and what a fake one revoked, in Chinese too', async () => {
    const restored = closed('fake', {
      revoked: true,
      note: 'no call in the log',
      // The reminder was put back too; the card names the release, what the rep cares about.
      restoredTimers: [
        {
          timerKey: 'xstate.after.remind.crm.owned',
          delay: 'remind',
          dueAt: '2026-03-03T02:00:00.000Z',
        },
        {
          timerKey: 'xstate.after.release.crm.owned',
          delay: 'release',
          dueAt: '2026-03-10T02:00:00.000Z',
        },
      ],
    });
    const replaced = closed('fake', { id: 'a2', revoked: false });
    const passed = closed('confirmed', { id: 'a3' });
    stubApi({ audits: { open: [], closed: [restored, replaced, passed] } });
    render(
      <Workspace>
        <AuditQueuePage />
      </Workspace>,
    );
    await screen.findByTestId('audits-empty');
    fireEvent.click(screen.getByTestId('audits-closed'));
    await waitFor(() => expect(screen.getAllByTestId('audit-card')).toHaveLength(3));
    const [fake, stale, ok] = screen.getAllByTestId('audit-verdict');
    expect(fake.textContent).toContain('Fake');
    expect(fake.textContent).toContain('by Alice Zhang');
    expect(fake.textContent).toContain('no call in the log');
    expect(within(fake).getByTestId('audit-revoked').textContent).toBe(
      'Protection revoked. Back to the public pool: 10 Mar 2026, 10:00, as before the follow-up.',
    );
    expect(within(stale).getByTestId('audit-revoked').textContent).toBe(
      'Nothing to revoke: a later event had already replaced the timers.',
    );
    expect(ok.textContent).toContain('Confirmed');
    expect(screen.queryByTestId('audit-confirm')).toBeNull();
    cleanup();
    stubApi({ audits: { open: [open] } });
    render(
      <Workspace lang="zh">
        <AuditQueuePage />
      </Workspace>,
    );
    const card = await screen.findByTestId('audit-card');
    expect(within(card).getByTestId('audit-channel').textContent).toBe('微信');
    expect(within(card).getByTestId('audit-reason').textContent).toBe('规则命中');
    expect(within(card).getByTestId('audit-confirm').textContent).toContain('属实');
  });

  it('writes a fake verdict into the record’s history in words, not its payload', () => {
    const verdict: HistoryEntry = {
      ...step(8, 'AUDIT', {
        auditId: open.id,
        verdict: 'fake',
        note: 'no call in the log',
        audited: { eventType: 'FOLLOW_UP', seq: 7, at: open.at },
        violationOf: 'u-bob',
        revoked: true,
        restoredTimers: [
          {
            timerKey: 'xstate.after.release.crm.owned',
            delay: 'release',
            dueAt: '2026-03-10T02:00:00.000Z',
          },
        ],
        notified: ['u-bob'],
      }),
      actorId: 'u-alice',
    };
    render(
      <Workspace>
        <RecordTimeline history={[verdict]} />
      </Workspace>,
    );
    const row = screen.getByTestId('timeline-entry');
    expect(row.textContent).toContain('Follow up marked fake · Alice Zhang');
    expect(within(row).getByTestId('audit-step').textContent).toBe(
      'A violation for Bob Li · no call in the log' +
        'Protection revoked. Back to the public pool: 10 Mar 2026, 10:00, as before the follow-up.',
    );
    expect(row.textContent).not.toContain('{');
    cleanup();
    render(
      <Workspace lang="zh">
        <RecordTimeline history={[verdict]} />
      </Workspace>,
    );
    expect(screen.getByTestId('timeline-entry').textContent).toContain('跟进被标记为虚假');
    expect(screen.getByTestId('audit-step').textContent).toContain('Bob Li 记违规一次');
  });

  it('names an actor who is no member of the pool (an admin rolling it out) by the name history gives', () => {
    const migrated: HistoryEntry = {
      ...step(9, 'MIGRATE', { fromVersion: 1, toVersion: 2 }),
      actorId: 'u-admin-f27823d6',
      actorName: 'Administrator',
    };
    render(
      <Workspace>
        <RecordTimeline history={[migrated]} />
      </Workspace>,
    );
    const row = screen.getByTestId('timeline-entry');
    expect(row.textContent).toContain('· Administrator');
    expect(row.textContent).not.toContain('u-admin-');
  });
});
