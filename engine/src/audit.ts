// Audited events (抽查): which events go to the managers' audit queue (a deterministic sample or the
// policy's force rule), and the revocation of a fake one's effect on the record's timers.
import type { CompiledPolicy } from './compile.js';
import { EngineError } from './engine.error.js';
import { timersOnEntry } from './entry-timers.js';
import { evaluate, truthy } from './logic/json-logic.js';
import type { Policy } from './schema.types.js';
import { recordView } from './step.js';
import type { Problem } from './validate.js';
import type {
  AuditMark,
  EffectInput,
  JsonObject,
  PendingTimer,
  PoolEvent,
  PoolSnapshot,
  PoolUser,
  StepResult,
} from './types.js';

/** Events audited when the policy's `audit` names none. */
export const DEFAULT_AUDITED_EVENTS: readonly string[] = ['FOLLOW_UP'];
/** Characters of a note kept as `instance.lastNote` (a rule compares notes; a longer one is cut). */
export const LAST_NOTE_MAX = 500;

export function auditedEvents(compiled: CompiledPolicy): readonly string[] {
  return compiled.policy.audit?.events ?? DEFAULT_AUDITED_EVENTS;
}

/**
 * A number in [0, 1) from a record id and a seq (cyrb53): the same event is sampled the same way in
 * the simulator and the runtime, and over many records the draws are uniform.
 */
export function auditDraw(recordId: string, seq: number): number {
  const text = `${recordId}:${seq}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)) / 2 ** 53;
}

export interface AuditInput {
  recordId: string;
  /** The record as it was before the event. */
  before: PoolSnapshot;
  event: PoolEvent;
  entity: JsonObject;
  user: PoolUser | null;
  now: number;
}

/** Whether the policy audits this event, and why: the force rule first, then the sample. */
export function auditReason(
  compiled: CompiledPolicy,
  input: AuditInput,
  seq: number,
): AuditMark['reason'] | null {
  const audit = compiled.policy.audit;
  if (!audit || !auditedEvents(compiled).includes(input.event.type)) return null;
  if (audit.force !== undefined) {
    const data = {
      entity: input.entity,
      instance: input.before.instance,
      event: input.event,
      user: input.user,
      now: input.now,
    };
    if (truthy(evaluate(audit.force, data, compiled.rules, 'audit.force'))) return 'force';
  }
  const rate = audit.sampleRate ?? 0;
  return rate > 0 && auditDraw(input.recordId, seq) < rate ? 'sample' : null;
}

/** The timers an event set: those pending after it whose due time or state it changed. */
function changedTimers(
  before: Record<string, PendingTimer>,
  after: Record<string, PendingTimer>,
): Pick<AuditMark, 'timersBefore' | 'timersAfter'> {
  const timersBefore: Record<string, PendingTimer> = {};
  const timersAfter: Record<string, PendingTimer> = {};
  for (const [key, t] of Object.entries(after)) {
    const was = Object.prototype.hasOwnProperty.call(before, key) ? before[key] : undefined;
    if (was && was.dueAt === t.dueAt && was.state === t.state) continue;
    timersAfter[key] = { ...t };
    if (was) timersBefore[key] = { ...was };
  }
  return { timersBefore, timersAfter };
}

/**
 * Marks a stepped event for the audit queue when the policy says so (`result.audit`), and keeps the
 * note of an audited event type as `instance.lastNote` for the next event's rules.
 */
export function markAudit(compiled: CompiledPolicy, input: AuditInput, result: StepResult): void {
  if (!compiled.policy.audit || !auditedEvents(compiled).includes(input.event.type)) return;
  const reason = auditReason(compiled, input, result.snapshot.seq);
  const note = input.event.payload?.['note'];
  result.snapshot.instance.lastNote =
    typeof note === 'string' ? note.slice(0, LAST_NOTE_MAX) : null;
  if (reason) {
    result.audit = { reason, ...changedTimers(input.before.timers, result.snapshot.timers) };
    const before = input.before.instance.enteredStateAt;
    const after = result.snapshot.instance.enteredStateAt;
    if (before !== after) result.audit.entry = { before, after };
  }
}

/** The title a notification gives a record: its policy's title field, else its name or title, else its id. */
export function recordTitle(entity: JsonObject, recordId: string, titleField?: string): string {
  const own = titleField !== undefined ? entity[titleField] : undefined;
  const name = own !== undefined && own !== '' ? own : (entity['name'] ?? entity['title']);
  return typeof name === 'string' || typeof name === 'number' ? String(name) : recordId;
}

export interface RevokeEnv {
  entity: JsonObject;
  now: number;
  recordId: string;
  /** The rep whose event was fake: notified, naming the record. */
  rep: string | null;
}

export interface Revocation {
  /** A step of its own (its `seq` advances): restored timers, the rep's notification. */
  result: StepResult;
  /** Whether any timer was put back; false when later events had replaced all of them. */
  revoked: boolean;
  /** Timer keys put back (or cancelled, for one the fake event had armed anew). */
  restored: string[];
}

const ownValue = <T>(map: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(map, key) ? map[key] : undefined;

/**
 * The timers of the record's state as if it had been entered when it was before the fake event, under
 * the record's version now: for a record a rollout (`recompute`) or an edit re-armed since the event,
 * whose timers no longer have the due times the event set. Undefined where a delay cannot be worked
 * out (its rule fails now): those timers are left as they are.
 */
function rearmedBefore(
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  entity: JsonObject,
  enteredBefore: number,
): Record<string, PendingTimer> | undefined {
  try {
    const instance = { ...snapshot.instance, enteredStateAt: enteredBefore };
    return timersOnEntry(compiled, snapshot.value, { entity, instance }, enteredBefore);
  } catch (e) {
    if (e instanceof EngineError) return undefined;
    throw e;
  }
}

/**
 * Revokes what a fake event did to the record's timers. Each timer it set that is still pending with the
 * due time it set goes back to its due time before the event (due now if that has passed), or is
 * cancelled if the event armed it anew; a timer a later event replaced, or that has fired, is left alone.
 * An event that re-entered the state (`mark.entry`) has the entry time put back too, while the record is
 * still in that entry (no later event re-entered it): then a timer a rollout or an edit re-armed since
 * is put back to its due time for the earlier entry under the record's version now.
 */
export function revoke(
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  mark: Pick<AuditMark, 'timersBefore' | 'timersAfter' | 'entry'>,
  env: RevokeEnv,
): Revocation {
  const timers: Record<string, PendingTimer> = { ...snapshot.timers };
  const raw: EffectInput[] = [];
  const restored: string[] = [];
  // The entry the fake event made, while the record is still in it (no later event re-entered).
  const entry =
    mark.entry !== undefined && snapshot.instance.enteredStateAt === mark.entry.after
      ? mark.entry
      : undefined;
  let rearmed: Record<string, PendingTimer> | undefined;
  const put = (key: string, was: PendingTimer | undefined): void => {
    restored.push(key);
    if (!was) {
      delete timers[key];
      raw.push({ type: 'cancel', timerKey: key });
      return;
    }
    const dueAt = Math.max(was.dueAt, env.now);
    timers[key] = { ...was, dueAt };
    raw.push({
      type: 'schedule',
      timerKey: key,
      dueAt,
      event: { type: key, timerKey: key, dueAt },
    });
  };
  for (const [key, set] of Object.entries(mark.timersAfter)) {
    const now = ownValue(timers, key);
    if (now && now.dueAt === set.dueAt && now.state === set.state) {
      put(key, ownValue(mark.timersBefore, key));
      continue;
    }
    if (entry === undefined) continue;
    // Re-armed since the event within the same entry (a rollout, an edit): the timer of that delay now.
    const pendingKey = Object.keys(timers).find((k) => timers[k]?.delay === set.delay);
    if (pendingKey === undefined) continue;
    if (!ownValue(mark.timersBefore, key)) {
      put(pendingKey, undefined);
      continue;
    }
    rearmed ??= rearmedBefore(compiled, snapshot, env.entity, entry.before);
    const again = rearmed && Object.values(rearmed).find((t) => t.delay === set.delay);
    if (again) put(pendingKey, { dueAt: again.dueAt, delay: again.delay, state: again.state });
  }
  if (env.rep !== null) {
    const title = recordTitle(env.entity, env.recordId, compiled.policy.entity.titleField);
    raw.push({
      type: 'notify',
      to: [env.rep],
      kind: 'auditViolation',
      message: {
        en: `An audit found your follow-up on ${title} fake: it is recorded as a violation${restored.length > 0 ? ' and its protection is revoked' : ''}.`,
        zh: `抽查认定你对 ${title} 的跟进不实：已记入诚信档案${restored.length > 0 ? '，保护期恢复到跟进前' : ''}。`,
      },
    });
  }
  const seq = snapshot.seq + 1;
  const effects = raw.map((e, index) => ({ ...e, key: `${env.recordId}:${seq}:${index}` }));
  const instance = entry
    ? { ...snapshot.instance, enteredStateAt: entry.before }
    : snapshot.instance;
  const next: PoolSnapshot = { ...snapshot, seq, timers, instance };
  return {
    result: {
      snapshot: next,
      effects,
      record: recordView(compiled, next, env.entity, env.now),
      stale: false,
      from: snapshot.value,
    },
    revoked: restored.length > 0,
    restored,
  };
}

/** `unknown-event`: an audited event type the policy does not declare in `events`. */
export function auditProblems(policy: Policy): Problem[] {
  const declared = policy.events ?? {};
  return (policy.audit?.events ?? []).flatMap((type, i) =>
    Object.prototype.hasOwnProperty.call(declared, type)
      ? []
      : [
          {
            path: `/audit/events/${i}`,
            code: 'unknown-event',
            message: `audited event "${type}" is not declared in events`,
            params: { event: type },
          },
        ],
  );
}
