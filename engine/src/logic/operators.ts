// json-logic-js's operators and data reads, with its coercions: what a compiled rule calls.
import { EngineError } from '../engine.error.js';
/** An operator: called with its evaluated arguments, `this` the data (as json-logic-js does). */
export type OperatorFn = (...args: unknown[]) => unknown;

export const hasOwn = (node: object, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(node, key);

// Policies use a small set of paths, read at every step: split each once.
const splitPaths = new Map<string, readonly string[]>();
function pathKeys(path: string): readonly string[] {
  // A path computed from data can be long: split it every time rather than keep it.
  if (path.length > 256) return path.split('.');
  let keys = splitPaths.get(path);
  if (keys === undefined) {
    if (splitPaths.size >= 10_000) splitPaths.clear();
    keys = path.split('.');
    splitPaths.set(path, keys);
  }
  return keys;
}

export function ownPath(data: unknown, keys: readonly string[]): unknown {
  let node: unknown = data;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    if (!hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** `var` on own properties only: no prototype walk, so "constructor.constructor" gives null. */
export function ownVar(this: unknown, path?: unknown, fallback?: unknown): unknown {
  const notFound = fallback === undefined ? null : fallback;
  if (path === undefined || path === null || path === '') return this;
  if (typeof path !== 'string' && typeof path !== 'number') throw badVarPath(path);
  const value = ownPath(this, pathKeys(typeof path === 'number' ? String(path) : path));
  return value === undefined ? notFound : value;
}

/** A `var` path that is neither a string nor a number (json-logic-js would read String(path)). */
export function badVarPath(path: unknown): EngineError {
  return new EngineError(
    'POOL_ERR_INVALID_RULE',
    `var takes a string or number path, not ${JSON.stringify(path) ?? typeof path}`,
  );
}

/** JSON-logic truthiness: an empty array is false. */
export function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

export function isArray(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

/** json-logic-js's `apply`: a one-key object is an operation, anything else is data. */
export function isLogic(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1
  );
}

// json-logic-js's parseFloat, which reads a number back unchanged but for -0: skip the string.
export const toFloat = (value: unknown): number =>
  typeof value === 'number' ? value + 0 : parseFloat(value as string);

/** json-logic-js's operators, with its coercions; `var`, `missing*` and `+` are compiled apart. */
export const builtins = new Map<string, OperatorFn>([
  ['==', (a, b) => a == b],
  ['===', (a, b) => a === b],
  ['!=', (a, b) => a != b],
  ['!==', (a, b) => a !== b],
  ['>', (a, b) => (a as number) > (b as number)],
  ['>=', (a, b) => (a as number) >= (b as number)],
  [
    '<',
    (a, b, c) =>
      c === undefined
        ? (a as number) < (b as number)
        : (a as number) < (b as number) && (b as number) < (c as number),
  ],
  [
    '<=',
    (a, b, c) =>
      c === undefined
        ? (a as number) <= (b as number)
        : (a as number) <= (b as number) && (b as number) <= (c as number),
  ],
  ['!!', (a) => truthy(a)],
  ['!', (a) => !truthy(a)],
  ['%', (a, b) => (a as number) % (b as number)],
  ['in', (a, b) => inOp(a, b)],
  ['cat', (...args) => args.join('')],
  [
    'substr',
    (source, start, end) => {
      if ((end as number) < 0) {
        // A negative length drops characters from the end, as PHP does.
        const rest = String(source).substr(start as number);
        return rest.substr(0, rest.length + (end as number));
      }
      return String(source).substr(start as number, end as number);
    },
  ],
  ['*', (...args) => args.reduce((a, b) => toFloat(a) * toFloat(b))],
  ['-', (a, b) => (b === undefined ? -(a as number) : (a as number) - (b as number))],
  ['/', (a, b) => (a as number) / (b as number)],
  ['min', (...args) => Math.min(...(args as number[]))],
  ['max', (...args) => Math.max(...(args as number[]))],
  ['merge', (...args) => merge(args)],
]);

/** json-logic-js's merge (concat of each argument), in one pass: concat in a loop copies n^2 elements. */
function merge(args: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const arg of args) {
    if (Array.isArray(arg)) for (const item of arg) out.push(item);
    else out.push(arg);
  }
  return out;
}

export function inOp(a: unknown, b: unknown): boolean {
  if (!b || typeof (b as { indexOf?: unknown }).indexOf === 'undefined') return false;
  return (b as { indexOf(item: unknown): number }).indexOf(a) !== -1;
}

/** Operators that evaluate their own arguments: registering one of these names changes nothing. */
export const specialForms = new Set([
  'if',
  '?:',
  'and',
  'or',
  'filter',
  'map',
  'reduce',
  'all',
  'none',
  'some',
]);
