// The engine's start for imported rows, shared between rows it cannot tell apart: start is pure, and
// with the same owner, time and user it gives the same snapshot to every entity that agrees on the
// fields the machine reads. The profile of a CRM import had start at two thirds of the Node time.
import {
  actions,
  allowedOperators,
  scoreOf,
  start,
  type CompiledPolicy,
  type PoolUser,
  type StepResult,
} from '@poolflow/engine';

/** Distinct shared starts kept per import (past it the cache starts over). */
const MAX_SHARED_STARTS = 1_000;

// The engine's own operators and actions: none reads the entity except through the policy's `var`
// paths. A process that registers others (defineOperator, defineAction) may read anything: no sharing.
const KNOWN_OPERATORS = new Set(
  '! !! != !== % * + - / < <= == === > >= ?: addMonths all and cat days daysSince filter hours if in length map max merge min minutes missing missing_some none or reduce rule some substr var'.split(
    ' ',
  ),
);
const KNOWN_ACTIONS = new Set(['notify', 'tag', 'untag', 'set', 'moveToPool', 'webhook']);

const ENTITY = /(?<![\w$.])entity(?![\w$])(\.[A-Za-z_$][\w$]*)?/g;

/**
 * The entity fields a start may read outside the score, or null when it may read the whole entity or
 * change it. The score is computed per row; message templates ({{entity.name}}) only fill effects,
 * and rows whose start has such effects are not shared (see `StartSharing.start`).
 */
export function fieldsStartReads(compiled: CompiledPolicy): string[] | null {
  if (!allowedOperators().every((op) => KNOWN_OPERATORS.has(op))) return null;
  if (!actions.list().every((a) => KNOWN_ACTIONS.has(a.type))) return null;
  const fields = new Set<string>();
  let whole = false;
  const walk = (value: unknown): void => {
    if (whole) return;
    if (typeof value === 'string') {
      if (value.includes('{{')) return;
      for (const m of value.matchAll(ENTITY)) {
        if (m[1]) fields.add(m[1].slice(1));
        else whole = true;
      }
    } else if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      // A computed or empty `var` path may name anything, the whole data included.
      if ('var' in o) {
        const path = Array.isArray(o['var']) ? (o['var'] as unknown[])[0] : o['var'];
        if (typeof path !== 'string' || path === '') whole = true;
      }
      // Actions other than the engine's (a registry given to compile) may read anything.
      for (const list of ['entry', 'exit', 'actions'].map((k) => o[k])) {
        for (const a of Array.isArray(list) ? list : list === undefined ? [] : [list]) {
          const type = typeof a === 'string' ? a : (a as { type?: unknown } | null)?.type;
          if (typeof type !== 'string' || !KNOWN_ACTIONS.has(type)) whole = true;
        }
      }
      // `set` on an entity field changes the entity the record keeps.
      const params = o['params'] as Record<string, unknown> | undefined;
      if (o['type'] === 'set' && String(params?.['field']).startsWith('entity')) whole = true;
      Object.values(o).forEach(walk);
    }
  };
  // The entity's schema, the score and the labels are not read by a start (the score is per row).
  const skipped = new Set(['entity', 'score', 'name', 'description']);
  const rest = Object.entries(compiled.policy).filter(([key]) => !skipped.has(key));
  walk(rest);
  return whole ? null : [...fields].sort();
}

/** Starts rows of one import, sharing one start between rows with the same key. */
export class StartSharing {
  readonly #fields: string[] | null;
  readonly #shared = new Map<string, { recordId: string; result: StepResult } | null>();

  constructor(
    readonly compiled: CompiledPolicy,
    readonly user: PoolUser,
  ) {
    this.#fields = fieldsStartReads(compiled);
  }

  start(
    entity: Record<string, unknown>,
    ownerId: string | null,
    now: number,
    recordId: string,
  ): StepResult {
    const run = (): StepResult =>
      start(this.compiled, { entity, now, ownerId, user: this.user, recordId });
    if (this.#fields === null) return run();
    const key = JSON.stringify([
      now,
      ownerId,
      this.#fields.map((f) => (Object.prototype.hasOwnProperty.call(entity, f) ? [entity[f]] : 0)),
    ]);
    const base = this.#shared.get(key);
    if (base === null) return run();
    if (base === undefined) {
      const result = run();
      if (this.#shared.size >= MAX_SHARED_STARTS) this.#shared.clear();
      this.#shared.set(key, shareable(result, entity, recordId) ? { recordId, result } : null);
      return result;
    }
    const { result } = base;
    const prefix = base.recordId.length;
    return {
      ...result,
      // Effect keys are `<record id>:<seq>:<index>`; the rest of a shared effect is the same.
      effects: result.effects.map((e) => ({ ...e, key: `${recordId}${e.key.slice(prefix)}` })),
      record: {
        ...result.record,
        entity,
        score: scoreOf(this.compiled, entity, result.snapshot.instance, now),
      },
    };
  }
}

/**
 * A start whose effects are only timers and the owner (no message filled from the entity), whose
 * entity is the one given, and whose effects are keyed by its record id, can be shared.
 */
function shareable(result: StepResult, entity: Record<string, unknown>, recordId: string): boolean {
  return (
    result.effects.every(
      (e) => ['schedule', 'cancel', 'owner'].includes(e.type) && e.key.startsWith(`${recordId}:`),
    ) && JSON.stringify(result.record.entity) === JSON.stringify(entity)
  );
}
