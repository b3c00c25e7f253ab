// Validation of rules that compare an entity field with a literal of another type or outside its enum.
import { entityField } from './fold-logic.js';
import { escapePointer } from './logic/json-logic.js';
import { guards } from './policy-guards.js';
import type { Policy } from './schema.types.js';
import type { JsonObject } from './types.js';
import type { Problem } from './validate.js';

const COMPARISONS = new Set(['==', '===', '!=', '!==', '<', '<=', '>', '>=']);
/** Inside these, `var` reads the current item, not the record. */
const SCOPED = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'number' ? 'number' : typeof value;
}

function isLiteral(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/** Why `literal` can never be a value of a field with this schema (words and params), or undefined. */
function mismatch(
  literal: unknown,
  schema: JsonObject,
): { why: string; params: JsonObject } | undefined {
  if (literal === null) return undefined; // "is empty" checks are fine on any field
  const value = JSON.stringify(literal);
  const allowed = schema['enum'];
  if (Array.isArray(allowed)) {
    if (allowed.includes(literal)) return undefined;
    const values = allowed.map((v) => JSON.stringify(v)).join(', ');
    // The values themselves in params: a client lists them in its own words.
    return {
      why: `${value} is not one of its values (${values})`,
      params: { value, values: allowed },
    };
  }
  const raw = schema['type'];
  const types = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  if (types.length === 0) return undefined;
  const type = jsonType(literal);
  if (types.some((t) => t === type || (t === 'integer' && type === 'number'))) return undefined;
  return {
    why: `it is a ${types.join(' or ')} field, compared with the ${type} ${value}`,
    params: { value, fieldTypes: types, valueType: type },
  };
}

class TypeChecker {
  readonly problems: Problem[] = [];
  private readonly fields: Record<string, JsonObject>;

  constructor(policy: Policy) {
    this.fields = policy.entity.schema.properties;
  }

  private check(field: string, literal: unknown, at: string): void {
    const schema = Object.prototype.hasOwnProperty.call(this.fields, field)
      ? this.fields[field]
      : undefined;
    if (schema === undefined || !isLiteral(literal)) return;
    const found = mismatch(literal, schema);
    if (found !== undefined) {
      this.problems.push({
        path: at,
        code: 'rule-type-mismatch',
        message: `entity.${field} can never equal or compare with this value: ${found.why}`,
        params: { ...found.params, field },
      });
    }
  }

  walk(logic: unknown, pointer: string): void {
    if (Array.isArray(logic)) {
      logic.forEach((item, i) => this.walk(item, `${pointer}/${i}`));
      return;
    }
    if (logic === null || typeof logic !== 'object') return;
    const keys = Object.keys(logic);
    if (keys.length !== 1) return;
    const op = keys[0] as string;
    const raw = (logic as JsonObject)[op];
    const at = `${pointer}/${escapePointer(op)}`;
    if (op === 'var') return;
    if (SCOPED.has(op) && Array.isArray(raw)) {
      this.walk(raw[0], `${at}/0`); // the items' source reads the record; the rest reads items
      return;
    }
    if (Array.isArray(raw) && COMPARISONS.has(op)) {
      raw.forEach((arg, i) => {
        const field = entityField(arg);
        if (field === undefined) return;
        for (const j of [i - 1, i + 1])
          if (j >= 0 && j < raw.length) this.check(field, raw[j], `${at}/${j}`);
      });
    }
    if (op === 'in' && Array.isArray(raw) && Array.isArray(raw[1])) {
      const field = entityField(raw[0]);
      if (field !== undefined) {
        (raw[1] as unknown[]).forEach((item, j) => this.check(field, item, `${at}/1/${j}`));
      }
    }
    this.walk(raw, at);
  }
}

/** `rule-type-mismatch` in named rules, the claim rule, the score and inline guards. */
export function typeMismatchProblems(policy: Policy): Problem[] {
  const checker = new TypeChecker(policy);
  for (const [name, rule] of Object.entries(policy.rules ?? {}))
    checker.walk(rule, `/rules/${escapePointer(name)}`);
  if (policy.claim?.eligible !== undefined) checker.walk(policy.claim.eligible, '/claim/eligible');
  if (policy.audit?.force !== undefined) checker.walk(policy.audit.force, '/audit/force');
  if (policy.score !== undefined) checker.walk(policy.score, '/score');
  // Named-rule guards are walked with the rules above.
  for (const g of guards(policy)) if (g.rule === undefined) checker.walk(g.logic, g.at);
  return checker.problems;
}
