// Entry and routing rules of a pool: admission rules refuse a record at the door, the first routing rule
// that holds picks the pool it is created in (create, import) or moved to when it is released.
import routingSchema from '@poolflow/schemas/routing.schema.json' with { type: 'json' };
import { EngineError } from './engine.error.js';
import { newAjv, schemaProblems } from './json-schema.js';
import { evaluate, truthy, unknownOperators } from './logic/json-logic.js';
import type {
  AdmissionRule,
  Policy,
  Routing,
  RoutingMessage,
  RoutingRule,
} from './schema.types.js';
import { ruleProblems, type Problem } from './validate.js';
import { RULE_LIMITS, RuleCosts, ruleLimitProblems, tooDeepAt } from './validate-limits.js';
import type { CompiledPolicy } from './compile.js';
import type { Instance, JsonObject, StepResult } from './types.js';

export type RoutingOn = 'create' | 'release';
export type { Routing, RoutingRule, AdmissionRule, RoutingMessage };

/** Where a record lands: the pool of the rule that held, or the admission rule that refused it. */
export type RouteDecision =
  { pool: string; rule: string } | { refused: { rule: string; message: RoutingMessage } };

/** What routing rules read: `{entity, instance, now, event}` (no user: nobody acts on a release timer). */
export interface RoutingData {
  entity: JsonObject;
  instance: Instance;
  now: number;
  event?: { type: string; payload?: JsonObject };
}

/** A routing checked once; its rule objects are the ones the evaluator compiles once and keeps. */
export interface CompiledRouting {
  readonly document: Routing;
  readonly admission: readonly AdmissionRule[];
  readonly create: readonly RoutingRule[];
  readonly release: readonly RoutingRule[];
  /** The policy's named rules, which routing rules may call with `{rule: name}`. */
  readonly rules: Readonly<Record<string, unknown>>;
}

const ajv = newAjv();
ajv.addSchema(routingSchema);
const validateDocument = ajv.getSchema('routing.schema.json#/definitions/routing');

/**
 * The problems of a routing document as data: its shape (routing.schema.json, bounds included), rule
 * operators against the allow-list and the static rule limits, names unique within admission and
 * within rules. With `policy`, rules are checked as its own are (`var` paths against its fields,
 * named rules). Paths are JSON pointers into the document (`/rules/2/when`). Which pools exist is the
 * runtime's to check.
 */
export function validateRouting(
  document: unknown,
  rules: Readonly<Record<string, unknown>> = {},
  policy?: Policy,
): Problem[] {
  const deep = tooDeepAt(document);
  if (deep !== undefined)
    return [
      {
        path: deep,
        code: 'too-deep',
        message: `${deep} nests too deep`,
        params: { limit: RULE_LIMITS.maxJsonDepth },
      },
    ];
  if (!validateDocument?.(document)) return schemaProblems(validateDocument?.errors);
  const routing = document as Routing;
  const problems: Problem[] = [];
  const costs = new RuleCosts(rules);
  const check = (list: readonly { name: string; when: unknown }[], at: string): void => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (seen.has(item.name)) {
        problems.push({
          path: `${at}/${i}/name`,
          code: 'duplicate-name',
          message: `${at}/${i}/name "${item.name}" is used by an earlier rule`,
          params: { name: item.name },
        });
      }
      seen.add(item.name);
      const pointer = `${at}/${i}/when`;
      if (policy) {
        problems.push(...ruleProblems(policy, item.when, pointer));
        return;
      }
      for (const p of unknownOperators(item.when, pointer))
        problems.push({
          path: p.path,
          code: p.code,
          message: p.message,
          params: { operator: p.operator },
        });
      problems.push(...ruleLimitProblems(item.when, pointer, costs));
    });
  };
  check(routing.admission ?? [], '/admission');
  check(routing.rules, '/rules');
  return problems;
}

/** Checks and prepares a routing; a bad one throws POOL_ERR_INVALID_PAYLOAD with its problems. */
export function compileRouting(
  document: unknown,
  rules: Readonly<Record<string, unknown>> = {},
  policy?: Policy,
): CompiledRouting {
  const problems = validateRouting(document, rules, policy);
  if (problems.length > 0) {
    throw new EngineError(
      'POOL_ERR_INVALID_PAYLOAD',
      `routing is invalid: ${problems.map((p) => p.message).join('; ')}`,
      // The problems whole: their code and params let a client word them in its own language.
      problems.map((p) => ({ path: p.path, code: p.code, message: p.message, params: p.params })),
    );
  }
  const routing = structuredClone(document) as Routing;
  const applies = (on: RoutingOn) => (r: RoutingRule) =>
    (r.on ?? ['create', 'release']).includes(on);
  return {
    document: routing,
    admission: routing.admission ?? [],
    create: routing.rules.filter(applies('create')),
    release: routing.rules.filter(applies('release')),
    rules,
  };
}

/**
 * Where a record goes. On create, admission rules first: the first whose `when` holds refuses it.
 * Then the first rule for `on` whose `when` holds names its pool. Null: no rule held, the record
 * stays where it is. Each rule runs under the rule budget (POOL_ERR_RULE_BUDGET past it).
 */
export function route(
  routing: CompiledRouting,
  data: RoutingData,
  on: RoutingOn,
): RouteDecision | null {
  const logicData = {
    ...data,
    event: data.event ?? { type: on === 'create' ? 'CREATE' : 'RELEASE' },
  };
  if (on === 'create') {
    for (const a of routing.admission) {
      if (truthy(evaluate(a.when, logicData, routing.rules, `admission ${a.name}`)))
        return { refused: { rule: a.name, message: a.message } };
    }
  }
  for (const r of on === 'create' ? routing.create : routing.release) {
    if (truthy(evaluate(r.when, logicData, routing.rules, `routing ${r.name}`)))
      return { pool: r.pool, rule: r.name };
  }
  return null;
}

/** The refusal of an admission rule as the error the API and the import report give. */
export function notAdmitted(refused: { rule: string; message: RoutingMessage }): EngineError {
  return new EngineError(
    'POOL_ERR_NOT_ADMITTED',
    `refused by admission rule "${refused.rule}": ${refused.message.en}`,
    { rule: refused.rule, message: refused.message },
  );
}

/** True for a step that took the record from a non-pooled state into a pooled one (a release). */
export function isRelease(policy: CompiledPolicy, result: StepResult): boolean {
  return (
    result.from !== '' &&
    !result.stale &&
    !policy.pooledStates.has(result.from) &&
    policy.pooledStates.has(result.snapshot.value)
  );
}

/**
 * A step routed on release: the first release rule that holds adds a moveToPool effect, which the
 * runtime writes with the step (the record changes pool in the same write). A step that is no release,
 * or that already moves the record (a policy's moveToPool action), is returned as it is.
 */
export function routeRelease(
  policy: CompiledPolicy,
  routing: CompiledRouting,
  result: StepResult,
  data: Omit<RoutingData, 'instance'> & { recordId: string },
): { result: StepResult; routed: { pool: string; rule: string } | null } {
  if (!isRelease(policy, result) || result.effects.some((e) => e.type === 'moveToPool'))
    return { result, routed: null };
  const decision = route(
    routing,
    {
      entity: data.entity,
      instance: result.snapshot.instance,
      now: data.now,
      ...(data.event ? { event: data.event } : {}),
    },
    'release',
  );
  if (decision === null || !('pool' in decision)) return { result, routed: null };
  const key = `${data.recordId}:${result.snapshot.seq}:${result.effects.length}`;
  return {
    result: {
      ...result,
      effects: [...result.effects, { type: 'moveToPool', pool: decision.pool, key }],
    },
    routed: decision,
  };
}
