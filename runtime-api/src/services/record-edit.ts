// An edit of a record's fields: what it changes (the fields given new values, their values before and
// after, and the timers whose delays read them), checked against the entity schema, as a step the writer
// writes like any other.
import { edit, type CompiledPolicy } from '@poolflow/engine';
import type { Stepped } from './claim-next.js';
import { RuntimeError } from '../runtime.error.js';
import { assertEntity } from './entity-check.js';
import type { EventRead } from './event-read.js';

/**
 * The edit of the record `read` holds by `changes` (see changedData), for the user `actorId`. With
 * `base` (the values the editor saw), a field changed since is a conflict (see editConflicts).
 */
export function editStep(
  compiled: CompiledPolicy,
  read: EventRead,
  changes: Record<string, unknown>,
  actorId: string,
  base?: Record<string, unknown>,
): Stepped {
  const { row, now } = read;
  if (base !== undefined) assertNoConflict(row.data, changes, base);
  const { data, before, after } = changedData(row.data, changes);
  assertEntity(compiled, data, '/body/data');
  const result = edit(compiled, row.snapshot, data, { now, previous: row.data, recordId: row.id });
  const titleField = compiled.policy.entity.titleField;
  // The timers it moved, by delay: their due times before and after (ISO 8601).
  const timers = Object.fromEntries(
    result.movedTimers.map((m) => [
      m.delay,
      { before: new Date(m.before).toISOString(), after: new Date(m.after).toISOString() },
    ]),
  );
  const payload = result.movedTimers.length > 0 ? { before, after, timers } : { before, after };
  const step = { result, eventType: 'EDIT', payload, actorId, at: now };
  return {
    read,
    result,
    outcome: {
      recordId: row.id,
      poolKey: row.pool_key,
      prevSeq: row.seq,
      ...(titleField !== undefined ? { titleField } : {}),
      steps: [step],
    },
  };
}

/** Two field values alike as JSON; absent (undefined) reads as null. */
const sameValue = (a: unknown, b: unknown): boolean =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * `data` with `changes` applied (null removes a field), and the changed fields' values before and after
 * (null: absent). A field given its present value is no change.
 */
export function changedData(
  data: Record<string, unknown>,
  changes: Record<string, unknown>,
): {
  data: Record<string, unknown>;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
} {
  const next = { ...data };
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(changes)) {
    const old = Object.hasOwn(data, field) ? data[field] : null;
    if (sameValue(old, value)) continue;
    before[field] = old;
    after[field] = value;
    if (value === null) delete next[field];
    else next[field] = value;
  }
  return { data: next, before, after };
}

/**
 * Refuses an edit made from values that are no longer the record's: each field the edit changes whose
 * value the editor saw (`base`, null: absent) differs from its value now. A 409 naming
 * `/body/data/<field>` with the value now, so the editor sees what changed and nothing is overwritten
 * unseen. A field the edit sets to what it holds now is no conflict (the same change made twice).
 */
function assertNoConflict(
  data: Record<string, unknown>,
  changes: Record<string, unknown>,
  base: Record<string, unknown>,
): void {
  const details = Object.keys(changes)
    .filter((field) => Object.hasOwn(base, field))
    .filter(
      (field) => !sameValue(data[field], base[field]) && !sameValue(data[field], changes[field]),
    )
    .map((field) => ({
      path: `/body/data/${field}`,
      message: 'was changed by someone else since you read it',
      code: 'edit-conflict',
      params: { field, now: data[field] ?? null },
    }));
  if (details.length > 0)
    throw new RuntimeError(
      'POOL_ERR_CONFLICT',
      `the record changed since it was read: ${details.map((d) => d.params.field).join(', ')}`,
      details,
    );
}
