// A pool's routing as the API reads, saves and tries it: checked as a document (engine), then its target
// pools (same department, same policy, not the pool itself), saved on the pools row.
import {
  compileRouting,
  EngineError,
  route,
  start,
  type CompiledPolicy,
  type Instance,
  type Routing,
} from '@poolflow/engine';
import type { PoolRow } from '../db/rows.js';
import type { PoolRepository } from '../repositories/pool.repository.js';
import { RuntimeError } from '../runtime.error.js';
import type { PolicyStore } from './policy-store.js';
import { assertEntity } from './entity-check.js';
import { moveTargetCheck, type MoveTargetCheck } from './move-target.js';
import type { RoutingTestBody, RoutingTestReply } from '../api.types.js';

const EMPTY: Routing = { admission: [], rules: [] };

/** Engine problems as the API's 400: paths under /body. */
function invalid(e: unknown, prefix: string): never {
  if (
    e instanceof EngineError &&
    e.code === 'POOL_ERR_INVALID_PAYLOAD' &&
    Array.isArray(e.details)
  ) {
    // Code and params kept: the designer words each problem in the admin's language.
    const details = (e.details as { path: string; message: string }[]).map((d) => ({
      ...d,
      path: `${prefix}${d.path}`,
    }));
    throw new RuntimeError(
      'POOL_ERR_INVALID_PAYLOAD',
      details.map((d) => `${d.path} ${d.message}`).join('; '),
      details,
    );
  }
  throw e;
}

export class RoutingService {
  constructor(
    private readonly pools: PoolRepository,
    private readonly policies: PolicyStore,
  ) {}

  async #pool(key: string): Promise<{ pool: PoolRow; policy: CompiledPolicy }> {
    const pool = await this.pools.get(key);
    if (!pool) throw RuntimeError.notFound(`pool ${key}`);
    return { pool, policy: await this.policies.get(pool.policy_id, pool.policy_version) };
  }

  /** The pool's routing; a pool without one has none of either kind. */
  async read(key: string): Promise<Routing> {
    const pool = await this.pools.get(key);
    if (!pool) throw RuntimeError.notFound(`pool ${key}`);
    return pool.routing ?? EMPTY;
  }

  /**
   * Checks a routing for a pool: its rules compile against the pool policy's operators and named
   * rules; each target pool exists, is another pool of the same department and runs the same policy
   * (a record keeps its lifecycle when it changes pool). Problems are named under `prefix`.
   */
  async check(pool: PoolRow, policy: CompiledPolicy, routing: Routing, prefix: string) {
    let compiled;
    try {
      compiled = compileRouting(routing, policy.rules, policy.policy);
    } catch (e) {
      invalid(e, prefix);
    }
    const problems: ({ path: string } & Omit<MoveTargetCheck, 'code'> & { code: string })[] = [];
    const keys = [...new Set(routing.rules.map((r) => r.pool))];
    const targets = new Map((await this.pools.list(keys)).map((p) => [p.key, p]));
    routing.rules.forEach((r, i) => {
      const path = `${prefix}/rules/${i}/pool`;
      const problem =
        r.pool === pool.key
          ? {
              code: 'same-pool',
              message: 'must be another pool than this one',
              params: { pool: r.pool },
            }
          : moveTargetCheck(pool, r.pool, targets.get(r.pool));
      if (problem !== null) problems.push({ path, ...problem });
    });
    if (problems.length > 0) {
      throw new RuntimeError(
        'POOL_ERR_INVALID_PAYLOAD',
        problems.map((p) => `${p.path} ${p.message}`).join('; '),
        problems,
      );
    }
    return compiled;
  }

  /** Replaces the pool's routing (checked first; nothing is written when it fails). */
  async save(key: string, routing: Routing): Promise<Routing> {
    const { pool, policy } = await this.#pool(key);
    await this.check(pool, policy, routing, '/body');
    const empty = (routing.admission ?? []).length === 0 && routing.rules.length === 0;
    // JSON text: rules keep their order and their authors' key order.
    await this.pools.update(key, { routing: empty ? null : JSON.stringify(routing) });
    return empty ? EMPTY : routing;
  }

  /** Where a record would land, by the saved routing or the one given; nothing is written. */
  async test(key: string, body: RoutingTestBody, now: number): Promise<RoutingTestReply> {
    const { pool, policy } = await this.#pool(key);
    const routing = body.routing
      ? await this.check(pool, policy, body.routing, '/body/routing')
      : compileRouting(pool.routing ?? EMPTY, policy.rules);
    try {
      assertEntity(policy, body.data);
    } catch (e) {
      invalid(e, '/body');
    }
    const started = start(policy, { entity: body.data, now, ownerId: null, recordId: 'test' });
    const instance = { ...started.snapshot.instance, ...body.instance } as Instance;
    const decision = route(
      routing,
      { entity: started.record.entity, instance, now },
      body.on ?? 'create',
    );
    if (decision === null) return { pool: key, rule: null };
    return 'refused' in decision ? { refused: decision.refused } : decision;
  }
}
