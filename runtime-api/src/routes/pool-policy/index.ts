// GET /api/pools/:pool/policy: what a pool member's workspace needs from the pool's policy (fields,
// event payload forms, state labels, masked fields, claim limits, the pool's word) and its members.
import type { Policy, StateNode, Transition } from '@poolflow/engine';
import type { FastifyInstance } from 'fastify';
import { requirePoolRole } from '../../access.js';
import { maskedInAny, poolVersions } from '../records/field-filters.js';
import { RuntimeError } from '../../runtime.error.js';
import type { PoolPolicy } from '../../api.types.js';

/** What a pool member's workspace reads (schemas: api-replies.schema.json#/definitions/poolPolicy). */
export type PoolPolicyView = PoolPolicy;

const targetsOf = (t: string | Transition | Transition[]): string[] =>
  (typeof t === 'string' ? [t] : Array.isArray(t) ? t.map((x) => x.target) : [t.target]).filter(
    (x): x is string => typeof x === 'string',
  );

/** The tags the policy's `tag` actions add, anywhere in its machine: what the workspace filters by. */
export function policyTags(policy: Policy): string[] {
  const tags = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      const params = o['params'] as Record<string, unknown> | undefined;
      if (o['type'] === 'tag' && typeof params?.['add'] === 'string') tags.add(params['add']);
      Object.values(o).forEach(walk);
    }
  };
  walk(policy.machine);
  return [...tags].sort();
}

/**
 * The events a state takes only when a rule holds: a guarded branch leaves the state or enters it again
 * (restarting its timers), and another keeps the record where it is, timers running. When the rule does
 * not hold, the event is recorded and nothing restarts: the workspace tells the user (a follow-up too
 * short to count). The rules themselves stay with the admins.
 */
function guardedOf(name: string, node: StateNode): { guardedEvents?: string[] } {
  const moves = (x: Transition) =>
    x.target !== undefined && (x.target !== name || x.reenter === true);
  const events = Object.entries(node.on ?? {})
    .filter(([, t]) => {
      const branches = Array.isArray(t) ? t : typeof t === 'string' ? [] : [t];
      return (
        branches.some((x) => x.guard !== undefined && moves(x)) && branches.some((x) => !moves(x))
      );
    })
    .map(([event]) => event);
  return events.length > 0 ? { guardedEvents: events } : {};
}

/** Leaves out rules, score and actions: webhook params may hold URLs and headers members must not see. */
export function poolPolicyView(policy: Policy): Omit<PoolPolicyView, 'pool' | 'members'> {
  const states = policy.machine.states;
  const pooled = (name: string) => states[name]?.meta?.pooled === true;
  const view = (name: string, node: StateNode) => ({
    ...(node.meta?.label ? { label: node.meta.label } : {}),
    pooled: node.meta?.pooled === true,
    final: node.type === 'final',
    ...(node.meta?.outcome ? { outcome: node.meta.outcome } : {}),
    // Timers that put the record back in a pool state: the countdown a rep sees.
    releaseTimers: Object.entries(node.after ?? {})
      .filter(([, t]) => targetsOf(t).some(pooled))
      .map(([delay]) => delay),
    ...guardedOf(name, node),
  });
  const { maxOwned, maxPerDay, previousOwnerCooldownDays } = policy.claim ?? {};
  // The label of the one pooled state names the pool ("Talent pool"); of two, neither does.
  const pooledStates = Object.values(states).filter((node) => node.meta?.pooled === true);
  const poolWord = pooledStates.length === 1 ? pooledStates[0]?.meta?.label : undefined;
  return {
    policyId: policy.id,
    policyVersion: policy.version,
    name: policy.name,
    ...(policy.description ? { description: policy.description } : {}),
    entity: {
      schema: policy.entity.schema,
      ...(policy.entity.titleField ? { titleField: policy.entity.titleField } : {}),
      maskedInPool: policy.entity.maskedInPool ?? [],
      uniqueFields: policy.entity.uniqueFields ?? [],
    },
    events: Object.fromEntries(
      Object.entries(policy.events ?? {}).map(([type, e]) => [
        type,
        { ...(e.label ? { label: e.label } : {}), ...(e.payload ? { payload: e.payload } : {}) },
      ]),
    ),
    states: Object.fromEntries(
      Object.entries(states).map(([name, node]) => [name, view(name, node)]),
    ),
    initial: policy.machine.initial,
    tags: policyTags(policy),
    ...(poolWord ? { poolWord } : {}),
    claim: {
      ...(maxOwned !== undefined ? { maxOwned } : {}),
      ...(maxPerDay !== undefined ? { maxPerDay } : {}),
      ...(previousOwnerCooldownDays !== undefined ? { previousOwnerCooldownDays } : {}),
    },
  };
}

export default function poolPolicyRoutes(app: FastifyInstance): void {
  app.get<{ Params: { pool: string }; Querystring: { version?: number } }>(
    '/api/pools/:pool/policy',
    async (request): Promise<PoolPolicyView> => {
      const { pool } = request.params;
      await requirePoolRole(app, request, pool, 'member');
      const row = await app.records.pool(pool);
      const version = request.query.version ?? row.policy_version;
      const compiled = await app.policies.get(row.policy_id, version).catch(() => {
        throw RuntimeError.notFound(`policy ${row.policy_id} version ${version}`);
      });
      const members = await app.poolRepository.membersWithUsers(pool);
      const view = poolPolicyView(compiled.policy);
      // The pool's own view masks what any of its running records' versions masks (field-filters.ts),
      // and the workspace offers no filter by those fields; a version asked for is that version's.
      if (request.query.version === undefined)
        view.entity.maskedInPool = maskedInAny(await poolVersions(app, row));
      return {
        pool,
        ...view,
        policyVersion: version,
        members: members.map((m) => ({
          userId: m.user_id,
          username: m.username,
          displayName: m.display_name,
          role: m.role,
          seniority:
            typeof m.attributes?.['seniority'] === 'string' ? m.attributes['seniority'] : null,
          disabled: m.disabled_at !== null,
        })),
      };
    },
  );
}
