// The JSON-logic of a policy's rules, guards and params checked against what it may read: allowed
// operators, defined rules, and `var` paths that name an entity or instance field (validate.ts).
import { escapePointer, inspectLogic, isAllowedOperator } from './logic/json-logic.js';
import type { ProblemCode } from './problem-codes.js';
import type { Policy } from './schema.types.js';
import { instanceFields, type JsonObject } from './types.js';
import type { Problem } from './validate.js';

/** Names of prototype members: a `var` path through one reads nothing (ownPath), so it is refused. */
const PROTOTYPE_MEMBERS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The first segment of a dotted path that names a prototype member, if any. */
function prototypeSegment(path: string): string | undefined {
  return path.split('.').find((segment) => PROTOTYPE_MEMBERS.has(segment));
}

/** Operators whose arguments after the first read the current item (`var` "" or a field of it). */
const ESCAPE_SCOPED = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);

export class RuleChecker {
  readonly entityFields: Set<string>;
  readonly instanceExtra: Set<string>;
  #problems: Problem[] = [];

  /** `strict`: the checks added since versions were first published (off for those: compile.ts). */
  constructor(
    readonly policy: Policy,
    readonly strict = true,
  ) {
    this.entityFields = new Set(Object.keys(policy.entity.schema.properties));
    this.instanceExtra = new Set(Object.keys(policy.context ?? {}));
  }

  /** The problems of one expression at `pointer`. */
  check(logic: unknown, pointer: string): Problem[] {
    this.#problems = [];
    this.walk(logic, pointer, false);
    return this.#problems;
  }

  /** Entity fields named like a prototype member: no rule could read them (prototypeSegment). */
  fieldNameProblems(): Problem[] {
    if (!this.strict) return [];
    return [...this.entityFields]
      .filter((field) => PROTOTYPE_MEMBERS.has(field))
      .map((field) => ({
        path: `/entity/schema/properties/${escapePointer(field)}`,
        code: 'schema',
        message: `/entity/schema/properties has a name that is not allowed: "${field}" (a prototype member's name; rules could not read it)`,
        params: { keyword: 'propertyNames', propertyName: field },
      }));
  }

  private add(path: string, code: ProblemCode, message: string, params: JsonObject): void {
    this.#problems.push({ path, code, message, params });
  }

  varPathKnown(path: string): boolean {
    const [root, field] = path.split('.');
    if (root === 'now') return path === 'now';
    if (root === 'event' || root === 'user') return true;
    if (root === 'entity') return field === undefined || this.entityFields.has(field);
    if (root === 'instance') {
      return (
        field === undefined ||
        (instanceFields as readonly string[]).includes(field) ||
        this.instanceExtra.has(field)
      );
    }
    return false;
  }

  private walk(logic: unknown, pointer: string, scoped: boolean): void {
    if (Array.isArray(logic)) {
      logic.forEach((item, i) => this.walk(item, `${pointer}/${i}`, scoped));
      return;
    }
    if (logic === null || typeof logic !== 'object') return;
    const keys = Object.keys(logic);
    if (keys.length !== 1) return;
    const op = keys[0] as string;
    const args = (logic as JsonObject)[op];
    const at = `${pointer}/${escapePointer(op)}`;
    if (!isAllowedOperator(op)) {
      this.add(at, 'unknown-operator', `operator "${op}" is not allowed`, { operator: op });
      return;
    }
    if (op === 'rule') {
      const name: unknown = Array.isArray(args) ? args[0] : args;
      if (
        typeof name !== 'string' ||
        !Object.prototype.hasOwnProperty.call(this.policy.rules ?? {}, name)
      ) {
        this.add(at, 'unknown-rule', `rule "${String(name)}" is not defined in rules`, {
          rule: String(name),
        });
      }
      return;
    }
    if (op === 'var') {
      const path: unknown = Array.isArray(args) ? args[0] : args;
      if (
        path !== undefined &&
        path !== null &&
        typeof path !== 'string' &&
        typeof path !== 'number' &&
        !(typeof path === 'object' && !Array.isArray(path) && Object.keys(path).length === 1)
      ) {
        this.add(
          at,
          'invalid-var',
          `var takes a string or number path, not ${JSON.stringify(path)}`,
          { value: JSON.stringify(path) },
        );
        return;
      }
      inspectLogic(logic, pointer, (kind, value, p) => {
        if (kind === 'operator' && value !== 'var' && !isAllowedOperator(value)) {
          this.add(p, 'unknown-operator', `operator "${value}" is not allowed`, {
            operator: value,
          });
        }
        if (kind !== 'var') return;
        const member = this.strict ? prototypeSegment(value) : undefined;
        if (member !== undefined) {
          this.add(
            p,
            'unknown-var',
            `"${value}" reads "${member}", a prototype member, not a field: rules read own fields only`,
            { field: value, member },
          );
        } else if (!scoped && !this.varPathKnown(value)) {
          this.add(p, 'unknown-var', `"${value}" is not an entity or instance field`, {
            field: value,
          });
        }
      });
      return;
    }
    if (ESCAPE_SCOPED.has(op) && Array.isArray(args)) {
      this.walk(args[0], `${at}/0`, scoped);
      args.slice(1).forEach((a, i) => this.walk(a, `${at}/${i + 1}`, true));
      return;
    }
    this.walk(args, at, scoped);
  }
}
