import { describe, expect, it } from 'vitest';
import {
  compile,
  EngineError,
  nextContactAt,
  start,
  step,
  type PoolSnapshot,
} from '../src/index.js';
import { T0, template } from './fixtures.js';

const HOUR = 3_600_000;
const policy = { ...template(), contact: { call: { max: 1, per: { hours: 48 } } } };
const crm = compile(policy);
const entity = { name: 'ACME Trading', industry: 'trade', phone: '13800000000' };
const alice = { id: 'alice' };

const followUp = (snapshot: PoolSnapshot, channel: string, at: number) =>
  step(
    crm,
    snapshot,
    { type: 'FOLLOW_UP', payload: { channel, note: 'talked about the renewal' } },
    { entity, user: alice, now: at, recordId: 'r1' },
  );

function refusal(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('contact limits', () => {
  it('refuses a second call within 48 hours, saying when the next is allowed, and keeps other channels open', () => {
    const owned = start(crm, { entity, now: T0, ownerId: 'alice', recordId: 'r1' });
    const first = followUp(owned.snapshot, 'call', T0);
    const second = refusal(() => followUp(first.snapshot, 'call', T0 + 5 * HOUR));
    expect(second.code).toBe('POOL_ERR_CONTACT_LIMIT');
    expect(second.status).toBe(422);
    expect(second.details).toMatchObject({
      channel: 'call',
      until: new Date(T0 + 48 * HOUR).toISOString(),
    });
    // Another channel has no limit; the call is allowed again once the window has passed.
    const visit = followUp(first.snapshot, 'visit', T0 + 5 * HOUR);
    expect(visit.snapshot.seq).toBe(first.snapshot.seq + 1);
    const later = followUp(visit.snapshot, 'call', T0 + 48 * HOUR + 1);
    expect(later.snapshot.instance.contacts).toEqual({ call: [T0 + 48 * HOUR + 1] });
  });

  it('says when the next call is allowed while the window is full, and nothing once it has passed', () => {
    const owned = start(crm, { entity, now: T0, ownerId: 'alice', recordId: 'r1' });
    const first = followUp(owned.snapshot, 'call', T0);
    const { contacts } = first.snapshot.instance;
    const until = new Date(T0 + 48 * HOUR).toISOString();
    expect(nextContactAt(policy, contacts, T0 + HOUR)).toEqual({ call: until });
    // The refusal names the same time.
    expect(refusal(() => followUp(first.snapshot, 'call', T0 + HOUR)).details).toMatchObject({
      until,
    });
    expect(nextContactAt(policy, contacts, T0 + 48 * HOUR)).toEqual({});
    expect(nextContactAt(policy, undefined, T0)).toEqual({});
    expect(nextContactAt({ contact: {} }, contacts, T0 + HOUR)).toEqual({});
  });

  it('is refused by validation when malformed', () => {
    const bad = { ...template(), contact: { call: { max: 0, per: { weeks: 1 } } } };
    expect(() => compile(bad as never)).toThrow(EngineError);
  });
});
