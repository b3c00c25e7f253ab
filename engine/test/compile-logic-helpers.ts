// Harness of the compile-logic tests: json-logic-js as reference, data shapes, template rules.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import jsonLogic from 'json-logic-js';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { EngineError } from '../src/engine.error.js';
import { evaluate, isAllowedOperator, type LogicData } from '../src/logic/json-logic.js';
import { DAY, template } from './fixtures.js';

export const NOW = Date.parse('2026-03-01T09:00:00Z');
const templatesDir = join(import.meta.dirname, '..', '..', 'templates');

// The reference runs with the frame evaluate() sets, so `rule` and `daysSince` see the same data.
export const shared = Reflect.get(globalThis, Symbol.for('poolflow.json-logic')) as {
  frame: unknown;
};

function reference(logic: unknown, data: LogicData, rules: Record<string, unknown>): unknown {
  const outer = shared.frame;
  shared.frame = { data, rules, depth: 0 };
  try {
    return jsonLogic.apply(logic as jsonLogic.RulesLogic, data);
  } finally {
    shared.frame = outer;
  }
}

export type Outcome = { value: unknown } | { error: unknown };
export function outcome(run: () => unknown): Outcome {
  try {
    return { value: run() };
  } catch (error) {
    return { error };
  }
}

/** Compiled and interpreted agree: same value, or both throw the same error. */
export function expectSame(
  logic: unknown,
  data: LogicData,
  rules: Record<string, unknown>,
  dataName: string,
): boolean {
  const want = outcome(() => reference(logic, data, rules));
  const got = outcome(() => evaluate(logic, data, rules));
  const where = `${JSON.stringify(logic)} on ${dataName}`;
  if ('error' in got && String((got.error as Error).message).startsWith('var takes a string')) {
    // `var` takes only string or number paths: compiling refuses the rule even where json-logic-js
    // would not reach the bad path, or would read String(path).
    expect(got.error, where).toBeInstanceOf(EngineError);
    return false;
  }
  if ('error' in want) {
    expect('error' in got, `${where} should throw`).toBe(true);
    const wanted = (want.error as Error).message;
    const error = (got as { error: Error }).error;
    if (wanted.startsWith('Unrecognized operation')) {
      // Logic read from the data meets the allow-list where json-logic-js would look the name up.
      expect(error, where).toBeInstanceOf(EngineError);
    } else {
      expect(error.message, where).toBe(wanted);
    }
    return false;
  }
  expect('value' in got ? got.value : got.error, where).toStrictEqual(want.value);
  return true;
}

export const data: LogicData[] = [
  {
    entity: {
      name: 'ACME',
      industry: 'software',
      level: 'A',
      urgency: 3,
      source: 'referral',
      education: 'master',
      yearsOfExperience: 12,
      rating: '4.5',
      priority: 'urgent',
      severity: 'major',
    },
    instance: {
      ownerId: 'rep1',
      previousOwnerIds: ['rep2'],
      previousOwners: [{ userId: 'rep2', releasedAt: NOW - 20 * DAY }],
      poolEntries: 3,
      claims: 4,
      claimedBy: ['rep1', 'rep2'],
      tags: ['hard', 'vip', 'reengage'],
      createdAt: NOW - 40 * DAY,
      lastActivityAt: NOW - 2 * DAY,
      enteredStateAt: NOW - 2 * DAY,
      nurtureUntil: NOW + 30 * DAY,
      lastRelease: { at: NOW - 20 * DAY, reason: 'timeout' },
      eventCounts: { FOLLOW_UP: 7, CLAIM: 4 },
      escalations: 2,
      firstResponseAt: NOW - DAY,
      responded: true,
      reengage: true,
    },
    event: { type: 'NURTURE', payload: { months: 3, reengage: true, note: 'later' } },
    user: { id: 'rep1', attributes: { seniority: 'senior', team: 'north' } },
    now: NOW,
  },
  {
    entity: { name: 'Bolt', industry: 'trade', level: 'C', priority: 'low', source: 'campus' },
    instance: {
      ownerId: null,
      previousOwnerIds: [],
      previousOwners: [],
      poolEntries: 0,
      claims: 0,
      claimedBy: [],
      tags: [],
      createdAt: NOW - 3 * 3_600_000,
      lastActivityAt: NOW,
      enteredStateAt: NOW,
      nurtureUntil: null,
      lastRelease: null,
      eventCounts: {},
    },
    event: { type: 'CLAIM' },
    user: { id: 'rep9', attributes: { seniority: 'junior', team: 'south' } },
    now: NOW,
  },
  {
    // Odd values: strings for numbers, nulls, a missing user.
    entity: { name: '', industry: null, level: 'A', urgency: '2', rating: null, severity: 'minor' },
    instance: { tags: ['vip'], claims: '4', poolEntries: null, eventCounts: { FOLLOW_UP: '2' } },
    event: null,
    user: null,
    now: NOW,
  },
  {},
];

/** Every one-key object whose key is an allowed operator, at any depth: all the rules of a policy. */
export function collectRules(node: unknown, into: unknown[]): unknown[] {
  if (Array.isArray(node)) {
    for (const item of node) collectRules(item, into);
  } else if (node !== null && typeof node === 'object') {
    const [op, ...others] = Object.keys(node);
    if (op !== undefined && others.length === 0 && isAllowedOperator(op)) into.push(node);
    for (const value of Object.values(node)) collectRules(value, into);
  }
  return into;
}

export const templates = readdirSync(templatesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => {
    const policy = template(entry.name) as { rules?: Record<string, unknown> };
    return { name: entry.name, rules: policy.rules ?? {}, logic: collectRules(policy, []) };
  });

export const NAMED_RULES: Record<string, unknown> = {
  isBig: { '>': [{ var: 'entity.urgency' }, 2] },
  loop: { rule: 'loop' },
  constant: 42,
  list: ['a', { var: 'entity.name' }],
};

const listData: LogicData = {
  nums: [3, 1, 4, 1, 5],
  strs: ['a', 'b', ''],
  items: [
    { qty: 2, price: 5 },
    { qty: 0, price: 3 },
  ],
  groups: [
    { name: 'g1', members: [1, 2] },
    { name: 'g2', members: [] },
  ],
  pairs: [
    [10, 20],
    [30, 40],
  ],
  zero: 0,
  one: 1,
  strOne: '1',
  strZero: '0',
  emptyStr: '',
  nil: null,
  emptyArr: [],
  t: true,
  f: false,
  list: ['x', 'y'],
  keys: ['nums', 'nope', 'emptyStr'],
};

export const handData: LogicData[] = [
  { ...data[0], ...listData },
  { ...data[1], ...listData, nums: [], strs: [], items: [], zero: '0', one: '1' },
  {},
];

/** Stops the wall clock for the file's tests. */
export function freezeClock(): void {
  // Data without `now` (handData's `{}`) reads the wall clock in `daysSince`: the reference and the
  // compiled rule ran a millisecond apart now and then and differed. The clock stands still here.
  beforeAll(() => vi.useFakeTimers({ toFake: ['Date'], now: NOW }));
  afterAll(() => vi.useRealTimers());
}
