// Policy validation: JSON Schema problems (ajv) plus semantic ones, all returned as data.
import policySchema from '@poolflow/schemas/policy.schema.json' with { type: 'json' };
import ruleSchema from '@poolflow/schemas/rule.schema.json' with { type: 'json' };
import { newAjv, schemaProblems } from './json-schema.js';
import { escapePointer } from './logic/json-logic.js';
import { isWritableField } from './actions/set.action.js';
import { actions as registry } from './registry.js';
import { auditProblems } from './audit.js';
import { breakageProblems } from './validate-breakage.js';
import { calendarProblems } from './validate-calendars.js';
import { delayRangeProblems } from './validate-delays.js';
import { policyWarnings } from './validate-warnings.js';
import { savedScenarioProblems } from './scenario-check.js';
import { RuleChecker } from './validate-rules.js';
import { UNIQUE_FIELD_TYPES } from './unique-keys.js';
import type { Action, Actions, Guard, Policy, Transition, Transitions } from './schema.types.js';
import type { ProblemCode } from './problem-codes.js';
import type { Problem, ValidateOptions, ValidationResult } from './validation-result.js';
import type { JsonObject } from './types.js';
import {
  RULE_LIMITS,
  RuleCosts,
  ruleLimitProblems,
  timerCycleProblems,
  tooDeepAt,
} from './validate-limits.js';
import './builtin-actions.js';

export type { Problem, ValidateOptions, ValidationResult } from './validation-result.js';

const ajv = newAjv();
ajv.addSchema(ruleSchema);
const validateSchema = ajv.compile(policySchema);
// By the registered definition, not its type: an action registered again may bring another schema.
const paramsValidators = new WeakMap<object, ReturnType<typeof ajv.compile>>();

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function transitionList(value: Transitions): { t: Transition; at: string }[] {
  if (typeof value === 'string') return [{ t: { target: value }, at: '' }];
  if (Array.isArray(value)) return value.map((t, i) => ({ t, at: `/${i}` }));
  return [{ t: value, at: '' }];
}

class Checker {
  readonly problems: Problem[] = [];
  readonly states: Set<string>;
  readonly rules: RuleChecker;
  readonly costs: RuleCosts;

  constructor(
    readonly policy: Policy,
    strict = true,
  ) {
    this.costs = new RuleCosts(policy.rules ?? {});
    this.states = new Set(Object.keys(policy.machine.states));
    this.rules = new RuleChecker(policy, strict);
  }

  add(path: string, code: ProblemCode, message: string, params: JsonObject): void {
    this.problems.push({ path, code, message, params });
  }

  logic(logic: unknown, pointer: string): void {
    this.problems.push(
      ...this.rules.check(logic, pointer),
      ...ruleLimitProblems(logic, pointer, this.costs),
    );
  }

  /** Unique fields (查重): each an entity field holding text or a number. */
  uniqueFields(): void {
    const properties = this.policy.entity.schema.properties as Record<string, { type?: unknown }>;
    for (const [i, field] of (this.policy.entity.uniqueFields ?? []).entries()) {
      const at = `/entity/uniqueFields/${i}`;
      if (!this.rules.entityFields.has(field)) {
        this.add(at, 'unknown-field', `"${field}" is not an entity field`, { field });
        continue;
      }
      const type = properties[field]?.type;
      if (typeof type !== 'string' || !UNIQUE_FIELD_TYPES.includes(type))
        this.add(
          at,
          'unique-field-type',
          `unique field "${field}" must hold text or a number, not ${JSON.stringify(type ?? 'any value')}`,
          { field, type: typeof type === 'string' ? type : JSON.stringify(type ?? null) },
        );
    }
  }

  guard(guard: Guard, pointer: string): void {
    if (typeof guard === 'string') {
      if (!Object.prototype.hasOwnProperty.call(this.policy.rules ?? {}, guard)) {
        this.add(pointer, 'unknown-rule', `rule "${guard}" is not defined in rules`, {
          rule: guard,
        });
      }
      return;
    }
    if (
      guard &&
      typeof guard === 'object' &&
      !Array.isArray(guard) &&
      (guard as JsonObject)['type'] === 'rule'
    ) {
      this.guard((guard as { params: { rule: string } }).params.rule, `${pointer}/params/rule`);
      return;
    }
    this.logic(guard, pointer);
  }

  actions(value: Actions | undefined, pointer: string): void {
    const list = toArray<Action>(value);
    list.forEach((action, i) => {
      const at = Array.isArray(value) ? `${pointer}/${i}` : pointer;
      const type = typeof action === 'string' ? action : action.type;
      const params = typeof action === 'string' ? {} : (action.params ?? {});
      const def = registry.get(type);
      if (!def) {
        this.add(
          `${at}${typeof action === 'string' ? '' : '/type'}`,
          'unknown-action',
          `action "${type}" is not registered`,
          { action: type },
        );
        return;
      }
      let validateParams = paramsValidators.get(def);
      if (!validateParams) {
        validateParams = ajv.compile(def.paramsSchema);
        paramsValidators.set(def, validateParams);
      }
      if (!validateParams(params)) {
        for (const p of schemaProblems(validateParams.errors, `${at}/params`)) {
          this.add(p.path, 'invalid-params', `${type}: ${p.message}`, {
            ...p.params,
            action: type,
          });
        }
        return;
      }
      // Any param that is a rule is checked like every other rule.
      for (const [name, schema] of Object.entries(
        (def.paramsSchema['properties'] ?? {}) as Record<string, JsonObject>,
      )) {
        if (
          typeof schema['$ref'] === 'string' &&
          String(schema['$ref']).endsWith('rule.schema.json') &&
          name in params
        ) {
          this.logic(params[name], `${at}/params/${name}`);
        }
      }
      if (type === 'set') {
        const field = String(params['field']);
        if (!isWritableField(field) || !this.rules.varPathKnown(field)) {
          this.add(
            `${at}/params/field`,
            'unknown-var',
            `"${field}" is not a writable entity or instance field`,
            { field, action: 'set' },
          );
        } else if (
          field.startsWith('entity.') &&
          (this.policy.entity.uniqueFields ?? []).includes(field.slice('entity.'.length))
        ) {
          // Unique values are kept by creates, edits and imports (record_keys), not by steps.
          this.add(
            `${at}/params/field`,
            'unique-field-set',
            `"set" may not write unique field "${field.slice('entity.'.length)}"`,
            { field: field.slice('entity.'.length) },
          );
        }
      }
    });
  }

  transitions(value: Transitions, pointer: string): string[] {
    const targets: string[] = [];
    for (const { t, at } of transitionList(value)) {
      const p = `${pointer}${at}`;
      if (t.target !== undefined) {
        if (!this.states.has(t.target)) {
          this.add(
            `${p}${typeof value === 'string' ? '' : '/target'}`,
            'unknown-state',
            `target state "${t.target}" does not exist`,
            { state: t.target, which: 'target' },
          );
        } else targets.push(t.target);
      }
      if (t.guard !== undefined) this.guard(t.guard, `${p}/guard`);
      if (t.actions !== undefined) this.actions(t.actions, `${p}/actions`);
    }
    return targets;
  }

  run(): void {
    const { policy } = this;
    const machine = policy.machine;
    if (!this.states.has(machine.initial)) {
      this.add(
        '/machine/initial',
        'unknown-state',
        `initial state "${machine.initial}" does not exist`,
        { state: machine.initial, which: 'initial' },
      );
    }
    for (const [i, field] of (policy.entity.maskedInPool ?? []).entries()) {
      if (!this.rules.entityFields.has(field)) {
        this.add(
          `/entity/maskedInPool/${i}`,
          'unknown-field',
          `"${field}" is not an entity field`,
          {
            field,
          },
        );
      }
    }
    this.uniqueFields();
    this.problems.push(...this.rules.fieldNameProblems());
    for (const [name, rule] of Object.entries(policy.rules ?? {}))
      this.logic(rule, `/rules/${escapePointer(name)}`);
    for (const name of this.costs.recursive) {
      this.add(
        `/rules/${escapePointer(name)}`,
        'rule-recursive',
        `rule "${name}" calls itself, directly or through other rules`,
        { rule: name },
      );
    }
    this.problems.push(...timerCycleProblems(policy));
    if (policy.score !== undefined) this.logic(policy.score, '/score');
    if (policy.claim?.eligible !== undefined) this.logic(policy.claim.eligible, '/claim/eligible');
    if (policy.audit?.force !== undefined) this.logic(policy.audit.force, '/audit/force');
    this.problems.push(...auditProblems(policy));
    for (const [name, delay] of Object.entries(policy.delays ?? {})) {
      for (const key of ['months', 'days', 'hours', 'minutes', 'ms', 'until'] as const) {
        if (delay[key] !== undefined) this.logic(delay[key], `/delays/${name}/${key}`);
      }
      if (
        delay.calendar !== undefined &&
        !Object.prototype.hasOwnProperty.call(policy.calendars ?? {}, delay.calendar)
      ) {
        this.add(
          `/delays/${name}/calendar`,
          'unknown-calendar',
          `calendar "${delay.calendar}" is not defined in calendars`,
          { calendar: delay.calendar, delay: name },
        );
      }
    }
    for (const [type, def] of Object.entries(policy.events ?? {})) {
      if (def.payload !== undefined) {
        try {
          ajv.compile(def.payload);
        } catch (e) {
          this.add(
            `/events/${type}/payload`,
            'invalid-payload-schema',
            `payload schema of ${type}: ${(e as Error).message}`,
            { event: type, error: (e as Error).message },
          );
        }
      }
    }

    const edges = new Map<string, Set<string>>();
    for (const [name, node] of Object.entries(machine.states)) {
      const base = `/machine/states/${escapePointer(name)}`;
      const out = new Set<string>();
      this.actions(node.entry, `${base}/entry`);
      this.actions(node.exit, `${base}/exit`);
      for (const [event, t] of Object.entries(node.on ?? {})) {
        for (const target of this.transitions(t, `${base}/on/${event}`)) out.add(target);
      }
      for (const [delay, t] of Object.entries(node.after ?? {})) {
        if (!Object.prototype.hasOwnProperty.call(policy.delays ?? {}, delay)) {
          this.add(
            `${base}/after/${delay}`,
            'unknown-delay',
            `delay "${delay}" is not defined in delays`,
            { delay, state: name },
          );
        }
        for (const target of this.transitions(t, `${base}/after/${delay}`)) out.add(target);
      }
      if (node.always !== undefined)
        for (const target of this.transitions(node.always, `${base}/always`)) out.add(target);
      edges.set(name, out);
      const exits = [...out].some((target) => target !== name);
      if (node.type !== 'final' && !exits) {
        this.add(
          base,
          'no-exit',
          `state "${name}" is not final and has no transition to another state`,
          { state: name },
        );
      }
      if (node.meta?.pooled && !node.on?.['CLAIM'] && !node.on?.['ASSIGN']) {
        this.add(
          base,
          'pool-without-claim',
          `pool state "${name}" has no CLAIM or ASSIGN transition`,
          { state: name },
        );
      }
      if (node.meta?.pooled && node.type === 'final') {
        this.add(`${base}/type`, 'final-pool', `pool state "${name}" cannot be final`, {
          state: name,
        });
      }
    }
    // Pool states are reachable by creation (unowned records start there) as well as the initial state.
    const reached = new Set<string>();
    const queue = [
      machine.initial,
      ...Object.keys(machine.states).filter((s) => machine.states[s]?.meta?.pooled),
    ];
    while (queue.length > 0) {
      const s = queue.pop() as string;
      if (reached.has(s) || !this.states.has(s)) continue;
      reached.add(s);
      for (const next of edges.get(s) ?? []) queue.push(next);
    }
    for (const name of this.states) {
      if (!reached.has(name)) {
        this.add(
          `/machine/states/${escapePointer(name)}`,
          'unreachable-state',
          `state "${name}" cannot be reached`,
          { state: name },
        );
      }
    }
  }
}

/**
 * The problems of one rule used outside the document (a pool's routing rules) as the document's own
 * rules are checked: operators, `var` paths against the policy's fields, named rules, static limits.
 */
export function ruleProblems(policy: Policy, logic: unknown, pointer: string): Problem[] {
  const checker = new Checker(policy);
  checker.logic(logic, pointer);
  return checker.problems;
}

/** Validates a policy document; never throws. */
export function validate(document: unknown, options: ValidateOptions = {}): ValidationResult {
  // Before ajv and the walks below, which recurse: a document nested thousands deep is refused here.
  const deep = tooDeepAt(document);
  if (deep !== undefined) {
    const message = `${deep} nests more than ${RULE_LIMITS.maxJsonDepth} levels`;
    const params = { limit: RULE_LIMITS.maxJsonDepth };
    return {
      valid: false,
      problems: [{ path: deep, code: 'too-deep', message, params }],
      warnings: [],
    };
  }
  if (!validateSchema(document)) {
    return { valid: false, problems: schemaProblems(validateSchema.errors), warnings: [] };
  }
  const policy = document as unknown as Policy;
  const strict = options.breakage ?? true;
  const checker = new Checker(policy, strict);
  checker.run();
  checker.problems.push(...breakageProblems(policy, strict));
  if (strict) checker.problems.push(...delayRangeProblems(policy), ...calendarProblems(policy));
  if (options.scenarios ?? true)
    checker.problems.push(...savedScenarioProblems(policy.scenarios ?? []));
  const warnings = policyWarnings(policy, options.now ?? Date.now());
  return { valid: checker.problems.length === 0, problems: checker.problems, warnings };
}
