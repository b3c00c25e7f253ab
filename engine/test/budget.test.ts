// The rule budget: costly rules stop with POOL_ERR_RULE_BUDGET, in evaluate(), steps and scores alike.
import { afterEach, describe, expect, it } from 'vitest';
import {
  compile,
  DEFAULT_RULE_BUDGET,
  EngineError,
  evaluate,
  ruleBudget,
  scoreOf,
  setRuleBudget,
  start,
  step,
  validate,
  type Policy,
} from '../src/index.js';
import { catGrowth, crmWith, nestedMap, range, reduceDoubling } from './attacks.js';
import { T0, template } from './fixtures.js';

function thrown(run: () => unknown): EngineError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return e as EngineError;
  }
  throw new Error('expected an EngineError');
}

afterEach(() => {
  setRuleBudget(DEFAULT_RULE_BUDGET);
});

const followUp = { type: 'FOLLOW_UP', payload: { channel: 'call', note: 'called the buyer' } };

describe('rule budget', () => {
  it('stops a loop past maxOperations with POOL_ERR_RULE_BUDGET (422), naming the rule', () => {
    const rules = {
      heavy: { reduce: [{ var: 'list' }, { '+': [{ var: 'accumulator' }, 1] }, 0] },
    };
    expect(evaluate({ rule: 'heavy' }, { list: range(1000) }, rules)).toBe(1000);
    const error = thrown(() => evaluate({ rule: 'heavy' }, { list: range(60_000) }, rules));
    expect(error.code).toBe('POOL_ERR_RULE_BUDGET');
    expect(error.status).toBe(422);
    expect(error.message).toContain('rule "heavy"');
    expect(error.message).toContain('operations');
  });

  it('counts elements produced, characters produced and named-rule calls', () => {
    // Operations unlimited, so each of the other counters is the one that stops the rule.
    setRuleBudget({ maxOperations: 1e12, maxMillis: 10_000 });
    const doubling = reduceDoubling(30) as Policy & { score: unknown };
    expect(thrown(() => evaluate(doubling.score, {})).message).toContain('array elements');
    const cat = catGrowth(2000) as Policy & { score: unknown };
    expect(thrown(() => evaluate(cat.score, {})).message).toContain('characters');
    setRuleBudget({ maxRuleCalls: 6 });
    const rules = { one: 1, five: { '+': [1, 2, 3, 4, 5].map(() => ({ rule: 'one' })) } };
    expect(evaluate({ rule: 'five' }, {}, rules)).toBe(5);
    expect(
      thrown(() => evaluate({ '+': [{ rule: 'five' }, { rule: 'one' }] }, {}, rules)).message,
    ).toContain('named-rule calls');
  });

  it('charges data read in a loop by its size, so repeated comparisons of big arrays stop', () => {
    // One read of a 50,000-element array is fine; reading it at each of 100 steps is not.
    const data = { big: range(50_000), steps: range(100) };
    expect(evaluate({ in: [49_999, { var: 'big' }] }, data)).toBe(true);
    const rule = {
      reduce: [
        { var: 'steps' },
        { '+': [{ var: 'accumulator' }, { length: { var: 'current' } }] },
        0,
      ],
    };
    expect(evaluate(rule, data)).toBe(100 * 0);
    const scans = { some: [{ var: 'steps' }, { in: [-1, { var: '' }] }] };
    expect(evaluate(scans, data)).toBe(false);
    const repeated = {
      reduce: [
        { var: 'steps' },
        { if: [{ '==': [{ var: 'accumulator' }, 1] }, 0, { var: 'accumulator' }] },
        { var: 'big' },
      ],
    };
    expect(thrown(() => evaluate(repeated, data)).code).toBe('POOL_ERR_RULE_BUDGET');
  });

  it('is an engine setting: setRuleBudget changes it and ruleBudget reads it', () => {
    expect(ruleBudget()).toEqual(DEFAULT_RULE_BUDGET);
    const loop = { map: [{ var: 'list' }, { '+': [{ var: '' }, 1] }] };
    expect(evaluate(loop, { list: range(2000) })).toHaveLength(2000);
    expect(setRuleBudget({ maxOperations: 1000 }).maxOperations).toBe(1000);
    expect(thrown(() => evaluate(loop, { list: range(2000) })).message).toContain(
      'more than 1000 operations',
    );
    expect(() => setRuleBudget({ maxOperations: -1 })).toThrow(RangeError);
    expect(() => setRuleBudget({ maxSomething: 1 } as never)).toThrow(RangeError);
  });

  it('gives each top-level evaluation a budget of its own', () => {
    const loop = { map: [{ var: 'list' }, { '+': [{ var: '' }, 1] }] };
    // Each uses about a third of the operations: together they would be over.
    for (let i = 0; i < 10; i++) expect(evaluate(loop, { list: range(6000) })).toHaveLength(6000);
  });

  it('fails a step whose guard runs over budget with POOL_ERR_RULE_BUDGET, not XState’s Error', () => {
    const policy = template() as Policy & { rules: Record<string, unknown> };
    policy.entity.schema.properties['list'] = { type: 'array' };
    policy.rules['heavy'] = {
      reduce: [{ var: 'entity.list' }, { '+': [{ var: 'accumulator' }, 1] }, 0],
    };
    const owned = policy.machine.states['owned'];
    if (!owned?.on) throw new Error('the CRM template has an owned state');
    owned.on['FOLLOW_UP'] = [{ target: 'owned', reenter: true, guard: 'heavy' }];
    const compiled = compile(policy);
    const first = start(compiled, {
      entity: { name: 'ACME', list: range(5) },
      now: T0,
      ownerId: 'u1',
    });
    const user = { id: 'u1', attributes: {} };
    const ok = step(compiled, first.snapshot, followUp, {
      entity: first.record.entity,
      now: T0 + 1000,
      user,
    });
    expect(ok.snapshot.instance.eventCounts['FOLLOW_UP']).toBe(1);
    const error = thrown(() =>
      step(compiled, first.snapshot, followUp, {
        entity: { name: 'ACME', list: range(80_000) },
        now: T0 + 1000,
        user,
      }),
    );
    expect(error.code).toBe('POOL_ERR_RULE_BUDGET');
    expect(error.message).toContain('rule "heavy"');
  });

  it('fails a costly score fast, in a step and in scoreOf, with POOL_ERR_RULE_BUDGET', () => {
    const policy = nestedMap(3, 100);
    expect(validate(policy).valid).toBe(true);
    const compiled = compile(policy);
    const error = thrown(() =>
      start(compiled, { entity: { name: 'ACME' }, now: T0, ownerId: 'u1' }),
    );
    expect(error.code).toBe('POOL_ERR_RULE_BUDGET');
    expect(error.message).toContain('rule "score"');
    const cheap = compile(crmWith({ '+': [1, 2] }));
    const record = start(cheap, { entity: { name: 'ACME' }, now: T0, ownerId: 'u1' });
    const started = performance.now();
    expect(thrown(() => scoreOf(compiled, {}, record.snapshot.instance, T0)).code).toBe(
      'POOL_ERR_RULE_BUDGET',
    );
    // A bound, not a benchmark: a million evaluations would take seconds.
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('delays that are not finite non-negative numbers', () => {
  const policy = template();
  policy.entity.schema.properties['wait'] = { type: ['string', 'number', 'null'] };
  (policy.delays as Record<string, unknown>)['release'] = { days: { var: 'entity.wait' } };
  const compiled = compile(policy);

  // A missing field, a blank text or a boolean is no number of days (Number() would read 0 or 1 and
  // arm a timer due at once); a number as text (a CSV cell) is one.
  it.each([['abc'], [-1], [null], [''], ['  '], [true], [false]])(
    'POOL_ERR_INVALID_DELAY naming the delay for %j',
    (wait) => {
      const error = thrown(() =>
        start(compiled, { entity: { name: 'ACME', wait }, now: T0, ownerId: 'u1' }),
      );
      expect(error.code).toBe('POOL_ERR_INVALID_DELAY');
      expect(error.status).toBe(422);
      expect(error.message).toContain('delay "release" days');
      expect(error.details).toMatchObject({ delay: 'release', field: 'days', value: wait });
    },
  );

  it('a field left out is no number either; a number as text is one', () => {
    const missing = thrown(() =>
      start(compiled, { entity: { name: 'ACME' }, now: T0, ownerId: 'u1' }),
    );
    expect(missing.details).toMatchObject({ delay: 'release', field: 'days', value: null });
    const text = start(compiled, { entity: { name: 'ACME', wait: ' 7 ' }, now: T0, ownerId: 'u1' });
    expect(text.snapshot.timers['xstate.after.release.crm.owned']?.dueAt).toBe(T0 + 7 * 86_400_000);
  });

  it('an until time that is not set is refused, not due at once', () => {
    // The CRM's nurtureUntil is null until a NURTURE event sets it.
    const until = template();
    (until.delays as Record<string, unknown>)['release'] = {
      until: { var: 'instance.nurtureUntil' },
    };
    const error = thrown(() =>
      start(compile(until), { entity: { name: 'ACME' }, now: T0, ownerId: 'u1' }),
    );
    expect(error.details).toMatchObject({ delay: 'release', field: 'until', value: null });
  });

  it('also when a step re-enters the state', () => {
    const first = start(compiled, { entity: { name: 'ACME', wait: 3 }, now: T0, ownerId: 'u1' });
    expect(first.snapshot.timers['xstate.after.release.crm.owned']?.dueAt).toBe(
      T0 + 3 * 86_400_000,
    );
    const error = thrown(() =>
      step(compiled, first.snapshot, followUp, {
        entity: { name: 'ACME', wait: 'soon' },
        now: T0 + 1000,
        user: { id: 'u1', attributes: {} },
      }),
    );
    expect(error.code).toBe('POOL_ERR_INVALID_DELAY');
  });
});

describe('var paths', () => {
  it.each([[true], [{}], [[1, 2]], [false]])(
    '{"var": %j} is refused, never a TypeError',
    (path) => {
      const rule = { var: [path] };
      const error = thrown(() => evaluate(rule, { entity: {} }));
      expect(error.code).toBe('POOL_ERR_INVALID_RULE');
      const policy = crmWith({ '+': [1, rule] });
      const result = validate(policy);
      expect(result.valid).toBe(false);
      // An empty object is not a rule at all: the schema refuses it first.
      const code = typeof path === 'object' && !Array.isArray(path) ? 'schema' : 'invalid-var';
      expect(result.problems).toContainEqual(expect.objectContaining({ code }));
      expect(() => compile(policy)).toThrow(EngineError);
    },
  );
});
