// A pool's routing at work: admission and create rules where records are created or imported, release
// rules in the step that releases a record (its moveToPool is written with the step). Routings are
// read from the pools row with the work they route and compiled once per text.
import {
  compileRouting,
  isRelease,
  notAdmitted,
  route,
  routeRelease,
  type CompiledPolicy,
  type CompiledRouting,
  type Routing,
  type StepResult,
} from '@poolflow/engine';
import type { Knex } from 'knex';
import { requireAssignee } from '../access.js';
import type { RecordOutcome } from './record-writer.js';

/** Compiled routings kept per compiled policy (by text); past it that policy's cache starts over. */
const MAX_COMPILED = 200;
// By the compiled policy itself, not its id and version: the routing's rules come from it, and two apps of
// one process (tests) may each hold a different policy under the same id and version.
const compiledRoutings = new WeakMap<CompiledPolicy, Map<string, CompiledRouting>>();

/** The compiled routing of a pool's `routing` column (null: the pool routes nothing). */
export function compiledRouting(
  policy: CompiledPolicy,
  routing: Routing | string | null | undefined,
): CompiledRouting | null {
  if (routing === null || routing === undefined) return null;
  const text = typeof routing === 'string' ? routing : JSON.stringify(routing);
  let byText = compiledRoutings.get(policy);
  if (byText === undefined)
    compiledRoutings.set(policy, (byText = new Map<string, CompiledRouting>()));
  let compiled = byText.get(text);
  if (compiled === undefined) {
    compiled = compileRouting(JSON.parse(text) as Routing, policy.rules);
    if (byText.size >= MAX_COMPILED) byText.clear();
    byText.set(text, compiled);
  }
  return compiled.admission.length + compiled.create.length + compiled.release.length > 0
    ? compiled
    : null;
}

/** The routings of pools by key, read in one query (pools without one are absent). */
export async function poolRoutings(
  db: Knex | Knex.Transaction,
  keys: readonly string[],
): Promise<Map<string, Routing>> {
  if (keys.length === 0) return new Map();
  const rows = await db('pools')
    .whereIn('key', keys)
    .whereNotNull('routing')
    .select('key', 'routing');
  return new Map(rows.map((r) => [r.key, r.routing as Routing]));
}

/** Where a new record goes: null to stay in `poolKey`; an admission refusal throws POOL_ERR_NOT_ADMITTED. */
export function routeNew(
  routing: CompiledRouting | null,
  result: StepResult,
  now: number,
): { pool: string; rule: string } | null {
  if (!routing) return null;
  const decision = route(
    routing,
    {
      entity: result.record.entity,
      instance: result.snapshot.instance,
      now,
      event: { type: 'CREATE' },
    },
    'create',
  );
  if (decision === null) return null;
  if ('refused' in decision) throw notAdmitted(decision.refused);
  return decision;
}

/**
 * Routes the releases among an outcome's steps by `routing` (the release rules of the pool the record
 * is in): a routed step gets the moveToPool effect and its history payload says by which rule. Event
 * path and sweeper alike: a stored routing that no longer compiles, or a rule that fails (over its
 * budget), routes nothing, and the record is released where it is.
 */
export function routeReleases(
  policy: CompiledPolicy,
  routing: Routing | undefined,
  outcome: RecordOutcome,
): void {
  if (routing === undefined || !outcome.steps.some((s) => isRelease(policy, s.result))) return;
  let compiled: CompiledRouting | null;
  try {
    compiled = compiledRouting(policy, routing);
  } catch {
    return;
  }
  if (!compiled) return;
  for (const s of outcome.steps) {
    if (!isRelease(policy, s.result)) continue;
    try {
      const { result, routed } = routeRelease(policy, compiled, s.result, {
        entity: s.result.record.entity,
        now: s.at,
        event: { type: s.eventType },
        recordId: outcome.recordId,
      });
      if (!routed) continue;
      s.result = result;
      s.payload = { ...(s.payload as object | null), routedBy: routed.rule, routedTo: routed.pool };
    } catch {
      continue;
    }
  }
}

/**
 * routeReleases for one event's outcome: its pool's routing is read only when a step is a release.
 * Returns the last step's result as routed.
 */
export async function routeOutcome(
  db: Knex | Knex.Transaction,
  policy: CompiledPolicy,
  outcome: RecordOutcome,
): Promise<StepResult | undefined> {
  if (outcome.steps.some((s) => isRelease(policy, s.result))) {
    const routing = (await poolRoutings(db, [outcome.poolKey])).get(outcome.poolKey);
    routeReleases(policy, routing, outcome);
  }
  return outcome.steps[outcome.steps.length - 1]?.result;
}

/**
 * Where a record created in `pool` is written, and its CREATE history payload: the entrance pool's
 * routing may refuse it (422) or send it to another pool, whose member its owner must then be.
 */
export async function placeNew(
  trx: Knex.Transaction,
  pool: { key: string; routing: Routing | null },
  policy: CompiledPolicy,
  result: StepResult,
  now: number,
  owner: { id: string | null; path: string },
): Promise<{ poolKey: string; payload: Record<string, unknown> }> {
  const ownerId = owner.id;
  const routed = routeNew(compiledRouting(policy, pool.routing), result, now);
  if (!routed) return { poolKey: pool.key, payload: { ownerId } };
  if (ownerId !== null) await requireAssignee(trx, routed.pool, ownerId, owner.path);
  return { poolKey: routed.pool, payload: { ownerId, routedBy: routed.rule, from: pool.key } };
}
