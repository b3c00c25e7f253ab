// Contact limits: at most `max` contacts of one record per channel in a rolling window, whoever makes
// them (teams forbid calling one customer more than once in two days). The record's recent contacts
// live in its instance (`contacts`, at most `max` per channel), so the check and its record are one step.
import { EngineError } from './engine.error.js';
import type { CompiledPolicy } from './compile.js';
import type { Duration } from './schema.types.js';
import type { Instance, PoolEvent } from './types.js';

const MINUTE = 60_000;

export const durationMs = (d: Duration): number =>
  ((d.days ?? 0) * 24 * 60 + (d.hours ?? 0) * 60 + (d.minutes ?? 0)) * MINUTE;

/** Recent contacts by channel, oldest first (epoch ms). */
export type Contacts = Record<string, number[]>;

/** Contacts of `channel` still in its window at `now`, oldest first. */
function recentContacts(all: Contacts, channel: string, window: number, now: number): number[] {
  const mine = Object.prototype.hasOwnProperty.call(all, channel) ? (all[channel] ?? []) : [];
  return mine.filter((at) => at > now - window);
}

/** When the next contact is allowed once the window is full: the oldest of the last `max` leaves it. */
const allowedFrom = (recent: number[], max: number, window: number): number =>
  (recent[recent.length - max] as number) + window;

/**
 * Per limited channel whose window is full at `now`: when its next contact is allowed (ISO). Channels
 * with room are left out. What the workspace shows as "next call allowed from …".
 */
export function nextContactAt(
  policy: Pick<CompiledPolicy['policy'], 'contact'>,
  contacts: Contacts | undefined,
  now: number,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [channel, limit] of Object.entries(policy.contact ?? {})) {
    const window = durationMs(limit.per);
    const recent = recentContacts(contacts ?? {}, channel, window, now);
    if (recent.length >= limit.max) {
      out[channel] = new Date(allowedFrom(recent, limit.max, window)).toISOString();
    }
  }
  return out;
}

/**
 * Checks an event's contact against the policy's limit for its channel and records it in `instance`;
 * refuses with POOL_ERR_CONTACT_LIMIT (details: `channel`, `until`) past the limit.
 */
export function recordContact(
  compiled: CompiledPolicy,
  instance: Instance,
  event: PoolEvent,
  now: number,
): void {
  const channel = event.payload?.['channel'];
  if (typeof channel !== 'string') return;
  const limits = compiled.policy.contact ?? {};
  if (!Object.prototype.hasOwnProperty.call(limits, channel)) return;
  const limit = limits[channel];
  if (!limit) return;
  const window = durationMs(limit.per);
  const all: Contacts = instance.contacts ?? {};
  const recent = recentContacts(all, channel, window, now);
  if (recent.length >= limit.max) {
    const until = new Date(allowedFrom(recent, limit.max, window)).toISOString();
    throw new EngineError(
      'POOL_ERR_CONTACT_LIMIT',
      `this record had ${recent.length} ${channel} contact(s) in the window (limit ${limit.max}); the next is allowed from ${until}`,
      { channel, until, limit: limit.max },
    );
  }
  instance.contacts = { ...all, [channel]: [...recent, now].slice(-limit.max) };
}
