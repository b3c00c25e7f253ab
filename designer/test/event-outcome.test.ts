// When a guarded event counted: judged from the event's reply (the record's state, when it was entered,
// its last activity), not from its timers, which a follow-up at the claim's instant (a manual clock)
// would restart to the same due times.
import { describe, expect, it } from 'vitest';
import { notCounted } from '../src/workspace/event-outcome.js';
import { crmPoolPolicy } from './workspace-fixtures.js';

const policy = crmPoolPolicy();
const T = '2026-12-06T03:00:00.000Z';
const LATER = '2026-12-06T04:00:00.000Z';
const owned = { state: 'owned' };

describe('notCounted', () => {
  it('is true for a guarded event after which the state was entered before it', () => {
    const after = { state: 'owned', enteredStateAt: T, lastActivityAt: LATER };
    expect(notCounted(policy, owned, after, 'FOLLOW_UP')).toBe(true);
  });

  it('is false when the event entered the state again, even at the instant of the claim', () => {
    expect(
      notCounted(
        policy,
        owned,
        { state: 'owned', enteredStateAt: T, lastActivityAt: T },
        'FOLLOW_UP',
      ),
    ).toBe(false);
    const again = { state: 'owned', enteredStateAt: LATER, lastActivityAt: LATER };
    expect(notCounted(policy, owned, again, 'FOLLOW_UP')).toBe(false);
  });

  it('is false for an event that left the state, or one no rule decides', () => {
    const won = { state: 'won', enteredStateAt: LATER, lastActivityAt: LATER };
    expect(notCounted(policy, owned, won, 'FOLLOW_UP')).toBe(false);
    const stayed = { state: 'owned', enteredStateAt: T, lastActivityAt: LATER };
    expect(notCounted(policy, owned, stayed, 'NURTURE')).toBe(false);
    expect(notCounted(policy, owned, null, 'FOLLOW_UP')).toBe(false);
  });
});
