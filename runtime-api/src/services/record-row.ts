// A record's row as a step leaves it: the row callers reply with (no read back), its search text, and
// whether the step left the entity's data as it was.
import type { StepResult } from '@poolflow/engine';
import type { RecordRow } from '../db/rows.js';

/** The text a pool's free-text search matches: the entity's string and number values, lower case. */
export function searchText(data: Record<string, unknown>): string {
  return Object.values(data)
    .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
    .join(' ')
    .toLowerCase();
}

/** Deep equality of two JSON values. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && sameJson(ra[k], rb[k]));
}

/** The record columns a step result sets, as the writer writes them and callers reply with them. */
export function stepColumns({ snapshot, record }: StepResult) {
  return {
    policy_id: snapshot.policyId,
    policy_version: snapshot.policyVersion,
    state: snapshot.value,
    owner_id: record.ownerId,
    pooled: record.pooled,
    done: snapshot.status === 'done',
    limit_free: record.limitFree,
    tags: record.tags,
    score: record.score,
    snapshot,
    seq: snapshot.seq,
  };
}

/**
 * The row a record has after its last step, as written: callers reply with it instead of reading the
 * row back. `before` is the locked row (absent for a created record).
 */
export function rowAfter(
  result: StepResult,
  recordId: string,
  poolKey: string,
  at: number,
  before?: RecordRow,
): RecordRow {
  return {
    id: recordId,
    pool_key: poolKey,
    ...stepColumns(result),
    data: result.record.entity,
    created_at: before?.created_at ?? new Date(at),
    updated_at: new Date(at),
  };
}
