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
  const mine = Object.prototype.hasOwnProperty.call(all, channel) ? (all[channel] ?? []) : [];
  const recent = mine.filter((at) => at > now - window);
  if (recent.length >= limit.max) {
    // The next contact is allowed once the oldest of the last `max` leaves the window.
    const until = new Date((recent[recent.length - limit.max] as number) + window).toISOString();
    throw new EngineError(
      'POOL_ERR_CONTACT_LIMIT',
      `this record had ${recent.length} ${channel} contact(s) in the window (limit ${limit.max}); the next is allowed from ${until}`,
      { channel, until, limit: limit.max },
    );
  }
  instance.contacts = { ...all, [channel]: [...recent, now].slice(-limit.max) };
}
