// Constant folding of JSON-logic for validation: is a guard or claim rule the same whatever the data?
import { evaluate, truthy } from './logic/json-logic.js';
import type { JsonObject } from './types.js';

/**
 * What folding knows about an expression: its value, only its truthiness (`and`/`or` give one of
 * their operands, which may depend on data while the truth does not), or nothing.
 */
export type Folded = { value: unknown } | { truth: boolean } | null;

/** Operators whose result depends on their operands only: folded by evaluating them. */
const PURE = new Set([
  '==',
  '===',
  '!=',
  '!==',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  'min',
  'max',
  'cat',
  'substr',
  'in',
  'merge',
]);

/** Facts about entity fields that make a comparison constant (a required non-empty string). */
export interface FieldFacts {
  nonEmptyStrings: ReadonlySet<string>;
}

export function truthOf(folded: Folded): boolean | undefined {
  if (folded === null) return undefined;
  return 'truth' in folded ? folded.truth : truthy(folded.value);
}

function isLiteral(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

export class LogicFolder {
  private readonly folding = new Set<string>();
  private readonly folded = new Map<string, Folded>();

  constructor(
    private readonly rules: Readonly<Record<string, unknown>>,
    private readonly facts: FieldFacts,
  ) {}

  fold(logic: unknown): Folded {
    if (Array.isArray(logic)) {
      const items = logic.map((item) => this.fold(item));
      return items.every((f) => f !== null && 'value' in f)
        ? { value: items.map((f) => f.value) }
        : null;
    }
    if (logic === null || typeof logic !== 'object') return { value: logic };
    const keys = Object.keys(logic);
    if (keys.length !== 1) return null;
    const op = keys[0] as string;
    const raw = (logic as JsonObject)[op];
    const args: unknown[] = Array.isArray(raw) ? raw : [raw];
    switch (op) {
      case 'rule':
        return this.rule(args[0]);
      case '!':
      case '!!': {
        const truth = truthOf(this.fold(args[0]));
        return truth === undefined ? null : { truth: op === '!' ? !truth : truth };
      }
      case 'and':
      case 'or':
        return this.junction(op, args);
      case 'if':
      case '?:':
        return this.conditional(args);
      default:
        return this.pure(op, args);
    }
  }

  private rule(name: unknown): Folded {
    if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(this.rules, name))
      return null;
    // Folding does not depend on where a rule is used: once per rule, or rules calling rules twice
    // over would fold in exponential time.
    const known = this.folded.get(name);
    if (known !== undefined) return known;
    if (this.folding.has(name)) return null; // recursive: validate() reports it
    this.folding.add(name);
    try {
      const result = this.fold(this.rules[name]);
      this.folded.set(name, result);
      return result;
    } finally {
      this.folding.delete(name);
    }
  }

  /** `and` is false once any operand is surely false, true when all are surely true; `or` mirrors it. */
  private junction(op: 'and' | 'or', args: unknown[]): Folded {
    if (args.length === 0) return null; // gives undefined, not a truth: leave it to evaluation
    const decisive = op === 'or';
    let all = true;
    for (const arg of args) {
      const truth = truthOf(this.fold(arg));
      if (truth === decisive) return { truth: decisive };
      if (truth === undefined) all = false;
    }
    return all ? { truth: !decisive } : null;
  }

  private conditional(args: unknown[]): Folded {
    for (let i = 0; i + 1 < args.length; i += 2) {
      const truth = truthOf(this.fold(args[i]));
      if (truth === undefined) return null;
      if (truth) return this.fold(args[i + 1]);
    }
    return args.length % 2 === 1 ? this.fold(args[args.length - 1]) : { value: null };
  }

  private pure(op: string, args: unknown[]): Folded {
    if (!PURE.has(op)) return null;
    const fact = this.fieldFact(op, args);
    if (fact !== null) return fact;
    const values: unknown[] = [];
    for (const arg of args) {
      const folded = this.fold(arg);
      if (folded === null || !('value' in folded)) return null;
      values.push(folded.value);
    }
    try {
      return { value: evaluate({ [op]: values }, {}) };
    } catch {
      return null; // e.g. over budget: not known to be constant
    }
  }

  /** `entity.name == ""` on a required string of minLength >= 1 is always false (`!=`: true). */
  private fieldFact(op: string, args: unknown[]): Folded {
    if (!['==', '===', '!=', '!=='].includes(op) || args.length !== 2) return null;
    const [a, b] = args;
    const field = entityField(a) ?? entityField(b);
    const other = entityField(a) === undefined ? a : b;
    if (field === undefined || !this.facts.nonEmptyStrings.has(field)) return null;
    if (!isLiteral(other) || other !== '') return null;
    return { truth: op.startsWith('!') };
  }
}

/** `X` of `{"var": "entity.X"}` (or `{"var": ["entity.X", default]}`), else undefined. */
export function entityField(logic: unknown): string | undefined {
  if (logic === null || typeof logic !== 'object' || Array.isArray(logic)) return undefined;
  const keys = Object.keys(logic);
  if (keys.length !== 1 || keys[0] !== 'var') return undefined;
  const raw = (logic as JsonObject)['var'];
  const path: unknown = Array.isArray(raw) ? raw[0] : raw;
  if (typeof path !== 'string' || !path.startsWith('entity.')) return undefined;
  const field = path.slice('entity.'.length);
  return field.length > 0 && !field.includes('.') ? field : undefined;
}
