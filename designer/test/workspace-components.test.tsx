// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Pool } from '../src/api/pools.api.js';
import type { RecordDetail } from '../src/api/records.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { BarList } from '../src/workspace/charts/bar-list.js';
import { FlowChart } from '../src/workspace/charts/flow-chart.js';
import { LineChart } from '../src/workspace/charts/line-chart.js';
import { EventDialog } from '../src/workspace/event-dialog.js';
import { NotificationBell } from '../src/workspace/notification-bell.js';
import { RecordActions } from '../src/workspace/record-actions.js';
import { WorkspaceProvider } from '../src/workspace/workspace-context.js';
import { CRM_POOL, crmPoolPolicy, ME } from './workspace-fixtures.js';
import { ownedRecord } from './workspace-harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const pool: Pool = CRM_POOL;

const record: RecordDetail = ownedRecord({
  data: { name: 'ACME Trading', industry: 'trade' },
  availableEvents: ['FOLLOW_UP', 'RELEASE', 'ASSIGN', 'NURTURE', 'WIN', 'LOSE'],
});

function Workspace({ children, lang = 'en' }: { children: ReactNode; lang?: Lang }) {
  return (
    <I18nProvider lang={lang}>
      <WorkspaceProvider
        me={ME}
        pools={[pool]}
        pool={pool}
        policy={crmPoolPolicy()}
        clockOffset={0}
        reload={() => undefined}
      >
        {children}
      </WorkspaceProvider>
    </I18nProvider>
  );
}

/** fetch answering JSON by "METHOD path"; records every request. */
function stubApi(routes: Record<string, unknown>) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      calls.push({
        method,
        url,
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      });
      const key = `${method} ${url.split('?')[0]}`;
      if (!(key in routes)) return Promise.resolve(new Response('{}', { status: 404 }));
      return Promise.resolve(new Response(JSON.stringify(routes[key]), { status: 200 }));
    }),
  );
  return calls;
}

describe('event payload forms', () => {
  it('renders the follow-up form from its JSON Schema and sends only a valid payload', async () => {
    const calls = stubApi({ 'POST /api/pools/crm/records/r1/events': { ...record, seq: 2 } });
    const onDone = vi.fn();
    render(
      <Workspace>
        <EventDialog record={record} type="FOLLOW_UP" onClose={() => undefined} onDone={onDone} />
      </Workspace>,
    );
    const form = screen.getByTestId('event-form-FOLLOW_UP');
    const channel = form.querySelector<HTMLSelectElement>('#event-FOLLOW_UP_channel')!;
    expect([...channel.options].map((o) => o.textContent)).toEqual(
      expect.arrayContaining(['call', 'visit', 'email', 'wechat']),
    );
    expect(form.querySelector('textarea#event-FOLLOW_UP_note')).not.toBeNull();
    // Required fields: nothing is sent while they are empty.
    fireEvent.click(screen.getByTestId('event-submit'));
    await waitFor(() => expect(form.querySelector('.error-detail')).not.toBeNull());
    // Said in the user's words under each empty field, not as Ajv's "must have required property".
    expect([...form.querySelectorAll('.error-detail')].map((e) => e.textContent)).toEqual([
      'Fill this in.',
      'Fill this in.',
    ]);
    expect(calls).toHaveLength(0);
    const email = [...channel.options].find((o) => o.textContent === 'email')!;
    fireEvent.change(channel, { target: { value: email.value } });
    fireEvent.change(form.querySelector('#event-FOLLOW_UP_note')!, {
      target: { value: 'asked for a quote' },
    });
    fireEvent.click(screen.getByTestId('event-submit'));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls).toEqual([
      {
        method: 'POST',
        url: '/api/pools/crm/records/r1/events',
        body: { type: 'FOLLOW_UP', payload: { channel: 'email', note: 'asked for a quote' } },
      },
    ]);
  });

  it('refuses a release reason of only spaces in the form, saying so, and sends nothing', async () => {
    const calls = stubApi({});
    render(
      <Workspace>
        <EventDialog record={record} type="RELEASE" onClose={() => undefined} onDone={vi.fn()} />
      </Workspace>,
    );
    const form = screen.getByTestId('event-form-RELEASE');
    fireEvent.change(form.querySelector('#event-RELEASE_reason')!, { target: { value: '   ' } });
    fireEvent.click(screen.getByTestId('event-submit'));
    await waitFor(() =>
      expect(form.querySelector('.error-detail')?.textContent).toContain(
        'Write something, not only spaces.',
      ),
    );
    expect(calls).toHaveLength(0);
  });

  it('shows Chinese labels and choices, and asks before an event without payload', () => {
    stubApi({});
    render(
      <Workspace lang="zh">
        <EventDialog record={record} type="FOLLOW_UP" onClose={() => undefined} onDone={vi.fn()} />
      </Workspace>,
    );
    const form = screen.getByTestId('event-form-FOLLOW_UP');
    expect(within(form).getByText('渠道')).toBeTruthy();
    expect(within(form).getByRole('option', { name: '微信' })).toBeTruthy();
    cleanup();
    render(
      <Workspace>
        <EventDialog record={record} type="WIN" onClose={() => undefined} onDone={vi.fn()} />
      </Workspace>,
    );
    expect(screen.getByTestId('event-form-WIN').textContent).toContain('Won: are you sure?');
  });
});

describe('record actions', () => {
  it('offers the owner the events the state allows, without the ownership moves', () => {
    render(
      <Workspace>
        <RecordActions record={record} onChanged={vi.fn()} onRefused={vi.fn()} />
      </Workspace>,
    );
    const buttons = within(screen.getByTestId('record-actions'))
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(buttons).toEqual(['Follow up', 'Release to pool', 'Long-term nurture', 'Won', 'Lost']);
  });

  it('offers a pooled record only for claiming, and reports a refusal in plain words', async () => {
    const pooled = {
      ...record,
      state: 'pool',
      pooled: true,
      ownerId: null,
      availableEvents: ['CLAIM', 'ASSIGN'],
    };
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          new Response(
            JSON.stringify({
              error: {
                code: 'POOL_ERR_COOLDOWN',
                message: 'x',
                details: { until: '2026-05-01T08:00:00.000Z' },
              },
            }),
            { status: 422 },
          ),
        ),
      ),
    );
    const onRefused = vi.fn();
    render(
      <Workspace>
        <RecordActions record={pooled} onChanged={vi.fn()} onRefused={onRefused} />
      </Workspace>,
    );
    const actions = screen.getByTestId('record-actions');
    expect(
      within(actions)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Claim']);
    fireEvent.click(within(actions).getByText('Claim'));
    await waitFor(() => expect(onRefused).toHaveBeenCalled());
    expect(onRefused.mock.calls[0][0]).toMatchObject({
      code: 'POOL_ERR_COOLDOWN',
      until: '2026-05-01T08:00:00.000Z',
    });
  });
});

describe('notifications', () => {
  it('shows the unread count, lists the messages in the chosen language, and marks them read', async () => {
    const item = {
      id: '1',
      recordId: 'r1',
      pool: 'crm',
      kind: 'reminder',
      message: { en: 'ACME goes to the pool in 7 days.', zh: 'ACME 7 天后进入公海。' },
      createdAt: '2026-01-01T00:00:00.000Z',
      read: false,
    };
    const calls = stubApi({
      'GET /api/notifications': {
        unread: 3,
        items: [
          item,
          {
            ...item,
            id: '2',
            kind: 'auditViolation',
            message: { en: 'An audit found your follow-up fake', zh: '抽查认定你的跟进不实' },
          },
        ],
      },
      'POST /api/notifications/read': { marked: 3 },
      'GET /api/pools': { items: [{ key: 'crm', timeZone: 'Asia/Shanghai' }] },
    });
    render(
      <I18nProvider lang="zh">
        <NotificationBell />
      </I18nProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('unread-count').textContent).toBe('3'));
    fireEvent.click(screen.getByTestId('bell'));
    const panel = await screen.findByTestId('notifications');
    expect(panel.textContent).toContain('ACME 7 天后进入公海。');
    expect(panel.textContent).toContain('抽查：不实');
    expect(panel.querySelector('a')?.getAttribute('href')).toBe('#/pools/crm/records/r1');
    // Midnight UTC is 08:00 in the pool's zone (Shanghai), whatever zone the browser is in.
    await waitFor(() =>
      expect(screen.getAllByTestId('notification')[0].textContent).toContain('08:00'),
    );
    fireEvent.click(screen.getByTestId('mark-read'));
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'POST' && c.url === '/api/notifications/read')).toBe(
        true,
      ),
    );
  });
});

describe('charts', () => {
  it('stacks inflow above the axis and outflow below it, one rect per day and kind', () => {
    render(
      <FlowChart
        days={[
          { day: '2026-01-01', inflow: { create: 4, release: 2 }, outflow: { claim: 3 } },
          { day: '2026-01-02', inflow: {}, outflow: {} },
          { day: '2026-01-03', inflow: { timer: 1 }, outflow: { claim: 6 } },
        ]}
        kindLabel={(k) => k}
        inLabel="in"
        outLabel="out"
      />,
    );
    const bars = [...document.querySelectorAll<SVGRectElement>('[data-testid=flow-bar]')];
    expect(
      bars.map(
        (b) => `${b.dataset['day']} ${b.dataset['dir']} ${b.dataset['kind']} ${b.dataset['value']}`,
      ),
    ).toEqual([
      '2026-01-01 in create 4',
      '2026-01-01 in release 2',
      '2026-01-01 out claim 3',
      '2026-01-03 in timer 1',
      '2026-01-03 out claim 6',
    ]);
    const height = (b: SVGRectElement) => Number(b.getAttribute('height'));
    const y = (b: SVGRectElement) => Number(b.getAttribute('y'));
    // Heights follow the values; the stacked inflow sits on the axis where outflow starts.
    expect(height(bars[0]) / height(bars[1])).toBeCloseTo(2);
    expect(height(bars[4]) / height(bars[2])).toBeCloseTo(2);
    expect(y(bars[0]) + height(bars[0])).toBeCloseTo(y(bars[2]));
    expect(y(bars[1]) + height(bars[1])).toBeCloseTo(y(bars[0]));
  });

  it('labels the axes of counts in whole records', () => {
    const tickLabels = () =>
      [...document.querySelectorAll('.grid text')].map((t) => t.textContent ?? '');
    const { unmount } = render(
      <LineChart
        testId="pool-size"
        points={[
          { day: '2026-12-05', value: 19 },
          { day: '2026-12-06', value: 26 },
        ]}
      />,
    );
    expect(tickLabels()).toEqual(['0', '10', '20', '30']);
    unmount();
    render(
      <FlowChart
        days={[{ day: '2026-12-06', inflow: { create: 2, timer: 1 }, outflow: { claim: 1 } }]}
        kindLabel={(k) => k}
        inLabel="in"
        outLabel="out"
      />,
    );
    // Above the axis 0, 2, 4; below it −2, −4 (3 a day read 1.5 and 3 before).
    expect(tickLabels()).toEqual(['0', '2', '−2', '4', '−4']);
  });

  it('draws one bar per row and series, longer for larger values', () => {
    render(
      <BarList
        testId="claims"
        series={[{ key: 'claims', label: 'claims', colour: '#000' }]}
        rows={[
          { label: 'Alice', values: { claims: 10 } },
          { label: 'Bob', values: { claims: 5 } },
        ]}
      />,
    );
    const bars = [...document.querySelectorAll('[data-testid=claims-bar]')];
    expect(bars.map((b) => b.getAttribute('data-label'))).toEqual(['Alice', 'Bob']);
    const width = (i: number) => Number(bars[i].getAttribute('width'));
    expect(width(0) / width(1)).toBeCloseTo(2);
  });
});
