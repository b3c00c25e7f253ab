// The service-ticket template's queue over HTTP: what an agent is told when a ticket is given to them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  build,
  call,
  createUsers,
  publishPool,
  template,
  type TestApp,
} from './helpers.js';

describe.each(backends)('service ticket pool over HTTP (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await createUsers(t, ['lead', 'agent']));
    const members = [ids['lead']!, ids['agent']!];
    await publishPool(t, template('service-ticket-pool'), 'tickets', members);
    // The same policy with a queue whose ASSIGN says nothing of its own.
    const quiet = structuredClone(template('service-ticket-pool')) as {
      id: string;
      machine: { states: { queue: { on: { ASSIGN: unknown } } } };
    };
    quiet.id = 'quiet-tickets';
    quiet.machine.states.queue.on.ASSIGN = 'assigned';
    await publishPool(t, quiet, 'quiet', members);
    for (const pool of ['tickets', 'quiet']) {
      await call(t.app, t.adminToken, 'POST', `/api/pools/${pool}/members`, {
        userId: ids['lead'],
        role: 'admin',
      });
    }
  });
  afterAll(() => t.close());

  const inbox = async () =>
    (await call(t.app, tokens['agent']!, 'GET', '/api/notifications')).body.items as {
      kind: string;
      message: { en: string; zh: string };
      read: boolean;
    }[];

  it('a ticket assigned from the queue brings one notice, the template’s, naming its subject', async () => {
    const created = await call(t.app, tokens['lead']!, 'POST', '/api/pools/tickets/records', {
      data: { subject: 'Cannot log in', priority: 'high' },
    });
    expect(created.body.state).toBe('queue');
    const assigned = await call(
      t.app,
      tokens['lead']!,
      'POST',
      `/api/pools/tickets/records/${created.body.id}/assign`,
      { userId: ids['agent'] },
    );
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ state: 'assigned', ownerId: ids['agent'] });
    const items = await inbox();
    expect(items.map((n) => n.message.en)).toEqual([
      'Ticket "Cannot log in" was assigned to you: respond within 4 business hours.',
    ]);
    await call(t.app, tokens['agent']!, 'POST', '/api/notifications/read');
  });

  it('a ticket left without a response: the warning, then the breach, newest first in the bell', async () => {
    await call(t.app, tokens['agent']!, 'POST', '/api/notifications/read');
    const created = await call(t.app, tokens['lead']!, 'POST', '/api/pools/tickets/records', {
      data: { subject: 'Printer on fire', severity: 'critical' },
    });
    await call(
      t.app,
      tokens['agent']!,
      'POST',
      `/api/pools/tickets/records/${created.body.id}/claim`,
    );
    // Both timers fall due in one sweep pass (a catch-up, here the manual clock).
    const advanced = await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days: 5 });
    expect(advanced.body.failed).toBe(0);
    const unread = (
      (await inbox()) as unknown as { kind: string; createdAt: string; recordId: string }[]
    ).filter((n) => n.recordId === created.body.id);
    expect(unread.map((n) => n.kind)).toEqual(['sla-breach', 'sla-warning']);
    expect(Date.parse(unread[0]!.createdAt)).toBeGreaterThan(Date.parse(unread[1]!.createdAt));
    await call(t.app, tokens['agent']!, 'POST', '/api/notifications/read');
    // The breach is an escalation: the pool's managers (here its admin, the lead) hear of it too.
    const leads = (
      (await call(t.app, tokens['lead']!, 'GET', '/api/notifications')).body.items as {
        kind: string;
        recordId: string;
        message: { en: string };
      }[]
    ).filter((n) => n.recordId === created.body.id);
    expect(leads.map((n) => [n.kind, n.message.en])).toEqual([
      [
        'sla-breach',
        'Escalation: ticket "Printer on fire" got no response within 4 business hours and is back in the queue. Please see that it is taken.',
      ],
    ]);
  });

  it('warns one business hour before a breach on Monday morning: on Friday at 17:30, before the weekend', async () => {
    // The manual clock starts at the real time: move it to the next Friday 14:30 Beijing time (06:30
    // UTC) whose Friday and Monday are working days of the template's calendar.
    const calendar = (
      template('service-ticket-pool') as { calendars: { cn: { holidays: string[] } } }
    ).calendars.cn;
    const clock = Date.parse((await call(t.app, tokens['lead']!, 'GET', '/api/clock')).body.now);
    const day = 86_400_000;
    let friday = Date.UTC(
      new Date(clock).getUTCFullYear(),
      new Date(clock).getUTCMonth(),
      new Date(clock).getUTCDate() + 1,
      6,
      30,
    );
    const off = (ms: number) => calendar.holidays.includes(new Date(ms).toISOString().slice(0, 10));
    while (new Date(friday).getUTCDay() !== 5 || off(friday) || off(friday + 3 * day))
      friday += day;
    await call(t.app, t.adminToken, 'POST', '/api/clock/advance', {
      minutes: (friday - clock) / 60_000,
    });
    const created = await call(t.app, tokens['lead']!, 'POST', '/api/pools/tickets/records', {
      data: { subject: 'VPN drops at night' },
    });
    const claimed = await call(
      t.app,
      tokens['agent']!,
      'POST',
      `/api/pools/tickets/records/${created.body.id}/claim`,
    );
    expect(claimed.status).toBe(200);
    const due = Object.fromEntries(
      (claimed.body.timers as { delay: string; dueAt: string }[]).map((x) => [x.delay, x.dueAt]),
    );
    const hour = 3_600_000;
    // 14:30 + 4 business hours: 3.5 on Friday, the last half hour on Monday from 09:00 (01:30 UTC).
    expect(due['firstResponse']).toBe(new Date(friday + 3 * day - 5 * hour).toISOString());
    // One business hour before Monday 09:30 is Friday 17:30, not Monday 08:30 before anyone is in.
    expect(due['slaWarning']).toBe(new Date(friday + 3 * hour).toISOString());
    await call(t.app, tokens['agent']!, 'POST', '/api/notifications/read');
    await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { hours: 3, minutes: 1 });
    const told = ((await inbox()) as unknown as { kind: string; recordId: string }[]).filter(
      (n) => n.recordId === created.body.id,
    );
    expect(told.map((n) => n.kind)).toEqual(['sla-warning']);
  });

  it('a ticket the agent responded to keeps no SLA timer: nothing says it goes back to the queue', async () => {
    const created = await call(t.app, tokens['lead']!, 'POST', '/api/pools/tickets/records', {
      data: { subject: 'Refund please', category: 'billing' },
    });
    const id = created.body.id as string;
    const taken = await call(
      t.app,
      tokens['agent']!,
      'POST',
      `/api/pools/tickets/records/${id}/claim`,
    );
    expect(taken.body.timers.map((x: { delay: string }) => x.delay).sort()).toEqual([
      'firstResponse',
      'slaWarning',
    ]);
    const responded = await call(
      t.app,
      tokens['agent']!,
      'POST',
      `/api/pools/tickets/records/${id}/events`,
      {
        type: 'RESPOND',
        payload: { note: 'Refund is on its way.' },
      },
    );
    expect(responded.body).toMatchObject({
      state: 'inProgress',
      ownerId: ids['agent'],
      timers: [],
    });
    await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days: 5 });
    const later = await call(t.app, tokens['agent']!, 'GET', `/api/pools/tickets/records/${id}`);
    expect(later.body).toMatchObject({ state: 'inProgress', ownerId: ids['agent'], tags: [] });
    await call(t.app, tokens['agent']!, 'POST', '/api/notifications/read');
  });

  it('refuses a ticket with a blank subject and a blank response, naming the field', async () => {
    const blank = await call(t.app, tokens['lead']!, 'POST', '/api/pools/tickets/records', {
      data: { subject: ' \t ' },
    });
    expect(blank.status).toBe(400);
    expect(blank.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      '/body/data/subject',
    ]);
    const created = await call(t.app, tokens['lead']!, 'POST', '/api/pools/tickets/records', {
      data: { subject: 'Blank reply' },
    });
    const id = created.body.id as string;
    await call(t.app, tokens['agent']!, 'POST', `/api/pools/tickets/records/${id}/claim`);
    const reply = await call(
      t.app,
      tokens['agent']!,
      'POST',
      `/api/pools/tickets/records/${id}/events`,
      {
        type: 'RESPOND',
        payload: { note: '  ' },
      },
    );
    expect(reply.status).toBe(400);
    expect(reply.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      '/body/payload/note',
    ]);
    await call(t.app, tokens['agent']!, 'POST', '/api/notifications/read');
  });

  it('where the policy says nothing, the runtime’s notice names the ticket by its title field', async () => {
    const created = await call(t.app, tokens['lead']!, 'POST', '/api/pools/quiet/records', {
      data: { subject: 'Invoice is wrong' },
    });
    await call(
      t.app,
      tokens['lead']!,
      'POST',
      `/api/pools/quiet/records/${created.body.id}/assign`,
      {
        userId: ids['agent'],
      },
    );
    const unread = (await inbox()).filter((n) => !n.read);
    expect(unread.map((n) => [n.kind, n.message])).toEqual([
      [
        'assigned',
        { en: 'Invoice is wrong was assigned to you.', zh: 'Invoice is wrong 已分配给你。' },
      ],
    ]);
  });
});
