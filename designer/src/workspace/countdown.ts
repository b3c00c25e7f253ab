// When an owned record goes back to the pool: the earliest of its pending timers that lead there.
import type { PoolPolicy } from '../api/pools.api.js';
import type { RecordTimer } from '../api/records.api.js';

export interface ReleaseDue {
  dueAt: number;
  delay: string;
}

export function releaseDue(
  record: { state: string; timers: RecordTimer[] },
  policy: Pick<PoolPolicy, 'states'>,
): ReleaseDue | null {
  const leading = policy.states[record.state]?.releaseTimers ?? [];
  let best: ReleaseDue | null = null;
  for (const timer of record.timers) {
    if (!leading.includes(timer.delay)) continue;
    const dueAt = Date.parse(timer.dueAt);
    if (!best || dueAt < best.dueAt) best = { dueAt, delay: timer.delay };
  }
  return best;
}
