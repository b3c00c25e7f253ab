// Whether an event counted: a state that takes an event only when a rule holds (the CRM's follow-up
// restarts the countdown only with a note of 10+ characters, not the last one again) records it either
// way. The user is told when it did not count, so no one believes a customer kept who is not. The reply
// tells: the event is the record's last activity; a state entered again (or left) was entered by it.
import type { PoolPolicy } from '../api/pools.api.js';
import type { PoolRecord } from '../api/records.api.js';
import { useI18n } from '../i18n/i18n.js';
import { releaseDue } from './countdown.js';
import { formatDuration } from './format.js';
import { recordTitle } from './record-cells.js';
import { useWorkspace } from './workspace-context.js';

interface Snapshot {
  state: string;
  enteredStateAt?: string | undefined;
  lastActivityAt?: string | undefined;
}

/**
 * An event the record's state takes only when a rule holds, after which the record is in the same state,
 * entered before the event: the rule did not hold (the guarded branch would have left the state or
 * entered it again, restarting its timers). False for any other event. A record whose state was entered
 * at the very instant of the event (only a manual clock does that) counts as re-entered.
 */
export function notCounted(
  policy: Pick<PoolPolicy, 'states'>,
  before: Pick<Snapshot, 'state'>,
  after: Snapshot | null,
  type: string,
): boolean {
  if (!after || after.state !== before.state) return false;
  if (!(policy.states[before.state]?.guardedEvents ?? []).includes(type)) return false;
  if (!after.enteredStateAt || !after.lastActivityAt) return false;
  return Date.parse(after.enteredStateAt) < Date.parse(after.lastActivityAt);
}

/**
 * The warning for an event that did not count (see notCounted), naming the record, the event and when it
 * goes back to the pool all the same; null when the event counted.
 */
export function useUncounted(): (
  before: PoolRecord,
  after: PoolRecord | null,
  event: string,
) => string | null {
  const { t, lang } = useI18n();
  const { policy, words, eventLabel, now } = useWorkspace();
  return (before, after, event) => {
    if (!after || !notCounted(policy, before, after, event)) return null;
    const title = recordTitle(before, policy.entity.titleField);
    const due = releaseDue(after, policy);
    const args = { ...words, title, event: eventLabel(event) };
    return due && due.dueAt > now()
      ? t('notCounted', { ...args, left: formatDuration(due.dueAt - now(), lang) })
      : t('notCountedNoRelease', args);
  };
}
