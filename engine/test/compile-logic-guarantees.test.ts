// Compiled JSON-logic keeps its guarantees: the allow-list, safe paths, the frame, registrations.
import jsonLogic from 'json-logic-js';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineError } from '../src/engine.error.js';
import { compileLogic, type OperatorFn } from '../src/logic/compile-logic.js';
import { defineOperator, evaluate, removeOperator, truthy } from '../src/logic/json-logic.js';
import { outcome, shared } from './compile-logic-helpers.js';
import { DAY } from './fixtures.js';

// The operators two tests register are the process's: gone when this file ends (vitest.config.ts).
afterAll(() => {
  removeOperator('testLater');
  removeOperator('testTwice');
});

describe('compiled JSON-logic keeps its guarantees', () => {
  it.each(['constructor.constructor', '__proto__', 'toString', 'entity.__proto__', 'nums.push'])(
    'var "%s" gives null',
    (path) => {
      expect(evaluate({ var: path }, { entity: {}, nums: [] })).toBeNull();
      expect(evaluate({ var: [path] }, { entity: {}, nums: [] })).toBeNull();
      expect(evaluate({ missing: [path] }, { entity: {}, nums: [] })).toEqual([path]);
    },
  );

  it.each([
    [{ method: [{ var: 'entity.name' }, 'toUpperCase'] }, 'method'],
    [{ log: 1 }, 'log'],
    [{ unknownOp: [1] }, 'unknownOp'],
    [{ map: [[1], { 'var.constructor': [] }] }, 'var.constructor'],
    [{ if: [false, { eval: '1' }, 0] }, 'eval'],
    [[1, { log: 'x' }], 'log'],
  ])('refuses an operator outside the allow-list: %j', (logic, op) => {
    const result = outcome(() => evaluate(logic, {}));
    expect('error' in result && result.error).toBeInstanceOf(EngineError);
    const error = (result as { error: EngineError }).error;
    expect(error.code).toBe('POOL_ERR_INVALID_RULE');
    expect(error.message).toContain(op);
  });

  it('refuses an operator the data smuggles in as a key of missing', () => {
    const result = outcome(() => evaluate({ missing: { var: 'keys' } }, { keys: [{ log: 'x' }] }));
    expect('error' in result && result.error).toBeInstanceOf(EngineError);
  });

  it('returns object literals as they are and arrays anew at every call', () => {
    const literal = { a: 1, b: { var: 'x' } };
    expect(evaluate(literal, {})).toBe(literal);
    const rule = ['a', 'b'];
    const first = evaluate(rule, {}) as string[];
    first.push('c');
    expect(evaluate(rule, {})).toEqual(['a', 'b']);
    expect(evaluate({ in: ['c', ['a', 'b']] }, {})).toBe(false);
  });

  it('keeps the frame for named rules and now, and restores it', () => {
    const rules = { old: { '>': [{ daysSince: [{ var: 'createdAt' }] }, 30] } };
    expect(evaluate({ rule: 'old' }, { createdAt: 0, now: 31 * DAY }, rules)).toBe(true);
    expect(evaluate({ rule: 'old' }, { createdAt: 0, now: 29 * DAY }, rules)).toBe(false);
    expect(() => evaluate({ rule: 'old' }, {})).toThrow(/unknown rule "old"/);
    expect(() => evaluate({ rule: 'self' }, {}, { self: { rule: 'self' } })).toThrow(/recurses/);
    expect(shared.frame).toBeUndefined();
  });

  it('calls an operator registered after a rule that uses it was first refused', () => {
    const rule = { testLater: [{ var: 'n' }, 2] };
    expect(() => evaluate(rule, { n: 1 })).toThrow(EngineError);
    defineOperator('testLater', function (this: unknown, a, b) {
      return [a, b, (this as { n: number }).n];
    });
    expect(evaluate(rule, { n: 1 })).toEqual([1, 2, 1]);
    expect(evaluate({ map: [[5], rule] }, { n: 1 })).toEqual([[null, 2, undefined]]);
  });

  it('calls the newest registration of an operator in rules compiled before it', () => {
    const rule = { testTwice: 3 };
    defineOperator('testTwice', (n) => Number(n) * 2);
    expect(evaluate(rule, {})).toBe(6);
    defineOperator('testTwice', (n) => Number(n) * 3);
    expect(evaluate(rule, {})).toBe(9);
  });

  it('refuses rules using an operator taken away again, and keeps core operators', () => {
    defineOperator('testGone', (n) => Number(n) + 1);
    expect(evaluate({ testGone: 1 }, {})).toBe(2);
    expect(removeOperator('testGone')).toBe(true);
    expect(() => evaluate({ testGone: 1 }, {})).toThrow(EngineError);
    expect(removeOperator('testGone')).toBe(false);
    expect(removeOperator('max')).toBe(false);
    expect(evaluate({ max: [1, 3] }, {})).toBe(3);
  });

  it('lets a registration replace a core operator but not a special form', () => {
    const max: OperatorFn = () => 'custom max';
    const scope = {
      allowed: new Set(['max', 'if', 'var']),
      operators: new Map<string, OperatorFn>([
        ['max', max],
        ['if', () => 'custom if'],
      ]),
    };
    expect(compileLogic({ max: [1, 2] }, scope)({})).toBe('custom max');
    expect(compileLogic({ if: [true, 1, 2] }, scope)({})).toBe(1);
  });

  it('truthy follows JSON-logic', () => {
    for (const value of [[], [0], '', '0', 0, 1, null, undefined, {}, 'a', Number.NaN]) {
      expect(truthy(value)).toBe(jsonLogic.truthy(value));
    }
  });
});
