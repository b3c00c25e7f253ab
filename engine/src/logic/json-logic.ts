// Hardened JSON-logic: allow-listed operators, own-property `var`, named rules and Poolflow operators.
import jsonLogic from 'json-logic-js';
import { EngineError } from '../engine.error.js';
import { utcMidnight } from '../calendar.js';
import { chargeCall, chargeOps, meter, nodeCount, raise, resetMeter } from './budget.js';
import {
  compileLogic,
  ownVar,
  truthy as logicTruthy,
  type Evaluator,
  type OperatorFn,
} from './compile-logic.js';

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Logic = unknown;
export type LogicData = Record<string, unknown>;
export type { OperatorFn };

/** Operators of json-logic-js that are safe: they only compute on their arguments. */
const coreOperators = [
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'map',
  'reduce',
  'filter',
  'all',
  'none',
  'some',
  'merge',
  'in',
  'cat',
  'substr',
  'log',
] as const;

/**
 * json-logic-js is one module-wide registry. When two copies of this module load (a bundle and the
 * sources, say), both must share the allow-list and the evaluation in progress, or an operator
 * registered by one copy would read the other's state: keep them on one global record.
 */
interface SharedState {
  allowed: Set<string>;
  /** Operators registered by defineOperator, for compiled rules to call. */
  operators: Map<string, OperatorFn>;
  /** Bumped by defineOperator: compiled rules bind their operators, so older ones go stale. */
  version: number;
  frame: Frame | undefined;
}
const SHARED = Symbol.for('poolflow.json-logic');
const globalRecord = globalThis as unknown as Record<symbol, SharedState | undefined>;
const shared: SharedState = (globalRecord[SHARED] ??= {
  allowed: new Set<string>(coreOperators.filter((op) => op !== 'log')), // log writes to the console
  operators: new Map<string, OperatorFn>(),
  version: 0,
  frame: undefined,
});
// A copy built before rules were compiled (a stale dist, say) made the record without these.
shared.operators ??= new Map<string, OperatorFn>();
shared.version ??= 0;
const allowed = shared.allowed;

/** The data of the evaluation in progress, for operators that need `now` or named rules. */
interface Frame {
  data: LogicData;
  rules: Readonly<Record<string, Logic>>;
  depth: number;
}

// Rules compile to closures; json-logic-js still gets the same `var`, for code that calls it directly.
jsonLogic.add_operation('var', ownVar);
// json-logic-js ships `method`, which calls any method of any value: never available.
jsonLogic.rm_operation('method');

/** Registers an operator and puts it on the allow-list. */
export function defineOperator(name: string, fn: OperatorFn): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new EngineError('POOL_ERR_INVALID_RULE', `operator name "${name}" must be an identifier`);
  }
  jsonLogic.add_operation(name, fn);
  shared.operators.set(name, fn);
  shared.version++;
  allowed.add(name);
}

/**
 * Takes an operator registered by defineOperator away again (a module unloaded, a test file done with
 * it): rules that use it are refused from then on. Core operators, replaced or not, stay. Says whether
 * it took one away.
 */
export function removeOperator(name: string): boolean {
  if ((coreOperators as readonly string[]).includes(name) || !shared.operators.delete(name)) {
    return false;
  }
  jsonLogic.rm_operation(name);
  allowed.delete(name);
  shared.version++;
  return true;
}

export function isAllowedOperator(name: string): boolean {
  return allowed.has(name);
}

export function allowedOperators(): string[] {
  return [...allowed].sort();
}

/** The `now` of the evaluation in progress (epoch ms). */
export function currentNow(): number {
  const now = shared.frame?.data['now'];
  return typeof now === 'number' ? now : Date.now();
}

const DAY = 86_400_000;
defineOperator('days', (n) => Number(n) * DAY);
defineOperator('hours', (n) => Number(n) * 3_600_000);
defineOperator('minutes', (n) => Number(n) * 60_000);
defineOperator('daysSince', (ts, now) =>
  ts === null || ts === undefined
    ? null
    : ((now === undefined ? currentNow() : Number(now)) - Number(ts)) / DAY,
);
defineOperator('addMonths', (ts, months) => addMonths(Number(ts), Number(months)));
defineOperator('length', (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : 0));
defineOperator('rule', (name) => {
  if (!shared.frame) raise(new EngineError('POOL_ERR_INVALID_RULE', 'rule used outside a policy'));
  const frame = shared.frame;
  const rule = Object.prototype.hasOwnProperty.call(frame.rules, String(name))
    ? frame.rules[String(name)]
    : undefined;
  if (rule === undefined)
    raise(new EngineError('POOL_ERR_INVALID_RULE', `unknown rule "${String(name)}"`));
  if (frame.depth > 16)
    raise(new EngineError('POOL_ERR_INVALID_RULE', `rule "${String(name)}" recurses`));
  const m = meter;
  // Called by json-logic-js itself (not through evaluate): a budget of its own.
  if (m.active === 0 && m.scopes === 0) resetMeter();
  chargeCall();
  if (rule === null || typeof rule !== 'object') return rule;
  const { run, size } = compiled(rule);
  chargeOps(size);
  const caller = m.rule;
  m.rule = String(name);
  m.active++;
  frame.depth++;
  try {
    return run(frame.data);
  } finally {
    frame.depth--;
    m.active--;
    m.rule = caller;
  }
});

/** Adds calendar months in UTC, clamping the day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(ts: number, months: number): number {
  const d = new Date(ts);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(utcMidnight(d.getUTCFullYear(), d.getUTCMonth() + 2, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.getTime();
}

export interface LogicProblem {
  path: string;
  code: 'unknown-operator';
  message: string;
  operator: string;
}

/** Walks a rule: every operator, and every literal `var` path with its JSON pointer. */
export function inspectLogic(
  logic: Logic,
  pointer: string,
  visit: (kind: 'operator' | 'var', value: string, pointer: string) => void,
): void {
  if (Array.isArray(logic)) {
    logic.forEach((item, i) => inspectLogic(item, `${pointer}/${i}`, visit));
    return;
  }
  if (logic === null || typeof logic !== 'object') return;
  const keys = Object.keys(logic);
  if (keys.length !== 1) {
    // Not an operation: an object literal. json-logic-js returns it as data.
    return;
  }
  const op = keys[0] as string;
  const args = (logic as Record<string, unknown>)[op];
  const opPointer = `${pointer}/${escapePointer(op)}`;
  visit('operator', op, opPointer);
  if (op === 'var') {
    const path: unknown = Array.isArray(args) ? args[0] : args;
    if (typeof path === 'string') visit('var', path, opPointer);
    else inspectLogic(path, opPointer, visit);
    return;
  }
  inspectLogic(args, opPointer, visit);
}

export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Operators a rule uses that are not on the allow-list, with their JSON pointers. */
export function unknownOperators(logic: Logic, pointer = ''): LogicProblem[] {
  const problems: LogicProblem[] = [];
  inspectLogic(logic, pointer, (kind, value, at) => {
    if (kind === 'operator' && !allowed.has(value)) {
      problems.push({
        path: at,
        code: 'unknown-operator',
        operator: value,
        message: `operator "${value}" is not allowed`,
      });
    }
  });
  return problems;
}

const checked = new WeakSet<object>();

function assertAllowed(logic: unknown): void {
  if (logic === null || typeof logic !== 'object' || checked.has(logic)) return;
  const bad = unknownOperators(logic);
  if (bad.length > 0) {
    throw new EngineError('POOL_ERR_INVALID_RULE', bad[0]?.message ?? 'operator not allowed', bad);
  }
  checked.add(logic);
}

// Each rule object compiles once. The cache belongs to this copy of the module; the operators it
// binds are shared, and a registration by either copy makes both recompile.
let compiledRules = new WeakMap<object, CompiledRule>();

/** A compiled rule and its node count, which each run charges to the budget. */
interface CompiledRule {
  run: Evaluator;
  size: number;
}
let compiledVersion = shared.version;

/** The compiled rule, checked against the allow-list first so a refusal lists every operator. */
function compiled(logic: object): CompiledRule {
  if (compiledVersion !== shared.version) {
    compiledRules = new WeakMap();
    compiledVersion = shared.version;
  }
  let rule = compiledRules.get(logic);
  if (rule === undefined) {
    assertAllowed(logic);
    rule = { run: compileLogic(logic, shared), size: nodeCount(logic) };
    compiledRules.set(logic, rule);
  }
  return rule;
}

/**
 * Evaluates a rule on data. Objects are checked against the allow-list and compiled once (and
 * remembered), so a rule that skipped validation still never reaches an operator outside it. The
 * evaluation runs under the rule budget (budget.ts): its own, or that of the step it is part of.
 * `name` names the rule in a budget error.
 */
export function evaluate(
  logic: Logic,
  data: LogicData,
  rules: Readonly<Record<string, Logic>> = {},
  name?: string,
): unknown {
  if (logic === null || typeof logic !== 'object') return logic;
  const m = meter;
  if (m.active === 0 && m.scopes === 0) resetMeter();
  const caller = m.rule;
  if (name !== undefined) m.rule = name;
  const outer = shared.frame;
  shared.frame = { data, rules, depth: outer?.depth ?? 0 };
  m.active++;
  try {
    const rule = compiled(logic);
    chargeOps(rule.size);
    return rule.run(data);
  } catch (e) {
    if (e instanceof EngineError) m.lastError = e;
    throw e;
  } finally {
    m.active--;
    m.rule = caller;
    shared.frame = outer;
  }
}

export function truthy(value: unknown): boolean {
  return logicTruthy(value);
}
