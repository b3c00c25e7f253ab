// JSON-logic's special forms compiled into closures: `and`, `or` and `if` evaluate lazily, and the loops
// (map, filter, reduce, all, some, none) charge the rule budget for each element before they run it.
import { chargeElements, chargeOps, nodeCount } from './budget.js';
import { constant, type Evaluator, type OperatorScope } from './compile-logic.js';
import { isArray, truthy } from './operators.js';

/** Charges a loop for its body, run once per element, before it runs. */
function chargeLoop(items: readonly unknown[], bodySize: number): void {
  chargeOps(items.length * bodySize);
}

/** Compiles `and`, `or`, `if` and the loops; `compile` compiles their arguments (compileLogic). */
export function compileSpecialForm(
  op: string,
  args: readonly unknown[],
  scope: OperatorScope,
  compile: (logic: unknown, scope: OperatorScope) => Evaluator,
): Evaluator {
  const arg = (i: number): Evaluator => compile(args[i], scope);
  switch (op) {
    case 'and':
    case 'or':
      return compileAndOr(
        op === 'and',
        args.map((_, i) => arg(i)),
      );
    case 'filter': {
      const list = arg(0);
      const keep = arg(1);
      const size = nodeCount(args[1]);
      return (data) => {
        const items = list(data);
        if (!isArray(items)) return [];
        chargeLoop(items, size);
        const out = items.filter((item) => truthy(keep(item)));
        chargeElements(out.length);
        return out;
      };
    }
    case 'map': {
      const list = arg(0);
      const each = arg(1);
      const size = nodeCount(args[1]);
      return (data) => {
        const items = list(data);
        if (!isArray(items)) return [];
        chargeLoop(items, size);
        chargeElements(items.length);
        return items.map((item) => each(item));
      };
    }
    case 'reduce': {
      const list = arg(0);
      const step = arg(1);
      const size = nodeCount(args[1]);
      const initial = args[2] === undefined ? () => null : arg(2);
      return (data) => {
        const items = list(data);
        const start = initial(data);
        if (!isArray(items)) return start;
        chargeLoop(items, size);
        return items.reduce((accumulator, current) => step({ current, accumulator }), start);
      };
    }
    case 'all':
    case 'some':
    case 'none': {
      const list = arg(0);
      const test = arg(1);
      const size = nodeCount(args[1]);
      if (op === 'all') {
        // All of an empty list is false.
        return (data) => {
          const items = list(data);
          if (!isArray(items) || items.length === 0) return false;
          chargeLoop(items, size);
          for (const item of items) if (!truthy(test(item))) return false;
          return true;
        };
      }
      const some = op === 'some';
      return (data) => {
        const items = list(data);
        if (!isArray(items)) return !some;
        chargeLoop(items, size);
        for (const item of items) if (truthy(test(item))) return some;
        return !some;
      };
    }
    default:
      return compileIf(
        args,
        args.map((_, i) => arg(i)),
      );
  }
}

/** `if`: condition/value pairs, then an optional else; with no branch taken and no else, null. */
function compileIf(args: readonly unknown[], fns: readonly Evaluator[]): Evaluator {
  if (fns.length === 3) {
    const [test, then, otherwise] = fns as [Evaluator, Evaluator, Evaluator];
    const [, thenValue, otherwiseValue] = args;
    // A score's `if` mostly picks between two numbers: no call for either.
    if (constant(thenValue) && constant(otherwiseValue)) {
      return (data) => (truthy(test(data)) ? thenValue : otherwiseValue);
    }
    return (data) => (truthy(test(data)) ? then(data) : otherwise(data));
  }
  return (data) => {
    let i = 0;
    for (; i < fns.length - 1; i += 2) {
      if (truthy((fns[i] as Evaluator)(data))) return (fns[i + 1] as Evaluator)(data);
    }
    return i === fns.length - 1 ? (fns[i] as Evaluator)(data) : null;
  };
}

/** `and` returns the first falsy value or the last, `or` the first truthy or the last. */
function compileAndOr(isAnd: boolean, fns: readonly Evaluator[]): Evaluator {
  if (fns.length === 2) {
    const [a, b] = fns as [Evaluator, Evaluator];
    return isAnd
      ? (data) => {
          const first = a(data);
          return truthy(first) ? b(data) : first;
        }
      : (data) => {
          const first = a(data);
          return truthy(first) ? first : b(data);
        };
  }
  return (data) => {
    let current: unknown;
    for (const fn of fns) {
      current = fn(data);
      if (truthy(current) !== isAnd) return current;
    }
    return current;
  };
}
