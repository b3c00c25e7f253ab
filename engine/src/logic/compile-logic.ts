// Compiles a JSON-logic rule once into closures with the semantics of json-logic-js's `apply`, so a
// rule read at every step costs a few calls instead of a walk over its JSON. Closures only: no code
// is generated from rule text.
import { EngineError } from '../engine.error.js';
import {
  chargeChars,
  chargeElements,
  chargeOps,
  chargeRead,
  chargeScan,
  nodeCount,
} from './budget.js';
import { compileSpecialForm } from './special-forms.js';
import {
  badVarPath,
  builtins,
  hasOwn,
  inOp,
  isArray,
  isLogic,
  type OperatorFn,
  ownVar,
  ownPath,
  specialForms,
  toFloat,
} from './operators.js';

export { ownVar, truthy, type OperatorFn } from './operators.js';
/** A compiled rule. `data` is what `var` reads: the current element inside map, filter and the like. */
export type Evaluator = (data: unknown) => unknown;

/** The registry a rule compiles against. */
export interface OperatorScope {
  readonly allowed: ReadonlySet<string>;
  /** Operators registered by defineOperator, called as json-logic-js does: `this` is the data. */
  readonly operators: ReadonlyMap<string, OperatorFn>;
}

/**
 * Compiles a rule; an operator outside the allow-list, or a `var` path that is neither a string nor a
 * number, throws here, before anything runs. The closures charge the budget (budget.ts) only where
 * work can multiply: loop bodies per element, data read by `var`, arrays and strings produced. The
 * evaluation itself is charged its node count by whoever runs it (json-logic.ts).
 */
export function compileLogic(logic: unknown, scope: OperatorScope): Evaluator {
  if (Array.isArray(logic)) return compileArray(logic, scope);
  if (!isLogic(logic)) return () => logic; // Data, returned as is (the same object, as json-logic-js).
  const op = Object.keys(logic)[0] as string;
  if (!scope.allowed.has(op)) {
    throw new EngineError('POOL_ERR_INVALID_RULE', `operator "${op}" is not allowed`, {
      operator: op,
    });
  }
  const values = logic[op];
  const args = isArray(values) ? values : [values];
  if (specialForms.has(op)) return compileSpecialForm(op, args, scope, compileLogic);
  const fns = args.map((arg) => compileLogic(arg, scope));
  const custom = scope.operators.get(op);
  if (custom !== undefined) return call(custom, fns);
  switch (op) {
    case 'var':
      return compileVar(args, fns);
    case 'missing':
      return call(missing(scope), fns);
    case 'missing_some':
      return call(missingSome(scope), fns);
  }
  return compileBuiltin(op, args, fns);
}

// Arrays are evaluated item by item into a new array each time: callers may keep and change it.
function compileArray(items: readonly unknown[], scope: OperatorScope): Evaluator {
  if (items.every(constant)) {
    const copy = items.slice();
    return () => copy.slice();
  }
  const fns = items.map((item) => compileLogic(item, scope));
  return (data) => fns.map((fn) => fn(data));
}

/** Calls an operator on the evaluated arguments, all of them, with `this` the data. */
function call(fn: OperatorFn, fns: readonly Evaluator[]): Evaluator {
  switch (fns.length) {
    case 0:
      return (data) => fn.call(data);
    case 1: {
      const a = fns[0] as Evaluator;
      return (data) => fn.call(data, a(data));
    }
    case 2: {
      const a = fns[0] as Evaluator;
      const b = fns[1] as Evaluator;
      return (data) => fn.call(data, a(data), b(data));
    }
    default:
      return (data) =>
        fn.apply(
          data,
          fns.map((f) => f(data)),
        );
  }
}

/** A literal that needs no evaluation: null or a primitive. */
export function constant(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

function compileVar(args: readonly unknown[], fns: readonly Evaluator[]): Evaluator {
  const [path, fallback] = args;
  if (!validVarPath(path)) throw badVarPath(path);
  // The common case, a literal path with at most a literal default: read it without calls.
  if (args.length <= 2 && constant(fallback)) {
    const notFound = fallback === undefined ? null : fallback;
    if (path === undefined || path === null || path === '') return (data) => data;
    if (typeof path === 'string' || typeof path === 'number') {
      const keys = String(path).split('.');
      if (keys.length === 1) {
        const key = keys[0] as string;
        return (data) => {
          if (data === null || typeof data !== 'object' || !hasOwn(data, key)) return notFound;
          const value = (data as Record<string, unknown>)[key];
          if (value === undefined) return notFound;
          if (typeof value === 'object' || (typeof value === 'string' && value.length > 1024)) {
            chargeRead(value);
          }
          return value;
        };
      }
      return (data) => {
        const value = ownPath(data, keys);
        if (value === undefined) return notFound;
        if (typeof value === 'object' || (typeof value === 'string' && value.length > 1024)) {
          chargeRead(value);
        }
        return value;
      };
    }
  }
  const read = call(ownVar, fns);
  return (data) => {
    const value = read(data);
    chargeRead(value);
    return value;
  };
}

/** A literal path `var` can read: a string or number, or nothing (the data itself), or logic. */
function validVarPath(path: unknown): boolean {
  return (
    path === undefined ||
    path === null ||
    typeof path === 'string' ||
    typeof path === 'number' ||
    isLogic(path)
  );
}

/** `missing` reads each key as json-logic-js does, with `{var: key}`: [path, default] arrays too. */
function readKey(scope: OperatorScope, data: unknown, key: unknown): unknown {
  const read = scope.operators.get('var') ?? ownVar;
  if (constant(key)) return read.call(data, key);
  const args = isArray(key) ? key : [key];
  return read.apply(
    data,
    args.map((arg) => dataAsLogic(arg, data, scope)),
  );
}

/**
 * json-logic-js evaluates the keys `missing` receives once more, so a key read from the data is
 * logic too. Compiled on the spot, and held to the allow-list like any rule.
 */
function dataAsLogic(value: unknown, data: unknown, scope: OperatorScope): unknown {
  if (constant(value)) return value;
  chargeOps(nodeCount(value));
  return compileLogic(value, scope)(data);
}

function missing(scope: OperatorScope): OperatorFn {
  return function (this: unknown, ...args: unknown[]): unknown[] {
    const keys = isArray(args[0]) ? args[0] : args;
    const found: unknown[] = [];
    for (const key of keys) {
      const value = readKey(scope, this, key);
      if (value === null || value === '') found.push(key);
    }
    return found;
  };
}

function missingSome(scope: OperatorScope): OperatorFn {
  const fallback = missing(scope);
  return function (this: unknown, needCount: unknown, options: unknown): unknown {
    // json-logic-js applies {missing: options}: the current `missing`, on options evaluated again.
    const args = isArray(options) ? options : [options];
    const areMissing = (scope.operators.get('missing') ?? fallback).apply(
      this,
      args.map((arg) => dataAsLogic(arg, this, scope)),
    ) as { length: number };
    return (options as { length: number }).length - areMissing.length >= (needCount as number)
      ? []
      : areMissing;
  };
}

function compileBuiltin(
  op: string,
  args: readonly unknown[],
  fns: readonly Evaluator[],
): Evaluator {
  if (op === '+') {
    // A sum from 0 with parseFloat at every step, as json-logic-js adds.
    return (data) => {
      let sum = 0;
      for (const f of fns) sum = toFloat(sum) + toFloat(f(data));
      return sum;
    };
  }
  const builtin = builtins.get(op);
  if (builtin === undefined) {
    // Allowed but unknown to json-logic-js: it throws once the arguments are evaluated.
    return (data) => {
      for (const f of fns) f(data);
      throw new Error(`Unrecognized operation ${op}`);
    };
  }
  const fn = metered(op, builtin);
  // The binary operators of scores and guards get a closure each rather than a call through the
  // table, and a literal operand (as guards mostly compare with) is used without a call.
  if (fns.length === 2 && constant(args[1])) {
    const a = fns[0] as Evaluator;
    const b = args[1];
    switch (op) {
      case '==':
        return (data) => a(data) == b;
      case '===':
        return (data) => a(data) === b;
      case '!=':
        return (data) => a(data) != b;
      case '!==':
        return (data) => a(data) !== b;
      case '>':
        return (data) => (a(data) as number) > (b as number);
      case '>=':
        return (data) => (a(data) as number) >= (b as number);
      case '<':
        return (data) => (a(data) as number) < (b as number);
      case '<=':
        return (data) => (a(data) as number) <= (b as number);
    }
  }
  if (fns.length === 2 && op === '*' && constant(args[0])) {
    const factor = toFloat(args[0]);
    const b = fns[1] as Evaluator;
    return (data) => factor * toFloat(b(data));
  }
  if (fns.length === 2) {
    const a = fns[0] as Evaluator;
    const b = fns[1] as Evaluator;
    switch (op) {
      case '==':
        return (data) => a(data) == b(data);
      case '===':
        return (data) => a(data) === b(data);
      case '!=':
        return (data) => a(data) != b(data);
      case '!==':
        return (data) => a(data) !== b(data);
      case '>':
        return (data) => (a(data) as number) > (b(data) as number);
      case '>=':
        return (data) => (a(data) as number) >= (b(data) as number);
      case '<':
        return (data) => (a(data) as number) < (b(data) as number);
      case '<=':
        return (data) => (a(data) as number) <= (b(data) as number);
      case '*':
        return (data) => toFloat(a(data)) * toFloat(b(data));
      case '/':
        return (data) => (a(data) as number) / (b(data) as number);
      case 'in': {
        const list = args[1];
        // A literal list of literals is the same list at every call: build it once.
        if (isArray(list) && list.every(constant)) {
          const items = list.slice();
          return (data) => items.indexOf(a(data)) !== -1;
        }
        return (data) => {
          const item = a(data);
          const list = b(data);
          chargeScan(list);
          return inOp(item, list);
        };
      }
    }
  }
  return call(fn, fns);
}

/** Operators whose result grows with their input: charged for what they produce or scan. */
function metered(op: string, fn: OperatorFn): OperatorFn {
  switch (op) {
    case 'merge':
      return (...args) => {
        const out = fn(...args) as unknown[];
        chargeElements(out.length);
        return out;
      };
    case 'cat':
    case 'substr':
      return (...args) => {
        const out = fn(...args) as string;
        chargeChars(out.length);
        return out;
      };
    case 'in':
      return (a, b) => {
        chargeScan(b);
        return fn(a, b);
      };
  }
  return fn;
}
