// Where a record may move: a pool of its pool's department running its policy. The one rule behind
// routing rules, the manual move, a policy's moveToPool actions (at publish and at the write).
import { escapePointer } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { PoolRow } from '../db/rows.js';

/** The pool a record moves from: its department, and the policy the record runs. */
export interface MoveSource {
  department_id: string | null;
  policy_id: string;
}

/** Why a record may not move to a pool: a code and the names it is about, beside the English. */
export interface MoveTargetCheck {
  code: 'unknown-pool' | 'other-department' | 'other-policy';
  message: string;
  params: { pool: string; policy?: string; expected?: string };
}

/** Why a record of `from` may not move to pool `key` (`target`: that pool, if it exists), or null. */
export function moveTargetCheck(
  from: MoveSource,
  key: string,
  target: Pick<PoolRow, 'department_id' | 'policy_id'> | undefined,
): MoveTargetCheck | null {
  if (!target)
    return { code: 'unknown-pool', message: `no pool named "${key}"`, params: { pool: key } };
  if (target.department_id !== from.department_id)
    return {
      code: 'other-department',
      message: `pool "${key}" belongs to another department`,
      params: { pool: key },
    };
  if (target.policy_id !== from.policy_id)
    return {
      code: 'other-policy',
      message: `pool "${key}" runs policy "${target.policy_id}", not "${from.policy_id}"`,
      params: { pool: key, policy: target.policy_id, expected: from.policy_id },
    };
  return null;
}

/** The English of moveTargetCheck: why a record of `from` may not move to pool `key`, or null. */
export function moveTargetProblem(
  from: MoveSource,
  key: string,
  target: Pick<PoolRow, 'department_id' | 'policy_id'> | undefined,
): string | null {
  return moveTargetCheck(from, key, target)?.message ?? null;
}

/** The department and policy of the pools named, by key, in one query (unknown keys are absent). */
export async function moveTargets(
  db: Knex | Knex.Transaction,
  keys: readonly string[],
): Promise<Map<string, Pick<PoolRow, 'department_id' | 'policy_id'>>> {
  if (keys.length === 0) return new Map();
  const rows: Pick<PoolRow, 'key' | 'department_id' | 'policy_id'>[] = await db('pools')
    .whereIn('key', [...new Set(keys)])
    .select('key', 'department_id', 'policy_id');
  return new Map(rows.map((r) => [r.key, r]));
}

/** A policy's moveToPool actions: the pool each names and the pointer to it in the document. */
export function moveActions(document: { machine: unknown }): { pool: string; path: string }[] {
  const found: { pool: string; path: string }[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}/${i}`));
    else if (value !== null && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      const pool = (o['params'] as { pool?: unknown } | undefined)?.pool;
      if (o['type'] === 'moveToPool' && typeof pool === 'string')
        found.push({ pool, path: `${path}/params/pool` });
      else for (const [k, v] of Object.entries(o)) walk(v, `${path}/${escapePointer(k)}`);
    }
  };
  walk(document.machine, '/machine');
  return found;
}

/**
 * What publishing `document` would move records to that they may not go to: each moveToPool target must
 * be a pool a record of this policy may move to from some pool running it (from the policy's own
 * department while none does). Problems point into the draft (`/document/...`).
 */
export async function moveActionProblems(
  db: Knex | Knex.Transaction,
  document: { id: string; machine: unknown },
  departmentId: string | null,
): Promise<{ path: string; code: string; message: string }[]> {
  const actions = moveActions(document);
  if (actions.length === 0) return [];
  const running: Pick<PoolRow, 'department_id'>[] = await db('pools')
    .where({ policy_id: document.id })
    .distinct('department_id');
  // The policy's own department first: its problem is the one reported when every source has one.
  const departments = running.length > 0 ? running.map((r) => r.department_id) : [departmentId];
  departments.sort((a, b) => Number(b === departmentId) - Number(a === departmentId));
  const sources = departments.map((d) => ({ department_id: d, policy_id: document.id }));
  const targets = await moveTargets(
    db,
    actions.map((a) => a.pool),
  );
  const problems: { path: string; code: string; message: string }[] = [];
  for (const { pool, path } of actions) {
    const each = sources.map((from) => moveTargetProblem(from, pool, targets.get(pool)));
    if (each.includes(null)) continue;
    problems.push({ path: `/document${path}`, code: 'move-target', message: each[0] as string });
  }
  return problems;
}
