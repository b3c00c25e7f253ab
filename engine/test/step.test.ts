import { afterAll, describe, expect, it } from 'vitest';
import {
  actions,
  compile,
  defineAction,
  EngineError,
  start,
  step,
  availableEvents,
  type Effect,
  type PoolEvent,
  type PoolSnapshot,
  validate,
} from '../src/index.js';
import { DAY, T0, template } from './fixtures.js';

const crm = compile(template());
// The custom action one test registers is the process's: gone when this file ends (vitest.config.ts).
afterAll(() => actions.unregister('createTask'));
const entity = { name: 'ACME Trading', industry: 'trade', phone: '13800000000' };
const alice = { id: 'alice' };
const bob = { id: 'bob' };

function schedules(effects: Effect[]) {
  return Object.fromEntries(
    effects
      .filter((e) => e.type === 'schedule')
      .map((e) => [
        String((e as unknown as Record<string, unknown>)['timerKey']).split('.')[2],
        (e as unknown as Record<string, unknown>)['dueAt'],
      ]),
  );
}

function refusal(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('start', () => {
  it('schedules the reminder and the release as absolute due times, never through XState', () => {
    const r = start(crm, { entity, now: T0, ownerId: 'alice', recordId: 'r1' });
    expect(r.record).toMatchObject({ state: 'owned', ownerId: 'alice', pooled: false });
    expect(schedules(r.effects)).toEqual({
      remind: T0 + 23 * DAY,
      escalate: T0 + 27 * DAY,
      release: T0 + 30 * DAY,
    });
    expect(r.effects.map((e) => e.key)).toEqual(['r1:1:0', 'r1:1:1', 'r1:1:2', 'r1:1:3']);
    expect(r.effects[0]).toMatchObject({ type: 'owner', from: null, to: 'alice' });
  });

  it('starts an unowned record straight in the pool', () => {
    const r = start(crm, { entity, now: T0, ownerId: null });
    expect(r.record).toMatchObject({ state: 'pool', ownerId: null, pooled: true });
    expect(r.snapshot.instance.poolEntries).toBe(1);
    expect(r.effects).toEqual([]);
  });

  it('handles delays far past setTimeout range (six months of nurture)', () => {
    const r0 = start(crm, { entity, now: T0, ownerId: 'alice' });
    const r = step(
      crm,
      r0.snapshot,
      { type: 'NURTURE', payload: { months: 12 } },
      { entity, now: T0, user: alice },
    );
    const due = r.snapshot.timers['xstate.after.nurtureEnd.crm.nurture']?.dueAt;
    expect(due).toBe(Date.parse('2027-01-05T01:00:00Z'));
    expect(
      r.effects
        .filter((e) => e.type === 'cancel')
        .map((e) => (e as unknown as Record<string, unknown>)['timerKey']),
    ).toEqual([
      'xstate.after.remind.crm.owned',
      'xstate.after.escalate.crm.owned',
      'xstate.after.release.crm.owned',
    ]);
  });
});

describe('step', () => {
  const created = start(crm, { entity, now: T0, ownerId: 'alice', recordId: 'r1' });

  it('a FOLLOW_UP re-arms both timers from its own time (an upsert, not cancel + schedule)', () => {
    const r = step(
      crm,
      created.snapshot,
      { type: 'FOLLOW_UP', payload: { channel: 'call', note: 'sent a quote' } },
      { entity, now: T0 + 10 * DAY, user: alice, recordId: 'r1' },
    );
    expect(schedules(r.effects)).toEqual({
      remind: T0 + 33 * DAY,
      escalate: T0 + 37 * DAY,
      release: T0 + 40 * DAY,
    });
    expect(r.effects.some((e) => e.type === 'cancel')).toBe(false);
    expect(r.snapshot.seq).toBe(2);
    expect(r.snapshot.instance.lastActivityAt).toBe(T0 + 10 * DAY);
  });

  it('a snapshot survives a JSON round trip', () => {
    const json = JSON.parse(JSON.stringify(created.snapshot)) as PoolSnapshot;
    const r = step(crm, json, { type: 'WIN' }, { entity, now: T0 + DAY, user: alice });
    expect(r.record).toMatchObject({ state: 'won', status: 'done' });
  });

  it('a stale timer (re-armed since) changes nothing; the current one releases', () => {
    const oldDue = created.snapshot.timers['xstate.after.release.crm.owned'].dueAt;
    const followed = step(
      crm,
      created.snapshot,
      { type: 'FOLLOW_UP', payload: { channel: 'call', note: 'sent the brochure' } },
      { entity, now: T0 + 10 * DAY, user: alice },
    );
    const key = 'xstate.after.release.crm.owned';
    const stale = step(
      crm,
      followed.snapshot,
      { type: key, timerKey: key, dueAt: oldDue },
      { entity, now: oldDue },
    );
    expect(stale.stale).toBe(true);
    expect(stale.snapshot).toBe(followed.snapshot);
    expect(stale.effects).toEqual([]);

    const early = step(
      crm,
      followed.snapshot,
      { type: key, timerKey: key, dueAt: T0 + 40 * DAY },
      { entity, now: T0 + 39 * DAY },
    );
    expect(early.stale).toBe(true);

    const due = step(
      crm,
      followed.snapshot,
      { type: key, timerKey: key, dueAt: T0 + 40 * DAY },
      { entity, now: T0 + 40 * DAY },
    );
    expect(due.record).toMatchObject({ state: 'pool', ownerId: null });
    expect(due.snapshot.instance.lastRelease).toMatchObject({ reason: 'timeout' });
    const again = step(
      crm,
      due.snapshot,
      { type: key, timerKey: key, dueAt: T0 + 40 * DAY },
      { entity, now: T0 + 41 * DAY },
    );
    expect(again.stale).toBe(true);
  });

  it('refuses events the state has no transition for, and payloads that break their schema', () => {
    expect(
      refusal(() => step(crm, created.snapshot, { type: 'CLAIM' }, { entity, now: T0, user: bob }))
        .code,
    ).toBe('POOL_ERR_TAKEN');
    const pooled = start(crm, { entity, now: T0, ownerId: null });
    const e = refusal(() =>
      step(crm, pooled.snapshot, { type: 'WIN' }, { entity, now: T0, user: bob }),
    );
    expect(e.code).toBe('POOL_ERR_EVENT_NOT_ALLOWED');
    expect(e.status).toBe(409);
    const bad = refusal(() =>
      step(
        crm,
        created.snapshot,
        { type: 'NURTURE', payload: { months: 24 } },
        { entity, now: T0, user: alice },
      ),
    );
    expect(bad.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    expect(bad.details).toEqual([expect.objectContaining({ path: '/payload/months' })]);
    const unknownField = refusal(() =>
      step(
        crm,
        created.snapshot,
        { type: 'FOLLOW_UP', payload: { channel: 'fax', note: 'sent', by: 'alice' } },
        { entity, now: T0, user: alice },
      ),
    );
    // Each detail carries the validator's keyword and params, so a client words it in its language.
    expect(unknownField.details).toEqual([
      {
        path: '/payload/by',
        message: 'is not a known field',
        code: 'schema',
        params: { keyword: 'additionalProperties', additionalProperty: 'by' },
      },
      {
        path: '/payload/channel',
        message: 'must be equal to one of the allowed values: call, visit, email, wechat',
        code: 'schema',
        params: { keyword: 'enum', allowedValues: ['call', 'visit', 'email', 'wechat'] },
      },
    ]);
    // An event the policy does not have is bad input naming the type, whatever the state.
    const unknown = refusal(() =>
      step(crm, created.snapshot, { type: 'DELETE' }, { entity, now: T0, user: alice }),
    );
    expect(unknown.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    expect(unknown.status).toBe(400);
    expect(unknown.details).toEqual([
      {
        path: '/type',
        message: expect.stringMatching(/^this pool has no event DELETE; its events: .*FOLLOW_UP/),
        code: 'unknown-event',
        params: { type: 'DELETE', events: expect.arrayContaining(['FOLLOW_UP', 'CLAIM']) },
      },
    ]);
  });

  it('service template: a further RESPOND in In progress is taken and kept as the last response', () => {
    // The service template's In progress: RESPOND again logs another reply to the customer.
    const service = compile(template('service-ticket-pool'));
    const ann = { id: 'ann' };
    const ticket = { subject: 'Printer down' };
    const queued = start(service, { entity: ticket, now: T0, ownerId: null });
    const taken = step(
      service,
      queued.snapshot,
      { type: 'CLAIM' },
      { entity: ticket, now: T0, user: ann },
    );
    const respond = (snapshot: PoolSnapshot, note: string, now: number) =>
      step(
        service,
        snapshot,
        { type: 'RESPOND', payload: { note } },
        { entity: ticket, now, user: ann },
      );
    const first = respond(taken.snapshot, 'Looking into it.', T0 + 60_000);
    expect(first.record.state).toBe('inProgress');
    expect(availableEvents(service, first.snapshot, ticket, ann, T0)).toContain('RESPOND');
    // It was refused "RESPOND is not allowed in state inProgress": `{"actions": []}` forbids it.
    const again = respond(first.snapshot, 'Courier booked.', T0 + 120_000);
    expect(again.record.state).toBe('inProgress');
    expect(again.snapshot.instance.eventCounts['RESPOND']).toBe(2);
    expect(again.snapshot.instance).toMatchObject({
      firstResponseAt: T0 + 60_000,
      lastResponseAt: T0 + 120_000,
    });
    // An event no transition takes is still refused.
    expect(
      refusal(() =>
        step(service, first.snapshot, { type: 'REOPEN' }, { entity: ticket, now: T0, user: ann }),
      ).code,
    ).toBe('POOL_ERR_EVENT_NOT_ALLOWED');
  });

  it('takes no payload for an event whose policy gives it no schema, but what ASSIGN and RELEASE carry', () => {
    const pooled = start(crm, { entity, now: T0, ownerId: null });
    // CLAIM has no payload schema in the template: a field would be kept in history as sent.
    const claim = refusal(() =>
      step(
        crm,
        pooled.snapshot,
        { type: 'CLAIM', payload: { userId: 'alice', junk: 'x'.repeat(1000) } },
        { entity, now: T0, user: bob },
      ),
    );
    expect(claim.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    expect(claim.details).toEqual([
      expect.objectContaining({ path: '/payload/userId', message: 'is not a known field' }),
      expect.objectContaining({ path: '/payload/junk', message: 'is not a known field' }),
    ]);
    // None, null or {} is no payload.
    for (const payload of [undefined, null, {}]) {
      const claimed = step(
        crm,
        pooled.snapshot,
        { type: 'CLAIM', ...(payload === undefined ? {} : { payload }) } as PoolEvent,
        { entity, now: T0, user: bob },
      );
      expect(claimed.record.ownerId).toBe('bob');
    }
    // A policy whose ASSIGN and RELEASE have no schema still takes what the runtime's routes send.
    const bare = template();
    delete bare.events?.['ASSIGN']?.payload;
    delete bare.events?.['RELEASE']?.payload;
    const policy = compile(bare);
    const assigned = step(
      policy,
      pooled.snapshot,
      { type: 'ASSIGN', payload: { userId: 'alice' } },
      { entity, now: T0, user: bob },
    );
    expect(assigned.record.ownerId).toBe('alice');
    const released = step(
      policy,
      assigned.snapshot,
      { type: 'RELEASE', payload: { reason: 'no budget' } },
      { entity, now: T0 + DAY, user: alice },
    );
    expect(released.record.state).toBe('pool');
    expect(
      refusal(() =>
        step(
          policy,
          pooled.snapshot,
          { type: 'ASSIGN', payload: {} },
          { entity, now: T0, user: bob },
        ),
      ).details,
    ).toEqual([expect.objectContaining({ path: '/payload/userId' })]);
    // A policy that reads a payload it never declared (a guard on event.payload) keeps taking it.
    const reading = template();
    reading.rules = { ...reading.rules, bigDeal: { '>': [{ var: 'event.payload.amount' }, 100] } };
    reading.machine.states['owned'].on = {
      ...reading.machine.states['owned'].on,
      WIN: [{ target: 'won', guard: 'bigDeal' }],
    };
    const readingPolicy = compile(reading);
    const won = step(
      readingPolicy,
      start(readingPolicy, { entity, now: T0, ownerId: 'alice' }).snapshot,
      { type: 'WIN', payload: { amount: 500 } },
      { entity, now: T0, user: alice },
    );
    expect(won.record.state).toBe('won');
  });

  it('claim rules use the claimant counts the caller passes', () => {
    const pooled = start(crm, { entity, now: T0, ownerId: null });
    const env = { entity, now: T0, user: bob };
    expect(
      refusal(() =>
        step(
          crm,
          pooled.snapshot,
          { type: 'CLAIM' },
          { ...env, claimant: { owned: 200, claimsToday: 0 } },
        ),
      ).code,
    ).toBe('POOL_ERR_CLAIM_LIMIT');
    expect(
      refusal(() =>
        step(
          crm,
          pooled.snapshot,
          { type: 'CLAIM' },
          { ...env, claimant: { owned: 0, claimsToday: 20 } },
        ),
      ).code,
    ).toBe('POOL_ERR_DAILY_LIMIT');
    const ok = step(
      crm,
      pooled.snapshot,
      { type: 'CLAIM' },
      { ...env, claimant: { owned: 199, claimsToday: 19 } },
    );
    expect(ok.record.ownerId).toBe('bob');
    expect(ok.effects[0]).toMatchObject({ type: 'owner', from: null, to: 'bob', reason: 'claim' });
  });

  it('lists the events a user could send now', () => {
    expect(availableEvents(crm, created.snapshot, entity, alice, T0).sort()).toEqual(
      ['ASSIGN', 'FOLLOW_UP', 'LOSE', 'NURTURE', 'RELEASE', 'WIN'].sort(),
    );
    const pooled = start(crm, { entity, now: T0, ownerId: null });
    expect(availableEvents(crm, pooled.snapshot, entity, bob, T0).sort()).toEqual([
      'ASSIGN',
      'CLAIM',
    ]);
  });

  it('runs a custom action registered with defineAction and emits its effect', () => {
    defineAction<{ title: string }>({
      type: 'createTask',
      paramsSchema: {
        type: 'object',
        required: ['title'],
        additionalProperties: false,
        properties: { title: { type: 'string', minLength: 1 } },
      },
      run(ctx, params) {
        ctx.instance.tags.push('task-open');
        ctx.emit({
          type: 'task',
          title: `${params.title}: ${String(ctx.entity['name'])}`,
          assignee: ctx.instance.ownerId,
        });
      },
    });
    const policy = template();
    const owned = policy.machine.states['owned'];
    owned.on!['FOLLOW_UP'] = {
      target: 'owned',
      reenter: true,
      actions: [{ type: 'createTask', params: { title: 'Send the quote' } }],
    };
    const custom = compile(policy);
    const r0 = start(custom, { entity, now: T0, ownerId: 'alice', recordId: 'r9' });
    const r = step(
      custom,
      r0.snapshot,
      { type: 'FOLLOW_UP', payload: { channel: 'call', note: 'x' } },
      {
        entity,
        now: T0 + DAY,
        user: alice,
        recordId: 'r9',
      },
    );
    expect(r.effects).toContainEqual({
      type: 'task',
      title: 'Send the quote: ACME Trading',
      assignee: 'alice',
      key: 'r9:2:0',
    });
    expect(r.record.tags).toContain('task-open');

    const badParams = template();
    badParams.machine.states['owned'].entry = [{ type: 'createTask', params: {} }];
    expect(() => compile(badParams)).toThrow(/createTask/);
  });

  it('refuses a custom action taken away again, and checks one registered again by its new schema', () => {
    const policy = template();
    policy.machine.states['owned'].entry = [{ type: 'stampOnce', params: { label: 'x' } }];
    const codes = () => validate(policy).problems.map((p) => p.code);
    const stamp = (required: string) => ({
      type: 'stampOnce',
      paramsSchema: { type: 'object', required: [required], properties: {} },
      run: () => undefined,
    });
    defineAction(stamp('label'));
    expect(codes()).toEqual([]);
    expect(actions.unregister('stampOnce')).toBe(true);
    expect(codes()).toEqual(['unknown-action']);
    defineAction(stamp('colour'));
    expect(codes()).toEqual(['invalid-params']);
    expect(actions.unregister('stampOnce')).toBe(true);
    expect(actions.unregister('stampOnce')).toBe(false);
  });

  it('runs an action list in order: each action sees what the ones before it did', () => {
    // One state entry: the built-in release bookkeeping, then set, then a tag whose rule reads the set
    // field, then set again from the tags. XState runs the whole list as one assign; the order holds.
    const policy = template();
    policy.machine.states['pool'].entry = [
      { type: 'set', params: { field: 'entity.urgency', value: { var: 'instance.poolEntries' } } },
      {
        type: 'tag',
        params: { add: 'first-release', when: { '==': [{ var: 'entity.urgency' }, 1] } },
      },
      {
        type: 'set',
        params: {
          field: 'entity.level',
          value: { if: [{ in: ['first-release', { var: 'instance.tags' }] }, 'C', 'A'] },
        },
      },
    ];
    const ordered = compile(policy);
    const r0 = start(ordered, { entity, now: T0, ownerId: 'alice' });
    const r = step(
      ordered,
      r0.snapshot,
      { type: 'RELEASE', payload: { reason: 'no budget this year' } },
      { entity, now: T0 + DAY, user: alice },
    );
    expect(r.snapshot.value).toBe('pool');
    expect(r.record.entity).toMatchObject({ urgency: 1, level: 'C' });
    expect(r.record.tags).toContain('first-release');
    expect(r.snapshot.instance).toMatchObject({
      ownerId: null,
      poolEntries: 1,
      enteredStateAt: T0 + DAY,
    });
    expect(r.snapshot.instance.lastRelease).toMatchObject({
      reason: 'no budget this year',
      byUserId: 'alice',
    });
  });
});

describe('CRM manager review', () => {
  // A record five reps gave up on waits for a manager: the fifth claimer owns it meanwhile, but may
  // neither release it nor close it as lost (the review would be skipped).
  const inReview = start(crm, { entity, now: T0, ownerId: 'u5', state: 'review' });
  const release = { type: 'RELEASE', payload: { reason: 'not for me' } };

  it('refuses the rep who owns it a release or a loss, and does not offer them', () => {
    const rep = { id: 'u5', roles: ['member'] };
    for (const event of [release, { type: 'LOSE' }]) {
      const error = refusal(() =>
        step(crm, inReview.snapshot, event, { entity, now: T0 + DAY, user: rep }),
      );
      expect(error.code).toBe('POOL_ERR_EVENT_NOT_ALLOWED');
    }
    const offered = availableEvents(crm, inReview.snapshot, entity, rep, T0 + DAY);
    expect(offered).not.toContain('RELEASE');
    expect(offered).not.toContain('LOSE');
  });

  it('lets a manager or an admin send it back to the pool or close it', () => {
    for (const roles of [['manager'], ['admin']]) {
      const user = { id: 'boss', roles };
      const back = step(crm, inReview.snapshot, release, { entity, now: T0 + DAY, user });
      expect(back.record).toMatchObject({ state: 'pool', ownerId: null });
      const lost = step(crm, inReview.snapshot, { type: 'LOSE' }, { entity, now: T0 + DAY, user });
      expect(lost.record.state).toBe('lost');
    }
  });
});
