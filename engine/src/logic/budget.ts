// The cost budget of rule evaluation: what a compiled rule charges as it runs, and the limits.
import { EngineError } from '../engine.error.js';

/**
 * Limits of one evaluation (a step, a record's score, one `evaluate()` call). One operation is about
 * one evaluator call (20 to 50 ns here), so the defaults keep the worst rule to a few milliseconds.
 */
export interface RuleBudget {
  /**
   * Evaluator calls. Charged by the rule's node count at each entry (the evaluation, every element a
   * map/filter/reduce/all/some/none body runs on, every named-rule call), plus reads of large data:
   * an array read by `var` costs its length, a string its length / 1024, `in` scans a list / 16.
   */
  maxOperations: number;
  /** Array elements produced by map, filter and merge. */
  maxElements: number;
  /** Characters produced by cat and substr, summed over the evaluation. */
  maxCharacters: number;
  /** Named-rule calls (`{"rule": name}` and rule guards). */
  maxRuleCalls: number;
  /**
   * Wall-clock backstop, looked at every 1,024 operations (from the first such check on): the
   * counters above come first, this catches what they price too low.
   */
  maxMillis: number;
}

export const DEFAULT_RULE_BUDGET: Readonly<RuleBudget> = Object.freeze({
  maxOperations: 100_000,
  maxElements: 100_000,
  maxCharacters: 100_000,
  maxRuleCalls: 10_000,
  maxMillis: 50,
});

/** The running counters. One per process (shared by copies of this module), reset per evaluation. */
export interface Meter {
  ops: number;
  elements: number;
  chars: number;
  calls: number;
  limits: RuleBudget;
  /** The `ops` value at which the limits and the clock are looked at next. */
  nextCheck: number;
  deadline: number;
  /** Evaluations in progress (nested ones share the outer budget). */
  active: number;
  /** Budget scopes open (a step, a simulation): evaluations inside do not reset the counters. */
  scopes: number;
  /** The named rule being evaluated, for the message. */
  rule: string | undefined;
  /** The last EngineError a rule threw: XState turns errors in guards into plain Errors. */
  lastError: EngineError | undefined;
}

const CHECK_EVERY = 1024;
const SHARED = Symbol.for('poolflow.rule-budget');
const globalRecord = globalThis as unknown as Record<symbol, { meter: Meter; budget: RuleBudget }>;
const state = (globalRecord[SHARED] ??= {
  budget: { ...DEFAULT_RULE_BUDGET },
  meter: {
    ops: 0,
    elements: 0,
    chars: 0,
    calls: 0,
    limits: { ...DEFAULT_RULE_BUDGET },
    nextCheck: 0,
    deadline: Infinity,
    active: 0,
    scopes: 0,
    rule: undefined,
    lastError: undefined,
  },
});
export const meter: Meter = state.meter;

/** Changes the engine-wide budget (fields left out keep their value); returns the budget now in force. */
export function setRuleBudget(budget: Partial<RuleBudget>): RuleBudget {
  for (const [key, value] of Object.entries(budget) as [keyof RuleBudget, unknown][]) {
    if (!(key in DEFAULT_RULE_BUDGET)) throw new RangeError(`unknown rule budget setting ${key}`);
    if (typeof value !== 'number' || !(value > 0)) {
      throw new RangeError(`rule budget ${key} must be a positive number`);
    }
    state.budget[key] = value;
  }
  return { ...state.budget };
}

export function ruleBudget(): RuleBudget {
  return { ...state.budget };
}

/** Starts counting from zero under `limits`. */
export function resetMeter(limits: RuleBudget = state.budget): void {
  const m = meter;
  m.ops = 0;
  m.elements = 0;
  m.chars = 0;
  m.calls = 0;
  m.limits = limits;
  m.nextCheck = Math.min(CHECK_EVERY, limits.maxOperations);
  // Set at the first checkpoint: most evaluations never reach one, and the clock is not free.
  m.deadline = 0;
  m.rule = undefined;
  m.lastError = undefined;
}

const now = (): number => performance.now();

/** Records an EngineError a rule is about to throw, so a step can rethrow it past XState. */
export function raise(error: EngineError): never {
  meter.lastError = error;
  throw error;
}

export function overBudget(what: string): never {
  const m = meter;
  const limits = m.limits;
  const rule = m.rule === undefined ? 'a rule' : `rule "${m.rule}"`;
  return raise(
    new EngineError('POOL_ERR_RULE_BUDGET', `${rule} exceeded its cost budget: ${what}`, {
      rule: m.rule ?? null,
      limit: what,
      operations: m.ops,
      elements: m.elements,
      characters: m.chars,
      ruleCalls: m.calls,
      budget: { ...limits },
    }),
  );
}

/** Code that runs compiled closures outside evaluate() (tests, json-logic-js) is not metered. */
function unmetered(m: Meter): boolean {
  if (m.active > 0 || m.scopes > 0) return false;
  resetMeter();
  return true;
}

// Off the hot path: the operation limit and the clock, every CHECK_EVERY operations.
function checkpoint(m: Meter): void {
  if (unmetered(m)) return;
  if (m.ops > m.limits.maxOperations) overBudget(`more than ${m.limits.maxOperations} operations`);
  const t = now();
  if (m.deadline === 0) m.deadline = t + m.limits.maxMillis;
  else if (t > m.deadline) overBudget(`more than ${m.limits.maxMillis} ms`);
  m.nextCheck = Math.min(m.ops + CHECK_EVERY, m.limits.maxOperations);
}

export function chargeOps(n: number): void {
  const m = meter;
  if ((m.ops += n) > m.nextCheck) checkpoint(m);
}

export function chargeElements(n: number): void {
  const m = meter;
  if ((m.elements += n) > m.limits.maxElements && !unmetered(m)) {
    overBudget(`more than ${m.limits.maxElements} array elements produced`);
  }
}

export function chargeChars(n: number): void {
  const m = meter;
  if ((m.chars += n) > m.limits.maxCharacters && !unmetered(m)) {
    overBudget(`more than ${m.limits.maxCharacters} characters produced`);
  }
}

export function chargeCall(): void {
  const m = meter;
  if (++m.calls > m.limits.maxRuleCalls && !unmetered(m)) {
    overBudget(`more than ${m.limits.maxRuleCalls} named-rule calls`);
  }
}

/**
 * What reading a value costs: the work it takes to compare, join or scan it. An array costs its
 * elements, nested arrays included (a comparison joins them all), a string its length / 1024.
 */
export function chargeRead(value: unknown): void {
  if (typeof value === 'string') {
    if (value.length > 1024) chargeOps(value.length >> 10);
  } else if (Array.isArray(value) && value.length > 0) {
    const m = meter;
    chargeOps(arrayCost(value, m.limits.maxOperations - m.ops, 0));
  }
}

// Stops counting past `room` (the charge fails anyway), so a read never costs more than the budget.
function arrayCost(list: readonly unknown[], room: number, depth: number): number {
  let n = list.length;
  if (depth > 32) return room + 1;
  for (let i = 0; i < list.length && n <= room; i++) {
    const item = list[i];
    if (typeof item === 'string') {
      if (item.length > 1024) n += item.length >> 10;
    } else if (Array.isArray(item)) n += arrayCost(item, room - n, depth + 1);
  }
  return n;
}

/** What scanning a list or string for an item costs (`in`). */
export function chargeScan(list: unknown): void {
  if (typeof list === 'string') {
    if (list.length > 1024) chargeOps(list.length >> 10);
  } else if (Array.isArray(list) && list.length > 16) chargeOps(list.length >> 4);
}

/** A rule's node count: how many evaluator calls one evaluation of it makes at most, loops aside. */
export function nodeCount(logic: unknown): number {
  if (logic === null || typeof logic !== 'object') return 1;
  // A list of literals is copied in one go (compile-logic.ts compileArray).
  if (Array.isArray(logic) && logic.every((v) => v === null || typeof v !== 'object')) {
    return 1 + (logic.length >> 4);
  }
  let n = 1;
  for (const value of Object.values(logic)) n += nodeCount(value);
  return n;
}

/**
 * Runs `fn` as one budgeted unit: evaluations inside share one budget (a step's guards, delays and
 * score together). Inside an open unit (a step of a simulation) it shares that unit's budget. An
 * EngineError a guard threw comes out as itself, not as the plain Error XState wraps it in.
 */
export function withinBudget<T>(fn: () => T, limits?: RuleBudget): T {
  const m = meter;
  if (m.scopes > 0 || m.active > 0) m.lastError = undefined;
  else resetMeter(limits);
  m.scopes++;
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof EngineError) && m.lastError !== undefined) throw m.lastError;
    throw e;
  } finally {
    m.scopes--;
  }
}

/**
 * The budget of a whole simulation: `factor` times the engine's budget for one evaluation, but for
 * the clock backstop, which only doubles (the simulation runs on the request thread).
 */
export function scaledBudget(factor: number): RuleBudget {
  const b = state.budget;
  return {
    maxOperations: b.maxOperations * factor,
    maxElements: b.maxElements * factor,
    maxCharacters: b.maxCharacters * factor,
    maxRuleCalls: b.maxRuleCalls * factor,
    maxMillis: b.maxMillis * Math.min(factor, 2),
  };
}
