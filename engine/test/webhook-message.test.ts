// A group robot's default message, in a pool whose records have no `name` (tickets have a subject).
import { describe, expect, it } from 'vitest';
import {
  compile,
  start,
  step,
  type CompiledPolicy,
  type Effect,
  type JsonObject,
  type Policy,
  type PoolSnapshot,
} from '../src/index.js';
import { T0, template } from './fixtures.js';

const robot = (language?: 'zh') => ({
  type: 'webhook',
  params: { url: 'https://robot.example/hook', preset: 'slack', ...(language ? { language } : {}) },
});

/** The service template with a robot told of an SLA breach (a timer) and of a return to the queue. */
function tickets(language?: 'zh'): Policy {
  const policy = structuredClone(template('service-ticket-pool')) as unknown as {
    machine: {
      states: {
        assigned: { after: Record<string, { actions: unknown[] }>; on: Record<string, unknown> };
      };
    };
  };
  const assigned = policy.machine.states.assigned;
  assigned.after['firstResponse'].actions.push(robot(language));
  assigned.on['RELEASE'] = { target: 'queue', actions: [robot(language)] };
  return policy as unknown as Policy;
}

const texts = (effects: Effect[]) =>
  effects
    .filter((e) => e.type === 'webhook')
    .map((e) => (e as unknown as { body: { text: string } }).body.text);

/** The ticket's first-response SLA timer fired at its due time. */
function breach(
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  entity: JsonObject,
  recordId: string,
) {
  const key = Object.keys(snapshot.timers).find((k) => k.includes('firstResponse'))!;
  const dueAt = snapshot.timers[key].dueAt;
  const breached = step(
    compiled,
    snapshot,
    { type: key, timerKey: key, dueAt },
    { entity, now: dueAt, recordId },
  );
  return { key, breached };
}

describe('a group robot without a message of its own', () => {
  const entity = { subject: 'Cannot log in', priority: 'high' };
  const agent = { id: 'ann' };

  function taken(policy: Policy) {
    const compiled = compile(policy);
    const queued = start(compiled, { entity, now: T0, recordId: 'r1' });
    const claimed = step(
      compiled,
      queued.snapshot,
      { type: 'CLAIM' },
      {
        entity,
        user: agent,
        now: T0,
        recordId: 'r1',
      },
    );
    return { compiled, claimed };
  }

  it('names the event by its label and the ticket by its subject', () => {
    const { compiled, claimed } = taken(tickets());
    const released = step(
      compiled,
      claimed.snapshot,
      { type: 'RELEASE', payload: { reason: 'wrong team' } },
      { entity, user: agent, now: T0 + 1000, recordId: 'r1' },
    );
    expect(texts(released.effects)).toEqual(['Return to queue: Cannot log in']);
  });

  it('names a timer by its delay, not by XState’s timer id, in English and Chinese', () => {
    for (const [language, words] of [
      [undefined, 'timer firstResponse: Cannot log in'],
      ['zh', '定时器 firstResponse: Cannot log in'],
    ] as const) {
      const { compiled, claimed } = taken(tickets(language));
      const { breached } = breach(compiled, claimed.snapshot, entity, 'r1');
      expect(breached.snapshot.value).toBe('queue');
      expect(texts(breached.effects)).toEqual([words]);
    }
  });
});

describe('a webhook without a body rule', () => {
  it('posts the record’s id and, for a timer, its delay beside XState’s timer id', () => {
    const policy = structuredClone(template('service-ticket-pool')) as unknown as {
      machine: { states: { assigned: { after: Record<string, { actions: unknown[] }> } } };
    };
    policy.machine.states.assigned.after['firstResponse'].actions.push({
      type: 'webhook',
      params: { url: 'https://crm.example/hook' },
    });
    const compiled = compile(policy as unknown as Policy);
    const entity = { subject: 'Printer on fire' };
    const queued = start(compiled, { entity, now: T0, recordId: 'r7' });
    const claimed = step(
      compiled,
      queued.snapshot,
      { type: 'CLAIM' },
      { entity, user: { id: 'ann' }, now: T0, recordId: 'r7' },
    );
    const { key, breached } = breach(compiled, claimed.snapshot, entity, 'r7');
    const bodies = breached.effects
      .filter((e) => e.type === 'webhook')
      .map((e) => (e as unknown as { body: unknown }).body);
    expect(bodies).toEqual([
      { event: key, timer: 'firstResponse', recordId: 'r7', entity, ownerId: 'ann' },
    ]);
  });
});
